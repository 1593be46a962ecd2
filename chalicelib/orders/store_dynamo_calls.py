"""The call-confirm half of the DynamoDB order store (mixed into DynamoOrderStore).

  ORDER#<id> / ORDER              `call` summary; gsi7 STORE#<store>#Q while the order is
                                  pending, sk `0#<next_call_at>` (a callback) or
                                  `1#<created_at>` (the rest): the call queue, no Scan
  AUTOCANCEL / STORE#<store>      stores whose unanswered calls may auto-cancel orders

`apply_call` writes a CallPlan as one TransactWriteItems: the timeline entries, the
order (conditioned on its version; with the status move and stock a confirm or
cancel by call carries) and its place in the queue.
"""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import TransactWriteError

from chalicelib import dynamo
from chalicelib.clock import iso
from chalicelib.dynamo import TableItem
from chalicelib.errors import ConcurrentChange, InsufficientStock, InvalidTransition
from chalicelib.orders.calls import CallPlan, queue_key
from chalicelib.orders.items_dynamo import OrderItem, call_map, order_from_item
from chalicelib.orders.model import Order
from chalicelib.orders.store_dynamo_shipments import (change_parts, transition_actions,
                                                      write_order_change)


class AutoCancelItem(TableItem, discriminator="auto_cancel_store"):
    store_id = UnicodeAttribute()

    @staticmethod
    def key(store_id: str):
        return "AUTOCANCEL", f"STORE#{store_id}"


class CallWrites:
    def apply_call(self, plan: CallPlan, order: Order) -> None:
        at = (plan.entries or tuple(t.entry for t in plan.transitions))[0].at
        actions = [OrderItem.version.add(1), OrderItem.updated_at.set(at),
                   OrderItem.call.set(call_map(plan.call))]
        actions += transition_actions(plan.store_id, plan.transitions)
        if not plan.transitions:
            queued = queue_key(order.changed(call=plan.call))
            if queued:
                actions += [OrderItem.gsi7pk.set(f"STORE#{plan.store_id}#Q"),
                            OrderItem.gsi7sk.set(queued)]
        # Conditioned on the version read: two operators logging calls at once both
        # succeed only one after the other, never over each other.
        entries, condition, moves = change_parts(plan.expected_version, plan.entries,
                                                 plan.transitions)
        try:
            with dynamo.transaction() as tx:
                write_order_change(tx, plan.order_id, plan.store_id, entries, actions,
                                   condition, moves)
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            codes = dynamo.cancellation_codes(error)
            # Order of items by kind: puts (the entries) first, then updates (order, stock).
            order_failed = codes[len(entries)] == "ConditionalCheckFailed" \
                if len(codes) > len(entries) else True
            if not order_failed and any(move.take for move in moves):
                raise InsufficientStock("Not enough stock to confirm this order.",
                                        variants=[m.variant_id for m, code in
                                                  zip(moves, codes[len(entries) + 1:])
                                                  if code == "ConditionalCheckFailed"]) from error
            found = self.order(plan.order_id)
            if plan.transitions and found and found[0].status != plan.transitions[0].expected_status:
                raise InvalidTransition(f"The order is {found[0].status} now.",
                                        current=found[0].status) from error
            raise ConcurrentChange() from error

    def call_queue(self, store_id: str, now: datetime, limit: int,
                   member_id: Optional[str] = None) -> List[Order]:
        """Pending orders to call now: due callbacks first, then the oldest. With a member,
        only theirs and the unassigned ones."""
        due = self._queue_part(store_id, OrderItem.gsi7sk.between("0#", f"0#{iso(now)}~"),
                               limit, member_id)
        rest = [] if len(due) >= limit else self._queue_part(
            store_id, OrderItem.gsi7sk.startswith("1#"), limit - len(due), member_id)
        return due + rest

    def scheduled_calls(self, store_id: str, now: datetime, limit: int,
                        member_id: Optional[str] = None) -> List[Order]:
        """Pending orders with a callback still to come, soonest first (the same index:
        its `0#<next_call_at>` keys after now)."""
        return self._queue_part(store_id, OrderItem.gsi7sk.between(f"0#{iso(now)}~", "0#~"),
                                limit, member_id)

    @staticmethod
    def _queue_part(store_id: str, key_condition, limit: int,
                    member_id: Optional[str]) -> List[Order]:
        mine = None
        if member_id is not None:
            # Unassigned: no call summary yet, or one whose assignee is absent or null
            # (call_map writes `assigned_to: None` as a NULL value, which exists).
            mine = OrderItem.call["assigned_to"].does_not_exist() \
                | OrderItem.call["assigned_to"].is_type("NULL") \
                | (OrderItem.call["assigned_to"] == member_id) \
                | OrderItem.call.does_not_exist()
        orders: List[Order] = []
        for item in OrderItem.call_queue.query(f"STORE#{store_id}#Q", key_condition,
                                               filter_condition=mine, page_size=100):
            orders.append(order_from_item(item))
            if len(orders) >= limit:
                break
        return orders

    def note_auto_cancel_store(self, store_id: str) -> None:
        AutoCancelItem(*AutoCancelItem.key(store_id), store_id=store_id).save()

    def auto_cancel_stores(self) -> List[str]:
        return [item.store_id for item in TableItem.query("AUTOCANCEL")
                if isinstance(item, AutoCancelItem)]

    def forget_auto_cancel_store(self, store_id: str) -> None:
        AutoCancelItem(*AutoCancelItem.key(store_id)).delete()

