"""What the catalog needs from storage."""
from __future__ import annotations

from typing import Iterator, List, Optional, Protocol, Tuple, Union

from chalicelib.catalog.model import Product, StockMovement, Variant


class CatalogStore(Protocol):
    def create_product(self, product: Product) -> None:
        """Product, variants and SKU claims at once. AlreadyExists(fields
        {"variants[i].sku"}) when a SKU is taken in this store."""

    def product(self, store_id: str, product_id: str) -> Optional[Product]:
        """With its variants; None if unknown or deleted."""

    def catalog_rows(self, store_id: str, after: Optional[str]) -> Iterator[Tuple[str, Union[Product, Variant]]]:
        """(position, row) in position order after `after`: each product, then its variants."""

    def update_product(self, product: Product, previous: Product) -> None:
        """Product fields only, if still at `previous.version`; else ConcurrentChange."""

    def delete_product(self, product: Product) -> None:
        """Soft delete; frees its SKUs. Variant items stay for orders already placed."""

    def add_variant(self, product: Product, variant: Variant) -> None: ...

    def update_variant(self, product: Product, variant: Variant, previous: Variant) -> None: ...

    def delete_variant(self, product: Product, variant: Variant) -> None:
        """Refused with Conflict when it is the product's last variant."""

    def adjust_stock(self, variant: Variant, delta: int, movement: StockMovement) -> None:
        """stock += delta, never below zero (InsufficientStock), with its movement."""

    def set_stock(self, variant: Variant, value: int, movement: StockMovement) -> None:
        """stock = value if the variant is still at `variant.version` (ConcurrentChange)."""

    def movements(self, variant_id: str, limit: int,
                  before: Optional[str]) -> Tuple[List[StockMovement], Optional[str]]:
        """Newest first; the position to continue from, or None at the end."""
