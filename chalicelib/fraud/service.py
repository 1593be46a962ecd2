"""Anti-fraud use cases: the blacklist, and the checkout screen that orders call."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from chalicelib.clock import Clock, iso
from chalicelib.errors import NotFound, RateLimited
from chalicelib.fraud import model
from chalicelib.fraud.model import Block
from chalicelib.fraud.ports import FraudStore
from chalicelib.pagination import decode_cursor, encode_cursor, parse_limit

# (store id, phone, created since or None, most=N) -> that phone's orders, newest first.
PhoneHistory = Callable[..., Iterable[Any]]

# How long a container trusts the store's `checkout_limits` it read: a newly set (or
# lifted) limit applies to every checkout within a minute, and a checkout does not pay
# a read of the store's settings every time.
LIMITS_TTL = timedelta(seconds=60)
LIMITS_CACHE_SIZE = 4096


@dataclass(frozen=True)
class CheckoutVerdict:
    """What the checkout writes on the order, and the key its transaction must find
    absent (the phone's blacklist entry): a blocked phone is refused by the order's own
    TransactWriteItems (PhoneBlocked), nothing written, no read beforehand."""
    flags: Tuple[str, ...] = ()
    duplicate_of: Optional[str] = None
    blocked_phone_key: Optional[Tuple[str, str]] = None


class FraudService:
    def __init__(self, store: FraudStore, history: PhoneHistory, clock: Clock,
                 recent: Optional[PhoneHistory] = None,
                 limits_ttl: timedelta = LIMITS_TTL) -> None:
        self._store, self._history, self._clock = store, history, clock
        # (store id, phone, created since, most=N) -> the duplicate check's few facts
        # about that phone's newest orders (ids, times, lines); the full history if absent.
        self._recent = recent or history
        # store id -> (when read, limits), per container; see LIMITS_TTL.
        self._limits: Dict[str, Tuple[Any, model.CheckoutLimits]] = {}
        self._limits_ttl = limits_ttl
        self._limits_lock = threading.Lock()

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
        """Refuse a checkout over the store's hourly limits (RateLimited); else say
        whether it repeats an order of the last 24 h, and which key the checkout's
        transaction must find absent for the phone not to be blocked."""
        now = self._clock()
        for counter in model.limit_plan(store_id, self._checkout_limits(store_id, now), phone,
                                        source_ip, now):
            if not self._store.count(counter):
                raise RateLimited(model.retry_after(now),
                                  "Too many orders in a short time; please try again later.")
        since = (now - model.DUPLICATE_WINDOW).isoformat()
        # The phone's newest orders only: a checkout's cost must not grow with a phone
        # that orders all day (a duplicate is almost always among the latest).
        recent = self._recent(store_id, phone, since, most=model.DUPLICATE_LOOKBACK)
        earlier = model.duplicate_of(model.variant_set(lines), recent, now)
        blocked_key = self._store.block_key(store_id, phone)
        if earlier is None:
            return CheckoutVerdict(blocked_phone_key=blocked_key)
        return CheckoutVerdict((model.POSSIBLE_DUPLICATE,), earlier, blocked_key)

    def _checkout_limits(self, store_id: str, now: Any) -> model.CheckoutLimits:
        with self._limits_lock:
            known = self._limits.get(store_id)
        if known is not None and now - known[0] < self._limits_ttl:
            return known[1]
        limits = self._store.checkout_limits(store_id)
        with self._limits_lock:
            if len(self._limits) >= LIMITS_CACHE_SIZE:
                self._limits.clear()
            self._limits[store_id] = (now, limits)
        return limits

    # --- reading -------------------------------------------------------------------------
    def risk(self, order: Any) -> Dict[str, int]:
        """The phone's earlier orders in this store, by outcome: one Query on the phone index."""
        return model.risk_summary(order, self._history(order.store_id, order.customer_phone,
                                                       None)).as_dict()


def serialize_block(block: Block) -> Dict[str, Any]:
    return {"id": block.id, "phone": block.phone, "reason": block.reason,
            "created_at": iso(block.created_at), "created_by": block.created_by}
