"""What the anti-fraud use cases need from storage."""
from __future__ import annotations

from typing import List, Optional, Protocol, Tuple

from chalicelib.fraud.model import Block, CheckoutLimits, Counter


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

    def block_key(self, store_id: str, phone: str) -> Tuple[str, str]:
        """The (pk, sk) of the phone's entry: the checkout's own transaction checks
        that no item has it, so a blocked phone costs the checkout no extra read."""

    def holds(self, key: Tuple[str, str]) -> bool:
        """Whether an entry has this key (what the in-memory order store asks)."""

    def checkout_limits(self, store_id: str) -> CheckoutLimits:
        """The store's checkout limits as its settings say (one small read)."""

    def count(self, counter: Counter) -> bool:
        """Advance the counter by one unless it reached its limit; False when it had."""
