"""Delivery analytics as plain Python: which counters an order event moves, and the rates.

Counting rules (one place):
- An order is counted on the UTC day it was CREATED (its `created_at`), whatever
  event moves it later: a day's confirmation and delivery rates compare the orders
  of that day with what became of those same orders.
- `orders` (order.created), `confirmed` (order.confirmed), `shipped`
  (order.shipped), `delivered` and `cod` (order.delivered; `cod` adds the order's
  `totals.total`, integer DZD), `refused` (order.cancelled whose `previous_status`
  is `shipped`: refused at the door or given up by the courier), `returned`
  (order.returned). A cancel before shipping is not a refusal and counts nothing.
- Every order walks each of these steps at most once (the transitions table has no
  way back), so these counts equal "orders that ever reached that step".
- Two dimensions: `wilaya` (the order's `shipping.wilaya`) and `courier` (its
  `shipment.courier`, or `none` for an order moved to shipped by hand without a
  shipment). An order has no courier before it ships, so the courier dimension
  counts from `shipped` on; its `orders`/`confirmed` are not known (None).
- `cod` is cash collected at the door: a delivered order that is later returned
  stays in it (the money was collected; the refund is another matter).
- Rates are integer basis points (1/100 of a percent, 10000 = 100 %), rounded half
  up, None when there is nothing to divide by: no floats anywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Dict, List, Mapping, Optional, Tuple

from chalicelib.errors import ValidationFailed

DIMENSIONS = ("wilaya", "courier")
COUNTERS = ("orders", "confirmed", "shipped", "delivered", "refused", "returned", "cod")
# The events the analytics queue subscribes to (infra/template.yaml filters on these).
EVENTS = ("order.created", "order.confirmed", "order.shipped", "order.delivered",
          "order.cancelled", "order.returned")
NO_COURIER = "none"
DEFAULT_DAYS = 30
MAX_DAYS = 366
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class CounterMove:
    """ADD `counters` to the item of (`dimension`, `value`) on `day` (YYYY-MM-DD)."""
    store_id: str
    dimension: str
    value: str
    day: str
    counters: Tuple[Tuple[str, int], ...]


def _steps(event_type: str, data: Mapping[str, Any]) -> Dict[str, int]:
    """The counters an event moves (before choosing dimensions)."""
    if event_type == "order.created":
        return {"orders": 1}
    if event_type == "order.confirmed":
        return {"confirmed": 1}
    if event_type == "order.shipped":
        return {"shipped": 1}
    if event_type == "order.delivered":
        total = (data.get("totals") or {}).get("total")
        return {"delivered": 1, "cod": total if isinstance(total, int) else 0}
    if event_type == "order.cancelled" and data.get("previous_status") == "shipped":
        return {"refused": 1}
    if event_type == "order.returned":
        return {"returned": 1}
    return {}


def _creation_day(data: Mapping[str, Any], at: Any) -> Optional[str]:
    for moment in (data.get("created_at"), at):
        if isinstance(moment, str) and _DAY.match(moment[:10]):
            return moment[:10]
    return None


def counter_moves(message: Mapping[str, Any]) -> Tuple[CounterMove, ...]:
    """What one order event (as the queue delivers it) adds, per dimension."""
    data = message.get("data") or {}
    steps = _steps(str(message.get("type") or ""), data)
    store_id = message.get("store_id")
    day = _creation_day(data, message.get("at"))
    if not steps or not store_id or day is None:
        return ()
    counters = tuple(sorted(steps.items()))
    moves: List[CounterMove] = []
    wilaya = (data.get("shipping") or {}).get("wilaya")
    if isinstance(wilaya, int) or (isinstance(wilaya, str) and wilaya.isdigit()):
        moves.append(CounterMove(store_id, "wilaya", str(int(wilaya)), day, counters))
    if not ({"orders", "confirmed"} & set(steps)):
        courier = (data.get("shipment") or {}).get("courier") or NO_COURIER
        moves.append(CounterMove(store_id, "courier", str(courier), day, counters))
    return tuple(moves)


def rate_bp(part: Optional[int], whole: Optional[int]) -> Optional[int]:
    """part / whole in basis points, rounded half up; None without a whole."""
    if part is None or not whole:
        return None
    return (part * 10000 + whole // 2) // whole


def report_row(dimension: str, counts: Mapping[str, int]) -> Dict[str, Any]:
    """One row of the report from summed counters (no key; the caller adds it)."""
    get = lambda name: int(counts.get(name, 0))   # noqa: E731 - a local shorthand
    orders = get("orders") if dimension == "wilaya" else None
    confirmed = get("confirmed") if dimension == "wilaya" else None
    shipped, delivered = get("shipped"), get("delivered")
    refused, returned = get("refused"), get("returned")
    return {"orders": orders, "confirmed": confirmed,
            "confirmation_rate_bp": rate_bp(confirmed, orders),
            "shipped": shipped, "delivered": delivered,
            "delivery_rate_bp": rate_bp(delivered, shipped),
            "refused": refused, "returned": returned,
            "refusal_return_rate_bp": rate_bp(refused + returned, shipped),
            "cod_collected": get("cod")}


@dataclass(frozen=True)
class ReportQuery:
    first_day: date
    last_day: date
    dimension: str


def parse_query(query: Mapping[str, str], today: date) -> ReportQuery:
    """`from`, `to` (YYYY-MM-DD, inclusive; default the last 30 days up to today) and
    `group_by`; 422 naming the field otherwise."""
    errors: Dict[str, str] = {}
    days: Dict[str, Optional[date]] = {}
    for name in ("from", "to"):
        text = query.get(name)
        days[name] = None
        if text is None or text == "":
            continue
        try:
            if not _DAY.match(text):
                raise ValueError(text)
            days[name] = date.fromisoformat(text)
        except ValueError:
            errors[name] = "must be a date YYYY-MM-DD"
    dimension = query.get("group_by") or "wilaya"
    if dimension not in DIMENSIONS:
        errors["group_by"] = "must be one of: " + ", ".join(DIMENSIONS)
    if errors:
        raise ValidationFailed(fields=errors)
    last = days["to"] or today
    first = days["from"] or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ValidationFailed(fields={"from": "must not be after `to`"})
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed(fields={"to": f"the range covers at most {MAX_DAYS} days"})
    return ReportQuery(first, last, dimension)
