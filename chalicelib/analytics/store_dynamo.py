"""Analytics counters in the single table.

Layout: `pk = STATS#<store>#<dimension>`, `sk = <yyyy-mm-dd>#<value>` (e.g.
`STATS#st_1#wilaya` / `2025-03-07#16`), one numeric attribute per counter. A
report over [from, to] is one Query on the pk with `sk BETWEEN "<from>#" AND
"<to>#\uffff"` (paged, at most 366 days x 58 wilayas items), never a Scan.

An event's counter ADDs and its handled-marker (the inbox's HandledItem, put only
if absent) are one transaction: a redelivered event fails the marker's condition
and adds nothing, and a crash can never leave counts without the marker or the
marker without counts.
"""
from __future__ import annotations

from datetime import datetime
from typing import Dict, Iterable, List, Tuple

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import PynamoDBException, TransactWriteError

from chalicelib import dynamo
from chalicelib.analytics.model import COUNTERS, CounterMove
from chalicelib.dynamo import TableItem
from chalicelib.events.inbox import REMEMBER_FOR, HandledItem

Row = Tuple[str, str, Dict[str, int]]
_AFTER_EVERY_VALUE = "\uffff"


class DeliveryStatItem(TableItem, discriminator="delivery_stat"):
    orders = NumberAttribute(null=True)
    confirmed = NumberAttribute(null=True)
    shipped = NumberAttribute(null=True)
    delivered = NumberAttribute(null=True)
    refused = NumberAttribute(null=True)
    returned = NumberAttribute(null=True)
    cod = NumberAttribute(null=True)

    @staticmethod
    def key(store_id: str, dimension: str, day: str, value: str) -> Tuple[str, str]:
        return f"STATS#{store_id}#{dimension}", f"{day}#{value}"


class DynamoCounterStore:
    def apply(self, consumer: str, event_id: str, moves: Iterable[CounterMove],
              now: datetime) -> bool:
        """ADD every move's counters and mark the event handled, in one transaction.
        False (and nothing added) when the event was handled before."""
        moves = list(moves)
        try:
            with dynamo.transaction() as tx:
                marker = HandledItem(*HandledItem.key(consumer, event_id), ttl=now + REMEMBER_FOR)
                # Each event counts once: the marker must not exist yet.
                tx.save(marker, condition=HandledItem.pk.does_not_exist())
                for move in moves:
                    item = DeliveryStatItem(*DeliveryStatItem.key(
                        move.store_id, move.dimension, move.day, move.value))
                    # No condition: ADD creates the item and missing counters at 0;
                    # the item type is set so typed queries find an item made by ADD.
                    tx.update(item, actions=[DeliveryStatItem.item_type.set(DeliveryStatItem)] + [
                        getattr(DeliveryStatItem, name).add(amount)
                        for name, amount in move.counters])
        except TransactWriteError as error:
            # A TransactionConflict raises ConcurrentChange here: the record is
            # retried by the queue, and the marker keeps the retry from double counting.
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            if dynamo.cancellation_codes(error)[:1] == ["ConditionalCheckFailed"]:
                return False
            raise dynamo.unavailable(error) from error
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        return True

    def day_rows(self, store_id: str, dimension: str, first_day: str, last_day: str) -> List[Row]:
        pk, low = DeliveryStatItem.key(store_id, dimension, first_day, "")
        _, high = DeliveryStatItem.key(store_id, dimension, last_day, _AFTER_EVERY_VALUE)
        rows: List[Row] = []
        try:
            for item in DeliveryStatItem.query(pk, DeliveryStatItem.sk.between(low, high),
                                               page_size=1000):
                day, _, value = item.sk.partition("#")
                rows.append((day, value, {name: int(getattr(item, name) or 0)
                                          for name in COUNTERS}))
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        return rows
