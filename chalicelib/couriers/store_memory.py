"""In-memory courier accounts and a stand-in cipher, for service tests."""
from __future__ import annotations

import base64
import json
import threading
from dataclasses import replace
from typing import Dict, List, Optional, Tuple

from chalicelib.couriers.model import CourierAccountRecord
from chalicelib.couriers.ports import CredentialsUnreadable


class MemoryCourierAccountStore:
    def __init__(self) -> None:
        self._accounts: Dict[Tuple[str, str], CourierAccountRecord] = {}
        self._unmapped: Dict[Tuple[str, str, str], Dict[str, object]] = {}
        self._lock = threading.Lock()

    def save(self, record: CourierAccountRecord) -> None:
        with self._lock:
            self._accounts[(record.store_id, record.code)] = record

    def get(self, store_id: str, code: str) -> Optional[CourierAccountRecord]:
        return self._accounts.get((store_id, code))

    def list(self, store_id: str) -> List[CourierAccountRecord]:
        return sorted((r for (s, _), r in self._accounts.items() if s == store_id),
                      key=lambda r: r.code)

    def delete(self, store_id: str, code: str) -> bool:
        with self._lock:
            return self._accounts.pop((store_id, code), None) is not None

    def by_callback_token(self, token: str) -> Optional[CourierAccountRecord]:
        return next((r for r in self._accounts.values() if r.callback_token == token), None)

    def record_check(self, store_id: str, code: str, outcome: Dict[str, object]) -> None:
        with self._lock:
            record = self._accounts.get((store_id, code))
            if record is not None:
                self._accounts[(store_id, code)] = replace(record, last_check=dict(outcome))

    def unmapped(self, store_id: str) -> List[Dict[str, object]]:
        return sorted((dict(v) for (s, _, _), v in self._unmapped.items() if s == store_id),
                      key=lambda v: str(v["last_seen_at"]), reverse=True)

    def note_unmapped(self, store_id: str, code: str, raw_status: str, tracking: str,
                      at: str) -> None:
        with self._lock:
            seen = self._unmapped.setdefault((store_id, code, raw_status), {
                "courier": code, "raw_status": raw_status, "count": 0, "first_seen_at": at})
            seen.update(count=int(seen["count"]) + 1, last_seen_at=at, example_tracking=tracking)


class MemoryCipher:
    """Reversible and bound to its context like KMS's, but with no secret: tests only."""

    def seal(self, credentials: Dict[str, str], context: Dict[str, str]) -> str:
        return base64.b64encode(json.dumps({"c": credentials, "x": context}).encode()).decode()

    def open(self, ciphertext: str, context: Dict[str, str]) -> Dict[str, str]:
        try:
            sealed = json.loads(base64.b64decode(ciphertext))
        except ValueError as error:
            raise CredentialsUnreadable() from error
        if sealed.get("x") != context:
            raise CredentialsUnreadable()
        return dict(sealed["c"])


class MemoryStopDesks:
    def __init__(self) -> None:
        self._desks: Dict[Tuple[str, str], List[Dict[str, object]]] = {}

    def save(self, store_id: str, code: str, desks: List[Dict[str, object]], at: str) -> None:
        self._desks[(store_id, code)] = [dict(d) for d in desks]

    def for_store(self, store_id: str) -> Dict[str, List[Dict[str, object]]]:
        return {code: list(desks) for (s, code), desks in self._desks.items() if s == store_id}

    def delete(self, store_id: str, code: str) -> None:
        self._desks.pop((store_id, code), None)
