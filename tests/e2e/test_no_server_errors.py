"""Whatever a client sends, the answer is never a 500 and errors keep the contract's shape.

Hypothesis throws arbitrary JSON (and non-JSON) at every route that takes a body,
as the owner of a real store, with real ids in the path.
"""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import signup

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**12, max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20)

# Bodies shaped like the real ones, with wrong values, reach deeper than noise.
FIELDS = ["customer", "shipping", "items", "quantity", "product_id", "variant_id", "status",
          "order_ids", "text", "note", "name", "price", "variants", "stock", "sku", "options", "published", "adjust", "set",
          "reason", "rates", "wilaya", "home", "stop_desk", "enabled", "email", "password",
          "store", "slug", "phone", "languages", "notifications", "logo_url", "restock_on_return",
          "url", "events", "description", "endpoint", "keys", "p256dh", "auth", "ids", "all"]
SHAPED = st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=6)
BODIES = st.one_of(JSON, SHAPED, st.binary(max_size=64))


@pytest.fixture(scope="module")
def owner(api):
    merchant = signup(api, "fuzz")
    product = api.post("/v1/products", headers=merchant.headers,
                       json={"name": "Fuzz", "price": 100, "stock": 1}).json()
    key = api.post("/v1/api-keys", headers=merchant.headers, json={}).json()
    order = api.post(f"/v1/stores/{merchant.store['slug']}/orders", json={
        "customer": {"name": "Fuzz", "phone": "0555123456"},
        "shipping": {"wilaya": 16, "commune": "1605", "address": "x", "delivery_type": "home"},
        "items": [{"product_id": product["id"], "quantity": 1}]}).json()
    webhook = api.post("/v1/webhooks", headers=merchant.headers, json={
        "url": "http://127.0.0.1:9/hooks", "events": ["order.created"]}).json()
    return merchant, product, dict(key, order=order, webhook=webhook)


def routes(product, key):
    variant = f"/v1/products/{product['id']}/variants/{product['variants'][0]['id']}"
    return [("POST", "/v1/signup"), ("POST", "/v1/login"), ("PATCH", "/v1/store"),
            ("POST", "/v1/api-keys"), ("POST", "/v1/products"),
            ("PATCH", f"/v1/products/{product['id']}"),
            ("POST", f"/v1/products/{product['id']}/variants"), ("PATCH", variant),
            ("POST", variant + "/stock"), ("PUT", "/v1/shipping/rates"),
            ("POST", "/v1/stores/{slug}/orders"), ("POST", f"/v1/orders/{key['order']['id']}/status"),
            ("POST", f"/v1/orders/{key['order']['id']}/notes"), ("POST", "/v1/orders/bulk/status"),
            ("POST", f"/v1/stores/{{slug}}/orders/{key['order']['number']}/cancel"),
            ("POST", "/v1/webhooks"), ("PATCH", f"/v1/webhooks/{key['webhook']['id']}"),
            ("POST", "/v1/push/subscriptions"), ("POST", "/v1/notifications/read")]


ROUTE_INDEX = st.integers(min_value=0, max_value=18)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(index=ROUTE_INDEX, body=BODIES)
def test_no_body_makes_a_500(api, owner, index, body):
    merchant, product, key = owner
    method, path = routes(product, key)[index]
    path = path.replace("{slug}", merchant.store["slug"])
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = api.request(method, path, data=data, headers=dict(
        merchant.headers, **{"Content-Type": "application/json"}))
    assert response.status_code < 500, (method, path, body, response.text)
    if response.status_code >= 400:
        error = response.json()["error"]
        assert isinstance(error["code"], str) and isinstance(error["fields"], dict)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(segment=st.text(min_size=1, max_size=30), query=st.text(max_size=30))
def test_no_path_or_query_makes_a_500(api, owner, segment, query):
    merchant, product, key = owner
    from urllib.parse import quote
    piece = quote(segment, safe="")
    for path in (f"/v1/products/{piece}", f"/v1/stores/{piece}/products",
                 f"/v1/wilayas/{piece}/communes", f"/v1/products?limit={quote(query)}",
                 f"/v1/products?cursor={quote(query)}", f"/v1/orders?q={quote(query)}",
                 f"/v1/orders?cursor={quote(query)}", f"/v1/orders?from={quote(query)}",
                 f"/v1/orders/{piece}", f"/v1/stores/{piece}/orders/{piece}?phone={quote(query)}",
                 f"/v1/notifications?after={quote(query)}", f"/v1/notifications?limit={quote(query)}",
                 f"/v1/webhooks/{piece}", f"/v1/webhooks/{piece}/deliveries?cursor={quote(query)}",
                 f"/v1/webhooks/{key['webhook']['id']}/deliveries?cursor={quote(query)}",
                 f"/v1/push/subscriptions?cursor={quote(query)}"):
        response = api.get(path, headers=merchant.headers)
        assert response.status_code < 500, (path, response.text)
