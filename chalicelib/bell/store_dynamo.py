"""BellStore on DynamoDB.

Items (DATA-MODEL question 18):
  STORE#<id>#NOTIF / <at>#<notification id>   a notification (TTL 60 days)
  STORE#<id>#BELL  / UNREAD                   the unread count, the "mark all" watermark
                                              (`read_before`: positions at or below it
                                              are read) and `seq`, bumped by every
                                              unread put
  STORE#<id>#WS    / <connection id>          an open dashboard (TTL 2 h, refreshed)
  WSCONN#<connection id> / WSCONN             -> store id, for $disconnect (same TTL)

The count is exact because every change to it happens in the same transaction
as the change it counts, under conditions that say which side of the watermark
the notification is on; when a condition on the counter fails (the watermark
moved meanwhile) the write is decided again.
"""
from __future__ import annotations

import random
import time
from datetime import datetime
from typing import Callable, List, Optional, Tuple, TypeVar

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PynamoDBException, TransactWriteError, UpdateError

from chalicelib import dynamo
from chalicelib.bell.model import FeedPage, Notification, position_for_id
from chalicelib.dynamo import TableItem
from chalicelib.errors import ConcurrentChange

ATTEMPTS = 12
T = TypeVar("T")


class NotificationItem(TableItem, discriminator="notification"):
    notification_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute(null=True)
    url = UnicodeAttribute()
    order_id = UnicodeAttribute(null=True)
    sound = BooleanAttribute()
    read = BooleanAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(store_id: str, position: str):
        return f"STORE#{store_id}#NOTIF", position


class BellCounterItem(TableItem, discriminator="bell_counter"):
    unread = NumberAttribute(default=0)
    seq = NumberAttribute(default=0)
    read_before = UnicodeAttribute(null=True)

    @staticmethod
    def key(store_id: str):
        return f"STORE#{store_id}#BELL", "UNREAD"


class ConnectionItem(TableItem, discriminator="ws_connection"):
    subject_id = UnicodeAttribute()
    connected_at = UTCDateTimeAttribute()

    @staticmethod
    def key(store_id: str, connection_id: str):
        return f"STORE#{store_id}#WS", connection_id


class ConnectionOwnerItem(TableItem, discriminator="ws_owner"):
    store_id = UnicodeAttribute()

    @staticmethod
    def key(connection_id: str):
        return f"WSCONN#{connection_id}", "WSCONN"


class _Retry(Exception):
    """The counter moved under us: decide again."""


def _with_retries(attempt: Callable[[], T]) -> T:
    for number in range(ATTEMPTS):
        try:
            return attempt()
        except (_Retry, ConcurrentChange):
            time.sleep(random.uniform(0, 0.01 * (number + 1)))
    raise ConcurrentChange()


def _failed(error: TransactWriteError) -> List[bool]:
    if not dynamo.was_cancelled(error):   # raises ConcurrentChange on a conflict
        raise dynamo.unavailable(error) from error
    return [code == "ConditionalCheckFailed" for code in dynamo.cancellation_codes(error)]


def _item(notification: Notification, read: bool, expires: datetime) -> NotificationItem:
    pk, sk = NotificationItem.key(notification.store_id, notification.position)
    return NotificationItem(pk, sk, notification_id=notification.id,
                            store_id=notification.store_id, event_type=notification.type,
                            title=notification.title, body=notification.body or None,
                            url=notification.url, order_id=notification.order_id,
                            sound=notification.sound, read=read,
                            created_at=notification.created_at, ttl=expires)


def _notification(item: NotificationItem) -> Notification:
    return Notification(id=item.notification_id, store_id=item.store_id, type=item.event_type,
                        title=item.title, body=item.body or "", url=item.url,
                        order_id=item.order_id, sound=item.sound, created_at=item.created_at,
                        read=item.read)


class DynamoBellStore:
    # --- the feed -------------------------------------------------------------
    def _counter(self, store_id: str) -> Optional[BellCounterItem]:
        try:
            return BellCounterItem.get(*BellCounterItem.key(store_id), consistent_read=True)
        except DoesNotExist:
            return None
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error

    def add(self, notification: Notification, expires: datetime) -> bool:
        return _with_retries(lambda: self._try_add(notification, expires))

    def _try_add(self, notification: Notification, expires: datetime) -> bool:
        counter = self._counter(notification.store_id)
        watermark = counter.read_before if counter else None
        position = notification.position
        below = watermark is not None and position <= watermark
        counter_key = BellCounterItem.key(notification.store_id)
        try:
            with dynamo.transaction() as tx:
                if below:
                    # Arrives already read: the watermark must still cover it.
                    tx.condition_check(BellCounterItem, *counter_key,
                                       condition=BellCounterItem.read_before >= position)
                # One item per event: a redelivery finds it there.
                tx.save(_item(notification, below, expires),
                        condition=NotificationItem.pk.does_not_exist())
                if not below:
                    # Counted unread only while no "mark all" covers it.
                    tx.update(BellCounterItem(*counter_key), actions=[
                        BellCounterItem.unread.add(1), BellCounterItem.seq.add(1),
                        BellCounterItem.item_type.set(BellCounterItem)],
                        condition=BellCounterItem.read_before.does_not_exist()
                        | (BellCounterItem.read_before < position))
        except TransactWriteError as error:
            failed = _failed(error) + [False, False]
            item_failed = failed[1] if below else failed[0]
            if item_failed:
                return False
            raise _Retry() from error
        return True

    def page(self, store_id: str, limit: int, before: Optional[str]) -> FeedPage:
        pk, _ = NotificationItem.key(store_id, "")
        condition = NotificationItem.sk < before if before else None
        try:
            rows = list(NotificationItem.query(pk, condition, scan_index_forward=False,
                                               limit=limit + 1, page_size=limit + 1,
                                               consistent_read=True))
            counter = self._counter(store_id)
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        items = [_notification(row) for row in rows[:limit]]
        more = len(rows) > limit
        return FeedPage(items=items, next_position=rows[limit - 1].sk if more else None,
                        unread_count=int(counter.unread) if counter else 0,
                        read_before=counter.read_before if counter else None)

    def mark_read(self, store_id: str, ids: List[str]) -> int:
        for notification_id in ids:
            position = position_for_id(notification_id)
            if position is not None:
                _with_retries(lambda: self._try_flip(store_id, position))
        return self.unread_count(store_id)

    def _try_flip(self, store_id: str, position: str) -> None:
        try:
            with dynamo.transaction() as tx:
                # Only an existing notification that is still unread flips (and counts).
                tx.update(NotificationItem(*NotificationItem.key(store_id, position)),
                          actions=[NotificationItem.read.set(True)],
                          condition=NotificationItem.pk.exists()
                          & (NotificationItem.read == False))  # noqa: E712 - a DynamoDB condition
                # Below the watermark it was already counted read; never below zero.
                tx.update(BellCounterItem(*BellCounterItem.key(store_id)),
                          actions=[BellCounterItem.unread.add(-1)],
                          condition=(BellCounterItem.unread >= 1)
                          & (BellCounterItem.read_before.does_not_exist()
                             | (BellCounterItem.read_before < position)))
        except TransactWriteError as error:
            _failed(error)   # unknown, already read or under the watermark: nothing to do

    def mark_all_read(self, store_id: str) -> int:
        return _with_retries(lambda: self._try_mark_all(store_id))

    def _try_mark_all(self, store_id: str) -> int:
        counter = self._counter(store_id)
        if counter is None:
            return 0   # nothing was ever counted unread
        pk, _ = NotificationItem.key(store_id, "")
        try:
            newest = list(NotificationItem.query(pk, scan_index_forward=False, limit=1,
                                                 consistent_read=True))
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        if not newest:
            return int(counter.unread)
        watermark = max(newest[0].sk, counter.read_before or "")
        try:
            # No unread put since we read the counter, so nothing above the
            # watermark is unread and zero is exact.
            counter.update(actions=[BellCounterItem.unread.set(0),
                                    BellCounterItem.read_before.set(watermark)],
                           condition=BellCounterItem.seq == counter.seq)
        except UpdateError as error:
            code = getattr(error, "cause_response_code", None)
            if code in ("ConditionalCheckFailedException", "TransactionConflictException"):
                raise _Retry() from error
            raise dynamo.unavailable(error) from error
        return 0

    def unread_count(self, store_id: str) -> int:
        counter = self._counter(store_id)
        return int(counter.unread) if counter else 0

    def expires(self, store_id: str, notification_id: str) -> Optional[datetime]:
        position = position_for_id(notification_id)
        try:
            return NotificationItem.get(*NotificationItem.key(store_id, position or ""),
                                        consistent_read=True).ttl
        except DoesNotExist:
            return None

    # --- dashboards' connections ------------------------------------------------
    def add_connection(self, store_id: str, connection_id: str, subject_id: str,
                       now: datetime, expires: datetime) -> None:
        try:
            with dynamo.transaction() as tx:
                tx.save(ConnectionItem(*ConnectionItem.key(store_id, connection_id),
                                       subject_id=subject_id, connected_at=now, ttl=expires))
                tx.save(ConnectionOwnerItem(*ConnectionOwnerItem.key(connection_id),
                                            store_id=store_id, ttl=expires))
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error

    def _owner(self, connection_id: str) -> Optional[str]:
        try:
            return ConnectionOwnerItem.get(*ConnectionOwnerItem.key(connection_id),
                                           consistent_read=True).store_id
        except DoesNotExist:
            return None
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error

    def refresh_connection(self, connection_id: str, expires: datetime) -> Optional[str]:
        store_id = self._owner(connection_id)
        if store_id is None:
            return None
        try:
            with dynamo.transaction() as tx:
                # Only a connection still remembered is refreshed (never resurrected).
                tx.update(ConnectionItem(*ConnectionItem.key(store_id, connection_id)),
                          actions=[ConnectionItem.ttl.set(expires)],
                          condition=ConnectionItem.pk.exists())
                tx.update(ConnectionOwnerItem(*ConnectionOwnerItem.key(connection_id)),
                          actions=[ConnectionOwnerItem.ttl.set(expires)],
                          condition=ConnectionOwnerItem.pk.exists())
        except TransactWriteError as error:
            try:
                _failed(error)
            except ConcurrentChange:
                return store_id   # a disconnect or another refresh at the same time
            return None
        return store_id

    def remove_connection(self, connection_id: str) -> Optional[str]:
        store_id = self._owner(connection_id)
        if store_id is None:
            return None
        try:
            with dynamo.transaction() as tx:
                tx.delete(ConnectionItem(*ConnectionItem.key(store_id, connection_id)))
                tx.delete(ConnectionOwnerItem(*ConnectionOwnerItem.key(connection_id)))
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        return store_id

    def connections(self, store_id: str, now: datetime) -> List[Tuple[str, datetime]]:
        pk, _ = ConnectionItem.key(store_id, "")
        try:
            rows = list(ConnectionItem.query(pk, consistent_read=True))
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        # TTL deletes late: an expired connection is already gone for us.
        return [(row.sk, row.ttl) for row in rows if row.ttl is None or row.ttl > now]
