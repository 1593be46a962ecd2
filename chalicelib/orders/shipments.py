"""What a shipment event does to an order, decided as data. Plain Python.

Each function turns an order and what happened (a merchant asked to ship, the
courier made the parcel or refused it, the courier reported a status) into a
`ShipmentPlan`: the order's new shipment, the timeline entries, and the status
transitions, each planned by `states.plan_transition` (the one reader of the
transitions table). `OrderStore.apply_shipment(plan)` writes it all in one
transaction, conditioned on the order's version.

Tracking moves the order forward only:
  shipped   + delivered                           -> delivered
  shipped   + delivery failed / returning / back  -> cancelled (reason: refused)
  delivered + back at the merchant                -> returned
Anything else (a late "in transit" after "delivered", a duplicate) moves nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Dict, Optional, Tuple

from chalicelib.clock import iso
from chalicelib.errors import InvalidTransition
from chalicelib.orders.model import Actor, Order, Shipment, TimelineEntry
from chalicelib.orders.states import TransitionPlan, plan_transition

SHIPPABLE = ("confirmed", "processing")
ACTIVE_STATES = ("requested", "created")
# Normalised tracking statuses (chalicelib.couriers.base.TrackingStatus values).
DELIVERED = "delivered"
REFUSED = ("delivery_failed", "returning", "returned")
BACK_WITH_MERCHANT = "returned"
FINAL = ("delivered", "returned", "cancelled")
REFUSED_REASON = "refused"


@dataclass(frozen=True)
class ShipmentPlan:
    order_id: str
    store_id: str
    expected_version: int
    shipment: Shipment
    entries: Tuple[TimelineEntry, ...]
    transitions: Tuple[TransitionPlan, ...] = ()
    # The tracking number to index (TRACK#<courier>#<tracking> -> order), once made.
    index_tracking: bool = False
    # Whether the parcel is still on its way (listed for polling).
    in_transit: bool = False
    # Keys of courier updates this write records; each is written once, so a
    # duplicate delivery of the same update fails its condition and changes nothing.
    update_keys: Tuple[str, ...] = ()

    @property
    def new_status(self) -> Optional[str]:
        return self.transitions[-1].new_status if self.transitions else None


def _entry(now: datetime, seq: int, actor: Actor, event: str, note: Optional[str],
           data: Dict[str, Any], public: bool = True) -> TimelineEntry:
    return TimelineEntry(at=now, seq=seq, actor=actor, event=event, note=note,
                         public=public, data=data)


def plan_request(order: Order, courier: str, job_id: str, options: Dict[str, Any],
                 actor: Actor, now: datetime) -> ShipmentPlan:
    """The merchant asks to ship: only a confirmed or processing order, and never twice."""
    if order.status not in SHIPPABLE:
        raise InvalidTransition(
            f"An order that is {order.status} cannot be shipped; it must be confirmed or processing.",
            fields={"status": f"is {order.status}"}, current=order.status, allowed=list(SHIPPABLE))
    if order.shipment is not None and order.shipment.state in ACTIVE_STATES:
        raise InvalidTransition(
            f"This order already has a shipment with {order.shipment.courier} "
            f"({order.shipment.state}).", current=order.status,
            fields={"courier": "the order already has a shipment"})
    shipment = Shipment(courier=courier, state="requested", job_id=job_id, requested_at=now,
                        options=dict(options))
    entry = _entry(now, 0, actor, "shipment_requested", options.get("note"),
                   {"courier": courier}, public=False)
    return ShipmentPlan(order.id, order.store_id, order.version, shipment, (entry,))


def plan_created(order: Order, tracking: str, courier_id: Optional[str],
                 label_url: Optional[str], actor: Actor, now: datetime,
                 raw_status: Optional[str] = None, status: Optional[str] = None,
                 in_transit: bool = True) -> ShipmentPlan:
    """The courier made the parcel: record it and move the order to shipped."""
    shipment = replace(order.shipment, state="created", tracking=tracking, courier_id=courier_id,
                       label_url=label_url, status=status or "created", raw_status=raw_status,
                       # Courier times are compared with courier times only.
                       status_at=None, error=None)
    entry = _entry(now, 0, actor, "shipment_created", None,
                   {"courier": shipment.courier, "tracking": tracking})
    transitions = []
    current = order
    for step in _steps_to_shipped(order.status):
        plan = plan_transition(current, step, actor, now, note=None)
        plan = replace(plan, entry=replace(plan.entry, seq=len(transitions) + 1))
        transitions.append(plan)
        current = replace(current, status=step)
    return ShipmentPlan(order.id, order.store_id, order.version, shipment, (entry,),
                        tuple(transitions), index_tracking=True, in_transit=in_transit)


def _steps_to_shipped(status: str) -> Tuple[str, ...]:
    # A confirmed order is packed (processing) on its way to shipped.
    return {"confirmed": ("processing", "shipped"), "processing": ("shipped",)}.get(status, ())


def plan_failed(order: Order, message: str, actor: Actor, now: datetime,
                attempts: Optional[int] = None) -> ShipmentPlan:
    """The courier refused the parcel (or never answered): the merchant may try again."""
    shipment = replace(order.shipment, state="failed", error=message,
                       attempts=attempts if attempts is not None else order.shipment.attempts)
    entry = _entry(now, 0, actor, "shipment_failed", message,
                   {"courier": shipment.courier, "reason": message}, public=False)
    return ShipmentPlan(order.id, order.store_id, order.version, shipment, (entry,))


def update_key(courier: str, tracking: str, raw_status: str, at: Optional[datetime],
               event_id: Optional[str]) -> str:
    """One courier update, the same however often it is delivered or polled."""
    basis = event_id or f"{raw_status}|{at.isoformat() if at else ''}"
    return hashlib.sha256(f"{courier}|{tracking}|{basis}".encode()).hexdigest()[:32]


def plan_tracking(order: Order, updates: Tuple[Dict[str, Any], ...], actor: Actor,
                  now: datetime, restock_on_return: bool = False) -> Optional[ShipmentPlan]:
    """Record the courier's new updates (each dict: raw_status, status, at, reason, key),
    oldest first, and move the order forward where one of them says so."""
    shipment = order.shipment
    if shipment is None or shipment.state != "created" or not updates:
        return None
    entries, current, transitions = [], order, []
    latest = shipment
    for update in updates:
        entries.append(_entry(now, len(entries) + len(transitions), actor, "tracking_updated",
                              update.get("reason"),
                              {"courier": shipment.courier, "tracking": shipment.tracking,
                               "raw_status": update["raw_status"], "status": update["status"],
                               "courier_at": iso(update.get("at"))}))
        if _is_newer(latest, update):
            latest = replace(latest, status=update["status"], raw_status=update["raw_status"],
                             status_at=update.get("at") or now)
        move = _move_for(current.status, update["status"])
        if move is not None:
            note = REFUSED_REASON if move == "cancelled" else None
            plan = plan_transition(current, move, actor, now, note=note,
                                   restock_on_return=restock_on_return)
            seq = len(entries) + len(transitions)
            data = {"reason": REFUSED_REASON} if move == "cancelled" else {}
            plan = replace(plan, entry=replace(plan.entry, seq=seq,
                                               data={**plan.entry.data, **data}))
            transitions.append(plan)
            current = replace(current, status=move, stock_taken=plan.stock_taken,
                              restock_due=plan.restock_due, restocked=plan.restocked)
    in_transit = latest.status not in FINAL and current.status == "shipped"
    return ShipmentPlan(order.id, order.store_id, order.version, latest, tuple(entries),
                        tuple(transitions), in_transit=in_transit,
                        update_keys=tuple(update["key"] for update in updates))


def _is_newer(shipment: Shipment, update: Dict[str, Any]) -> bool:
    """A final status is never replaced, except by a delivered parcel coming back (the
    order moves delivered -> returned with it); otherwise the later courier time wins."""
    if shipment.status in FINAL:
        return shipment.status == DELIVERED and update["status"] == BACK_WITH_MERCHANT
    at = update.get("at")
    return at is None or shipment.status_at is None or at >= shipment.status_at


def _move_for(order_status: str, tracking_status: str) -> Optional[str]:
    if order_status == "shipped" and tracking_status == DELIVERED:
        return "delivered"
    if order_status == "shipped" and tracking_status in REFUSED:
        return "cancelled"
    if order_status == "delivered" and tracking_status == BACK_WITH_MERCHANT:
        return "returned"
    return None
