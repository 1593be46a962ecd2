"""OrderStore on DynamoDB: the only writer of an order's status (with its shipment half,
store_dynamo_shipments.py, for the courier's changes).

  ORDER#<id> / ORDER                      the order, with `version` and its index keys
  ORDER#<id> / TL#<at>#<seq>#<rand>       timeline entries: one Query returns order + timeline
  STORE#<store> / NUMBER#<n>              number -> order id (its existence keeps numbers unique)
  STORE#<store> / ORDERSEQ                the last number given (advanced in the checkout transaction)
  IDEM#<store>#<key> / IDEM               idempotency record, 24 h TTL

Indexes (newest first, sk = <created_at>#<id>):
  gsi1 STORE#<s>#O            every order       gsi2 STORE#<s>#S#<status>   by status
  gsi3 STORE#<s>#W#<wilaya>   by wilaya         gsi4 STORE#<s>#P#<phone>    by phone
  gsi5 STORE#<s>#N#<2 chars>  by customer name (prefix of the normalised name, filtered)
"""
from __future__ import annotations

import json
import random
import time
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Tuple

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib import dynamo
from chalicelib.clock import parse_iso
from chalicelib.catalog.store_dynamo import (DynamoCatalogStore, ProductItem, VariantItem,
                                             product_from_item, release_stock_action,
                                             take_stock_action, variant_from_item)
from chalicelib.dynamo import TableItem
from chalicelib.errors import (ConcurrentChange, Conflict, IdempotencyKeyReused, PhoneBlocked,
                               InsufficientStock, InvalidTransition, ServiceUnavailable,
                               ValidationFailed)
from chalicelib.orders.items_dynamo import (INDEXES, IdempotencyItem, NumberItem, OrderItem,
                                            OrderSequenceItem, TimelineItem, entry_from_item,
                                            order_from_item, order_item, timeline_item)
from chalicelib.orders.model import Order, TimelineEntry
from chalicelib.accounts.store_dynamo import SlugItem
from chalicelib.orders.ports import (CartLine, CheckoutSnapshot, IdempotencyRecord,
                                     IdempotencyReplay, OrderQuery, RecentCart, SlugMoved,
                                     SnapshotStale)
from chalicelib.orders.snapshot_cache import CheckoutBasis, SnapshotCache, basis_of
from chalicelib.shipping.store_dynamo import RatesItem, overrides_from_item
from chalicelib.orders.states import TransitionPlan, allowed
from chalicelib.orders.store_dynamo_calls import CallWrites
from chalicelib.orders.store_dynamo_shipments import ShipmentWrites

FIRST_NUMBER = 1001
PLACE_ATTEMPTS = 30


def _batch_get(keys: List[Tuple[str, str]]) -> List[TableItem]:
    """One strongly consistent BatchGetItem (more only for unprocessed keys)."""
    client, table = dynamo.connection().client, dynamo.table_name()
    request = {table: {"Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in keys],
                       "ConsistentRead": True}}
    rows: List[TableItem] = []
    for _ in range(10):
        response = client.batch_get_item(RequestItems=request)
        rows += [TableItem.from_raw_data(raw) for raw in response["Responses"].get(table, [])]
        request = response.get("UnprocessedKeys") or {}
        if not request:
            return rows
        time.sleep(0.01)
    raise ServiceUnavailable("The database is busy; try again.")


def _reasons(error: TransactWriteError) -> List[Optional[str]]:
    return dynamo.cancellation_codes(error)


class DynamoOrderStore(ShipmentWrites, CallWrites):
    def __init__(self) -> None:
        # Per container: what recent checkouts read (verified by every checkout's
        # transaction, see chalicelib/orders/snapshot_cache.py).
        self._remembered = SnapshotCache()

    # --- checkout ----------------------------------------------------------------------
    def idempotency(self, store_id: str, key: str) -> Optional[IdempotencyRecord]:
        try:
            item = IdempotencyItem.get(*IdempotencyItem.key(store_id, key), consistent_read=True)
        except DoesNotExist:
            return None
        return IdempotencyRecord(key, item.request_hash, json.loads(item.response), item.ttl)

    def recent_carts(self, store_id: str, phone: str, created_from: str,
                     most: int) -> List[RecentCart]:
        # One Query on the phone index, sent raw: the sort key (`<created ISO>#<id>`) and
        # the lines' ids are all the duplicate check needs, so neither the whole items
        # nor their mapping to orders travel or cost time on the checkout path.
        response = dynamo.connection().client.query(
            TableName=dynamo.table_name(), IndexName="gsi4",
            KeyConditionExpression="gsi4pk = :phone AND gsi4sk >= :since",
            ExpressionAttributeValues={":phone": {"S": f"STORE#{store_id}#P#{phone}"},
                                       ":since": {"S": created_from}},
            ProjectionExpression="gsi4sk, #lines", ExpressionAttributeNames={"#lines": "lines"},
            ScanIndexForward=False, Limit=most)
        carts = []
        for row in response.get("Items", []):
            created, _, order_id = row["gsi4sk"]["S"].rpartition("#")
            lines = tuple(CartLine(line["M"]["product_id"]["S"], line["M"]["variant_id"]["S"])
                          for line in row.get("lines", {}).get("L", []))
            carts.append(RecentCart(order_id, parse_iso(created), lines))
        return carts

    def _replay_or_refuse(self, store_id: str, key: str, request_hash: str) -> None:
        record = self.idempotency(store_id, key)
        if record is None:
            return
        if record.request_hash != request_hash:
            raise IdempotencyKeyReused()
        raise IdempotencyReplay(record)

    def checkout_snapshot(self, store_id: str, product_variants: List[Tuple[str, str]],
                          idempotency_key: Optional[str], fresh: bool = False) -> CheckoutSnapshot:
        cart_products = {product_id for product_id, _ in product_variants}
        remembered = None if fresh else self._remembered.recall(store_id, product_variants)
        if remembered is not None:
            return CheckoutSnapshot(
                products=remembered.products, rate_overrides=remembered.rate_overrides,
                last_number=remembered.last_number, idempotency=None,
                basis=remembered.basis(cart_products), remembered=True)
        keys = {RatesItem.key(store_id), OrderSequenceItem.key(store_id)}
        if idempotency_key:
            keys.add(IdempotencyItem.key(store_id, idempotency_key))
        for product_id, variant_id in product_variants:
            keys.add(ProductItem.key(store_id, product_id))
            if variant_id:
                keys.add(VariantItem.key(store_id, product_id, variant_id))
        rows = _batch_get(sorted(keys))
        products: Dict[str, Any] = {}
        for row in rows:
            if isinstance(row, ProductItem) and not row.deleted:
                products[row.product_id] = product_from_item(row)
        for row in rows:
            if isinstance(row, VariantItem) and row.product_id in products:
                product = products[row.product_id]
                products[row.product_id] = product.changed(variants=product.variants + (variant_from_item(row),))
        # A line without a variant id needs the product's variants: one Query each.
        for product_id, variant_id in product_variants:
            if not variant_id and product_id in products and not products[product_id].variants:
                products[product_id] = DynamoCatalogStore().product(store_id, product_id) or products[product_id]
        by_type = {type(row): row for row in rows}
        rates, sequence = by_type.get(RatesItem), by_type.get(OrderSequenceItem)
        record = by_type.get(IdempotencyItem)
        overrides = overrides_from_item(rates) if rates else {}
        rates_version = int(rates.version or 0) if rates else 0
        last_number = int(sequence.last) if sequence else FIRST_NUMBER - 1
        self._remembered.remember(store_id, cart_products, products, overrides, rates_version,
                                  last_number)
        return CheckoutSnapshot(
            products=products, rate_overrides=overrides, last_number=last_number,
            idempotency=IdempotencyRecord(idempotency_key, record.request_hash,
                                          json.loads(record.response), record.ttl) if record else None,
            basis=basis_of(products, rates_version))

    def place_order(self, draft: Order, entry: TimelineEntry, idempotency_key: Optional[str],
                    request_hash: str, respond: Callable[[Order], Dict[str, Any]],
                    expires_at: datetime, snapshot: Optional[CheckoutSnapshot] = None,
                    slug: Optional[str] = None,
                    blocked_phone_key: Optional[Tuple[str, str]] = None) -> Tuple[Order, Dict[str, Any]]:
        basis = snapshot.basis if snapshot is not None else None
        for attempt in range(PLACE_ATTEMPTS):
            if attempt == 0 and snapshot is not None:
                # The counter as the snapshot has it; if stale, the condition says so.
                last = snapshot.last_number
                sequence = (None if last == FIRST_NUMBER - 1 else
                            OrderSequenceItem(*OrderSequenceItem.key(draft.store_id), last=last))
            else:
                sequence, last = self._read_sequence(draft.store_id)
            order = draft.changed(number=last + 1)
            response = respond(order)
            try:
                self._write_new_order(order, entry, sequence, last, idempotency_key,
                                      request_hash, response, expires_at, slug, basis,
                                      blocked_phone_key)
                self._remembered.numbered(draft.store_id, order.number)
                return order, response
            except ConcurrentChange:
                pass    # another checkout took this number first: read the counter again
            except TransactWriteError as error:
                labels = self._place_labels(sequence, idempotency_key, slug, basis,
                                            blocked_phone_key)
                failed = {label for label, code in zip(labels, _reasons(error))
                          if code == "ConditionalCheckFailed"}
                if "slug" in failed:
                    raise SlugMoved() from error
                if "idempotency" in failed:
                    self._replay_or_refuse(draft.store_id, idempotency_key, request_hash)
                if "blocked" in failed:
                    raise PhoneBlocked() from error
                if failed & {"catalog", "rates"}:
                    self._remembered.forget(draft.store_id)
                    raise SnapshotStale() from error
                if not failed & {"sequence", "number"}:
                    raise ServiceUnavailable() from error
            time.sleep(random.uniform(0, 0.005 * (attempt + 1)))
        raise ConcurrentChange("Too many orders at once; try again.")

    @staticmethod
    def _read_sequence(store_id: str):
        try:
            sequence = OrderSequenceItem.get(*OrderSequenceItem.key(store_id), consistent_read=True)
            return sequence, int(sequence.last)
        except DoesNotExist:
            return None, FIRST_NUMBER - 1

    @staticmethod
    def _place_labels(sequence: Optional[OrderSequenceItem], key: Optional[str],
                      slug: Optional[str], basis: Optional[CheckoutBasis],
                      blocked_key: Optional[Tuple[str, str]] = None) -> List[str]:
        # PynamoDB sends condition checks, then puts, then updates: the order
        # cancellation reasons come back in.
        checks = ["slug"] if slug else []
        if basis is not None:
            checks += ["catalog"] * len(basis.products) + ["rates"]
        checks += ["blocked"] if blocked_key else []
        puts = (["sequence"] if sequence is None else []) + ["number", "order", "timeline"]
        puts += ["idempotency"] if key else []
        return checks + puts + (["sequence"] if sequence is not None else [])

    def _write_new_order(self, order: Order, entry: TimelineEntry,
                         sequence: Optional[OrderSequenceItem], last: int, key: Optional[str],
                         request_hash: str, response: Dict[str, Any], expires_at: datetime,
                         slug: Optional[str] = None, basis: Optional[CheckoutBasis] = None,
                         blocked_key: Optional[Tuple[str, str]] = None) -> None:
        try:
            with dynamo.transaction() as tx:
                if slug:
                    # The slug still names this store (the caller may have it cached).
                    tx.condition_check(SlugItem, *SlugItem.key(slug),
                                       condition=SlugItem.store_id == order.store_id)
                if basis is not None:
                    self._check_basis(tx, order.store_id, basis)
                if blocked_key:
                    # A blocked phone places no order: its blacklist entry is absent
                    # (checked here, not read before, so it costs no round trip).
                    tx.condition_check(TableItem, *blocked_key,
                                       condition=TableItem.pk.does_not_exist())
                if sequence is None:
                    # The store's first order: nobody else created the counter meanwhile.
                    tx.save(OrderSequenceItem(*OrderSequenceItem.key(order.store_id), last=order.number),
                            condition=OrderSequenceItem.pk.does_not_exist())
                else:
                    # Numbers have no gaps: the counter moves only from the value we read.
                    tx.update(sequence, actions=[OrderSequenceItem.last.set(order.number)],
                              condition=OrderSequenceItem.last == last)
                # No two orders share a number.
                tx.save(NumberItem(*NumberItem.key(order.store_id, order.number), order_id=order.id),
                        condition=NumberItem.pk.does_not_exist())
                tx.save(order_item(order), condition=OrderItem.pk.does_not_exist())
                tx.save(timeline_item(order.id, order.store_id, entry))
                if key:
                    # One order per key; the record expires after a day.
                    tx.save(IdempotencyItem(*IdempotencyItem.key(order.store_id, key),
                                            request_hash=request_hash,
                                            response=json.dumps(response, ensure_ascii=False),
                                            ttl=expires_at),
                            condition=IdempotencyItem.pk.does_not_exist())
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            raise

    @staticmethod
    def _check_basis(tx: Any, store_id: str, basis: CheckoutBasis) -> None:
        for product_id, version in basis.products:
            # The order is priced from this version of the product and its variants.
            tx.condition_check(ProductItem, *ProductItem.key(store_id, product_id),
                               condition=ProductItem.version == version)
        # The delivery fee comes from these rates (or the zone defaults, while the
        # store never saved any).
        tx.condition_check(RatesItem, *RatesItem.key(store_id),
                           condition=(RatesItem.version == basis.rates_version) if basis.rates_version
                           else RatesItem.pk.does_not_exist())

    # --- reads ---------------------------------------------------------------------------
    def order(self, order_id: str) -> Optional[Tuple[Order, List[TimelineEntry]]]:
        rows = list(TableItem.query(f"ORDER#{order_id}", consistent_read=True))
        head = next((r for r in rows if isinstance(r, OrderItem)), None)
        if head is None:
            return None
        entries = [entry_from_item(r) for r in rows if isinstance(r, TimelineItem)]
        return order_from_item(head), entries

    def order_id_by_number(self, store_id: str, number: int) -> Optional[str]:
        try:
            return NumberItem.get(*NumberItem.key(store_id, number)).order_id
        except DoesNotExist:
            return None

    # --- status changes ---------------------------------------------------------------------
    def apply_transition(self, plan: TransitionPlan) -> None:
        order_key = OrderItem.key(plan.order_id)
        store = f"STORE#{plan.store_id}"
        try:
            with dynamo.transaction() as tx:
                tx.save(timeline_item(plan.order_id, plan.store_id, plan.entry),
                        condition=TimelineItem.pk.does_not_exist())
                # Only from the status and version the plan was made from: the
                # loser of two concurrent moves fails here.
                tx.update(OrderItem(*order_key), actions=[
                    OrderItem.status.set(plan.new_status), OrderItem.version.add(1),
                    OrderItem.updated_at.set(plan.entry.at),
                    OrderItem.gsi2pk.set(f"{store}#S#{plan.new_status}"),
                    OrderItem.stock_taken.set(plan.stock_taken),
                    OrderItem.restock_due.set(plan.restock_due),
                    OrderItem.restocked.set(plan.restocked),
                    # Only pending orders sit in the call queue.
                    *([OrderItem.gsi7pk.remove(), OrderItem.gsi7sk.remove()]
                      if plan.new_status != "pending" else [])],
                    condition=(OrderItem.status == plan.expected_status)
                    & (OrderItem.version == plan.expected_version))
                for move in plan.stock_moves:
                    actions, condition = (take_stock_action(move.quantity) if move.take
                                          else release_stock_action(move.quantity))
                    tx.update(VariantItem(*VariantItem.key(plan.store_id, move.product_id,
                                                           move.variant_id)),
                              actions=actions, condition=condition)
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            self._explain_refusal(plan, _reasons(error)[1:])

    def _explain_refusal(self, plan: TransitionPlan, reasons: List[Optional[str]]) -> None:
        order_failed, variant_reasons = reasons[0] == "ConditionalCheckFailed", reasons[1:]
        if order_failed:
            found = self.order(plan.order_id)
            status = found[0].status if found else plan.expected_status
            if status != plan.expected_status:
                raise InvalidTransition(f"The order is {status} now.", allowed=list(allowed(status)),
                                        current=status)
            raise ConcurrentChange()
        short = [move.variant_id for move, code in zip(plan.stock_moves, variant_reasons)
                 if code == "ConditionalCheckFailed"]
        if any(move.take for move in plan.stock_moves):
            raise InsufficientStock("Not enough stock to confirm this order.", variants=short)
        raise Conflict("A variant of this order no longer exists.", variants=short)

    def append_entry(self, order: Order, entry: TimelineEntry) -> None:
        try:
            with dynamo.transaction() as tx:
                tx.save(timeline_item(order.id, order.store_id, entry))
                # The entry belongs to the order as it was read.
                tx.update(OrderItem(*OrderItem.key(order.id)),
                          actions=[OrderItem.version.add(1), OrderItem.updated_at.set(entry.at)],
                          condition=OrderItem.version == order.version)
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            raise ConcurrentChange() from error

    # --- lists ------------------------------------------------------------------------------
    def list_orders(self, store_id: str, query: OrderQuery, limit: int,
                    after: Optional[Dict[str, str]]) -> Tuple[List[Order], Optional[Dict[str, str]]]:
        if query.number is not None:
            return self._by_number(store_id, query), None
        index_name, hash_key, filters = self._plan_query(store_id, query)
        index = INDEXES[index_name]
        range_condition = None
        sk = getattr(OrderItem, f"{index_name}sk")
        if query.created_from or query.created_to:
            range_condition = sk.between(query.created_from or "0", (query.created_to or "9") + "~")
        start = self._start_key(index_name, store_id, after)
        results = index.query(hash_key, range_condition, filter_condition=filters,
                              scan_index_forward=False, last_evaluated_key=start,
                              page_size=limit + 1)
        items: List[OrderItem] = []
        for item in results:
            items.append(item)
            if len(items) > limit:
                break
        page = [order_from_item(item) for item in items[:limit]]
        if len(items) <= limit:
            return page, None
        last_item = items[limit - 1]
        cursor = {"pk": last_item.pk, "sk": last_item.sk, f"{index_name}pk": getattr(last_item, f"{index_name}pk"),
                  f"{index_name}sk": getattr(last_item, f"{index_name}sk")}
        return page, cursor

    @staticmethod
    def _start_key(index_name: str, store_id: str, after: Optional[Dict[str, str]]):
        """The cursor as an ExclusiveStartKey, if it is one of this index in this store."""
        if after is None:
            return None
        expected = {"pk", "sk", f"{index_name}pk", f"{index_name}sk"}
        if set(after) != expected or not after[f"{index_name}pk"].startswith(f"STORE#{store_id}#"):
            raise ValidationFailed(fields={"cursor": "is not a cursor this list returned"})
        return {name: {"S": value} for name, value in after.items()}

    @staticmethod
    def _plan_query(store_id: str, query: OrderQuery):
        """The narrowest index for the filters; the rest become filter expressions."""
        store = f"STORE#{store_id}"
        filters = []
        if query.phone:
            index, key = "gsi4", f"{store}#P#{query.phone}"
        elif query.name:
            index, key = "gsi5", f"{store}#N#{query.name[:2]}"
            filters.append(OrderItem.search_name.startswith(query.name))
        elif query.status:
            index, key = "gsi2", f"{store}#S#{query.status}"
        elif query.wilaya:
            index, key = "gsi3", f"{store}#W#{query.wilaya}"
        else:
            index, key = "gsi1", f"{store}#O"
        if query.status and index != "gsi2":
            filters.append(OrderItem.status == query.status)
        if query.wilaya and index != "gsi3":
            filters.append(OrderItem.wilaya == query.wilaya)
        condition = None
        for clause in filters:
            condition = clause if condition is None else condition & clause
        return index, key, condition

    def _by_number(self, store_id: str, query: OrderQuery) -> List[Order]:
        order_id = self.order_id_by_number(store_id, query.number)
        found = self.order(order_id) if order_id else None
        return [found[0]] if found and query.matches(found[0]) else []
