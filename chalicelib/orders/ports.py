"""What the order use cases need from storage."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Protocol, Tuple

from chalicelib.orders.model import Order, TimelineEntry
from chalicelib.orders.names import name_key
from chalicelib.orders.states import TransitionPlan


@dataclass(frozen=True)
class IdempotencyRecord:
    key: str
    request_hash: str
    response: Dict[str, Any]
    expires_at: datetime


@dataclass(frozen=True)
class CheckoutSnapshot:
    """Everything a checkout reads, read at once (or remembered from an earlier read).

    `basis` is the store's own record of the versions the snapshot holds; it goes
    back to `place_order`, which writes the order only if they still hold. A
    remembered snapshot (`remembered`) does not know the idempotency record: the
    write finds it."""
    products: Dict[str, Any]                 # product id -> Product (not deleted), with its variants
    rate_overrides: Dict[int, Dict[str, Any]]
    last_number: int                         # 1000 while the store has no order
    idempotency: Optional["IdempotencyRecord"]
    basis: Any = None
    remembered: bool = False


class CartLine(NamedTuple):
    product_id: str
    variant_id: str


@dataclass(frozen=True)
class RecentCart:
    """What the checkout's duplicate check needs of an earlier order, and no more."""
    id: str
    created_at: datetime
    lines: Tuple[CartLine, ...]


class SlugMoved(Exception):
    """The slug no longer names the store the checkout was priced for."""


class SnapshotStale(Exception):
    """The catalog or the delivery rates changed since the snapshot was read."""


class IdempotencyReplay(Exception):
    """The key was used with the same body: answer what was answered then."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__("replay")
        self.record = record


@dataclass(frozen=True)
class OrderQuery:
    """What a merchant's list asks for; every combination is served without a Scan."""
    status: Optional[str] = None
    wilaya: Optional[int] = None
    phone: Optional[str] = None
    number: Optional[int] = None
    name: Optional[str] = None          # normalised prefix of the customer's name
    created_from: Optional[str] = None  # ISO, inclusive
    created_to: Optional[str] = None    # ISO, inclusive

    def matches(self, order: Order) -> bool:
        created = order.created_at.isoformat()
        return ((self.status is None or order.status == self.status)
                and (self.wilaya is None or order.shipping.wilaya == self.wilaya)
                and (self.phone is None or order.customer_phone == self.phone)
                and (self.number is None or order.number == self.number)
                and (self.name is None or name_key(order.customer_name).startswith(self.name))
                and (self.created_from is None or created >= self.created_from)
                and (self.created_to is None or created <= self.created_to + "~"))


class OrderStore(Protocol):
    def checkout_snapshot(self, store_id: str, product_variants: List[Tuple[str, str]],
                          idempotency_key: Optional[str], fresh: bool = False) -> CheckoutSnapshot:
        """The cart's products and variants, the rates, the order counter and the
        idempotency record, in one read where the storage allows it. Unless `fresh`,
        the store may answer from what it read for earlier checkouts of this store."""

    def place_order(self, draft: Order, entry: TimelineEntry, idempotency_key: Optional[str],
                    request_hash: str, respond: Callable[[Order], Dict[str, Any]],
                    expires_at: datetime, snapshot: Optional[CheckoutSnapshot] = None,
                    slug: Optional[str] = None,
                    blocked_phone_key: Optional[Tuple[str, str]] = None) -> Tuple[Order, Dict[str, Any]]:
        """Give the draft the store's next number and write order, first timeline
        entry, number claim and idempotency record in one transaction. Returns the
        order and the response body recorded for the key. `snapshot` is what the
        draft was priced from: its counter is tried first (a stale one only costs a
        retry) and its basis is re-checked in the transaction (SnapshotStale).
        Raises IdempotencyReplay / IdempotencyKeyReused when the key was used already,
        and SlugMoved when `slug` (checked in the same transaction) no longer names
        the draft's store. `blocked_phone_key` (pk, sk) is the customer's blacklist
        entry: the same transaction checks it does not exist, else PhoneBlocked and
        nothing is written (the key is data: orders know no anti-fraud)."""

    def idempotency(self, store_id: str, key: str) -> Optional[IdempotencyRecord]: ...

    def recent_carts(self, store_id: str, phone: str, created_from: str,
                     most: int) -> List[RecentCart]:
        """The phone's newest orders in the store created since `created_from` (ISO),
        at most `most`, newest first: only their ids, times and (product, variant)
        pairs, so a checkout's duplicate check reads as little as it can."""

    def order(self, order_id: str) -> Optional[Tuple[Order, List[TimelineEntry]]]: ...

    def order_id_by_number(self, store_id: str, number: int) -> Optional[str]: ...

    def apply_transition(self, plan: TransitionPlan) -> None:
        """The only writer of an order's status: status, timeline entry and stock
        moves at once, if the order is still at the plan's status and version."""

    def append_entry(self, order: Order, entry: TimelineEntry) -> None:
        """A timeline entry that changes no status (a note), at the order's version."""

    def list_orders(self, store_id: str, query: OrderQuery, limit: int,
                    after: Optional[Dict[str, str]]) -> Tuple[List[Order], Optional[Dict[str, str]]]:
        """Newest first; the position to continue from (string parts), or None at the end.
        A position the adapter did not make is ValidationFailed on "cursor"."""
