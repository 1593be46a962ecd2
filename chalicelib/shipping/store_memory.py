"""In-memory RatesStore (the fake), checked by tests/contracts/test_rates_store.py."""
from __future__ import annotations

import copy
import threading
from typing import Any, Dict, Mapping


class MemoryRatesStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._overrides: Dict[str, Dict[int, Dict[str, Any]]] = {}

    def overrides(self, store_id: str) -> Dict[int, Dict[str, Any]]:
        return copy.deepcopy(self._overrides.get(store_id, {}))

    def save_overrides(self, store_id: str, changes: Mapping[int, Mapping[str, Any]]) -> None:
        with self._lock:
            stored = self._overrides.setdefault(store_id, {})
            for wilaya, change in changes.items():
                stored.setdefault(int(wilaya), {}).update(change)
