"""The order lifecycle: the one transitions table and the one planner that reads it.

    pending -> confirmed -> processing -> shipped -> delivered -> returned
       +-----------+------------+------------+--> cancelled

A plan is decided here, as data: the expected status and version (the write is
conditioned on them), the new status, the timeline entry and the stock moves.
`OrderStore.apply_transition(plan)` carries it out in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Optional, Tuple

from chalicelib.errors import Conflict, InvalidTransition
from chalicelib.orders.model import Actor, Order, TimelineEntry

STATUSES: Tuple[str, ...] = ("pending", "confirmed", "processing", "shipped", "delivered",
                             "returned", "cancelled")

TRANSITIONS: Dict[str, Tuple[str, ...]] = {
    "pending": ("confirmed", "cancelled"),
    "confirmed": ("processing", "cancelled"),
    "processing": ("shipped", "cancelled"),
    "shipped": ("delivered", "cancelled"),
    "delivered": ("returned",),
    "cancelled": (),
    "returned": (),
}


@dataclass(frozen=True)
class StockMove:
    """Units of one variant taken from (`take`) or given back to stock."""
    product_id: str
    variant_id: str
    quantity: int
    take: bool


@dataclass(frozen=True)
class TransitionPlan:
    order_id: str
    store_id: str
    expected_status: str
    expected_version: int
    new_status: str
    entry: TimelineEntry
    stock_moves: Tuple[StockMove, ...]
    stock_taken: bool
    restock_due: bool
    restocked: bool


def allowed(status: str) -> Tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def merged_moves(order: Order, take: bool) -> Tuple[StockMove, ...]:
    """One move per variant (a transaction touches an item once), sorted by variant id."""
    quantities: Dict[Tuple[str, str], int] = {}
    for line in order.lines:
        if line.track_stock:
            key = (line.product_id, line.variant_id)
            quantities[key] = quantities.get(key, 0) + line.quantity
    return tuple(StockMove(product_id, variant_id, quantity, take)
                 for (product_id, variant_id), quantity
                 in sorted(quantities.items(), key=lambda item: item[0][1]))


def plan_transition(order: Order, to: str, actor: Actor, now: datetime,
                    note: Optional[str] = None, restock_on_return: bool = False) -> TransitionPlan:
    if to not in allowed(order.status):
        raise InvalidTransition(
            f"An order that is {order.status} cannot become {to}.",
            fields={"status": f"must be one of {list(allowed(order.status)) or 'nothing: final'}"},
            allowed=list(allowed(order.status)), current=order.status)
    moves: Tuple[StockMove, ...] = ()
    stock_taken, restock_due = order.stock_taken, order.restock_due
    if to == "confirmed":
        moves, stock_taken = merged_moves(order, take=True), True
    elif to == "cancelled" and order.status in ("confirmed", "processing"):
        # The parcel never left: the units go straight back.
        moves, stock_taken = merged_moves(order, take=False), False
    elif to == "cancelled" and order.status == "shipped":
        # Refused at the door: back in stock only once the parcel is back (restock).
        restock_due = True
    elif to == "returned":
        if restock_on_return:
            moves, stock_taken = merged_moves(order, take=False), False
        else:
            restock_due = True
    entry = TimelineEntry(at=now, seq=0, actor=actor, event="status_changed",
                          from_status=order.status, to_status=to, note=note)
    return TransitionPlan(order_id=order.id, store_id=order.store_id,
                          expected_status=order.status, expected_version=order.version,
                          new_status=to, entry=entry, stock_moves=moves, stock_taken=stock_taken,
                          restock_due=restock_due and bool(merged_moves(order, take=False)),
                          restocked=order.restocked or (to == "returned" and bool(moves)))


def plan_restock(order: Order, actor: Actor, now: datetime) -> TransitionPlan:
    """Put a returned or refused parcel's lines back in stock, once."""
    if order.restocked:
        raise Conflict("This order's lines were already put back in stock.", fields={})
    if not order.restock_due:
        raise Conflict("Only a returned order, or one cancelled after shipping, can be restocked.",
                       fields={"status": order.status})
    entry = TimelineEntry(at=now, seq=0, actor=actor, event="status_changed",
                          from_status=order.status, to_status=order.status,
                          note="Restocked: the parcel is back.", data={"restocked": True})
    return TransitionPlan(order_id=order.id, store_id=order.store_id,
                          expected_status=order.status, expected_version=order.version,
                          new_status=order.status, entry=entry,
                          stock_moves=merged_moves(order, take=False), stock_taken=False,
                          restock_due=False, restocked=True)


def valid_statuses() -> List[str]:
    return list(STATUSES)
