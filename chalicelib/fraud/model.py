"""Anti-fraud at checkout, decided as data. Plain Python, no I/O.

- A blocked phone (`Block`) is refused before anything is written.
- `checkout_limits` cap checkouts per phone and per client IP in fixed hourly
  buckets; `limit_plan` names the counters one checkout must advance.
- `duplicate_of` finds an earlier order of the last 24 h with the same phone and
  the same variants; `risk_summary` counts a phone's earlier orders by outcome.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from chalicelib.errors import ValidationFailed
from chalicelib.phones import normalize_phone

DUPLICATE_WINDOW = timedelta(hours=24)
# How many of the phone's latest orders a checkout compares itself with.
DUPLICATE_LOOKBACK = 20
POSSIBLE_DUPLICATE = "possible_duplicate"
BUCKET = timedelta(hours=1)
# Counters outlive their hour a little, so a late reader never sees one vanish early.
COUNTER_TTL = timedelta(hours=2)
MAX_REASON = 500
BLOCK_ID_PREFIX = "bl_"
# Said to the customer: no word of a blacklist.
BLOCKED_MESSAGE = ("We could not take this order online. "
                   "Please contact the store to order.")


@dataclass(frozen=True)
class Block:
    store_id: str
    phone: str                 # +213XXXXXXXXX
    reason: Optional[str]
    created_at: datetime
    created_by: Optional[str] = None

    @property
    def id(self) -> str:
        return block_id(self.phone)


def block_id(phone: str) -> str:
    """The entry's id is its phone's digits: DELETE finds the item by key, no index."""
    return BLOCK_ID_PREFIX + phone.lstrip("+")


def phone_of_block_id(value: str) -> Optional[str]:
    if not isinstance(value, str) or not value.startswith(BLOCK_ID_PREFIX):
        return None
    return normalize_phone("+" + value[len(BLOCK_ID_PREFIX):])


def parse_block(body: Mapping[str, Any]) -> Tuple[str, Optional[str]]:
    errors: Dict[str, str] = {}
    for key in body:
        if key not in ("phone", "reason"):
            errors[key] = "is not a member of a blacklist entry; give phone and reason"
    raw = body.get("phone")
    phone = normalize_phone(raw) if isinstance(raw, str) else None
    if phone is None:
        errors["phone"] = "is not an Algerian phone number"
    reason = body.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON):
        errors["reason"] = f"must be text of at most {MAX_REASON} characters"
    if errors:
        raise ValidationFailed(fields=errors)
    return phone, (reason.strip() or None) if isinstance(reason, str) else None


@dataclass(frozen=True)
class CheckoutLimits:
    per_phone_per_hour: Optional[int] = None
    per_ip_per_hour: Optional[int] = None

    @property
    def on(self) -> bool:
        return self.per_phone_per_hour is not None or self.per_ip_per_hour is not None

    def as_dict(self) -> Dict[str, Optional[int]]:
        return {"per_phone_per_hour": self.per_phone_per_hour,
                "per_ip_per_hour": self.per_ip_per_hour}


def limits_from(raw: Optional[Mapping[str, Any]]) -> CheckoutLimits:
    if not raw:
        return CheckoutLimits()
    pick = lambda name: int(raw[name]) if raw.get(name) is not None else None  # noqa: E731
    return CheckoutLimits(pick("per_phone_per_hour"), pick("per_ip_per_hour"))


@dataclass(frozen=True)
class Counter:
    key: str
    limit: int
    expires_at: datetime


def bucket_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def retry_after(now: datetime) -> int:
    """Seconds until the current hourly bucket ends (at least 1)."""
    return max(1, int((bucket_start(now) + BUCKET - now).total_seconds() + 0.999))


def limit_plan(store_id: str, limits: CheckoutLimits, phone: str, source_ip: Optional[str],
               now: datetime) -> List[Counter]:
    """The counters one checkout advances: one per enabled limit, in this hour's bucket."""
    hour = bucket_start(now).strftime("%Y%m%d%H")
    expires = bucket_start(now) + COUNTER_TTL
    counters = []
    if limits.per_phone_per_hour is not None:
        counters.append(Counter(f"RATE#{store_id}#P#{phone}#{hour}", limits.per_phone_per_hour, expires))
    if limits.per_ip_per_hour is not None and source_ip:
        counters.append(Counter(f"RATE#{store_id}#I#{source_ip}#{hour}", limits.per_ip_per_hour, expires))
    return counters


def variant_set(lines: Iterable[Any]) -> frozenset:
    """What an order is for: its (product, variant) pairs, quantities aside."""
    return frozenset((line.product_id, line.variant_id) for line in lines)


def duplicate_of(variants: frozenset, earlier: Iterable[Any], now: datetime) -> Optional[str]:
    """The newest earlier order of the window with exactly the same variants, if any.
    `earlier`: that phone's orders in this store, any order."""
    since = now - DUPLICATE_WINDOW
    matches = [order for order in earlier
               if since <= order.created_at <= now and variant_set(order.lines) == variants]
    if not matches:
        return None
    return max(matches, key=lambda order: (order.created_at, order.id)).id


@dataclass(frozen=True)
class RiskSummary:
    orders: int = 0
    delivered: int = 0
    refused: int = 0
    cancelled_fake: int = 0

    def as_dict(self) -> Dict[str, int]:
        return {"orders": self.orders, "delivered": self.delivered, "refused": self.refused,
                "cancelled_fake": self.cancelled_fake}


def outcome(order: Any) -> Optional[str]:
    """delivered | refused | cancelled_fake | None, from what the order item carries.

    - delivered: delivered (and not returned since).
    - refused: the parcel came back: cancelled once shipped (the order then waits for
      or has had its restock, or has a shipment made), or returned.
    - cancelled_fake: cancelled while the last logged call said `fake` (a call with
      that outcome is what cancels it with reason fake).
    """
    if order.status == "delivered":
        return "delivered"
    if order.status == "returned":
        return "refused"
    if order.status != "cancelled":
        return None
    call = getattr(order, "call", None)
    if call is not None and call.last_outcome == "fake":
        return "cancelled_fake"
    shipment = getattr(order, "shipment", None)
    if order.restock_due or order.restocked or (shipment is not None and shipment.state == "created"):
        return "refused"
    return None


def risk_summary(order: Any, history: Iterable[Any]) -> RiskSummary:
    """Counted over the phone's orders placed before `order` in the same store."""
    earlier = [o for o in history if o.id != order.id and o.store_id == order.store_id
               and (o.created_at, o.id) < (order.created_at, order.id)]
    outcomes = [outcome(o) for o in earlier]
    return RiskSummary(orders=len(earlier),
                       delivered=outcomes.count("delivered"),
                       refused=outcomes.count("refused"),
                       cancelled_fake=outcomes.count("cancelled_fake"))
