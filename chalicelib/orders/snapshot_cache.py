"""What the checkouts of a store read, remembered per container.

A checkout needs the cart's products, the store's delivery rates and its order
counter. Reading them costs a round trip before the checkout transaction can be
sent; a store's next checkout usually asks for the same things. The DynamoDB
order store keeps what it read here and answers the next snapshot from it. That
is safe because the checkout transaction re-checks the version of every product
and of the rates the order was priced from, and the counter it numbers from: a
remembered value that went stale costs one retry with a fresh read, never a
wrongly priced or wrongly numbered order.

Plain Python: no storage here, only memory.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any, Dict, Iterable, List, Optional, Tuple

MAX_STORES = 1024


@dataclass(frozen=True)
class CheckoutBasis:
    """The versions a snapshot holds, for the checkout transaction to re-check."""
    products: Tuple[Tuple[str, int], ...]    # (product id, version), sorted
    rates_version: int                       # 0: the store never saved rates


@dataclass
class Remembered:
    products: Dict[str, Any] = field(default_factory=dict)   # product id -> Product (variants read so far)
    rate_overrides: Dict[int, Dict[str, Any]] = field(default_factory=dict)
    rates_version: int = 0
    last_number: int = 0

    def basis(self, product_ids: Iterable[str]) -> CheckoutBasis:
        return basis_of({pid: self.products[pid] for pid in product_ids if pid in self.products},
                        self.rates_version)


def basis_of(products: Dict[str, Any], rates_version: int) -> CheckoutBasis:
    """The basis of a snapshot holding these products (id -> Product) and rates."""
    return CheckoutBasis(tuple(sorted((pid, p.version) for pid, p in products.items())),
                         rates_version)


class SnapshotCache:
    def __init__(self, max_stores: int = MAX_STORES) -> None:
        self._stores: Dict[str, Remembered] = {}
        self._max_stores = max_stores
        self._lock = threading.Lock()

    def recall(self, store_id: str, cart: List[Tuple[str, str]]) -> Optional[Remembered]:
        """What was read for this store, if it holds every product and variant of the
        cart. A line without a variant id needs all of a product's variants, which
        only a fresh read knows."""
        remembered = self._stores.get(store_id)
        if remembered is None:
            return None
        for product_id, variant_id in cart:
            product = remembered.products.get(product_id)
            if not variant_id or product is None or product.variant(variant_id) is None:
                return None
        return remembered

    def remember(self, store_id: str, cart_products: Iterable[str], found: Dict[str, Any],
                 rate_overrides: Dict[int, Dict[str, Any]], rates_version: int,
                 last_number: int) -> None:
        """Keep a fresh read: `found` are the cart's products that exist (others are
        forgotten). Variants read at the same product version add up."""
        with self._lock:
            if store_id not in self._stores and len(self._stores) >= self._max_stores:
                self._stores.clear()
            previous = self._stores.get(store_id, Remembered())
            products = dict(previous.products)
            for product_id in cart_products:
                product, known = found.get(product_id), products.pop(product_id, None)
                if product is None:
                    continue
                if known is not None and known.version == product.version:
                    variants = {v.id: v for v in known.variants}
                    variants.update((v.id, v) for v in product.variants)
                    product = replace(product, variants=tuple(variants[k] for k in sorted(variants)))
                products[product_id] = product
            self._stores[store_id] = Remembered(products, rate_overrides, rates_version,
                                                max(last_number, previous.last_number))

    def numbered(self, store_id: str, number: int) -> None:
        """The store's counter is at least `number` now."""
        with self._lock:
            remembered = self._stores.get(store_id)
            if remembered is not None and number > remembered.last_number:
                self._stores[store_id] = replace(remembered, last_number=number)

    def forget(self, store_id: str) -> None:
        with self._lock:
            self._stores.pop(store_id, None)
