import pytest

from chalicelib.catalog import validation
from chalicelib.errors import ValidationFailed


def fields_of(call):
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.fields


def test_product_without_variants_gets_a_default_variant():
    parsed = validation.parse_new_product({"name": " قميص ", "price": 2500, "stock": 4, "sku": "TS-1"})
    assert parsed["name"] == "قميص" and parsed["published"] is True and parsed["track_stock"] is True
    assert parsed["variants"] == [{"sku": "TS-1", "options": {}, "price": 2500, "stock": 4}]


def test_variants_inherit_the_product_price():
    parsed = validation.parse_new_product({"name": "Robe", "price": 4000, "variants": [
        {"options": {"size": "M"}, "stock": 2}, {"options": {"size": "L"}, "price": 4500}]})
    assert [v["price"] for v in parsed["variants"]] == [4000, 4500]
    assert parsed["variants"][1]["stock"] == 0


@pytest.mark.parametrize("body,field", [
    ({"price": 100}, "name"),
    ({"name": "", "price": 100}, "name"),
    ({"name": "x" * 201, "price": 100}, "name"),
    ({"name": "A"}, "price"),
    ({"name": "A", "price": 0}, "price"),
    ({"name": "A", "price": -5}, "price"),
    ({"name": "A", "price": 10_000_001}, "price"),
    ({"name": "A", "price": 12.5}, "price"),
    ({"name": "A", "price": "100"}, "price"),
    ({"name": "A", "price": True}, "price"),
    ({"name": "A", "price": 100, "published": "yes"}, "published"),
    ({"name": "A", "price": 100, "stock": -1}, "stock"),
    ({"name": "A", "price": 100, "sku": "bad sku!"}, "sku"),
    ({"name": "A", "price": 100, "description": "x" * 5001}, "description"),
    ({"name": "A", "price": 100, "variants": "many"}, "variants"),
    ({"name": "A", "price": 100, "variants": [{}] * 41}, "variants"),
    ({"name": "A", "price": 100, "variants": [7]}, "variants[0]"),
    ({"name": "A", "price": 100, "variants": [{"price": 0}]}, "variants[0].price"),
    ({"name": "A", "price": 100, "variants": [{"stock": 1.5}]}, "variants[0].stock"),
    ({"name": "A", "price": 100, "variants": [{"options": {"size": ""}}]}, "variants[0].options.size"),
    ({"name": "A", "price": 100, "variants": [{"options": ["M"]}]}, "variants[0].options"),
    ({"name": "A", "price": 100, "variants": [{"options": {"s": "M"}}, {"options": {"S": "m"}}]},
     "variants[1].options"),
    ({"name": "A", "price": 100, "variants": [{"sku": "X", "options": {"s": "1"}},
                                              {"sku": "x", "options": {"s": "2"}}]}, "variants[1].sku"),
])
def test_bad_products_name_the_field(body, field):
    assert field in fields_of(lambda: validation.parse_new_product(body))


@pytest.mark.parametrize("body,expected", [
    ({"adjust": -3, "reason": "casse"}, ("adjust", -3, "casse")),
    ({"adjust": 10, "reason": " arrivage "}, ("adjust", 10, "arrivage")),
    ({"set": 0, "reason": "inventaire"}, ("set", 0, "inventaire")),
])
def test_stock_changes(body, expected):
    assert validation.parse_stock_change(body) == expected


@pytest.mark.parametrize("body,field", [
    ({"reason": "x"}, "adjust"),
    ({"adjust": 1, "set": 1, "reason": "x"}, "adjust"),
    ({"adjust": 0, "reason": "x"}, "adjust"),
    ({"adjust": "5", "reason": "x"}, "adjust"),
    ({"set": -1, "reason": "x"}, "set"),
    ({"adjust": 1}, "reason"),
    ({"adjust": 1, "reason": ""}, "reason"),
])
def test_bad_stock_changes(body, field):
    assert field in fields_of(lambda: validation.parse_stock_change(body))


def test_patch_refuses_stock_and_unknown_fields():
    fields = fields_of(lambda: validation.parse_product_patch({"stock": 3, "id": "x", "price": 0}))
    assert set(fields) == {"stock", "id", "price"}
