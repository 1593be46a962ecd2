"""Domain events derived from the table's change stream. Plain Python.

Every write that matters is already in the table (orders, timeline entries,
stores), so events are derived from the stream, never fired from a route after
a write: a crash between the two cannot lose one. The stream record's id is the
event id, which consumers key on to stay idempotent under redelivery.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional


@dataclass(frozen=True)
class DomainEvent:
    id: str
    type: str
    at: str
    store_id: str
    data: Dict[str, Any] = field(default_factory=dict)

    def as_message(self) -> Dict[str, Any]:
        return {"id": self.id, "type": self.type, "at": self.at, "store_id": self.store_id,
                "data": self.data}


@dataclass(frozen=True)
class Change:
    """One table change: INSERT, MODIFY or REMOVE, with plain-Python images."""
    event_id: str
    kind: str
    at: str
    new: Optional[Mapping[str, Any]]
    old: Optional[Mapping[str, Any]]
    # The changed object as the API shows it (an order without its timeline),
    # rendered by the stream adapter so events carry a snapshot of that moment.
    view: Optional[Mapping[str, Any]] = None

    @property
    def item_type(self) -> Optional[str]:
        image = self.new or self.old or {}
        return image.get("item_type")


def _store_created(change: Change) -> Optional[DomainEvent]:
    if change.kind != "INSERT":
        return None
    new = change.new or {}
    return DomainEvent(id=change.event_id, type="store.created", at=change.at,
                       store_id=new["store_id"],
                       data={"store_id": new["store_id"], "slug": new.get("slug"),
                             "name": new.get("name"), "owner_email": new.get("owner_email")})


def _order_changed(change: Change) -> List[DomainEvent]:
    """order.created on insert; order.<status> when a write changed the status; and the
    shipment's own events when a write changed the order's shipment.

    The data is the order as `GET /v1/orders/{id}` shows it at that change, plus
    `previous_status`: what webhooks deliver and every channel renders from."""
    new, old = change.new or {}, change.old or {}
    view = dict(change.view) if change.view else {
        "id": new.get("order_id"), "number": int(new.get("number", 0)), "status": new.get("status")}
    events = []
    if change.kind == "INSERT":
        events.append(("order.created", None, change.event_id))
    elif change.kind == "MODIFY" and new.get("status") != old.get("status"):
        events.append((f"order.{new.get('status')}", old.get("status"), change.event_id))
    if change.kind == "MODIFY" and (new.get("call") or {}).get("attempts") != \
            (old.get("call") or {}).get("attempts"):
        events.append(("order.call_logged", old.get("status"), f"{change.event_id}:call"))
    if change.kind == "MODIFY":
        shipment_event = _shipment_event(new.get("shipment") or {}, old.get("shipment") or {})
        if shipment_event:
            # One stream record, two events: the second needs an id of its own.
            events.append((shipment_event, old.get("status"), f"{change.event_id}:shipment"))
    return [DomainEvent(id=event_id, type=event_type, at=change.at, store_id=new["store_id"],
                        data={**view, "previous_status": previous})
            for event_type, previous, event_id in events]


def _shipment_event(new: Dict[str, Any], old: Dict[str, Any]) -> Optional[str]:
    """What a change of the order's shipment means, if anything."""
    if not new:
        return None
    if new.get("job_id") != old.get("job_id") and new.get("state") == "requested":
        return "shipment.requested"
    if new.get("state") != old.get("state"):
        return {"created": "shipment.created", "failed": "shipment.failed"}.get(new.get("state"))
    if new.get("state") == "created" and (new.get("raw_status"), new.get("status_at")) != (
            old.get("raw_status"), old.get("status_at")):
        return "tracking.updated"
    return None


def _webhook_endpoint_changed(change: Change) -> Optional[DomainEvent]:
    # Imported here: chalicelib.webhooks.events builds on this module's types.
    from chalicelib.webhooks.events import webhook_disabled
    return webhook_disabled(change)


# Item type -> what its changes mean. Later features add their item types here.
DERIVERS: Dict[str, Callable[[Change], Any]] = {
    "store": _store_created,
    "order": _order_changed,
    "webhook_endpoint": _webhook_endpoint_changed,
}


def derive_events(changes: List[Change]) -> List[DomainEvent]:
    events: List[DomainEvent] = []
    for change in changes:
        derive = DERIVERS.get(change.item_type or "")
        derived = derive(change) if derive else None
        if isinstance(derived, DomainEvent):
            events.append(derived)
        elif derived:
            events.extend(derived)
    return events
