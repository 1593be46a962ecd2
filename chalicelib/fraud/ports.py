"""What the anti-fraud use cases need from storage."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Protocol, Tuple

from chalicelib.fraud.model import Block, CheckoutLimits, Counter


@dataclass(frozen=True)
class Screening:
    """What one checkout reads before anything is written: one read where storage allows."""
    blocked: bool
    limits: CheckoutLimits


class FraudStore(Protocol):
    def add_block(self, block: Block) -> Block:
        """Save the entry unless the phone is blocked already; returns the entry kept
        (the existing one when the phone was there first)."""

    def blocks(self, store_id: str, limit: int,
               after: Optional[str] = None) -> Tuple[List[Block], Optional[str]]:
        """A page of the store's entries in phone order, after the phone `after`; the
        phone to continue after, or None at the end."""

    def block(self, store_id: str, phone: str) -> Optional[Block]: ...

    def remove_block(self, store_id: str, phone: str) -> bool:
        """False when the store had no such entry."""

    def screening(self, store_id: str, phone: str) -> Screening:
        """Whether the phone is blocked and the store's checkout limits."""

    def count(self, counter: Counter) -> bool:
        """Advance the counter by one unless it reached its limit; False when it had."""
