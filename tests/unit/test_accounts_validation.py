import pytest

from chalicelib.accounts import validation
from chalicelib.accounts.passwords import hash_password, verify_password
from chalicelib.errors import ValidationFailed

GOOD = {"email": "Owner@Example.dz", "password": "sel-et-poivre-2026",
        "store": {"name": " Boutique Amina ", "slug": "boutique-amina"}}


def fields_of(call):
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.fields


def test_signup_is_normalised():
    parsed = validation.parse_signup(GOOD)
    assert parsed == {"email": "owner@example.dz", "password": "sel-et-poivre-2026",
                      "name": "Boutique Amina", "slug": "boutique-amina"}


@pytest.mark.parametrize("body,field", [
    ({**GOOD, "email": "not-an-email"}, "email"),
    ({**GOOD, "email": 12}, "email"),
    ({**GOOD, "password": "short"}, "password"),
    ({**GOOD, "password": "password123"}, "password"),
    ({**GOOD, "password": "aaaaaaaaaaaa"}, "password"),
    ({**GOOD, "password": None}, "password"),
    ({**GOOD, "store": "x"}, "store"),
    ({**GOOD, "store": {"name": "", "slug": "ok-slug"}}, "store.name"),
    ({**GOOD, "store": {"name": "x" * 101, "slug": "ok-slug"}}, "store.name"),
    ({**GOOD, "store": {"name": "N", "slug": "Upper"}}, "store.slug"),
    ({**GOOD, "store": {"name": "N", "slug": "ab"}}, "store.slug"),
    ({**GOOD, "store": {"name": "N", "slug": "-lead"}}, "store.slug"),
    ({**GOOD, "store": {"name": "N", "slug": "dou--ble"}}, "store.slug"),
    ({**GOOD, "store": {"name": "N", "slug": "x" * 41}}, "store.slug"),
    ({**GOOD, "store": {"name": "N", "slug": "admin"}}, "store.slug"),
    ({**GOOD, "store": {"name": "N", "slug": "café"}}, "store.slug"),
])
def test_bad_signup_names_the_field(body, field):
    assert field in fields_of(lambda: validation.parse_signup(body))


@pytest.mark.parametrize("body,field", [
    ({"phone": "12"}, "phone"),
    ({"languages": []}, "languages"),
    ({"languages": ["fr", "fr"]}, "languages"),
    ({"languages": ["de"]}, "languages"),
    ({"logo_url": "http://example.com/logo.png"}, "logo_url"),
    ({"logo_url": "javascript:alert(1)"}, "logo_url"),
    ({"notifications": {"email": ["order.nope"]}}, "notifications.email"),
    ({"notifications": {"fax": []}}, "notifications.fax"),
    ({"restock_on_return": "yes"}, "restock_on_return"),
    ({"owner_email": "nope"}, "owner_email"),
    ({"id": "st_x"}, "id"),
])
def test_bad_store_patch_names_the_field(body, field):
    assert field in fields_of(lambda: validation.parse_store_patch(body, allow_loopback=False))


def test_store_patch_keeps_what_is_valid():
    changes = validation.parse_store_patch(
        {"phone": "0661 23 45 67", "logo_url": "https://cdn.example.dz/l.png",
         "languages": ["ar", "fr"], "restock_on_return": True,
         "notifications": {"email": ["order.created", "order.cancelled"]}},
        allow_loopback=False)
    assert changes["phone"] == "+213661234567"
    assert changes["notifications"] == {"email": ["order.cancelled", "order.created"]}


def test_loopback_logo_only_where_allowed():
    assert validation.parse_store_patch({"logo_url": "http://127.0.0.1:9/l.png"},
                                        allow_loopback=True)["logo_url"]
    with pytest.raises(ValidationFailed):
        validation.parse_store_patch({"logo_url": "http://127.0.0.1:9/l.png"},
                                     allow_loopback=False)


def test_password_hash_round_trip_and_salted():
    first, second = hash_password("sel-et-poivre", 1024), hash_password("sel-et-poivre", 1024)
    assert first != second and first.startswith("scrypt$1024$")
    assert verify_password("sel-et-poivre", first)
    assert not verify_password("sel-et-poivrE", first)
    assert not verify_password("x", "garbage")
