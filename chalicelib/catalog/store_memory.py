"""In-memory CatalogStore: the fake, checked against DynamoDB by
tests/contracts/test_catalog_store.py. Positions are the DynamoDB sort keys."""
from __future__ import annotations

import threading
from dataclasses import replace
from typing import Dict, Iterator, List, Optional, Tuple, Union

from chalicelib.catalog.model import Product, StockMovement, Variant, sku_key
from chalicelib.errors import AlreadyExists, ConcurrentChange, Conflict, InsufficientStock, NotFound


def product_position(product_id: str) -> str:
    return f"PRODUCT#{product_id}"


def variant_position(product_id: str, variant_id: str) -> str:
    return f"PRODUCT#{product_id}#VARIANT#{variant_id}"


def movement_position(movement: StockMovement) -> str:
    return f"{movement.at.isoformat()}#{movement.id}"


class MemoryCatalogStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._products: Dict[Tuple[str, str], Product] = {}
        self._variants: Dict[str, Variant] = {}
        self._skus: Dict[Tuple[str, str], str] = {}
        self._movements: Dict[str, List[StockMovement]] = {}

    def _claim_skus(self, store_id: str, variants, paths) -> None:
        taken = {path: "is already used by another variant of this store"
                 for variant, path in zip(variants, paths)
                 if variant.sku and (store_id, sku_key(variant.sku)) in self._skus
                 and self._skus[(store_id, sku_key(variant.sku))] != variant.id}
        if taken:
            raise AlreadyExists("SKU already used.", fields=taken)
        for variant in variants:
            if variant.sku:
                self._skus[(store_id, sku_key(variant.sku))] = variant.id

    def create_product(self, product: Product) -> None:
        with self._lock:
            self._claim_skus(product.store_id, product.variants,
                             [f"variants[{i}].sku" for i in range(len(product.variants))])
            self._products[(product.store_id, product.id)] = replace(product, variants=())
            for variant in product.variants:
                self._variants[variant.id] = variant

    def product(self, store_id: str, product_id: str) -> Optional[Product]:
        with self._lock:
            product = self._products.get((store_id, product_id))
            if product is None or product.deleted:
                return None
            variants = sorted((v for v in self._variants.values()
                               if v.product_id == product_id and v.store_id == store_id),
                              key=lambda v: v.id)
            return replace(product, variants=tuple(variants))

    def catalog_rows(self, store_id: str, after: Optional[str]
                     ) -> Iterator[Tuple[str, Union[Product, Variant]]]:
        with self._lock:
            rows: List[Tuple[str, Union[Product, Variant]]] = [
                (product_position(p.id), p) for (sid, _), p in self._products.items() if sid == store_id]
            rows += [(variant_position(v.product_id, v.id), v) for v in self._variants.values()
                     if v.store_id == store_id]
        for position, row in sorted(rows, key=lambda pair: pair[0]):
            if after is None or position > after:
                yield position, row

    def update_product(self, product: Product, previous: Product) -> None:
        with self._lock:
            current = self._products.get((product.store_id, product.id))
            if current is None or current.version != previous.version or current.deleted:
                raise ConcurrentChange()
            self._products[(product.store_id, product.id)] = replace(product, variants=())

    def delete_product(self, product: Product) -> None:
        with self._lock:
            current = self._products.get((product.store_id, product.id))
            if current is None or current.deleted:
                raise NotFound("No such product.")
            for variant in product.variants:
                if variant.sku:
                    self._skus.pop((product.store_id, sku_key(variant.sku)), None)
            self._products[(product.store_id, product.id)] = replace(
                current, deleted=True, version=current.version + 1)

    def add_variant(self, product: Product, variant: Variant) -> None:
        with self._lock:
            self._claim_skus(product.store_id, [variant], ["sku"])
            self._variants[variant.id] = variant
            self._bump(product)

    def update_variant(self, product: Product, variant: Variant, previous: Variant) -> None:
        with self._lock:
            current = self._variants.get(variant.id)
            if current is None or current.version != previous.version:
                raise ConcurrentChange()
            if sku_key(variant.sku or "") != sku_key(previous.sku or ""):
                self._claim_skus(product.store_id, [variant], ["sku"])
                if previous.sku:
                    self._skus.pop((product.store_id, sku_key(previous.sku)), None)
            # Stock may have moved since the read: keep the stored count.
            self._variants[variant.id] = replace(variant, stock=current.stock)
            self._bump(product)

    def delete_variant(self, product: Product, variant: Variant) -> None:
        with self._lock:
            live = [v for v in self._variants.values()
                    if v.product_id == product.id and v.store_id == product.store_id]
            if len(live) <= 1:
                raise Conflict("A product keeps at least one variant.")
            if variant.id not in self._variants:
                raise NotFound("No such variant.")
            del self._variants[variant.id]
            if variant.sku:
                self._skus.pop((product.store_id, sku_key(variant.sku)), None)
            self._bump(product)

    def _bump(self, product: Product) -> None:
        # A product's version moves with what it sells, as on DynamoDB.
        key = (product.store_id, product.id)
        current = self._products[key]
        self._products[key] = replace(current, version=current.version + 1)

    def adjust_stock(self, variant: Variant, delta: int, movement: StockMovement) -> None:
        with self._lock:
            current = self._variants.get(variant.id)
            if current is None:
                raise NotFound("No such variant.")
            if current.stock + delta < 0:
                raise InsufficientStock(variants=[variant.id])
            self._variants[variant.id] = replace(current, stock=current.stock + delta,
                                                 version=current.version + 1)
            self._movements.setdefault(variant.id, []).append(movement)

    def set_stock(self, variant: Variant, value: int, movement: StockMovement) -> None:
        with self._lock:
            current = self._variants.get(variant.id)
            if current is None or current.version != variant.version:
                raise ConcurrentChange()
            self._variants[variant.id] = replace(current, stock=value, version=current.version + 1)
            self._movements.setdefault(variant.id, []).append(movement)

    def apply_stock_moves(self, moves) -> None:
        """All or nothing: what the DynamoDB order transaction does to variant items.

        `moves` have variant_id, quantity and take; a take never leaves stock below zero."""
        with self._lock:
            short = [m.variant_id for m in moves if m.take and (
                m.variant_id not in self._variants or self._variants[m.variant_id].stock < m.quantity)]
            if short:
                raise InsufficientStock("Not enough stock.", variants=short)
            gone = [m.variant_id for m in moves if m.variant_id not in self._variants]
            if gone:
                raise Conflict("A variant of this order no longer exists.", variants=gone)
            for move in moves:
                current = self._variants[move.variant_id]
                delta = -move.quantity if move.take else move.quantity
                self._variants[move.variant_id] = replace(
                    current, stock=current.stock + delta, version=current.version + 1)

    def movements(self, variant_id: str, limit: int,
                  before: Optional[str]) -> Tuple[List[StockMovement], Optional[str]]:
        with self._lock:
            ordered = sorted(self._movements.get(variant_id, []), key=movement_position, reverse=True)
        if before is not None:
            ordered = [m for m in ordered if movement_position(m) < before]
        page = ordered[:limit]
        more = len(ordered) > limit
        return page, (movement_position(page[-1]) if more and page else None)
