"""Orders, their lines and their timeline: plain values, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Dict, Optional, Tuple


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

    def changed(self, **changes: Any) -> "Order":
        return replace(self, **changes)
