"""In-memory OrderStore: the fake, checked against DynamoDB by
tests/contracts/test_order_store.py. Stock moves go to the memory catalog."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Tuple

from chalicelib.clock import iso
from chalicelib.errors import (ConcurrentChange, IdempotencyKeyReused, InvalidTransition,
                               PhoneBlocked, ValidationFailed)
from chalicelib.orders.model import Order, TimelineEntry
from chalicelib.orders.ports import (CartLine, CheckoutSnapshot, IdempotencyRecord,
                                     IdempotencyReplay, OrderQuery, RecentCart, SlugMoved,
                                     SnapshotStale)
from chalicelib.orders.calls import CallPlan, queue_key
from chalicelib.orders.shipments import ShipmentPlan
from chalicelib.orders.states import TransitionPlan, allowed

FIRST_NUMBER = 1001


def position(order: Order) -> str:
    return f"{order.created_at.isoformat()}#{order.id}"


class MemoryShipmentWrites:
    """The memory store's shipment half; the same contract as store_dynamo_shipments."""

    def apply_shipment(self, plan: ShipmentPlan) -> None:
        with self._lock:
            current = self._orders.get(plan.order_id)
            if current is None or current.version != plan.expected_version:
                raise ConcurrentChange()
            if plan.transitions and current.status != plan.transitions[0].expected_status:
                raise ConcurrentChange()
            if any(key in self._updates for key in plan.update_keys):
                raise ConcurrentChange()
            moves = tuple(move for t in plan.transitions for move in t.stock_moves)
            self._catalog.apply_stock_moves(moves)
            changes: Dict[str, Any] = {"version": current.version + 1, "shipment": plan.shipment,
                                       "updated_at": (plan.entries[0].at if plan.entries
                                                      else current.updated_at)}
            if plan.transitions:
                last = plan.transitions[-1]
                changes.update(status=last.new_status, stock_taken=last.stock_taken,
                               restock_due=last.restock_due, restocked=last.restocked)
            self._orders[plan.order_id] = replace(current, **changes)
            self._timelines[plan.order_id].extend(
                list(plan.entries) + [t.entry for t in plan.transitions])
            shipment = plan.shipment
            if plan.index_tracking and shipment.tracking:
                self._tracking[(shipment.courier, shipment.tracking)] = (plan.store_id, plan.order_id)
                self._polled.setdefault(shipment.courier, set()).add(plan.store_id)
            key = (plan.store_id, shipment.courier)
            if plan.in_transit:
                self._in_transit.setdefault(key, set()).add(plan.order_id)
            else:
                self._in_transit.get(key, set()).discard(plan.order_id)
            self._updates.update(plan.update_keys)

    def order_by_tracking(self, courier: str, tracking: str) -> Optional[Tuple[str, str]]:
        return self._tracking.get((courier, tracking))

    def recorded_updates(self, keys) -> set:
        return {key for key in keys if key in self._updates}

    def in_transit(self, store_id: str, courier: str, limit: int,
                   after: Optional[dict] = None) -> Tuple[List[Order], Optional[dict]]:
        ids = sorted(self._in_transit.get((store_id, courier), set()))
        if after:
            ids = [i for i in ids if i > after["order_id"]]
        page = ids[:limit]
        more = len(ids) > limit
        return [self._orders[i] for i in page], ({"order_id": page[-1]} if more else None)

    def polled_stores(self, courier: str) -> List[str]:
        return sorted(self._polled.get(courier, set()))


class MemoryCallWrites:
    """The memory store's call-confirm half; the same contract as store_dynamo_calls."""

    def apply_call(self, plan: CallPlan, order: Order) -> None:
        with self._lock:
            current = self._orders.get(plan.order_id)
            # As on DynamoDB: a move planned from a status the order has left is an
            # invalid transition, whatever its version; otherwise a stale version is a
            # concurrent change.
            if plan.transitions and current is not None \
                    and current.status != plan.transitions[0].expected_status:
                raise InvalidTransition(f"The order is {current.status} now.",
                                        current=current.status)
            if current is None or current.version != plan.expected_version:
                raise ConcurrentChange()
            self._catalog.apply_stock_moves(
                tuple(move for t in plan.transitions for move in t.stock_moves))
            entries = list(plan.entries) + [t.entry for t in plan.transitions]
            changes: Dict[str, Any] = {"version": current.version + 1, "call": plan.call,
                                       "updated_at": entries[0].at}
            if plan.transitions:
                last = plan.transitions[-1]
                changes.update(status=last.new_status, stock_taken=last.stock_taken,
                               restock_due=last.restock_due, restocked=last.restocked)
            self._orders[plan.order_id] = replace(current, **changes)
            self._timelines[plan.order_id].extend(entries)

    def call_queue(self, store_id: str, now: datetime, limit: int,
                   member_id: Optional[str] = None) -> List[Order]:
        return self._queued(store_id, lambda key: key.startswith("1#") or
                            "0#" <= key <= f"0#{iso(now)}~", limit, member_id)

    def scheduled_calls(self, store_id: str, now: datetime, limit: int,
                        member_id: Optional[str] = None) -> List[Order]:
        return self._queued(store_id, lambda key: f"0#{iso(now)}~" < key < "0#~", limit, member_id)

    def _queued(self, store_id: str, in_range: Callable[[str], bool], limit: int,
                member_id: Optional[str]) -> List[Order]:
        """The call-queue index's keys of the store's orders within `in_range`, in key
        order; with a member, only theirs and the unassigned ones."""
        with self._lock:
            keyed = [(queue_key(o), o) for o in self._orders.values() if o.store_id == store_id]
        queued = sorted((key, o) for key, o in keyed if key is not None and in_range(key))
        if member_id is not None:
            queued = [(k, o) for k, o in queued
                      if o.call is None or o.call.assigned_to in (None, member_id)]
        return [o for _, o in queued[:limit]]

    def note_auto_cancel_store(self, store_id: str) -> None:
        self._auto_cancel.add(store_id)

    def auto_cancel_stores(self) -> List[str]:
        return sorted(self._auto_cancel)

    def forget_auto_cancel_store(self, store_id: str) -> None:
        self._auto_cancel.discard(store_id)


class MemoryOrderStore(MemoryShipmentWrites, MemoryCallWrites):
    def __init__(self, catalog_store: Any, rates_store: Any, account_store: Any,
                 holds: Optional[Callable[[Tuple[str, str]], bool]] = None) -> None:
        self._catalog = catalog_store
        # Whether another memory store holds an item with this (pk, sk): what the
        # DynamoDB transaction's attribute_not_exists checks see in the one table.
        self._holds = holds or (lambda key: False)
        self._rates = rates_store
        self._accounts = account_store
        self._lock = threading.RLock()
        self._orders: Dict[str, Order] = {}
        self._timelines: Dict[str, List[TimelineEntry]] = {}
        self._numbers: Dict[Tuple[str, int], str] = {}
        self._last_number: Dict[str, int] = {}
        self._idempotency: Dict[Tuple[str, str], IdempotencyRecord] = {}
        self._tracking: Dict[Tuple[str, str], Tuple[str, str]] = {}
        self._polled: Dict[str, set] = {}
        self._in_transit: Dict[Tuple[str, str], set] = {}
        self._updates: set = set()
        self._auto_cancel: set = set()

    def checkout_snapshot(self, store_id: str, product_variants: List[Tuple[str, str]],
                          idempotency_key: Optional[str], fresh: bool = False) -> CheckoutSnapshot:
        products = {}
        for product_id, _ in product_variants:
            product = self._catalog.product(store_id, product_id)
            if product is not None:
                products[product_id] = product
        overrides = self._rates.overrides(store_id)
        return CheckoutSnapshot(
            products=products, rate_overrides=overrides,
            last_number=self._last_number.get(store_id, FIRST_NUMBER - 1),
            idempotency=self._idempotency.get((store_id, idempotency_key)) if idempotency_key else None,
            basis=self._basis(products, overrides))

    @staticmethod
    def _basis(products: Dict[str, Any], overrides: Any) -> Tuple[Any, ...]:
        return tuple(sorted((pid, product.version) for pid, product in products.items())), overrides

    def place_order(self, draft: Order, entry: TimelineEntry, idempotency_key: Optional[str],
                    request_hash: str, respond: Callable[[Order], Dict[str, Any]],
                    expires_at: datetime, snapshot: Optional[CheckoutSnapshot] = None,
                    slug: Optional[str] = None,
                    blocked_phone_key: Optional[Tuple[str, str]] = None) -> Tuple[Order, Dict[str, Any]]:
        with self._lock:
            if slug and self._accounts.store_id_for_slug(slug) != draft.store_id:
                raise SlugMoved()
            if idempotency_key:
                existing = self._idempotency.get((draft.store_id, idempotency_key))
                if existing is not None:
                    if existing.request_hash != request_hash:
                        raise IdempotencyKeyReused()
                    raise IdempotencyReplay(existing)
            # A blocked phone places no order (its blacklist entry is absent).
            if blocked_phone_key and self._holds(blocked_phone_key):
                raise PhoneBlocked()
            if snapshot is not None and snapshot.basis is not None:
                # The order is priced from these products and rates, as they still are.
                current = {pid: self._catalog.product(draft.store_id, pid) for pid, _ in snapshot.basis[0]}
                if (None in current.values() or self._basis(
                        current, self._rates.overrides(draft.store_id)) != snapshot.basis):
                    raise SnapshotStale()
            number = self._last_number.get(draft.store_id, FIRST_NUMBER - 1) + 1
            order = replace(draft, number=number)
            response = respond(order)
            self._last_number[draft.store_id] = number
            self._numbers[(draft.store_id, number)] = order.id
            self._orders[order.id] = order
            self._timelines[order.id] = [entry]
            if idempotency_key:
                self._idempotency[(draft.store_id, idempotency_key)] = IdempotencyRecord(
                    idempotency_key, request_hash, response, expires_at)
            return order, response

    def idempotency(self, store_id: str, key: str) -> Optional[IdempotencyRecord]:
        return self._idempotency.get((store_id, key))

    def recent_carts(self, store_id: str, phone: str, created_from: str,
                     most: int) -> List[RecentCart]:
        orders, _ = self.list_orders(store_id, OrderQuery(phone=phone, created_from=created_from),
                                     most, None)
        return [RecentCart(o.id, o.created_at,
                           tuple(CartLine(l.product_id, l.variant_id) for l in o.lines))
                for o in orders]

    def order(self, order_id: str) -> Optional[Tuple[Order, List[TimelineEntry]]]:
        with self._lock:
            order = self._orders.get(order_id)
            if order is None:
                return None
            return order, sorted(self._timelines[order_id], key=lambda e: (e.at, e.seq))

    def order_id_by_number(self, store_id: str, number: int) -> Optional[str]:
        return self._numbers.get((store_id, number))

    def _check_current(self, order_id: str, status: str, version: int) -> Order:
        current = self._orders.get(order_id)
        if current is None or current.status != status:
            status_now = current.status if current else status
            raise InvalidTransition(f"The order is {status_now} now.", allowed=list(allowed(status_now)),
                                    current=status_now)
        if current.version != version:
            raise ConcurrentChange()
        return current

    def apply_transition(self, plan: TransitionPlan) -> None:
        with self._lock:
            current = self._check_current(plan.order_id, plan.expected_status, plan.expected_version)
            self._catalog.apply_stock_moves(plan.stock_moves)
            self._orders[plan.order_id] = replace(
                current, status=plan.new_status, version=current.version + 1,
                updated_at=plan.entry.at, stock_taken=plan.stock_taken,
                restock_due=plan.restock_due, restocked=plan.restocked)
            self._timelines[plan.order_id].append(plan.entry)

    def append_entry(self, order: Order, entry: TimelineEntry) -> None:
        with self._lock:
            current = self._orders.get(order.id)
            if current is None or current.version != order.version:
                raise ConcurrentChange()
            self._orders[order.id] = replace(current, version=current.version + 1,
                                             updated_at=entry.at)
            self._timelines[order.id].append(entry)

    def list_orders(self, store_id: str, query: OrderQuery, limit: int,
                    after: Optional[Dict[str, str]]) -> Tuple[List[Order], Optional[Dict[str, str]]]:
        with self._lock:
            candidates = [o for o in self._orders.values()
                          if o.store_id == store_id and query.matches(o)]
        candidates.sort(key=position, reverse=True)
        if after is not None:
            if "position" not in after:
                raise ValidationFailed(fields={"cursor": "is not a cursor this list returned"})
            candidates = [o for o in candidates if position(o) < after["position"]]
        page = candidates[:limit]
        more = len(candidates) > limit
        return page, ({"position": position(page[-1])} if more and page else None)

