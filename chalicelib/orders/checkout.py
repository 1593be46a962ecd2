"""Checkout rules: what a storefront may send, and how an order is priced.

Plain Python. Prices and the delivery fee come from the store, never from the
body; totals are integers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from chalicelib import fields
from chalicelib.errors import ValidationFailed
from chalicelib.orders.model import OrderLine, Shipping, Totals
from chalicelib.phones import normalize_phone

MAX_LINES = 50
MAX_QUANTITY = 100


@dataclass(frozen=True)
class CartItem:
    product_id: str
    variant_id: str
    quantity: int


@dataclass(frozen=True)
class CheckoutRequest:
    customer_name: str
    customer_phone: str
    wilaya: int
    commune: str               # as typed; resolved against the geography
    address: str
    delivery_type: str
    stop_desk: Optional[str]
    items: Tuple[CartItem, ...]
    note: Optional[str]


def _text(value: Any, path: str, errors: Dict[str, str], max_len: int,
          required: bool = True) -> Optional[str]:
    return fields.text(value, path, errors, max_len=max_len, required=required, collapse=True)


def _object(body: Mapping[str, Any], key: str, errors: Dict[str, str]) -> Mapping[str, Any]:
    value = body.get(key)
    if not isinstance(value, dict):
        errors[key] = "is required" if value is None else "must be an object"
        return {}
    return value


def _items(value: Any, errors: Dict[str, str]) -> Tuple[CartItem, ...]:
    if not isinstance(value, list) or not value:
        errors["items"] = "must be a non-empty list"
        return ()
    if len(value) > MAX_LINES:
        errors["items"] = f"must have at most {MAX_LINES} lines"
        return ()
    items = []
    for index, item in enumerate(value):
        path = f"items[{index}]"
        if not isinstance(item, dict):
            errors[path] = "must be an object"
            continue
        product_id = _text(item.get("product_id"), f"{path}.product_id", errors, 64)
        variant_id = _text(item.get("variant_id"), f"{path}.variant_id", errors, 64,
                           required=False)
        quantity = item.get("quantity")
        if not fields.whole_number(quantity):
            errors[f"{path}.quantity"] = "must be a whole number"
        elif not 1 <= quantity <= MAX_QUANTITY:
            errors[f"{path}.quantity"] = f"must be between 1 and {MAX_QUANTITY}"
        elif product_id:
            items.append(CartItem(product_id, variant_id or "", quantity))
    return tuple(items)


def parse_checkout(body: Mapping[str, Any]) -> CheckoutRequest:
    errors: Dict[str, str] = {}
    customer = _object(body, "customer", errors)
    shipping = _object(body, "shipping", errors)
    name = _text(customer.get("name"), "customer.name", errors, 100) if customer else None
    phone = None
    if customer:
        raw_phone = customer.get("phone")
        phone = normalize_phone(raw_phone) if isinstance(raw_phone, str) else None
        if phone is None:
            errors["customer.phone"] = ("is required" if raw_phone is None else
                                        "is not an Algerian mobile (05, 06, 07) or landline number")
    wilaya = shipping.get("wilaya") if shipping else None
    if shipping and (isinstance(wilaya, bool) or not isinstance(wilaya, int) or not 1 <= wilaya <= 69):
        errors["shipping.wilaya"] = "must be a wilaya code from 1 to 69"
    commune = None
    if shipping:
        raw_commune = shipping.get("commune")
        if isinstance(raw_commune, int) and not isinstance(raw_commune, bool):
            raw_commune = str(raw_commune)
        commune = _text(raw_commune, "shipping.commune", errors, 100)
    address = _text(shipping.get("address"), "shipping.address", errors, 300) if shipping else None
    delivery_type = shipping.get("delivery_type") if shipping else None
    if shipping and delivery_type not in ("home", "stop_desk"):
        errors["shipping.delivery_type"] = "must be home or stop_desk"
    stop_desk = _text(shipping.get("stop_desk"), "shipping.stop_desk", errors, 64,
                      required=False) if shipping else None
    items = _items(body.get("items"), errors)
    note = _text(body.get("note"), "note", errors, 1000, required=False)
    if errors:
        raise ValidationFailed(fields=errors)
    return CheckoutRequest(name, phone, wilaya, commune, address, delivery_type, stop_desk,
                           items, note)


VariantLookup = Callable[[str, str], Optional[Tuple[Any, Any]]]


def price_lines(items: Tuple[CartItem, ...], lookup: VariantLookup) -> List[OrderLine]:
    """Lines priced from the catalog; lines of the same variant are merged.

    `lookup(product_id, variant_id)` returns (product, variant) of a published
    product, or None. An empty variant id means the product's only variant."""
    errors: Dict[str, str] = {}
    merged: Dict[str, OrderLine] = {}
    for index, item in enumerate(items):
        found = lookup(item.product_id, item.variant_id)
        if found is None:
            errors[f"items[{index}].product_id"] = "is not a product on sale in this store"
            continue
        product, variant = found
        if variant is None:
            errors[f"items[{index}].variant_id"] = "is not a variant of this product"
            continue
        line = merged.get(variant.id)
        quantity = item.quantity + (line.quantity if line else 0)
        if quantity > MAX_QUANTITY:
            errors[f"items[{index}].quantity"] = f"adds up to more than {MAX_QUANTITY} of one variant"
            continue
        merged[variant.id] = OrderLine(product_id=product.id, variant_id=variant.id,
                                       name=product.name, options=dict(variant.options),
                                       sku=variant.sku, unit_price=variant.price,
                                       quantity=quantity, track_stock=product.track_stock)
    if errors:
        raise ValidationFailed(fields=errors)
    return list(merged.values())


def totals(lines: List[OrderLine], delivery_fee: int) -> Totals:
    return Totals(items=sum(line.total for line in lines), delivery=delivery_fee)


def shipping_of(request: CheckoutRequest, commune_code: str, commune_name: str) -> Shipping:
    return Shipping(wilaya=request.wilaya, commune_code=commune_code, commune_name=commune_name,
                    address=request.address, delivery_type=request.delivery_type,
                    stop_desk=request.stop_desk)
