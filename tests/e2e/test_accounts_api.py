"""Accounts over HTTP: signup, login, tokens, API keys, the store, error shapes."""
import uuid

import pytest

from tests.e2e.conftest import PASSWORD, signup


def error_of(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"])
    return body["error"]


def test_signup_then_the_token_reaches_the_store(api, merchant):
    response = api.get("/v1/store", headers=merchant.headers)
    assert response.status_code == 200
    store = response.json()
    assert store["id"] == merchant.store["id"] and store["slug"] == merchant.store["slug"]
    assert store["restock_on_return"] is False


def test_signup_refuses_taken_slug_and_email(api, merchant):
    again = api.post("/v1/signup", json={"email": f"x-{uuid.uuid4().hex[:8]}@example.dz",
                                         "password": PASSWORD,
                                         "store": {"name": "X", "slug": merchant.store["slug"]}})
    assert error_of(again, 409)["fields"] == {"store.slug": "is already taken"}
    again = api.post("/v1/signup", json={"email": merchant.email.upper(), "password": PASSWORD,
                                         "store": {"name": "X", "slug": f"n-{uuid.uuid4().hex[:8]}"}})
    assert "email" in error_of(again, 409)["fields"]


@pytest.mark.parametrize("body,field", [
    ({"email": "nope", "password": PASSWORD, "store": {"name": "X", "slug": "good-slug"}}, "email"),
    ({"email": "a@b.dz", "password": "short", "store": {"name": "X", "slug": "good-slug"}}, "password"),
    ({"email": "a@b.dz", "password": PASSWORD, "store": {"name": "X", "slug": "Bad Slug"}}, "store.slug"),
    ({"email": "a@b.dz", "password": PASSWORD, "store": {"name": "", "slug": "good-slug"}}, "store.name"),
    ({"email": "a@b.dz", "password": PASSWORD, "store": {"name": "x" * 5000, "slug": "good-slug"}}, "store.name"),
    ({"email": ["a@b.dz"], "password": PASSWORD, "store": {"name": "X", "slug": "good-slug"}}, "email"),
])
def test_bad_signup_is_422_naming_the_field(api, body, field):
    assert field in error_of(api.post("/v1/signup", json=body), 422)["fields"]


def test_malformed_json_is_400_in_the_contract_shape(api):
    response = api.post("/v1/signup", data=b"{not json", headers={"Content-Type": "application/json"})
    assert error_of(response, 400)["code"] == "malformed_request"
    response = api.post("/v1/signup", json=[1, 2])
    assert error_of(response, 400)["code"] == "malformed_request"


def test_oversized_body_is_413(api):
    response = api.post("/v1/signup", data=b'{"email": "' + b"a" * 300_000 + b'"}',
                        headers={"Content-Type": "application/json"})
    assert error_of(response, 413)["code"] == "payload_too_large"


def test_login_logout(api, merchant):
    response = api.post("/v1/login", json={"email": merchant.email, "password": PASSWORD})
    assert response.status_code == 200 and response.json()["expires_at"].endswith("Z")
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    assert api.get("/v1/store", headers=headers).status_code == 200
    assert api.post("/v1/logout", headers=headers).status_code == 204
    assert error_of(api.get("/v1/store", headers=headers), 401)["code"] == "unauthorized"
    # The signup session is a different token and still works.
    assert api.get("/v1/store", headers=merchant.headers).status_code == 200


def test_wrong_password_is_401(api, merchant):
    response = api.post("/v1/login", json={"email": merchant.email, "password": "not-the-password"})
    assert error_of(response, 401)["code"] == "unauthorized"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"},
                                     {"Authorization": "Bearer "}])
def test_missing_or_bad_credentials_are_401(api, headers):
    assert error_of(api.get("/v1/store", headers=headers), 401)["code"] == "unauthorized"


def test_login_is_throttled_per_email(api):
    victim = signup(api, "throttle")
    for _ in range(10):
        assert api.post("/v1/login", json={"email": victim.email,
                                           "password": "guess-guess-1"}).status_code == 401
    response = api.post("/v1/login", json={"email": victim.email, "password": PASSWORD})
    error = error_of(response, 429)
    assert error["code"] == "rate_limited" and error["retry_after"] > 0
    assert int(response.headers["Retry-After"]) == error["retry_after"]


def test_store_settings_round_trip(api, merchant):
    response = api.patch("/v1/store", headers=merchant.headers, json={
        "name": "متجر أمينة — Boutique", "phone": "0555 12 34 56", "languages": ["ar", "fr"],
        "restock_on_return": True, "notifications": {"email": ["order.created", "order.cancelled"]}})
    assert response.status_code == 200, response.text
    store = api.get("/v1/store", headers=merchant.headers).json()
    assert store["name"] == "متجر أمينة — Boutique" and store["phone"] == "+213555123456"
    assert store["restock_on_return"] is True
    public = api.get(f"/v1/stores/{merchant.store['slug']}").json()
    assert public["name"] == "متجر أمينة — Boutique" and "owner_email" not in public


def test_bad_store_patch_is_422(api, merchant):
    response = api.patch("/v1/store", headers=merchant.headers,
                         json={"phone": "12", "restock_on_return": "yes"})
    assert set(error_of(response, 422)["fields"]) == {"phone", "restock_on_return"}


def test_slug_change_moves_the_storefront(api, merchant):
    new_slug = f"moved-{uuid.uuid4().hex[:8]}"
    assert api.patch("/v1/store", headers=merchant.headers, json={"slug": new_slug}).status_code == 200
    assert api.get(f"/v1/stores/{new_slug}").status_code == 200
    assert error_of(api.get(f"/v1/stores/{merchant.store['slug']}"), 404)["code"] == "not_found"


def test_api_key_lifecycle(api, merchant):
    created = api.post("/v1/api-keys", headers=merchant.headers, json={"name": "Site web"})
    assert created.status_code == 201
    key = created.json()
    key_headers = {"Authorization": f"Bearer {key['key']}"}
    assert api.get("/v1/store", headers=key_headers).json()["id"] == merchant.store["id"]
    listed = api.get("/v1/api-keys", headers=merchant.headers).json()["items"]
    assert [k["id"] for k in listed] == [key["id"]]
    assert "key" not in listed[0] and listed[0]["last_used_at"] is not None
    assert api.delete(f"/v1/api-keys/{key['id']}", headers=merchant.headers).status_code == 204
    assert api.get("/v1/store", headers=key_headers).status_code == 401
    assert error_of(api.delete(f"/v1/api-keys/{key['id']}", headers=merchant.headers), 404)


def test_another_stores_api_key_is_404(api, merchant, other_merchant):
    key = api.post("/v1/api-keys", headers=merchant.headers, json={}).json()
    response = api.delete(f"/v1/api-keys/{key['id']}", headers=other_merchant.headers)
    assert error_of(response, 404)["code"] == "not_found"


def test_unknown_route_and_method(api):
    assert error_of(api.get("/v1/nothing-here"), 404)["code"] == "not_found"
    assert error_of(api.put("/v1/login", json={}), 405)["code"] == "method_not_allowed"


def test_unknown_store_is_404(api):
    assert error_of(api.get("/v1/stores/no-such-store-here"), 404)["code"] == "not_found"


def test_health(api):
    response = api.get("/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert set(response.json()["checks"]) == {"dynamodb", "sqs", "sns"}


def test_me_names_the_member_their_permissions_and_store(api, merchant):
    body = api.get("/v1/me", headers=merchant.headers).json()
    assert body["member"]["email"] == merchant.email and body["member"]["role"] == "owner"
    assert body["kind"] == "session" and body["store"]["slug"] == merchant.store["slug"]
    assert {"orders:write", "members:write", "authenticated"} <= set(body["permissions"])
    assert body["store"]["storefront_url"].endswith(f"/s/{merchant.store['slug']}/")
    assert body["couriers"] == []
    key = api.post("/v1/api-keys", headers=merchant.headers,
                   json={"name": "erp", "scopes": ["orders:read"]}).json()["key"]
    as_key = api.get("/v1/me", headers={"Authorization": f"Bearer {key}"}).json()
    assert as_key["kind"] == "api_key" and set(as_key["permissions"]) == {"authenticated", "orders:read"}
    assert api.get("/v1/me").status_code == 401
