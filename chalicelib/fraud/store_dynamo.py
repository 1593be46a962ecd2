"""FraudStore on DynamoDB.

Items:
  STORE#<store> / BLOCK#<+213…>         a blocked phone (reason, when, by whom)
  RATE#<store>#P#<phone>#<yyyymmddhh> / RATE    checkouts of a phone in that hour (TTL)
  RATE#<store>#I#<ip>#<yyyymmddhh> / RATE       checkouts from an IP in that hour (TTL)

A checkout does not read its phone's BLOCK item: the checkout's own
TransactWriteItems checks that it does not exist (`block_key`). The store item's
`checkout_limits` are one small GetItem, which the fraud service remembers for a
minute; each enabled counter advances with one conditional UpdateItem.
Listing blocks is one Query on the store's partition (sk prefix).
"""
from __future__ import annotations

from typing import List, Optional, Tuple

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DeleteError, PutError, UpdateError

from chalicelib import dynamo
from chalicelib.accounts.store_dynamo import StoreItem
from chalicelib.dynamo import TableItem
from chalicelib.fraud.model import Block, CheckoutLimits, Counter, limits_from

PREFIX = "BLOCK#"
CONDITION_FAILED = "ConditionalCheckFailedException"


class BlockItem(TableItem, discriminator="phone_block"):
    store_id = UnicodeAttribute()
    phone = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute(null=True)

    @staticmethod
    def key(store_id: str, phone: str):
        return f"STORE#{store_id}", f"{PREFIX}{phone}"


class RateItem(TableItem, discriminator="checkout_rate"):
    count = NumberAttribute(null=True)


def _block(item: BlockItem) -> Block:
    return Block(store_id=item.store_id, phone=item.phone, reason=item.reason,
                 created_at=item.created_at, created_by=item.created_by)


def _refused(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == CONDITION_FAILED


class DynamoFraudStore:
    def add_block(self, block: Block) -> Block:
        item = BlockItem(*BlockItem.key(block.store_id, block.phone), store_id=block.store_id,
                         phone=block.phone, reason=block.reason, created_at=block.created_at,
                         created_by=block.created_by)
        try:
            # One entry per phone and store: the first one stays.
            item.save(condition=BlockItem.pk.does_not_exist())
        except PutError as error:
            if not _refused(error):
                raise
            existing = self.block(block.store_id, block.phone)
            if existing is None:    # removed in between: this one may go in after all
                return self.add_block(block)
            return existing
        return block

    def blocks(self, store_id: str, limit: int,
               after: Optional[str] = None) -> Tuple[List[Block], Optional[str]]:
        pk = f"STORE#{store_id}"
        start = {"pk": {"S": pk}, "sk": {"S": PREFIX + after}} if after else None
        results = BlockItem.query(pk, BlockItem.sk.startswith(PREFIX), consistent_read=True,
                                  last_evaluated_key=start, page_size=limit + 1)
        found: List[Block] = []
        for item in results:
            found.append(_block(item))
            if len(found) > limit:
                break
        page = found[:limit]
        return page, (page[-1].phone if len(found) > limit else None)

    def block(self, store_id: str, phone: str) -> Optional[Block]:
        try:
            return _block(BlockItem.get(*BlockItem.key(store_id, phone), consistent_read=True))
        except BlockItem.DoesNotExist:
            return None

    def remove_block(self, store_id: str, phone: str) -> bool:
        try:
            # Only an entry that is there counts as removed (404 otherwise).
            BlockItem(*BlockItem.key(store_id, phone)).delete(condition=BlockItem.pk.exists())
        except DeleteError as error:
            if _refused(error):
                return False
            raise
        return True

    def block_key(self, store_id: str, phone: str) -> Tuple[str, str]:
        return BlockItem.key(store_id, phone)

    def holds(self, key: Tuple[str, str]) -> bool:
        pk, sk = key
        return BlockItem.count(pk, BlockItem.sk == sk, consistent_read=True) > 0

    def checkout_limits(self, store_id: str) -> CheckoutLimits:
        pk, sk = StoreItem.key(store_id)
        # Eventually consistent is enough: the fraud service remembers the answer for
        # a minute anyway, and it costs half the read units.
        row = dynamo.connection().client.get_item(
            TableName=dynamo.table_name(), Key={"pk": {"S": pk}, "sk": {"S": sk}},
            ProjectionExpression="checkout_limits").get("Item") or {}
        limits = {name: int(value["N"]) if "N" in value else None
                  for name, value in row.get("checkout_limits", {}).get("M", {}).items()}
        return limits_from(limits)

    def count(self, counter: Counter) -> bool:
        item = RateItem(counter.key, "RATE")
        try:
            item.update(actions=[RateItem.item_type.set(RateItem), RateItem.count.add(1),
                                 RateItem.ttl.set(counter.expires_at)],
                        # The hour's checkouts stay within the store's limit.
                        condition=RateItem.count.does_not_exist() | (RateItem.count < counter.limit))
        except UpdateError as error:
            if _refused(error):
                return False
            raise
        return True
