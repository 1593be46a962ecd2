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


def _order_changed(change: Change) -> Optional[DomainEvent]:
    """order.created on insert; order.<status> when a write changed the status.

    The data is the order as `GET /v1/orders/{id}` shows it at that change, plus
    `previous_status`: what webhooks deliver and every channel renders from."""
    new, old = change.new or {}, change.old or {}
    if change.kind == "INSERT":
        event_type, previous = "order.created", None
    elif change.kind == "MODIFY" and new.get("status") != old.get("status"):
        event_type, previous = f"order.{new.get('status')}", old.get("status")
    else:
        return None
    view = dict(change.view) if change.view else {
        "id": new.get("order_id"), "number": int(new.get("number", 0)), "status": new.get("status")}
    return DomainEvent(id=change.event_id, type=event_type, at=change.at, store_id=new["store_id"],
                       data={**view, "previous_status": previous})


def _webhook_endpoint_changed(change: Change) -> Optional[DomainEvent]:
    # Imported here: chalicelib.webhooks.events builds on this module's types.
    from chalicelib.webhooks.events import webhook_disabled
    return webhook_disabled(change)


# Item type -> what its changes mean. Later features add their item types here.
DERIVERS: Dict[str, Callable[[Change], Optional[DomainEvent]]] = {
    "store": _store_created,
    "order": _order_changed,
    "webhook_endpoint": _webhook_endpoint_changed,
}


def derive_events(changes: List[Change]) -> List[DomainEvent]:
    events = []
    for change in changes:
        derive = DERIVERS.get(change.item_type or "")
        event = derive(change) if derive else None
        if event is not None:
            events.append(event)
    return events
