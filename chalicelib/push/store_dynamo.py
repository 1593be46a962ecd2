"""SubscriptionStore on DynamoDB.

Items:
  STORE#<id>#PUSH / SUB#<subscription id>   one member's browser: endpoint and keys

All of a store's devices are one Query on that partition (a push goes to all of
them); a subscription is read and deleted by its key, so another store's id is
simply not there.
"""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional, Tuple

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DeleteError, PynamoDBException

from chalicelib import dynamo
from chalicelib.dynamo import TableItem
from chalicelib.push.model import Subscription

PREFIX = "SUB#"


class PushSubscriptionItem(TableItem, discriminator="push_subscription"):
    subscription_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    member_id = UnicodeAttribute()
    endpoint = UnicodeAttribute()
    p256dh = UnicodeAttribute()
    auth = UnicodeAttribute()
    expiration_time = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(store_id: str, subscription_id: str):
        return f"STORE#{store_id}#PUSH", f"{PREFIX}{subscription_id}"


def _from_item(item: PushSubscriptionItem) -> Subscription:
    return Subscription(id=item.subscription_id, store_id=item.store_id, member_id=item.member_id,
                        endpoint=item.endpoint, p256dh=item.p256dh, auth=item.auth,
                        created_at=item.created_at, updated_at=item.updated_at,
                        expiration_time=(int(item.expiration_time)
                                         if item.expiration_time is not None else None))


class DynamoSubscriptionStore:
    def save(self, subscription: Subscription) -> Subscription:
        item = PushSubscriptionItem(*PushSubscriptionItem.key(subscription.store_id, subscription.id))
        model = PushSubscriptionItem
        actions = [
            model.item_type.set(model),
            model.subscription_id.set(subscription.id),
            model.store_id.set(subscription.store_id),
            model.member_id.set(subscription.member_id),
            model.endpoint.set(subscription.endpoint),
            model.p256dh.set(subscription.p256dh),
            model.auth.set(subscription.auth),
            # A refreshed subscription keeps the time it was first made.
            model.created_at.set(model.created_at | subscription.created_at),
            model.updated_at.set(subscription.updated_at),
        ]
        actions.append(model.expiration_time.remove() if subscription.expiration_time is None
                       else model.expiration_time.set(subscription.expiration_time))
        try:
            # One UpdateItem upserts without reading first: two devices racing to
            # subscribe the same endpoint both land on the same item.
            item.update(actions=actions)
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        return _from_item(item)

    def get(self, store_id: str, subscription_id: str) -> Optional[Subscription]:
        try:
            item = PushSubscriptionItem.get(*PushSubscriptionItem.key(store_id, subscription_id),
                                            consistent_read=True)
        except PushSubscriptionItem.DoesNotExist:
            return None
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        return _from_item(item)

    def page(self, store_id: str, limit: int,
             after: Optional[str]) -> Tuple[List[Subscription], Optional[str]]:
        pk, _ = PushSubscriptionItem.key(store_id, "")
        start = ({"pk": {"S": pk}, "sk": {"S": PREFIX + after}} if after is not None else None)
        try:
            # One more than asked tells whether there is a next page.
            items = [_from_item(item) for item in PushSubscriptionItem.query(
                pk, PushSubscriptionItem.sk.startswith(PREFIX), limit=limit + 1,
                last_evaluated_key=start)]
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        chosen = items[:limit]
        return chosen, (chosen[-1].id if len(items) > limit else None)

    def all_for_store(self, store_id: str) -> List[Subscription]:
        pk, _ = PushSubscriptionItem.key(store_id, "")
        try:
            return [_from_item(item) for item in PushSubscriptionItem.query(
                pk, PushSubscriptionItem.sk.startswith(PREFIX), consistent_read=True)]
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error

    def delete(self, store_id: str, subscription_id: str,
               unchanged_since: Optional[datetime] = None) -> bool:
        item = PushSubscriptionItem(*PushSubscriptionItem.key(store_id, subscription_id))
        # It must exist (so a second delete reports False, and a 404 can be told apart).
        condition = PushSubscriptionItem.pk.exists()
        if unchanged_since is not None:
            # Not refreshed since the push that found it gone: a renewed one stays.
            condition &= PushSubscriptionItem.updated_at <= unchanged_since
        try:
            item.delete(condition=condition)
        except DeleteError as error:
            if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
                return False
            raise dynamo.unavailable(error) from error
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        return True
