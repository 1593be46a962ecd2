"""Products, variants and stock movements: plain values, no I/O.

Stock lives on the variant; a product without options has one default variant.
Prices are integer DZD.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Dict, Optional, Tuple


@dataclass(frozen=True)
class Variant:
    id: str
    product_id: str
    store_id: str
    sku: Optional[str]
    options: Dict[str, str]
    price: int
    stock: int = 0
    version: int = 1

    def in_stock(self, track_stock: bool) -> bool:
        return self.stock > 0 or not track_stock

    def changed(self, **changes: Any) -> "Variant":
        return replace(self, **changes)


@dataclass(frozen=True)
class Product:
    id: str
    store_id: str
    name: str
    description: str
    price: int
    published: bool
    track_stock: bool
    created_at: datetime
    updated_at: datetime
    variants: Tuple[Variant, ...] = ()
    deleted: bool = False
    version: int = 1

    def variant(self, variant_id: str) -> Optional[Variant]:
        return next((v for v in self.variants if v.id == variant_id), None)

    def changed(self, **changes: Any) -> "Product":
        return replace(self, **changes)


@dataclass(frozen=True)
class StockMovement:
    id: str
    variant_id: str
    at: datetime
    delta: int
    reason: str
    kind: str                      # "adjust" | "set" (orders add "order")
    actor: Dict[str, str] = field(default_factory=dict)
    stock_after: Optional[int] = None   # known when the change set an absolute value


def sku_key(sku: str) -> str:
    """SKUs are unique per store regardless of case."""
    return sku.lower()
