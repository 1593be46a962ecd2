"""Orders, their lines and their timeline: plain values, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Dict, Optional, Tuple

from chalicelib.clock import iso


@dataclass(frozen=True)
class Actor:
    type: str                  # customer | merchant | api_key | courier | system
    id: Optional[str] = None
    name: Optional[str] = None

    def as_dict(self) -> Dict[str, Optional[str]]:
        return {"type": self.type, "id": self.id, "name": self.name}


@dataclass(frozen=True)
class OrderLine:
    product_id: str
    variant_id: str
    name: str
    options: Dict[str, str]
    sku: Optional[str]
    unit_price: int
    quantity: int
    track_stock: bool = True

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Totals:
    items: int
    delivery: int

    @property
    def total(self) -> int:
        return self.items + self.delivery


@dataclass(frozen=True)
class Shipping:
    wilaya: int
    commune_code: str
    commune_name: str
    address: str
    delivery_type: str         # home | stop_desk
    stop_desk: Optional[str] = None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    seq: int                   # order of entries written at the same instant
    actor: Actor
    event: str
    from_status: Optional[str] = None
    to_status: Optional[str] = None
    note: Optional[str] = None
    public: bool = True        # shown to the customer (internal notes are not)
    data: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallSummary:
    attempts: int = 0
    unanswered: int = 0
    last_outcome: Optional[str] = None
    last_call_at: Optional[datetime] = None
    next_call_at: Optional[datetime] = None
    assigned_to: Optional[str] = None

    def as_dict(self) -> Dict[str, Any]:
        return {"attempts": self.attempts, "unanswered": self.unanswered,
                "last_outcome": self.last_outcome, "last_call_at": iso(self.last_call_at),
                "next_call_at": iso(self.next_call_at), "assigned_to": self.assigned_to}


@dataclass(frozen=True)
class Shipment:
    """The order's parcel at a courier: asked for, made (with its tracking) or failed.

    `job_id` names one request to ship: a worker acts only on the job the order
    still carries, so a redelivered or stale job never ships twice.
    """
    courier: str
    state: str                         # requested | created | failed
    job_id: str
    requested_at: datetime
    options: Dict[str, Any] = field(default_factory=dict)   # stop_desk, weight, note
    tracking: Optional[str] = None
    courier_id: Optional[str] = None   # the courier's own parcel id, where it differs
    label_url: Optional[str] = None
    status: Optional[str] = None       # our normalised tracking status
    raw_status: Optional[str] = None   # the courier's own words
    status_at: Optional[datetime] = None
    error: Optional[str] = None
    attempts: int = 0

    def as_dict(self) -> Dict[str, Any]:
        return {"courier": self.courier, "state": self.state, "job_id": self.job_id,
                "requested_at": self.requested_at, "options": dict(self.options),
                "tracking": self.tracking, "courier_id": self.courier_id,
                "label_url": self.label_url, "status": self.status,
                "raw_status": self.raw_status, "status_at": self.status_at,
                "error": self.error, "attempts": self.attempts}


@dataclass(frozen=True)
class Order:
    id: str
    store_id: str
    number: int
    status: str
    customer_name: str
    customer_phone: str
    shipping: Shipping
    lines: Tuple[OrderLine, ...]
    totals: Totals
    created_at: datetime
    updated_at: datetime
    note: Optional[str] = None
    version: int = 1
    # Stock bookkeeping: whether the lines' units are out of stock now, and
    # whether a parcel that came back still waits to be put back on the shelf.
    stock_taken: bool = False
    restock_due: bool = False
    restocked: bool = False
    shipment: Optional[Shipment] = None
    call: Optional[CallSummary] = None
    # Set at checkout by the anti-fraud screen: e.g. ("possible_duplicate",) and the
    # earlier order this one repeats.
    flags: Tuple[str, ...] = ()
    duplicate_of: Optional[str] = None

    def changed(self, **changes: Any) -> "Order":
        return replace(self, **changes)
