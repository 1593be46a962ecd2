"""CatalogStore on DynamoDB (DATA-MODEL question 4).

  STORE#<store> / PRODUCT#<pid>                  the product, with `version`, `deleted`; the
                                                 version moves with the product and with its
                                                 variants' listing (never with stock)
  STORE#<store> / PRODUCT#<pid>#VARIANT#<vid>    a variant; stock lives here, with `version`
  STORE#<store> / SKU#<lowercased sku>           the SKU's claim (uniqueness per store)
  STOCK#<vid>   / <at>#<movement id>             the variant's stock movements

Orders take and give back stock inside their own transactions with
`take_stock_action` / `release_stock_action` on `VariantItem.key(...)`: the
condition `stock >= qty` is what makes overselling impossible.
"""
from __future__ import annotations

from typing import Iterator, List, Optional, Tuple, Union

from pynamodb.attributes import (BooleanAttribute, MapAttribute, NumberAttribute,
                                 UnicodeAttribute, UTCDateTimeAttribute)
from pynamodb.exceptions import PynamoDBException, TransactWriteError

from chalicelib import dynamo
from chalicelib.catalog.model import Product, StockMovement, Variant, sku_key
from chalicelib.dynamo import TableItem
from chalicelib.errors import AlreadyExists, ConcurrentChange, Conflict, InsufficientStock, NotFound


class ProductItem(TableItem, discriminator="product"):
    product_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    price = NumberAttribute()
    published = BooleanAttribute()
    track_stock = BooleanAttribute()
    deleted = BooleanAttribute(default=False)
    variant_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute()

    @staticmethod
    def key(store_id: str, product_id: str):
        return f"STORE#{store_id}", f"PRODUCT#{product_id}"


class VariantItem(TableItem, discriminator="variant"):
    variant_id = UnicodeAttribute()
    product_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    sku = UnicodeAttribute(null=True)
    options = MapAttribute(default=dict)
    price = NumberAttribute()
    stock = NumberAttribute(default=0)
    version = NumberAttribute()

    @staticmethod
    def key(store_id: str, product_id: str, variant_id: str):
        return f"STORE#{store_id}", f"PRODUCT#{product_id}#VARIANT#{variant_id}"


class SkuItem(TableItem, discriminator="sku"):
    variant_id = UnicodeAttribute()
    product_id = UnicodeAttribute()

    @staticmethod
    def key(store_id: str, sku: str):
        return f"STORE#{store_id}", f"SKU#{sku_key(sku)}"


class MovementItem(TableItem, discriminator="stock_movement"):
    movement_id = UnicodeAttribute()
    variant_id = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    delta = NumberAttribute()
    reason = UnicodeAttribute()
    kind = UnicodeAttribute()
    actor = MapAttribute(default=dict)
    stock_after = NumberAttribute(null=True)

    @staticmethod
    def key(variant_id: str, movement: StockMovement):
        return f"STOCK#{variant_id}", f"{movement.at.isoformat()}#{movement.id}"


def take_stock_action(quantity: int):
    """(actions, condition) that take `quantity` units; the condition fails rather than oversell."""
    return ([VariantItem.stock.add(-quantity), VariantItem.version.add(1)],
            VariantItem.stock >= quantity)


def release_stock_action(quantity: int):
    """(actions, condition) that give `quantity` units back to a variant that still exists."""
    return ([VariantItem.stock.add(quantity), VariantItem.version.add(1)], VariantItem.pk.exists())


# --- mapping -----------------------------------------------------------------------
def _product_item(product: Product) -> ProductItem:
    return ProductItem(*ProductItem.key(product.store_id, product.id), product_id=product.id,
                       store_id=product.store_id, name=product.name,
                       description=product.description, price=product.price,
                       published=product.published, track_stock=product.track_stock,
                       deleted=product.deleted, variant_count=len(product.variants),
                       created_at=product.created_at, updated_at=product.updated_at,
                       version=product.version)


def _variant_item(variant: Variant) -> VariantItem:
    return VariantItem(*VariantItem.key(variant.store_id, variant.product_id, variant.id),
                       variant_id=variant.id, product_id=variant.product_id,
                       store_id=variant.store_id, sku=variant.sku, options=dict(variant.options),
                       price=variant.price, stock=variant.stock, version=variant.version)


def _product(item: ProductItem) -> Product:
    return Product(id=item.product_id, store_id=item.store_id, name=item.name,
                   description=item.description or "", price=int(item.price),
                   published=bool(item.published), track_stock=bool(item.track_stock),
                   created_at=item.created_at, updated_at=item.updated_at,
                   deleted=bool(item.deleted), version=int(item.version))


def _variant(item: VariantItem) -> Variant:
    options = item.options.as_dict() if isinstance(item.options, MapAttribute) else (item.options or {})
    return Variant(id=item.variant_id, product_id=item.product_id, store_id=item.store_id,
                   sku=item.sku, options={str(k): str(v) for k, v in options.items()},
                   price=int(item.price), stock=int(item.stock), version=int(item.version))


# Other adapters read catalog items in their own batches (checkout).
product_from_item, variant_from_item = _product, _variant


def _movement(item: MovementItem) -> StockMovement:
    actor = item.actor.as_dict() if isinstance(item.actor, MapAttribute) else (item.actor or {})
    return StockMovement(id=item.movement_id, variant_id=item.variant_id, at=item.at,
                         delta=int(item.delta), reason=item.reason, kind=item.kind,
                         actor={str(k): str(v) for k, v in actor.items()},
                         stock_after=None if item.stock_after is None else int(item.stock_after))


def _movement_item(movement: StockMovement) -> MovementItem:
    return MovementItem(*MovementItem.key(movement.variant_id, movement),
                        movement_id=movement.id, variant_id=movement.variant_id, at=movement.at,
                        delta=movement.delta, reason=movement.reason, kind=movement.kind,
                        actor=dict(movement.actor), stock_after=movement.stock_after)


def _failed(error: TransactWriteError) -> List[bool]:
    return [code == "ConditionalCheckFailed" for code in dynamo.cancellation_codes(error)]


def _sku_claim(store_id: str, variant: Variant) -> SkuItem:
    return SkuItem(*SkuItem.key(store_id, variant.sku), variant_id=variant.id,
                   product_id=variant.product_id)


class DynamoCatalogStore:
    def create_product(self, product: Product) -> None:
        claimed = [(i, v) for i, v in enumerate(product.variants) if v.sku]
        try:
            with dynamo.transaction() as tx:
                # Puts go out in this order: product, variants, SKU claims.
                tx.save(_product_item(product), condition=ProductItem.pk.does_not_exist())
                for variant in product.variants:
                    tx.save(_variant_item(variant), condition=VariantItem.pk.does_not_exist())
                for _, variant in claimed:
                    # A SKU names one variant per store.
                    tx.save(_sku_claim(product.store_id, variant),
                            condition=SkuItem.pk.does_not_exist())
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            failed = _failed(error)[1 + len(product.variants):]
            taken = {f"variants[{index}].sku": "is already used by another variant of this store"
                     for (index, _), bad in zip(claimed, failed) if bad}
            raise AlreadyExists("SKU already used.", fields=taken) from error

    def product(self, store_id: str, product_id: str) -> Optional[Product]:
        pk, sk = ProductItem.key(store_id, product_id)
        rows = list(TableItem.query(pk, TableItem.sk.startswith(sk), consistent_read=True))
        head = next((r for r in rows if isinstance(r, ProductItem) and r.sk == sk), None)
        if head is None or head.deleted:
            return None
        variants = [_variant(r) for r in rows if isinstance(r, VariantItem)]
        return _product(head).changed(variants=tuple(sorted(variants, key=lambda v: v.id)))

    def catalog_rows(self, store_id: str, after: Optional[str]
                     ) -> Iterator[Tuple[str, Union[Product, Variant]]]:
        pk = f"STORE#{store_id}"
        start = {"pk": {"S": pk}, "sk": {"S": after}} if after else None
        for row in TableItem.query(pk, TableItem.sk.startswith("PRODUCT#"),
                                   last_evaluated_key=start, page_size=100):
            if isinstance(row, ProductItem):
                yield row.sk, _product(row)
            elif isinstance(row, VariantItem):
                yield row.sk, _variant(row)

    def update_product(self, product: Product, previous: Product) -> None:
        item = _product_item(product)
        item.variant_count = len(previous.variants)
        try:
            # Optimistic lock, and a deleted product stays deleted.
            item.save(condition=(ProductItem.version == previous.version)
                      & (ProductItem.deleted == False))  # noqa: E712 - a DynamoDB condition
        except PynamoDBException as error:
            if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
                raise ConcurrentChange() from error
            raise dynamo.unavailable(error) from error

    def delete_product(self, product: Product) -> None:
        try:
            with dynamo.transaction() as tx:
                for variant in product.variants:
                    if variant.sku:
                        # Free the SKU only if it still names this variant.
                        tx.delete(SkuItem(*SkuItem.key(product.store_id, variant.sku)),
                                  condition=SkuItem.variant_id == variant.id)
                tx.update(ProductItem(*ProductItem.key(product.store_id, product.id)),
                          actions=[ProductItem.deleted.set(True), ProductItem.version.add(1)],
                          condition=ProductItem.version == product.version)
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            raise ConcurrentChange() from error

    def add_variant(self, product: Product, variant: Variant) -> None:
        try:
            with dynamo.transaction() as tx:
                if variant.sku:
                    tx.save(_sku_claim(product.store_id, variant),
                            condition=SkuItem.pk.does_not_exist())
                tx.save(_variant_item(variant), condition=VariantItem.pk.does_not_exist())
                # The product still exists and is not deleted. Its version moves
                # with what it sells (checkout caches are verified against it).
                tx.update(ProductItem(*ProductItem.key(product.store_id, product.id)),
                          actions=[ProductItem.variant_count.add(1), ProductItem.version.add(1)],
                          condition=ProductItem.deleted == False)  # noqa: E712
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            if variant.sku and _failed(error)[:1] == [True]:
                raise AlreadyExists("SKU already used.",
                                    fields={"sku": "is already used by another variant of this store"}) from error
            raise NotFound("No such product.") from error

    def update_variant(self, product: Product, variant: Variant, previous: Variant) -> None:
        sku_moves = sku_key(variant.sku or "") != sku_key(previous.sku or "")
        try:
            with dynamo.transaction() as tx:
                if sku_moves and previous.sku:
                    tx.delete(SkuItem(*SkuItem.key(product.store_id, previous.sku)),
                              condition=SkuItem.variant_id == variant.id)
                if sku_moves and variant.sku:
                    tx.save(_sku_claim(product.store_id, variant),
                            condition=SkuItem.pk.does_not_exist())
                # Stock is not touched here; the version guards the other fields.
                tx.update(VariantItem(*VariantItem.key(variant.store_id, variant.product_id, variant.id)),
                          actions=[VariantItem.sku.set(variant.sku) if variant.sku else VariantItem.sku.remove(),
                                   VariantItem.options.set(dict(variant.options)),
                                   VariantItem.price.set(variant.price), VariantItem.version.add(1)],
                          condition=VariantItem.version == previous.version)
                # What the product sells changed: its version says so.
                tx.update(ProductItem(*ProductItem.key(product.store_id, product.id)),
                          actions=[ProductItem.version.add(1)], condition=ProductItem.pk.exists())
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            failed = _failed(error)
            puts_at = 1 if (sku_moves and previous.sku) else 0
            if sku_moves and variant.sku and len(failed) > puts_at and failed[puts_at]:
                raise AlreadyExists("SKU already used.",
                                    fields={"sku": "is already used by another variant of this store"}) from error
            raise ConcurrentChange() from error

    def delete_variant(self, product: Product, variant: Variant) -> None:
        try:
            with dynamo.transaction() as tx:
                if variant.sku:
                    tx.delete(SkuItem(*SkuItem.key(product.store_id, variant.sku)),
                              condition=SkuItem.variant_id == variant.id)
                tx.delete(_variant_item(variant), condition=VariantItem.pk.exists())
                # A product keeps at least one variant; its version moves with them.
                tx.update(ProductItem(*ProductItem.key(product.store_id, product.id)),
                          actions=[ProductItem.variant_count.add(-1), ProductItem.version.add(1)],
                          condition=ProductItem.variant_count > 1)
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            if _failed(error)[-1:] == [True]:
                raise Conflict("A product keeps at least one variant.") from error
            raise NotFound("No such variant.") from error

    def adjust_stock(self, variant: Variant, delta: int, movement: StockMovement) -> None:
        key = VariantItem.key(variant.store_id, variant.product_id, variant.id)
        if delta < 0:
            actions, condition = take_stock_action(-delta)
        else:
            actions, condition = release_stock_action(delta)
        try:
            with dynamo.transaction() as tx:
                tx.save(_movement_item(movement))
                # Never below zero: the take's condition is the invariant.
                tx.update(VariantItem(*key), actions=actions, condition=condition)
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            raise InsufficientStock("Not enough stock for this change.",
                                    variants=[variant.id]) from error

    def set_stock(self, variant: Variant, value: int, movement: StockMovement) -> None:
        key = VariantItem.key(variant.store_id, variant.product_id, variant.id)
        try:
            with dynamo.transaction() as tx:
                tx.save(_movement_item(movement))
                # Set from the count we read: nobody changed it since.
                tx.update(VariantItem(*key), actions=[VariantItem.stock.set(value),
                                                      VariantItem.version.add(1)],
                          condition=VariantItem.version == variant.version)
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            raise ConcurrentChange() from error

    def movements(self, variant_id: str, limit: int,
                  before: Optional[str]) -> Tuple[List[StockMovement], Optional[str]]:
        pk = f"STOCK#{variant_id}"
        start = {"pk": {"S": pk}, "sk": {"S": before}} if before else None
        results = MovementItem.query(pk, scan_index_forward=False, limit=limit + 1,
                                     last_evaluated_key=start)
        items = list(results)
        page = items[:limit]
        more = len(items) > limit
        return [_movement(i) for i in page], (page[-1].sk if more and page else None)
