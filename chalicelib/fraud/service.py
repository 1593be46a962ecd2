"""Anti-fraud use cases: the blacklist, and the checkout screen that orders call."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from chalicelib.clock import Clock, iso
from chalicelib.errors import NotFound, PhoneBlocked, RateLimited
from chalicelib.fraud import model
from chalicelib.fraud.model import Block
from chalicelib.fraud.ports import FraudStore
from chalicelib.pagination import decode_cursor, encode_cursor, parse_limit

# (store id, phone, created_from ISO or None) -> that phone's orders in the store.
# (store id, phone, created since or None, most=N) -> that phone's orders, newest first.
PhoneHistory = Callable[..., Iterable[Any]]


@dataclass(frozen=True)
class CheckoutVerdict:
    """What the checkout writes on the order."""
    flags: Tuple[str, ...] = ()
    duplicate_of: Optional[str] = None


class FraudService:
    def __init__(self, store: FraudStore, history: PhoneHistory, clock: Clock) -> None:
        self._store, self._history, self._clock = store, history, clock

    # --- the blacklist -------------------------------------------------------------
    def add_block(self, store_id: str, body: Mapping[str, Any],
                  actor_id: Optional[str]) -> Tuple[Block, bool]:
        """(entry, created): a phone already blocked answers its existing entry."""
        phone, reason = model.parse_block(body)
        block = Block(store_id=store_id, phone=phone, reason=reason, created_at=self._clock(),
                      created_by=actor_id)
        kept = self._store.add_block(block)
        return kept, kept == block

    def blocks(self, store_id: str, params: Mapping[str, str]) -> Tuple[List[Block], Optional[str]]:
        limit = parse_limit(params)
        page, after = self._store.blocks(store_id, limit, decode_cursor(params, "+213"))
        return page, encode_cursor(after)

    def remove_block(self, store_id: str, block_id: str) -> None:
        phone = model.phone_of_block_id(block_id)
        if phone is None or not self._store.remove_block(store_id, phone):
            raise NotFound("No such blacklist entry.")

    # --- checkout ------------------------------------------------------------------------
    def screen_checkout(self, store_id: str, phone: str, source_ip: Optional[str],
                        lines: Iterable[Any]) -> CheckoutVerdict:
        """Refuse a blocked phone (PhoneBlocked) or a checkout over the store's hourly
        limits (RateLimited); else say whether it repeats an order of the last 24 h."""
        now = self._clock()
        screening = self._store.screening(store_id, phone)
        if screening.blocked:
            raise PhoneBlocked(model.BLOCKED_MESSAGE)
        for counter in model.limit_plan(store_id, screening.limits, phone, source_ip, now):
            if not self._store.count(counter):
                raise RateLimited(model.retry_after(now),
                                  "Too many orders in a short time; please try again later.")
        since = (now - model.DUPLICATE_WINDOW).isoformat()
        # The phone's newest orders only: a checkout's cost must not grow with a phone
        # that orders all day (a duplicate is almost always among the latest).
        recent = self._history(store_id, phone, since, most=model.DUPLICATE_LOOKBACK)
        earlier = model.duplicate_of(model.variant_set(lines), recent, now)
        if earlier is None:
            return CheckoutVerdict()
        return CheckoutVerdict((model.POSSIBLE_DUPLICATE,), earlier)

    # --- reading -------------------------------------------------------------------------
    def risk(self, order: Any) -> Dict[str, int]:
        """The phone's earlier orders in this store, by outcome: one Query on the phone index."""
        return model.risk_summary(order, self._history(order.store_id, order.customer_phone,
                                                       None)).as_dict()


def serialize_block(block: Block) -> Dict[str, Any]:
    return {"id": block.id, "phone": block.phone, "reason": block.reason,
            "created_at": iso(block.created_at), "created_by": block.created_by}
