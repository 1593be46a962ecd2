"""Ports of the courier service: where accounts live and how credentials are sealed."""
from __future__ import annotations

from typing import Dict, List, Optional, Protocol

from chalicelib.couriers.model import CourierAccountRecord


class CredentialsUnreadable(Exception):
    """Stored credentials can no longer be decrypted (e.g. the key was replaced)."""


class CredentialCipher(Protocol):
    def seal(self, credentials: Dict[str, str], context: Dict[str, str]) -> str: ...

    def open(self, ciphertext: str, context: Dict[str, str]) -> Dict[str, str]:
        """Raises CredentialsUnreadable."""


class CourierAccountStore(Protocol):
    def save(self, record: CourierAccountRecord) -> None:
        """Create or replace the account; its callback token is indexed with it."""

    def get(self, store_id: str, code: str) -> Optional[CourierAccountRecord]: ...

    def list(self, store_id: str) -> List[CourierAccountRecord]: ...

    def delete(self, store_id: str, code: str) -> bool: ...

    def by_callback_token(self, token: str) -> Optional[CourierAccountRecord]: ...

    def record_check(self, store_id: str, code: str, outcome: Dict[str, object]) -> None: ...

    def unmapped(self, store_id: str) -> List[Dict[str, object]]: ...

    def note_unmapped(self, store_id: str, code: str, raw_status: str, tracking: str,
                      at: str) -> None: ...
