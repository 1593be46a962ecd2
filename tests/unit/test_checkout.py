import pytest

from chalicelib.errors import ValidationFailed
from chalicelib.orders import checkout
from chalicelib.orders.checkout import CartItem

GOOD = {"customer": {"name": "  Amina   Benali ", "phone": "0555.12.34.56"},
        "shipping": {"wilaya": 16, "commune": "Bab El Oued", "address": "12 rue X",
                     "delivery_type": "home"},
        "items": [{"product_id": "pr_1", "variant_id": "va_1", "quantity": 2}], "note": "après 18h"}


def fields_of(body):
    with pytest.raises(ValidationFailed) as caught:
        checkout.parse_checkout(body)
    return caught.value.fields


def with_(path, value):
    body = {k: (dict(v) if isinstance(v, dict) else v) for k, v in GOOD.items()}
    target, _, key = path.rpartition(".")
    (body[target] if target else body)[key] = value
    return body


def test_a_good_checkout_is_normalised():
    request = checkout.parse_checkout(GOOD)
    assert request.customer_name == "Amina Benali" and request.customer_phone == "+213555123456"
    assert request.items == (CartItem("pr_1", "va_1", 2),)


@pytest.mark.parametrize("path,value,field", [
    ("customer", None, "customer"),
    ("customer.phone", "12345", "customer.phone"),
    ("customer.phone", "+33612345678", "customer.phone"),
    ("customer.name", "", "customer.name"),
    ("customer.name", "x" * 101, "customer.name"),
    ("shipping.wilaya", 0, "shipping.wilaya"),
    ("shipping.wilaya", "16", "shipping.wilaya"),
    ("shipping.wilaya", True, "shipping.wilaya"),
    ("shipping.address", "", "shipping.address"),
    ("shipping.delivery_type", "drone", "shipping.delivery_type"),
    ("items", [], "items"),
    ("items", [{"product_id": "p", "quantity": 0}], "items[0].quantity"),
    ("items", [{"product_id": "p", "quantity": 101}], "items[0].quantity"),
    ("items", [{"product_id": "p", "quantity": 1.5}], "items[0].quantity"),
    ("items", [{"quantity": 1}], "items[0].product_id"),
    ("items", [{"product_id": "p", "quantity": 1}] * 51, "items"),
    ("note", 5, "note"),
])
def test_bad_fields_are_named(path, value, field):
    assert field in fields_of(with_(path, value))


class P:
    def __init__(self, pid, variants, track_stock=True):
        self.id, self.name, self.variants, self.track_stock = pid, f"name-{pid}", variants, track_stock


class V:
    def __init__(self, vid, price):
        self.id, self.price, self.options, self.sku = vid, price, {}, None


def test_lines_are_priced_from_the_catalog_and_merged():
    catalog = {("p1", "v1"): (P("p1", []), V("v1", 1500)), ("p2", "v2"): (P("p2", []), V("v2", 700))}
    lines = checkout.price_lines((CartItem("p1", "v1", 1), CartItem("p2", "v2", 3), CartItem("p1", "v1", 2)),
                                 lambda p, v: catalog.get((p, v)))
    assert [(l.variant_id, l.quantity, l.total) for l in lines] == [("v1", 3, 4500), ("v2", 3, 2100)]
    totals = checkout.totals(lines, 600)
    assert (totals.items, totals.delivery, totals.total) == (6600, 600, 7200)


def test_unknown_products_and_variants_are_named():
    with pytest.raises(ValidationFailed) as caught:
        checkout.price_lines((CartItem("nope", "v", 1), CartItem("p1", "bad", 1)),
                             lambda p, v: None if p == "nope" else (P("p1", []), None))
    assert set(caught.value.fields) == {"items[0].product_id", "items[1].variant_id"}
