"""Anti-fraud over HTTP: blacklist, checkout limits, duplicates, risk."""
import pytest

from tests.e2e.test_orders_api import checkout, move, product


def block(api, merchant, phone="0555 12 34 56", reason="fake order"):
    return api.post("/v1/blacklist", headers=merchant.headers, json={"phone": phone, "reason": reason})


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and isinstance(error["message"], str)
    assert isinstance(error["fields"], dict)
    return error


def test_blacklist_crud(api, merchant, other_merchant):
    created = block(api, merchant)
    assert created.status_code == 201, created.text
    entry = created.json()
    assert entry["phone"] == "+213555123456" and entry["reason"] == "fake order"
    again = block(api, merchant, "+213555123456", "other reason")
    assert again.status_code == 200 and again.json() == entry
    listed = api.get("/v1/blacklist", headers=merchant.headers).json()
    assert listed == {"items": [entry], "next_cursor": None}
    assert api.get("/v1/blacklist", headers=other_merchant.headers).json()["items"] == []
    assert_error(api.delete(f"/v1/blacklist/{entry['id']}", headers=other_merchant.headers),
                 404, "not_found")
    assert api.delete(f"/v1/blacklist/{entry['id']}", headers=merchant.headers).status_code == 204
    assert_error(api.delete(f"/v1/blacklist/{entry['id']}", headers=merchant.headers), 404, "not_found")
    assert api.get("/v1/blacklist", headers=merchant.headers).json()["items"] == []


@pytest.mark.parametrize("body,field", [({"phone": "12345"}, "phone"),
                                        ({"phone": "0555123456", "reason": 3}, "reason"),
                                        ({"phone": "0555123456", "why": "x"}, "why")])
def test_bad_blacklist_entry_is_422_naming_the_field(api, merchant, body, field):
    error = assert_error(api.post("/v1/blacklist", headers=merchant.headers, json=body),
                         422, "validation_error")
    assert field in error["fields"]


def test_blacklist_needs_credentials(api):
    assert_error(api.get("/v1/blacklist"), 401, "unauthorized")


def test_a_blocked_phone_cannot_check_out_and_nothing_is_written(api, merchant):
    item = product(api, merchant)
    entry = block(api, merchant).json()
    error = assert_error(checkout(api, merchant, item), 403, "phone_blocked")
    assert "blacklist" not in error["message"].lower()
    assert api.get("/v1/orders", headers=merchant.headers).json()["items"] == []
    api.delete(f"/v1/blacklist/{entry['id']}", headers=merchant.headers)
    placed = checkout(api, merchant, item)
    assert placed.status_code == 201 and placed.json()["number"] == 1001   # no number used


def test_per_phone_limit_through_http(api, merchant):
    item = product(api, merchant, stock=50)
    patched = api.patch("/v1/store", headers=merchant.headers,
                        json={"checkout_limits": {"per_phone_per_hour": 2}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["checkout_limits"] == {"per_phone_per_hour": 2, "per_ip_per_hour": None}
    assert api.get("/v1/store", headers=merchant.headers).json()["checkout_limits"]["per_phone_per_hour"] == 2
    assert checkout(api, merchant, item).status_code == 201
    assert checkout(api, merchant, item).status_code == 201
    refused = checkout(api, merchant, item)
    error = assert_error(refused, 429, "rate_limited")
    assert 1 <= error["retry_after"] <= 3600
    assert refused.headers["Retry-After"] == str(error["retry_after"])
    other = checkout(api, merchant, item, customer={"name": "Yacine", "phone": "0666123456"})
    assert other.status_code == 201
    assert len(api.get("/v1/orders", headers=merchant.headers).json()["items"]) == 3


def test_per_ip_limit_through_http(api, merchant):
    item = product(api, merchant, stock=50)
    api.patch("/v1/store", headers=merchant.headers, json={"checkout_limits": {"per_ip_per_hour": 1}})
    assert checkout(api, merchant, item).status_code == 201
    # Another phone from the same source IP; a forged forwarding header changes nothing.
    body = {"customer": {"name": "Yacine", "phone": "0666123456"}}
    refused = api.post(f"/v1/stores/{merchant.store['slug']}/orders",
                       headers={"X-Forwarded-For": "203.0.113.7"},
                       json={**checkout_body(item), **body})
    assert_error(refused, 429, "rate_limited")
    lifted = api.patch("/v1/store", headers=merchant.headers, json={"checkout_limits": None})
    assert lifted.json()["checkout_limits"] == {"per_phone_per_hour": None, "per_ip_per_hour": None}
    # Checkouts see lifted limits within a minute (each container remembers the limits
    # it read for that long): tests/service/test_fraud_service.py moves its clock to show it.


def checkout_body(item):
    return {"customer": {"name": "Amina Benali", "phone": "0555 12 34 56"},
            "shipping": {"wilaya": 16, "commune": "Bab El Oued", "address": "12 rue",
                         "delivery_type": "home"},
            "items": [{"product_id": item["id"], "variant_id": item["variants"][0]["id"],
                       "quantity": 1}]}


@pytest.mark.parametrize("value,field", [({"per_phone_per_hour": 0}, "checkout_limits.per_phone_per_hour"),
                                         ({"per_ip_per_hour": "5"}, "checkout_limits.per_ip_per_hour"),
                                         ({"per_minute": 5}, "checkout_limits.per_minute"),
                                         ([5], "checkout_limits")])
def test_bad_limits_are_422_naming_the_field(api, merchant, value, field):
    error = assert_error(api.patch("/v1/store", headers=merchant.headers,
                                   json={"checkout_limits": value}), 422, "validation_error")
    assert field in error["fields"]


def test_a_repeated_order_is_flagged_in_lists_queue_and_detail(api, merchant):
    item = product(api, merchant, stock=50)
    first = checkout(api, merchant, item).json()
    assert first["flags"] == [] and first["duplicate_of"] is None
    second = checkout(api, merchant, item, quantity=1).json()
    assert second["flags"] == ["possible_duplicate"] and second["duplicate_of"] == first["id"]
    listed = {o["id"]: o for o in api.get("/v1/orders", headers=merchant.headers).json()["items"]}
    assert listed[second["id"]]["duplicate_of"] == first["id"] and listed[first["id"]]["flags"] == []
    queue = {o["id"]: o for o in api.get("/v1/calls/queue", headers=merchant.headers).json()["items"]}
    assert queue[second["id"]]["flags"] == ["possible_duplicate"]
    detail = api.get(f"/v1/orders/{second['id']}", headers=merchant.headers).json()
    assert detail["duplicate_of"] == first["id"]


def test_risk_summary_on_the_order(api, merchant, other_merchant):
    item = product(api, merchant, stock=50)
    delivered = checkout(api, merchant, item).json()["id"]
    for status in ("confirmed", "processing", "shipped", "delivered"):
        assert move(api, merchant, delivered, status).status_code == 200
    refused = checkout(api, merchant, item).json()["id"]
    for status in ("confirmed", "processing", "shipped", "cancelled"):
        assert move(api, merchant, refused, status).status_code == 200
    fake = checkout(api, merchant, item).json()["id"]
    assert api.post(f"/v1/orders/{fake}/calls", headers=merchant.headers,
                    json={"outcome": "fake"}).status_code == 201
    current = checkout(api, merchant, item).json()["id"]
    detail = api.get(f"/v1/orders/{current}", headers=merchant.headers)
    assert detail.status_code == 200
    assert detail.json()["risk"] == {"orders": 3, "delivered": 1, "refused": 1, "cancelled_fake": 1}
    first = api.get(f"/v1/orders/{delivered}", headers=merchant.headers).json()
    assert first["risk"] == {"orders": 0, "delivered": 0, "refused": 0, "cancelled_fake": 0}
    assert_error(api.get(f"/v1/orders/{current}", headers=other_merchant.headers), 404, "not_found")
