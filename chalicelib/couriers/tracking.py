"""Courier tracking: callbacks, scheduled polls, and applying what couriers report. Plain Python.

A callback is verified by the courier's adapter and answered at once; its updates
go through the tracking queue. Couriers without callbacks are polled: a schedule
sends one poll job per store and courier; a poll asks the courier about the
store's parcels still on their way (a sparse index lists them), in batches.

Applying updates is idempotent: each has a key (the courier's event id, or its
status and time) recorded in the same write as the update, so a duplicate or a
redelivered batch changes nothing; the order moves forward only
(chalicelib/orders/shipments.py decides).
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Dict, List, Mapping

from chalicelib.clock import Clock, iso, parse_iso
from chalicelib.couriers import registry
from chalicelib.couriers.base import CallbackAnswer, CallbackRejected, CourierUnsupported, TrackingStatus
from chalicelib.couriers.ports import CourierAccountStore
from chalicelib.errors import ConcurrentChange, NotFound, SignatureRefused
from chalicelib.logs import get_logger, log
from chalicelib.orders import shipments
from chalicelib.orders.model import Actor

logger = get_logger("couriers")
# Parcels asked about per tracking request when polling.
POLL_BATCH = 50
WRITE_RETRIES = 4


def spec_named(code: str) -> registry.CourierSpec:
    spec = registry.spec(code)
    if spec is None:
        raise NotFound(f"No courier is called {code!r}.")
    return spec


class TrackingService:
    def __init__(self, couriers: Any, accounts: CourierAccountStore, orders: Any, stores: Any,
                 clock: Clock, tracking_queue: Any) -> None:
        self._couriers, self._accounts, self._orders = couriers, accounts, orders
        self._stores, self._clock, self._queue = stores, clock, tracking_queue

    def callback(self, code: str, token: str, method: str, headers: Mapping[str, str],
                 query: Mapping[str, str], body: bytes) -> CallbackAnswer:
        record = self._accounts.by_callback_token(token)
        # Only couriers that push updates have a callback: the token of a polled or manual
        # account opens nothing (and no client is built for it).
        if record is None or record.code != code or not spec_named(code).pushes_updates:
            raise NotFound("No such callback.")
        client = self._couriers.client_for(record)
        try:
            answer = client.parse_callback(method, headers, query, body)
        except CallbackRejected as error:
            log(logger, logging.WARNING, "callback refused", store_id=record.store_id, courier=code)
            raise SignatureRefused(error.message)
        except CourierUnsupported:
            raise NotFound(f"{spec_named(code).name} does not call back.")
        if answer.updates:
            received = self._clock()
            self._queue.send({"kind": "updates", "store_id": record.store_id, "courier": code,
                              "updates": [_update_message(u, received) for u in answer.updates]})
        return answer

    def handle_tracking(self, message: Mapping[str, Any]) -> int:
        """A tracking queue message: updates a callback delivered, or a poll to run."""
        store_id, code = str(message.get("store_id") or ""), str(message.get("courier") or "")
        if message.get("kind") == "poll":
            return self.poll(store_id, code)
        updates = [u for u in message.get("updates") or [] if isinstance(u, dict)]
        return self.apply_updates(store_id, code, updates)

    def apply_updates(self, store_id: str, code: str, updates: List[Dict[str, Any]]) -> int:
        by_tracking: Dict[str, List[Dict[str, Any]]] = {}
        for update in updates:
            by_tracking.setdefault(str(update.get("tracking")), []).append(update)
        applied = 0
        for tracking, group in by_tracking.items():
            applied += self._apply_to_parcel(store_id, code, tracking, group)
        return applied

    def _apply_to_parcel(self, store_id: str, code: str, tracking: str,
                         group: List[Dict[str, Any]]) -> int:
        located = self._orders.order_by_tracking(code, tracking)
        if located is None or located[0] != store_id:
            log(logger, logging.INFO, "update for an unknown parcel", store_id=store_id,
                courier=code, tracking=tracking)
            return 0
        actor = Actor("courier", code, spec_named(code).name)
        prepared = [_prepared(code, tracking, update) for update in group]
        prepared.sort(key=lambda u: (u["at"] is None, u["at"] or datetime.min))
        for update in prepared:
            if update["status"] == TrackingStatus.UNKNOWN.value:
                self._accounts.note_unmapped(store_id, code, update["raw_status"], tracking,
                                             iso(self._clock()))
        for _ in range(WRITE_RETRIES):
            seen = self._orders.recorded_updates([u["key"] for u in prepared])
            # A batch may repeat an update (couriers deliver duplicates): once each.
            fresh = tuple({u["key"]: u for u in prepared if u["key"] not in seen}.values())
            if not fresh:
                return 0
            order = self._orders.order(located[1])[0]
            store = self._stores.get_store(store_id)
            plan = shipments.plan_tracking(order, fresh, actor, self._clock(),
                                           restock_on_return=bool(store.restock_on_return))
            if plan is None:
                return 0
            try:
                self._orders.apply_shipment(plan)
                return len(fresh)
            except ConcurrentChange:
                continue
        raise ConcurrentChange()

    def schedule_polls(self) -> int:
        """One poll job per store and polled courier (the scheduled fan-out)."""
        sent = 0
        for code in registry.codes():
            if not spec_named(code).polled:
                continue
            for store_id in self._orders.polled_stores(code):
                self._queue.send({"kind": "poll", "store_id": store_id, "courier": code})
                sent += 1
        return sent

    def poll(self, store_id: str, code: str) -> int:
        record = self._accounts.get(store_id, code)
        if record is None:
            return 0
        client = self._couriers.client_for(record)
        applied, after = 0, None
        while True:
            orders, after = self._orders.in_transit(store_id, code, POLL_BATCH, after)
            trackings = [o.shipment.tracking for o in orders if o.shipment and o.shipment.tracking]
            if trackings:
                found = client.get_tracking(trackings)
                received = self._clock()
                for tracking, updates in found.items():
                    applied += self._apply_to_parcel(
                        store_id, code, tracking, [_update_message(u, received) for u in updates])
            if not after:
                return applied


def _update_message(update: Any, received: datetime) -> Dict[str, Any]:
    """An update as queued. One the courier sent without a time is dated when we received
    it, so it is ordered among the others rather than counted as newest forever."""
    return {"tracking": update.tracking, "raw_status": update.raw_status,
            "status": update.status.value, "at": iso(update.at or received),
            "courier_at": iso(update.at) if update.at else None,
            "reason": update.reason, "event_id": update.event_id}


def _prepared(code: str, tracking: str, update: Mapping[str, Any]) -> Dict[str, Any]:
    at = update.get("at")
    moment = parse_iso(at) if isinstance(at, str) and at else None
    status = str(update.get("status") or TrackingStatus.UNKNOWN.value)
    if status not in {s.value for s in TrackingStatus}:
        status = TrackingStatus.UNKNOWN.value
    raw = str(update.get("raw_status") or "")
    # The key comes from what the courier said, never from when we heard it: the same
    # undated status polled twice is one update.
    said_at = update.get("courier_at", at)
    courier_moment = parse_iso(said_at) if isinstance(said_at, str) and said_at else None
    return {"raw_status": raw, "status": status, "at": moment, "reason": update.get("reason"),
            "key": shipments.update_key(code, tracking, raw, courier_moment,
                                        update.get("event_id"))}
