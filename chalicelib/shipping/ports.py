"""What delivery rates need from storage: the merchant's overrides, per store."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Protocol


class RatesStore(Protocol):
    def overrides(self, store_id: str) -> Dict[int, Dict[str, Any]]:
        """{wilaya: {home?, stop_desk?, enabled?}} the merchant changed; {} if none."""

    def save_overrides(self, store_id: str, changes: Mapping[int, Mapping[str, Any]]) -> None:
        """Merge `changes` into the stored overrides (per wilaya, per member)."""
