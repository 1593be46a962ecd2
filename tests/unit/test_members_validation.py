"""Validation of team and API-key input: every bad field named at once."""
import pytest

from chalicelib.accounts import validation
from chalicelib.accounts.model import DEFAULT_KEY_SCOPES, SCOPES
from chalicelib.errors import ValidationFailed


def fields_of(parse, body):
    with pytest.raises(ValidationFailed) as caught:
        parse(body)
    return caught.value.fields


def test_an_invite_is_lowercased_and_named_after_the_email_by_default():
    assert validation.parse_invite({"email": "Samir@Example.DZ", "role": "operator"}) == {
        "email": "samir@example.dz", "role": "operator", "name": "samir@example.dz"}
    assert validation.parse_invite({"email": "a@b.dz", "role": "readonly",
                                    "name": " Amina  "})["name"] == "Amina"


@pytest.mark.parametrize("body,expected", [
    ({}, {"email", "role"}),
    ({"email": "nope", "role": "operator"}, {"email"}),
    ({"email": "a@b.dz", "role": "boss"}, {"role"}),
    ({"email": "a@b.dz", "role": "Owner"}, {"role"}),
    ({"email": "a@b.dz", "role": ["owner"]}, {"role"}),
    ({"email": ["a@b.dz"], "role": "admin", "name": 7}, {"email", "name"}),
    ({"email": "a@b.dz", "role": "admin", "name": "x" * 101}, {"name"}),
    ({"email": "a@b.dz", "role": "admin", "password": "x"}, {"password"}),
])
def test_bad_invites_name_every_bad_field(body, expected):
    assert set(fields_of(validation.parse_invite, body)) == expected


def test_every_role_can_be_invited():
    for role in ("owner", "admin", "manager", "operator", "readonly"):
        assert validation.parse_invite({"email": "a@b.dz", "role": role})["role"] == role


@pytest.mark.parametrize("body,expected", [
    ({}, {"invite_token", "password"}),
    ({"invite_token": "", "password": "short"}, {"invite_token", "password"}),
    ({"invite_token": "dzi_x" * 100, "password": "sel-et-poivre-2026"}, {"invite_token"}),
    ({"invite_token": "dzi_x", "password": "password123"}, {"password"}),
    ({"invite_token": 12, "password": None}, {"invite_token", "password"}),
    ({"invite_token": "dzi_x", "password": "sel-et-poivre-2026", "role": "owner"}, {"role"}),
    ({"invite_token": "dzi_x", "password": "sel-et-poivre-2026", "name": ["Sara"]}, {"name"}),
    ({"invite_token": "dzi_x", "password": "sel-et-poivre-2026", "name": "x" * 101}, {"name"}),
])
def test_bad_accepts_name_every_bad_field(body, expected):
    assert set(fields_of(validation.parse_accept, body)) == expected


def test_a_good_accept():
    assert validation.parse_accept({"invite_token": " dzi_abc ", "password": "sel-et-poivre-2026"}) == {
        "invite_token": "dzi_abc", "password": "sel-et-poivre-2026", "name": None}
    assert validation.parse_accept({"invite_token": "dzi_abc", "password": "sel-et-poivre-2026",
                                    "name": " Sara Benali "})["name"] == "Sara Benali"


def test_role_change():
    assert validation.parse_role_change({"role": "manager"}) == "manager"
    assert set(fields_of(validation.parse_role_change, {})) == {"role"}
    assert set(fields_of(validation.parse_role_change, {"role": "god", "email": "x"})) == {"role", "email"}


def test_api_key_scopes_default_to_what_keys_could_always_do():
    parsed = validation.parse_api_key({"name": "Site"})
    assert parsed == {"name": "Site", "scopes": DEFAULT_KEY_SCOPES}
    assert "members:write" not in DEFAULT_KEY_SCOPES and "orders:write" in DEFAULT_KEY_SCOPES
    assert validation.parse_api_key({"scopes": None})["scopes"] == DEFAULT_KEY_SCOPES


def test_api_key_scopes_come_back_in_the_documented_order():
    parsed = validation.parse_api_key({"scopes": ["orders:write", "catalog:read", "orders:read"]})
    assert parsed["scopes"] == ("catalog:read", "orders:read", "orders:write")
    assert parsed["name"] == "API key"
    assert validation.parse_api_key({"scopes": list(SCOPES)})["scopes"] == tuple(SCOPES)


@pytest.mark.parametrize("scopes", [[], ["orders:delete"], ["orders:read", "orders:read"],
                                    "orders:read", [{"a": 1}], [["orders:read"]], {"orders:read": 1}])
def test_bad_scopes_are_422_on_scopes(scopes):
    assert set(fields_of(validation.parse_api_key, {"scopes": scopes})) == {"scopes"}
