"""The shipment half of the DynamoDB order store (mixed into DynamoOrderStore).

  ORDER#<id> / ORDER                 `shipment` map; gsi6 COURIER#<store>#<courier> while the
                                     parcel is on its way (sparse: what pollers list)
  TRACK#<courier>#<tracking> / TRACK tracking number -> order (courier callbacks)
  UPD#<key> / UPD                    one courier update recorded (written once: duplicates fail)
  POLL#<courier> / STORE#<store>     stores that have parcels at that courier

`apply_shipment` writes a ShipmentPlan as one TransactWriteItems: the timeline
entries, the order (conditioned on its version, with any status transitions the
plan carries and their stock moves), the tracking index and the update markers.
"""
from __future__ import annotations

from typing import Iterable, List, Optional, Set, Tuple

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib import dynamo
from chalicelib.catalog.store_dynamo import (VariantItem, release_stock_action,
                                             take_stock_action)
from chalicelib.clock import iso
from chalicelib.dynamo import TableItem
from chalicelib.errors import ConcurrentChange, InsufficientStock
from chalicelib.orders.items_dynamo import (CourierUpdateItem, OrderItem, PollItem, TrackItem,
                                            TimelineItem, order_from_item, shipment_map,
                                            timeline_item)
from chalicelib.orders.model import Order
from chalicelib.orders.shipments import ShipmentPlan

# Update markers outlive any parcel's journey; then they expire.
UPDATE_MARKER_SECONDS = 180 * 24 * 3600


def in_transit_key(store_id: str, courier: str) -> str:
    return f"COURIER#{store_id}#{courier}"


def transition_actions(store_id: str, transitions) -> list:
    """What a chain of status transitions sets on the order item (the last one wins)."""
    if not transitions:
        return []
    last = transitions[-1]
    actions = [OrderItem.status.set(last.new_status),
               OrderItem.gsi2pk.set(f"STORE#{store_id}#S#{last.new_status}"),
               OrderItem.stock_taken.set(last.stock_taken),
               OrderItem.restock_due.set(last.restock_due),
               OrderItem.restocked.set(last.restocked)]
    if last.new_status != "pending":
        # Only pending orders sit in the call queue.
        actions += [OrderItem.gsi7pk.remove(), OrderItem.gsi7sk.remove()]
    return actions


def change_parts(expected_version: int, entries, transitions):
    """What a planned order change writes besides the order's own actions: every
    timeline entry (the plan's, then its transitions'), the condition it is made on
    and the stock moves of its transitions."""
    # The plan was made from this version (and status) of the order: a concurrent
    # change (another update, a call, a merchant's click) makes the write fail whole.
    condition = OrderItem.version == expected_version
    if transitions:
        condition &= OrderItem.status == transitions[0].expected_status
    return (list(entries) + [t.entry for t in transitions], condition,
            [move for t in transitions for move in t.stock_moves])


def write_order_change(tx, order_id: str, store_id: str, entries, actions, condition,
                       moves) -> None:
    """The timeline entries, the order update and its stock moves, into one transaction."""
    for entry in entries:
        tx.save(timeline_item(order_id, store_id, entry),
                condition=TimelineItem.pk.does_not_exist())
    tx.update(OrderItem(*OrderItem.key(order_id)), actions=actions, condition=condition)
    for move in moves:
        stock_actions, stock_condition = (take_stock_action(move.quantity) if move.take
                                          else release_stock_action(move.quantity))
        tx.update(VariantItem(*VariantItem.key(store_id, move.product_id, move.variant_id)),
                  actions=stock_actions, condition=stock_condition)


class ShipmentWrites:
    def apply_shipment(self, plan: ShipmentPlan) -> None:
        shipment = plan.shipment
        at = plan.entries[0].at if plan.entries else shipment.requested_at
        actions = [OrderItem.version.add(1), OrderItem.updated_at.set(at),
                   OrderItem.shipment.set(shipment_map(shipment))]
        actions += transition_actions(plan.store_id, plan.transitions)
        if plan.in_transit:
            actions += [OrderItem.gsi6pk.set(in_transit_key(plan.store_id, shipment.courier)),
                        OrderItem.gsi6sk.set(f"{iso(shipment.requested_at)}#{plan.order_id}")]
        else:
            actions += [OrderItem.gsi6pk.remove(), OrderItem.gsi6sk.remove()]
        entries, condition, moves = change_parts(plan.expected_version, plan.entries,
                                                 plan.transitions)
        try:
            with dynamo.transaction() as tx:
                write_order_change(tx, plan.order_id, plan.store_id, entries, actions, condition,
                                   moves)
                if plan.index_tracking and shipment.tracking:
                    tx.save(TrackItem(*TrackItem.key(shipment.courier, shipment.tracking),
                                      order_id=plan.order_id, store_id=plan.store_id))
                    tx.save(PollItem(*PollItem.key(shipment.courier, plan.store_id),
                                     store_id=plan.store_id))
                expires = dynamo.now_epoch(at) + UPDATE_MARKER_SECONDS
                for key in plan.update_keys:
                    # Each courier update is recorded once: a duplicate fails here.
                    tx.save(CourierUpdateItem(*CourierUpdateItem.key(key),
                                              order_id=plan.order_id, ttl=expires),
                            condition=CourierUpdateItem.pk.does_not_exist())
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            if moves and any(move.take for move in moves):
                raise InsufficientStock("Not enough stock.") from error
            raise ConcurrentChange() from error

    def order_by_tracking(self, courier: str, tracking: str) -> Optional[Tuple[str, str]]:
        try:
            item = TrackItem.get(*TrackItem.key(courier, tracking))
        except DoesNotExist:
            return None
        return item.store_id, item.order_id

    def recorded_updates(self, keys: Iterable[str]) -> Set[str]:
        wanted = list(dict.fromkeys(keys))
        found: Set[str] = set()
        for start in range(0, len(wanted), 100):
            chunk = [CourierUpdateItem.key(key) for key in wanted[start:start + 100]]
            for item in TableItem.batch_get(chunk, consistent_read=True):
                found.add(item.pk[len("UPD#"):])
        return found

    def in_transit(self, store_id: str, courier: str, limit: int,
                   after: Optional[dict] = None) -> Tuple[List[Order], Optional[dict]]:
        page = OrderItem.in_transit.query(in_transit_key(store_id, courier), limit=limit,
                                          last_evaluated_key=after)
        orders = [order_from_item(item) for item in page]
        return orders, page.last_evaluated_key

    def polled_stores(self, courier: str) -> List[str]:
        return [item.store_id for item in TableItem.query(f"POLL#{courier}")
                if isinstance(item, PollItem)]
