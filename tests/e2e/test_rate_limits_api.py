"""API rate limits over HTTP: per session and per API key, headers, 429, isolation."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import PASSWORD

LIMIT = 5


@pytest.fixture
def low_limit(dynamo_services):
    limiter = dynamo_services.rate_limits
    before = limiter.per_minute
    limiter.per_minute = LIMIT
    yield LIMIT
    limiter.per_minute = before


def test_each_answer_says_how_much_is_left_and_the_next_one_over_is_a_429(api, merchant, low_limit):
    remaining = []
    for _ in range(LIMIT):
        response = api.get("/v1/store", headers=merchant.headers)
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == str(LIMIT)
        assert 1 <= int(response.headers["X-RateLimit-Reset"]) <= 60
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
    assert remaining == [4, 3, 2, 1, 0]

    refused = api.get("/v1/orders", headers=merchant.headers)
    assert refused.status_code == 429
    body = refused.json()["error"]
    assert body["code"] == "rate_limited" and "session" in body["message"]
    retry = int(refused.headers["Retry-After"])
    assert 1 <= retry <= 120 and body["retry_after"] == retry
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Reset"] == str(retry)


def test_a_refused_write_changes_nothing(api, merchant, low_limit):
    for _ in range(LIMIT):
        api.get("/v1/store", headers=merchant.headers)
    refused = api.post("/v1/products", headers=merchant.headers, json={"name": "Tapis", "price": 900})
    assert refused.status_code == 429
    other = api.post("/v1/login", json={"email": merchant.email, "password": PASSWORD}).json()["token"]
    listed = api.get("/v1/products", headers={"Authorization": f"Bearer {other}"}).json()
    assert listed["items"] == []


def test_another_session_and_an_api_key_have_their_own_windows(api, merchant, low_limit):
    key = api.post("/v1/api-keys", headers=merchant.headers,
                   json={"name": "erp", "scopes": ["orders:read"]}).json()["key"]
    second = api.post("/v1/login", json={"email": merchant.email, "password": PASSWORD}).json()["token"]
    for _ in range(LIMIT):
        api.get("/v1/store", headers=merchant.headers)
    assert api.get("/v1/store", headers=merchant.headers).status_code == 429
    assert api.get("/v1/store", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    by_key = [api.get("/v1/orders", headers={"Authorization": f"Bearer {key}"}) for _ in range(LIMIT + 1)]
    assert [r.status_code for r in by_key] == [200] * LIMIT + [429]
    assert "API key" in by_key[-1].json()["error"]["message"]


def test_public_routes_are_not_counted_against_a_token(api, merchant, low_limit):
    for _ in range(LIMIT + 3):
        assert api.get(f"/v1/stores/{merchant.store['slug']}").status_code == 200
    assert api.get("/v1/store", headers=merchant.headers).status_code == 200
