"""Call-confirm use cases: log a call, the queue to call now, assign, auto-cancel. Plain Python.

What a call does is planned by chalicelib/orders/calls.py; the order store writes
each plan in one transaction conditioned on the order's version, so two operators
logging calls on one order at once are both recorded and at most one moves it.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, List, Mapping, Optional, Tuple

from chalicelib.clock import Clock
from chalicelib.errors import ConcurrentChange, NotFound, ValidationFailed
from chalicelib.logs import get_logger, log
from chalicelib.orders import calls
from chalicelib.orders.model import Actor, Order
from chalicelib.pagination import parse_limit

logger = get_logger("calls")
# Each conflict means another write to the order landed; a call retries past as many
# simultaneous callers as a store plausibly has, then answers 409.
WRITE_RETRIES = 12
# Pending orders looked at per store and run of the auto-cancel job.
AUTO_CANCEL_BATCH = 500
# Roles that see only their own and unassigned orders in the queue.
QUEUE_OF_THEIR_OWN = ("operator",)


class CallService:
    def __init__(self, orders: Any, stores: Any, clock: Clock,
                 member_name: Callable[[str, str], Optional[str]]) -> None:
        """`member_name(store_id, member_id)` names a member of the store, None if not one."""
        self._orders, self._stores, self._clock = orders, stores, clock
        self._member_name = member_name

    def _owned(self, store_id: str, order_id: str) -> Order:
        found = self._orders.order(order_id)
        if found is None or found[0].store_id != store_id:
            raise NotFound("No such order.")
        return found[0]

    def log_call(self, store_id: str, order_id: str, body: Mapping[str, Any],
                 actor: Actor) -> Order:
        request = calls.parse_call(body, self._clock())
        store = self._stores.get_store(store_id)
        for _ in range(WRITE_RETRIES):
            order = self._owned(store_id, order_id)
            plan = calls.plan_call(order, request, actor, self._clock(),
                                   restock_on_return=bool(store.restock_on_return))
            try:
                self._orders.apply_call(plan, order)
            except ConcurrentChange:
                # Another call or change landed first: this call is still logged, on the
                # order as it is now (a move it asks for is judged against that state).
                continue
            if request.outcome in calls.UNANSWERED:
                # Registered whatever the setting says now: it may be turned on later,
                # and the job then finds orders that already reached it.
                self._orders.note_auto_cancel_store(store_id)
            log(logger, logging.INFO, "call logged", store_id=store_id, order_id=order_id,
                outcome=request.outcome)
            return self._owned(store_id, order_id)
        raise ConcurrentChange()

    def queue(self, store_id: str, query: Mapping[str, str], actor: Actor,
              role: str) -> List[Order]:
        return self._orders.call_queue(store_id, self._clock(), *self._listing(query, actor, role))

    def scheduled(self, store_id: str, query: Mapping[str, str], actor: Actor,
                  role: str) -> List[Order]:
        """Callbacks still to come, soonest first; operators see theirs and the unassigned."""
        return self._orders.scheduled_calls(store_id, self._clock(),
                                            *self._listing(query, actor, role))

    @staticmethod
    def _listing(query: Mapping[str, str], actor: Actor, role: str) -> Tuple[int, Optional[str]]:
        """The limit asked for, and the member whose queue it is (None: everyone's)."""
        return parse_limit(query), actor.id if role in QUEUE_OF_THEIR_OWN else None

    def assign(self, store_id: str, order_id: str, body: Mapping[str, Any],
               actor: Actor) -> Order:
        unknown = [key for key in body if key != "member_id"]
        if unknown or "member_id" not in body:
            raise ValidationFailed(fields={**{key: "is not a member of an assignment"
                                              for key in unknown},
                                           **({} if "member_id" in body else
                                              {"member_id": "is required (null to unassign)"})})
        member_id = body["member_id"]
        name = None
        if member_id is not None:
            if not isinstance(member_id, str) or not member_id:
                raise ValidationFailed(fields={"member_id": "must be a member id or null"})
            name = self._member_name(store_id, member_id)
            if name is None:
                raise ValidationFailed(fields={"member_id": "is not a member of this store"})
        for _ in range(WRITE_RETRIES):
            order = self._owned(store_id, order_id)
            plan = calls.plan_assign(order, member_id, name, actor, self._clock())
            try:
                self._orders.apply_call(plan, order)
                return self._owned(store_id, order_id)
            except ConcurrentChange:
                continue
        raise ConcurrentChange()

    def auto_cancel(self) -> int:
        """The scheduled job: cancel pending orders that reached their store's number of
        unanswered calls. Returns how many it cancelled."""
        cancelled = 0
        for store_id in self._orders.auto_cancel_stores():
            try:
                store = self._stores.get_store(store_id)
            except NotFound:
                self._orders.forget_auto_cancel_store(store_id)
                continue
            threshold = _auto_cancel_threshold(store)
            if not threshold:
                continue
            cancelled += self._auto_cancel_store(store_id, threshold)
        return cancelled

    def _auto_cancel_store(self, store_id: str, threshold: int) -> int:
        cancelled = 0
        now = self._clock()
        # Callbacks not yet due are out of the "now" queue; look far ahead to see them all.
        pending = self._orders.call_queue(store_id, now + calls.LONGEST_POSTPONE,
                                          AUTO_CANCEL_BATCH)
        for order in pending:
            plan = calls.plan_auto_cancel(order, threshold, self._clock())
            if plan is None:
                continue
            try:
                self._orders.apply_call(plan, order)
                cancelled += 1
            except ConcurrentChange:
                continue   # someone acted on it meanwhile; the next run looks again
        if cancelled:
            log(logger, logging.INFO, "orders auto-cancelled", store_id=store_id, count=cancelled)
        return cancelled


def _auto_cancel_threshold(store: Any) -> Optional[int]:
    value = getattr(store, "auto_cancel_after_attempts", None)
    return int(value) if value else None

