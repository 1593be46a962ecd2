"""Catalog use cases: products, variants, stock and its history."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from chalicelib.catalog import validation
from chalicelib.catalog.model import Product, StockMovement, Variant
from chalicelib.catalog.ports import CatalogStore
from chalicelib.clock import Clock, iso
from chalicelib.errors import AlreadyExists, ConcurrentChange, Conflict, NotFound, ValidationFailed
from chalicelib.ids import new_id
from chalicelib.pagination import decode_cursor, encode_cursor, parse_limit

SET_STOCK_ATTEMPTS = 5


class CatalogService:
    def __init__(self, store: CatalogStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # --- products ----------------------------------------------------------------
    def create_product(self, store_id: str, body: Mapping[str, Any]) -> Product:
        fields = validation.parse_new_product(body)
        now = self._clock()
        product_id = new_id("pr_")
        variants = tuple(Variant(id=new_id("va_"), product_id=product_id, store_id=store_id,
                                 sku=v["sku"], options=v["options"], price=v["price"],
                                 stock=v["stock"]) for v in fields.pop("variants"))
        product = Product(id=product_id, store_id=store_id, created_at=now, updated_at=now,
                          variants=variants, **fields)
        try:
            self._store.create_product(product)
        except AlreadyExists as error:
            if not body.get("variants"):
                # The client gave the default variant's SKU at the top level.
                error.fields = {"sku": message for message in error.fields.values()}
            raise
        return product

    def product(self, store_id: str, product_id: str) -> Product:
        product = self._store.product(store_id, product_id)
        if product is None:
            raise NotFound("No such product.")
        return product

    def list_products(self, store_id: str, query: Mapping[str, str],
                      published_only: bool = False) -> Tuple[List[Product], Optional[str]]:
        limit = parse_limit(query)
        after = decode_cursor(query, "PRODUCT#")
        page: List[Product] = []
        current: Optional[Product] = None
        last_position: Optional[str] = None
        for position, row in self._store.catalog_rows(store_id, after):
            if isinstance(row, Product):
                if len(page) == limit:
                    return page, encode_cursor(last_position)
                visible = not row.deleted and (row.published or not published_only)
                current = row if visible else None
                if current is not None:
                    page.append(current)
            elif current is not None and row.product_id == current.id:
                current = current.changed(variants=current.variants + (row,))
                page[-1] = current
            last_position = position
        return page, None

    def update_product(self, store_id: str, product_id: str, body: Mapping[str, Any]) -> Product:
        changes = validation.parse_product_patch(body)
        previous = self.product(store_id, product_id)
        if not changes:
            return previous
        updated = previous.changed(**changes, updated_at=self._clock(), version=previous.version + 1)
        self._store.update_product(updated, previous)
        return updated

    def delete_product(self, store_id: str, product_id: str) -> None:
        self._store.delete_product(self.product(store_id, product_id))

    # --- variants ----------------------------------------------------------------
    def _variant(self, store_id: str, product_id: str, variant_id: str) -> Tuple[Product, Variant]:
        product = self.product(store_id, product_id)
        variant = product.variant(variant_id)
        if variant is None:
            raise NotFound("No such variant.")
        return product, variant

    def add_variant(self, store_id: str, product_id: str, body: Mapping[str, Any]) -> Product:
        product = self.product(store_id, product_id)
        errors: Dict[str, str] = {}
        fields = validation.parse_variant(body, "", errors, product.price)
        if errors:
            raise ValidationFailed(fields={k.lstrip("."): v for k, v in errors.items()})
        if len(product.variants) >= validation.MAX_VARIANTS:
            raise Conflict(f"A product has at most {validation.MAX_VARIANTS} variants.")
        variant = Variant(id=new_id("va_"), product_id=product.id, store_id=store_id, **fields)
        self._store.add_variant(product, variant)
        return self.product(store_id, product_id)

    def update_variant(self, store_id: str, product_id: str, variant_id: str,
                       body: Mapping[str, Any]) -> Product:
        changes = validation.parse_variant_patch(body)
        product, previous = self._variant(store_id, product_id, variant_id)
        if changes:
            updated = previous.changed(**changes, version=previous.version + 1)
            self._store.update_variant(product, updated, previous)
        return self.product(store_id, product_id)

    def delete_variant(self, store_id: str, product_id: str, variant_id: str) -> None:
        product, variant = self._variant(store_id, product_id, variant_id)
        self._store.delete_variant(product, variant)

    # --- stock ---------------------------------------------------------------------
    def change_stock(self, store_id: str, product_id: str, variant_id: str,
                     body: Mapping[str, Any], actor: Mapping[str, str]) -> Dict[str, Any]:
        """The variant after the change, serialised."""
        kind, amount, reason = validation.parse_stock_change(body)
        for _ in range(SET_STOCK_ATTEMPTS):
            _, variant = self._variant(store_id, product_id, variant_id)
            delta = amount if kind == "adjust" else amount - variant.stock
            movement = StockMovement(id=new_id("mv_"), variant_id=variant.id, at=self._clock(),
                                     delta=delta, reason=reason, kind=kind, actor=dict(actor),
                                     stock_after=amount if kind == "set" else None)
            try:
                if kind == "adjust":
                    self._store.adjust_stock(variant, amount, movement)
                else:
                    self._store.set_stock(variant, amount, movement)
            except ConcurrentChange:
                continue   # someone changed the count between our read and write: read again
            product, changed = self._variant(store_id, product_id, variant_id)
            return self.serialize_variant(changed, product.track_stock)
        raise ConcurrentChange("The stock kept changing; try again.")

    def movements(self, store_id: str, product_id: str, variant_id: str,
                  query: Mapping[str, str]) -> Tuple[List[StockMovement], Optional[str]]:
        self._variant(store_id, product_id, variant_id)
        movements, position = self._store.movements(variant_id, parse_limit(query),
                                                    decode_cursor(query, ""))
        return movements, encode_cursor(position)

    # --- serialisation ---------------------------------------------------------------
    @staticmethod
    def serialize_variant(variant: Variant, track_stock: bool, public: bool = False) -> Dict[str, Any]:
        body: Dict[str, Any] = {"id": variant.id, "sku": variant.sku, "options": dict(variant.options),
                                "price": variant.price, "in_stock": variant.in_stock(track_stock)}
        if not public:
            body["stock"] = variant.stock
        return body

    def serialize_product(self, product: Product, public: bool = False) -> Dict[str, Any]:
        body: Dict[str, Any] = {
            "id": product.id, "name": product.name, "description": product.description,
            "price": product.price,
            "variants": [self.serialize_variant(v, product.track_stock, public) for v in product.variants],
            "in_stock": any(v.in_stock(product.track_stock) for v in product.variants),
        }
        if not public:
            body.update(published=product.published, track_stock=product.track_stock,
                        created_at=iso(product.created_at), updated_at=iso(product.updated_at))
        return body

    @staticmethod
    def serialize_movement(movement: StockMovement) -> Dict[str, Any]:
        return {"id": movement.id, "at": iso(movement.at), "delta": movement.delta,
                "kind": movement.kind, "reason": movement.reason, "actor": dict(movement.actor),
                "stock_after": movement.stock_after}
