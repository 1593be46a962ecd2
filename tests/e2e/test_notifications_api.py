"""Webhooks, the bell feed and web push over HTTP: lifecycles, isolation, error shapes.

The event pump is not running here, so nothing reaches the bell or a webhook on its
own: test pings are sent during the request, and the bell's queue consumer is called
directly where the feed needs items.
"""
import base64
import json
import os
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from standardwebhooks import Webhook

from tests.e2e.conftest import signup
from tests.fakes.webhook_receiver import Answer, WebhookReceiver

EVENTS = ["order.created", "order.shipped"]


def error_of(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"])
    return body["error"]


def invalid_fields(response):
    error = error_of(response, 422)
    assert error["code"] == "validation_error"
    return error["fields"]


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


@pytest.fixture
def receiver():
    running = WebhookReceiver().start()
    yield running
    running.stop()


def create_hook(api, merchant, url="http://127.0.0.1:9/hooks", events=EVENTS, **extra):
    response = api.post("/v1/webhooks", headers=merchant.headers, json={"url": url, "events": events, **extra})
    assert response.status_code == 201, response.text
    return response.json()


# --- webhooks ------------------------------------------------------------------------
def test_create_shows_the_secret_once(api, merchant, receiver):
    created = create_hook(api, merchant, receiver.url, ["order.shipped", "order.created", "order.created"],
                          description="Google Sheets")
    assert created["id"].startswith("wh_") and created["secret"].startswith("whsec_")
    assert created["url"] == receiver.url and created["events"] == ["order.created", "order.shipped"]
    assert created["enabled"] is True and created["description"] == "Google Sheets"
    assert created["created_at"].endswith("Z") and created["disabled_reason"] is None
    one = api.get(f"/v1/webhooks/{created['id']}", headers=merchant.headers)
    assert one.status_code == 200 and one.json() == {k: v for k, v in created.items() if k != "secret"}
    listed = api.get("/v1/webhooks", headers=merchant.headers).json()
    assert listed["next_cursor"] is None and [h["id"] for h in listed["items"]] == [created["id"]]
    assert "secret" not in listed["items"][0] and created["secret"] not in json.dumps(listed)


def test_idempotent_create_replays_and_refuses_another_body(api, merchant, receiver):
    key = {"Idempotency-Key": uuid.uuid4().hex, **merchant.headers}
    body = {"url": receiver.url, "events": ["order.created"]}
    first = api.post("/v1/webhooks", headers=key, json=body)
    second = api.post("/v1/webhooks", headers=key, json=body)
    assert first.status_code == second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first.headers
    assert (first.json()["id"], first.json()["secret"]) == (second.json()["id"], second.json()["secret"])
    third = api.post("/v1/webhooks", headers=key, json={**body, "events": ["order.delivered"]})
    assert error_of(third, 409)["code"] == "idempotency_key_reused"
    assert len(api.get("/v1/webhooks", headers=merchant.headers).json()["items"]) == 1
    # The same key in another store is another store's business.
    other = signup(api, "idem")
    elsewhere = api.post("/v1/webhooks", headers={**key, **other.headers}, json=body)
    assert elsewhere.status_code == 201 and elsewhere.json()["id"] != first.json()["id"]
    too_long = api.post("/v1/webhooks", headers={**merchant.headers, "Idempotency-Key": "k" * 256}, json=body)
    assert "Idempotency-Key" in invalid_fields(too_long)


def test_patch_disable_and_enable(api, merchant, receiver):
    hook = create_hook(api, merchant)
    path = f"/v1/webhooks/{hook['id']}"
    changed = api.patch(path, headers=merchant.headers,
                        json={"url": receiver.url, "events": ["order.delivered"], "description": "ERP"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["url"], changed.json()["events"], changed.json()["description"]) == \
        (receiver.url, ["order.delivered"], "ERP")
    off = api.patch(path, headers=merchant.headers, json={"enabled": False}).json()
    assert off["enabled"] is False and off["disabled_reason"] == "merchant" and off["disabled_at"].endswith("Z")
    assert api.get(path, headers=merchant.headers).json()["enabled"] is False
    on = api.post(path + "/enable", headers=merchant.headers)
    assert on.status_code == 200, on.text
    assert on.json()["enabled"] is True and on.json()["disabled_reason"] is None
    assert on.json()["consecutive_dead"] == 0 and "secret" not in on.json()
    assert api.get(path, headers=merchant.headers).json()["url"] == receiver.url


def test_https_to_a_public_address_is_accepted(api, merchant):
    # Only created: nothing is sent to it.
    assert create_hook(api, merchant, "https://1.1.1.1/dzorders")["url"] == "https://1.1.1.1/dzorders"


def test_delete_then_404(api, merchant):
    hook = create_hook(api, merchant)
    assert api.delete(f"/v1/webhooks/{hook['id']}", headers=merchant.headers).status_code == 204
    assert error_of(api.get(f"/v1/webhooks/{hook['id']}", headers=merchant.headers), 404)["code"] == "not_found"
    assert error_of(api.delete(f"/v1/webhooks/{hook['id']}", headers=merchant.headers), 404)["code"] == "not_found"
    assert api.get("/v1/webhooks", headers=merchant.headers).json()["items"] == []


def test_test_ping_is_signed_and_logged(api, merchant, receiver):
    hook = create_hook(api, merchant, receiver.url)
    receiver.secret = hook["secret"]
    response = api.post(f"/v1/webhooks/{hook['id']}/test", headers=merchant.headers)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["succeeded"] is True and result["status_code"] == 200 and result["error"] is None
    assert result["response_excerpt"] == "ok"
    [received] = receiver.received
    assert received.verified and received.path == "/hooks"
    assert received.json["type"] == "webhook.test" and received.json["timestamp"].endswith("Z")
    assert received.json["data"]["webhook_id"] == hook["id"]
    assert received.json["data"]["store_id"] == merchant.store["id"]
    page = api.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=merchant.headers)
    assert page.status_code == 200 and page.json()["next_cursor"] is None
    [delivery] = page.json()["items"]
    assert delivery["id"] == result["delivery_id"] and delivery["webhook_id"] == hook["id"]
    assert delivery["event_type"] == "webhook.test" and delivery["state"] == "succeeded"
    assert delivery["event_id"] == received.headers["webhook-id"]
    assert [(a["number"], a["status_code"]) for a in delivery["attempts"]] == [(1, 200)]


def test_rotation_signs_with_both_secrets_during_the_grace(api, merchant, receiver):
    hook = create_hook(api, merchant, receiver.url)
    rotated = api.post(f"/v1/webhooks/{hook['id']}/rotate-secret", headers=merchant.headers)
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_") and new_secret != hook["secret"]
    assert rotated.json()["previous_secret_expires_at"].endswith("Z")
    shown = api.get(f"/v1/webhooks/{hook['id']}", headers=merchant.headers).json()
    assert "secret" not in shown and shown["previous_secret_expires_at"] is not None
    assert api.post(f"/v1/webhooks/{hook['id']}/test", headers=merchant.headers).json()["succeeded"]
    [received] = receiver.received
    assert len(received.headers["webhook-signature"].split()) == 2
    for secret in (hook["secret"], new_secret):
        Webhook(secret).verify(received.body, received.headers)    # raises if not signed with it


def test_failed_pings_are_reported_not_retried(api, merchant, receiver):
    receiver.answers = [Answer(status=500, body=b"boom")]
    hook = create_hook(api, merchant, receiver.url)
    result = api.post(f"/v1/webhooks/{hook['id']}/test", headers=merchant.headers).json()
    assert (result["succeeded"], result["status_code"], result["response_excerpt"]) == (False, 500, "boom")
    # A closed port: no status at all, and the error says why.
    api.patch(f"/v1/webhooks/{hook['id']}", headers=merchant.headers, json={"url": "http://127.0.0.1:9/closed"})
    result = api.post(f"/v1/webhooks/{hook['id']}/test", headers=merchant.headers).json()
    assert result["succeeded"] is False and result["status_code"] is None and result["error"]
    deliveries = api.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=merchant.headers).json()["items"]
    assert [d["state"] for d in deliveries] == ["failed", "failed"]
    # Test pings never count towards disabling the endpoint.
    assert api.get(f"/v1/webhooks/{hook['id']}", headers=merchant.headers).json()["consecutive_dead"] == 0


def first_attempts(api, merchant, hook, delivery_id):
    items = api.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=merchant.headers).json()["items"]
    [delivery] = [d for d in items if d["id"] == delivery_id]
    assert len(delivery["attempts"]) == 1
    return delivery["attempts"]


def test_deliveries_page_and_redeliver(api, merchant, receiver):
    hook = create_hook(api, merchant, receiver.url)
    ids = [api.post(f"/v1/webhooks/{hook['id']}/test", headers=merchant.headers).json()["delivery_id"]
           for _ in range(2)]
    path = f"/v1/webhooks/{hook['id']}/deliveries"
    first = api.get(path, headers=merchant.headers, params={"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = api.get(path, headers=merchant.headers, params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert rest["next_cursor"] is None
    assert sorted([first["items"][0]["id"], rest["items"][0]["id"]]) == sorted(ids)
    assert "cursor" in invalid_fields(api.get(path, headers=merchant.headers, params={"cursor": "bm9wZQ"}))
    assert "limit" in invalid_fields(api.get(path, headers=merchant.headers, params={"limit": "0"}))
    again = api.post(f"/v1/webhooks/deliveries/{ids[0]}/redeliver", headers=merchant.headers)
    assert again.status_code == 202, again.text
    assert again.json()["id"] == ids[0] and again.json()["state"] == "pending"
    # No worker runs here: asking again while the new cycle waits starts no second one.
    twice = api.post(f"/v1/webhooks/deliveries/{ids[0]}/redeliver", headers=merchant.headers)
    assert twice.status_code == 202 and twice.json()["state"] == "pending"
    assert twice.json()["attempts"] == again.json()["attempts"] == first_attempts(api, merchant, hook, ids[0])


def test_another_stores_webhook_is_404(api, merchant, other_merchant, receiver):
    hook = create_hook(api, merchant, receiver.url)
    delivery_id = api.post(f"/v1/webhooks/{hook['id']}/test", headers=merchant.headers).json()["delivery_id"]
    base = f"/v1/webhooks/{hook['id']}"
    before = api.get(base, headers=merchant.headers).json()
    for method, path, body in [("get", "", None), ("patch", "", {"events": ["order.created"]}),
                               ("delete", "", None), ("post", "/rotate-secret", None),
                               ("post", "/test", None), ("post", "/enable", None),
                               ("get", "/deliveries", None)]:
        response = getattr(api, method)(base + path, headers=other_merchant.headers, json=body)
        assert error_of(response, 404)["code"] == "not_found", (method, path)
    redeliver = api.post(f"/v1/webhooks/deliveries/{delivery_id}/redeliver", headers=other_merchant.headers)
    assert error_of(redeliver, 404)["code"] == "not_found"
    assert api.get("/v1/webhooks", headers=other_merchant.headers).json()["items"] == []
    # Nothing was sent, changed or removed on the owner's side.
    assert len(receiver.received) == 1
    assert api.get(base, headers=merchant.headers).json() == before


@pytest.mark.parametrize("path", ["/v1/webhooks/nope", "/v1/webhooks/wh_nope",
                                  "/v1/webhooks/wh_nope/deliveries"])
def test_unknown_webhook_is_404(api, merchant, path):
    assert error_of(api.get(path, headers=merchant.headers), 404)["code"] == "not_found"


@pytest.mark.parametrize("delivery_id", ["nope", "whd_wh_x_zz_0123", "whd_wh_nope_18f0c2a1b00_" + "a" * 20,
                                         "whd_" + "x" * 200])
def test_unknown_delivery_is_404(api, merchant, delivery_id):
    response = api.post(f"/v1/webhooks/deliveries/{delivery_id}/redeliver", headers=merchant.headers)
    assert error_of(response, 404)["code"] == "not_found"


@pytest.mark.parametrize("body,field", [
    ({"url": "http://127.0.0.1:9/h", "events": ["order.exploded"]}, "events[0]"),
    ({"url": "http://127.0.0.1:9/h", "events": ["order.created", 7]}, "events[1]"),
    ({"url": "http://127.0.0.1:9/h", "events": []}, "events"),
    ({"url": "http://127.0.0.1:9/h", "events": "order.created"}, "events"),
    ({"url": "http://127.0.0.1:9/h"}, "events"),
    ({"events": EVENTS}, "url"),
    ({"url": "ftp://1.1.1.1/h", "events": EVENTS}, "url"),
    ({"url": "http://example.com/h", "events": EVENTS}, "url"),
    ({"url": "https://10.0.0.1/x", "events": EVENTS}, "url"),
    ({"url": "https://192.168.1.2/", "events": EVENTS}, "url"),
    ({"url": "https://169.254.169.254/latest/meta-data", "events": EVENTS}, "url"),
    ({"url": "https://[::ffff:10.0.0.1]/x", "events": EVENTS}, "url"),
    ({"url": "https://user:pw@1.1.1.1/h", "events": EVENTS}, "url"),
    ({"url": "https://1.1.1.1:99999/h", "events": EVENTS}, "url"),
    ({"url": "https://1.1.1.1/" + "a" * 2100, "events": EVENTS}, "url"),
    ({"url": ["https://1.1.1.1/h"], "events": EVENTS}, "url"),
    ({"url": "https://203.0.113.9/h", "events": EVENTS}, "url"),
    ({"url": "http://127.0.0.1:9/h", "events": EVENTS, "description": "d" * 201}, "description"),
    ({"url": "http://127.0.0.1:9/h", "events": EVENTS, "secret": "whsec_mine"}, "secret"),
])
def test_bad_webhook_is_422_naming_the_field(api, merchant, body, field):
    fields = invalid_fields(api.post("/v1/webhooks", headers=merchant.headers, json=body))
    assert list(fields) == [field], fields
    assert api.get("/v1/webhooks", headers=merchant.headers).json()["items"] == []


@pytest.mark.parametrize("body,field", [
    ({"url": "ftp://1.1.1.1/h"}, "url"), ({"url": "https://10.0.0.1/x"}, "url"),
    ({"events": ["nope"]}, "events[0]"), ({"events": []}, "events"),
    ({"enabled": "yes"}, "enabled"), ({"secret": "whsec_x"}, "secret"),
])
def test_bad_webhook_patch_is_422_and_changes_nothing(api, merchant, body, field):
    hook = create_hook(api, merchant)
    path = f"/v1/webhooks/{hook['id']}"
    fields = invalid_fields(api.patch(path, headers=merchant.headers, json=body))
    assert list(fields) == [field], fields
    after = api.get(path, headers=merchant.headers).json()
    assert (after["url"], after["events"], after["enabled"]) == (hook["url"], hook["events"], True)


@pytest.mark.parametrize("method,path", [("post", "/v1/webhooks"), ("patch", "/v1/webhooks/{id}")])
def test_webhook_body_that_is_not_a_json_object_is_400(api, merchant, method, path):
    path = path.format(id=create_hook(api, merchant)["id"])
    for raw in (b"{not json", b"[1, 2]", b"\xff\xfe"):
        response = getattr(api, method)(path, data=raw, headers={**merchant.headers,
                                                                 "Content-Type": "application/json"})
        assert error_of(response, 400)["code"] == "malformed_request", raw


def test_an_eleventh_endpoint_is_refused(api):
    owner = signup(api, "hooks")
    keyed = {**owner.headers, "Idempotency-Key": uuid.uuid4().hex}
    first = {"url": "http://127.0.0.1:9/h0", "events": EVENTS}
    hooks = [api.post("/v1/webhooks", headers=keyed, json=first).json()]
    hooks += [create_hook(api, owner, f"http://127.0.0.1:9/h{n}") for n in range(1, 10)]
    eleventh = api.post("/v1/webhooks", headers=owner.headers,
                        json={"url": "http://127.0.0.1:9/h10", "events": EVENTS})
    assert error_of(eleventh, 409)["code"] == "webhook_limit_reached"
    # A retry of one that was made is not an eleventh.
    replayed = api.post("/v1/webhooks", headers=keyed, json=first)
    assert replayed.status_code == 201 and replayed.json()["id"] == hooks[0]["id"]
    assert len(api.get("/v1/webhooks", headers=owner.headers).json()["items"]) == 10
    assert api.delete(f"/v1/webhooks/{hooks[0]['id']}", headers=owner.headers).status_code == 204
    create_hook(api, owner, "http://127.0.0.1:9/h10")


# --- the bell feed -----------------------------------------------------------------
def ring(services, merchant, at):
    """What the bell queue's consumer does with one event (the pump is not running)."""
    return services.bell.handle({"id": f"evt_{uuid.uuid4().hex}", "type": "webhook.disabled",
                                 "store_id": merchant.store["id"], "at": at.isoformat().replace("+00:00", "Z"),
                                 "data": {"url": "https://203.0.113.9/h", "consecutive_dead": 5}})


def test_a_fresh_store_has_an_empty_feed(api, merchant):
    response = api.get("/v1/notifications", headers=merchant.headers)
    assert response.status_code == 200
    assert response.json() == {"items": [], "unread_count": 0, "next_cursor": None}
    for body in ({"all": True}, {"ids": []}, {"ids": ["ntf_20260101T000000000Z_" + "0" * 20, "nope"]}):
        marked = api.post("/v1/notifications/read", headers=merchant.headers, json=body)
        assert marked.status_code == 200 and marked.json() == {"unread_count": 0}, body


def test_feed_pages_newest_first_and_marks_read(api, merchant, other_merchant, dynamo_services):
    start = datetime.now(timezone.utc).replace(microsecond=0)
    made = [ring(dynamo_services, merchant, start + timedelta(seconds=n)) for n in range(3)]
    feed = api.get("/v1/notifications", headers=merchant.headers, params={"limit": 2}).json()
    assert [n["id"] for n in feed["items"]] == [made[2].id, made[1].id] and feed["unread_count"] == 3
    item = feed["items"][0]
    assert item["type"] == "webhook.disabled" and item["read"] is False and item["created_at"].endswith("Z")
    assert {"title", "body", "url", "order_id", "sound"} <= set(item)
    rest = api.get("/v1/notifications", headers=merchant.headers, params={"cursor": feed["next_cursor"]}).json()
    assert [n["id"] for n in rest["items"]] == [made[0].id] and rest["next_cursor"] is None
    same = api.get("/v1/notifications", headers=merchant.headers, params={"after": feed["next_cursor"]}).json()
    assert same["items"] == rest["items"]
    # Another store can neither see nor mark them.
    assert api.get("/v1/notifications", headers=other_merchant.headers).json()["items"] == []
    foreign = api.post("/v1/notifications/read", headers=other_merchant.headers, json={"ids": [made[0].id]})
    assert foreign.json() == {"unread_count": 0}
    marked = api.post("/v1/notifications/read", headers=merchant.headers, json={"ids": [made[0].id, made[0].id]})
    assert marked.status_code == 200 and marked.json() == {"unread_count": 2}
    items = api.get("/v1/notifications", headers=merchant.headers).json()["items"]
    assert [n["read"] for n in items] == [False, False, True]
    everything = api.post("/v1/notifications/read", headers=merchant.headers, json={"all": True})
    assert everything.json() == {"unread_count": 0}
    feed = api.get("/v1/notifications", headers=merchant.headers).json()
    assert feed["unread_count"] == 0 and all(n["read"] for n in feed["items"])
    # "All" means all so far: a newer one arrives unread.
    newer = ring(dynamo_services, merchant, start + timedelta(seconds=10))
    feed = api.get("/v1/notifications", headers=merchant.headers).json()
    assert feed["unread_count"] == 1 and [(n["id"], n["read"]) for n in feed["items"][:2]] == \
        [(newer.id, False), (made[2].id, True)]


@pytest.mark.parametrize("body,field", [
    ({}, "ids"), ({"ids": "ntf_x"}, "ids"), ({"ids": [1]}, "ids"), ({"ids": None}, "ids"),
    ({"ids": ["a"] * 101}, "ids"), ({"all": False}, "all"), ({"all": "yes"}, "all"),
    ({"ids": [], "all": True}, "ids"), ({"all": True, "id": ["ntf_x"]}, "id"), ({"id": ["ntf_x"]}, "id"),
])
def test_bad_read_request_is_422_naming_the_field(api, merchant, body, field):
    assert field in invalid_fields(api.post("/v1/notifications/read", headers=merchant.headers, json=body))


@pytest.mark.parametrize("params,field", [
    ({"limit": "0"}, "limit"), ({"limit": "abc"}, "limit"), ({"limit": "201"}, "limit"),
    ({"after": "2026-13-45"}, "after"),
    # Times that exist in their own zone but not in UTC (before year 1, after 9999).
    ({"after": "0001-01-01T00:00:00+14:00"}, "after"), ({"after": "9999-12-31T23:59:59-14:00"}, "after"),
    ({"after": "garbage"}, "after"), ({"cursor": "garbage"}, "after"),
    ({"after": "2026-01-01T00:00:00Z", "cursor": "other"}, "after"),
])
def test_bad_feed_query_is_422_naming_the_field(api, merchant, params, field):
    assert field in invalid_fields(api.get("/v1/notifications", headers=merchant.headers, params=params))


def test_feed_after_a_time(api, merchant):
    response = api.get("/v1/notifications", headers=merchant.headers, params={"after": "2026-01-01T00:00:00Z"})
    assert response.status_code == 200 and response.json()["items"] == []


def test_read_body_that_is_not_a_json_object_is_400(api, merchant):
    for raw in (b"{not json", b'["ntf_x"]'):
        response = api.post("/v1/notifications/read", data=raw,
                            headers={**merchant.headers, "Content-Type": "application/json"})
        assert error_of(response, 400)["code"] == "malformed_request"


# --- web push ------------------------------------------------------------------------
def p256_point() -> str:
    return b64url(ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def browser_subscription(endpoint=None):
    """A PushSubscription as a browser's toJSON() gives it, with a fresh P-256 key."""
    return {"endpoint": endpoint or f"http://127.0.0.1:9/push/{uuid.uuid4().hex}",
            "expirationTime": None, "keys": {"p256dh": p256_point(), "auth": b64url(os.urandom(16))}}


def test_vapid_public_key_is_a_stable_p256_point(api, merchant, other_merchant):
    first = api.get("/v1/push/vapid-public-key", headers=merchant.headers)
    assert first.status_code == 200, first.text
    key = first.json()["key"]
    assert len(key) == 87 and set(key) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    raw = base64.urlsafe_b64decode(key + "=")
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)   # raises if not a point
    assert api.get("/v1/push/vapid-public-key", headers=other_merchant.headers).json()["key"] == key


def test_subscribe_list_and_unsubscribe(api, merchant):
    subscription = browser_subscription()
    created = api.post("/v1/push/subscriptions", headers=merchant.headers, json=subscription)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id"].startswith("ps_") and body["endpoint"] == subscription["endpoint"]
    assert body["created_at"].endswith("Z") and "keys" not in body and "p256dh" not in body
    assert subscription["keys"]["auth"] not in created.text
    # The same browser again (its keys renewed) is the same subscription.
    again = api.post("/v1/push/subscriptions", headers=merchant.headers,
                     json=browser_subscription(subscription["endpoint"]))
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert again.json()["created_at"] == body["created_at"]
    listed = api.get("/v1/push/subscriptions", headers=merchant.headers).json()
    assert [s["id"] for s in listed["items"]] == [body["id"]] and listed["next_cursor"] is None
    assert subscription["keys"]["p256dh"] not in json.dumps(listed)
    path = f"/v1/push/subscriptions/{body['id']}"
    assert api.delete(path, headers=merchant.headers).status_code == 204
    assert error_of(api.delete(path, headers=merchant.headers), 404)["code"] == "not_found"
    assert api.get("/v1/push/subscriptions", headers=merchant.headers).json()["items"] == []


def test_subscriptions_page_and_stay_in_their_store(api, merchant, other_merchant):
    ids = {api.post("/v1/push/subscriptions", headers=merchant.headers,
                    json=browser_subscription(f"http://[::1]:9/push/{n}")).json()["id"] for n in range(2)}
    first = api.get("/v1/push/subscriptions", headers=merchant.headers, params={"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = api.get("/v1/push/subscriptions", headers=merchant.headers,
                   params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert {first["items"][0]["id"], rest["items"][0]["id"]} == ids and rest["next_cursor"] is None
    bad = api.get("/v1/push/subscriptions", headers=merchant.headers, params={"cursor": "garbage"})
    assert "cursor" in invalid_fields(bad)
    assert api.get("/v1/push/subscriptions", headers=other_merchant.headers).json()["items"] == []
    for subscription_id in ids:
        response = api.delete(f"/v1/push/subscriptions/{subscription_id}", headers=other_merchant.headers)
        assert error_of(response, 404)["code"] == "not_found"
    assert len(api.get("/v1/push/subscriptions", headers=merchant.headers).json()["items"]) == 2


P256, AUTH = p256_point(), b64url(os.urandom(16))
NOT_ON_THE_CURVE = b64url(b"\x04" + b"\x01" * 64)
DROP = object()


@pytest.mark.parametrize("change,field", [
    ({"keys": DROP}, "keys"), ({"keys": "p256dh"}, "keys"), ({"keys": [P256, AUTH]}, "keys"),
    ({"keys": {"auth": AUTH}}, "keys.p256dh"),
    ({"keys": {"p256dh": "not base64!", "auth": AUTH}}, "keys.p256dh"),
    ({"keys": {"p256dh": NOT_ON_THE_CURVE, "auth": AUTH}}, "keys.p256dh"),
    ({"keys": {"p256dh": b64url(os.urandom(33)), "auth": AUTH}}, "keys.p256dh"),
    ({"keys": {"p256dh": 65, "auth": AUTH}}, "keys.p256dh"),
    ({"keys": {"p256dh": P256}}, "keys.auth"),
    ({"keys": {"p256dh": P256, "auth": "%%%"}}, "keys.auth"),
    ({"keys": {"p256dh": P256, "auth": b64url(os.urandom(8))}}, "keys.auth"),
    ({"endpoint": DROP}, "endpoint"), ({"endpoint": ""}, "endpoint"),
    ({"endpoint": "http://push.example.com/send/abc"}, "endpoint"),
    ({"endpoint": "ftp://127.0.0.1/x"}, "endpoint"),
    ({"endpoint": "https://10.0.0.1/x"}, "endpoint"),
    ({"endpoint": "https://192.168.1.2/"}, "endpoint"),
    ({"endpoint": "https://[fe80::1]/x"}, "endpoint"),
    ({"endpoint": "https://[::ffff:192.168.1.2]/x"}, "endpoint"),
    ({"endpoint": "https://203.0.113.9/x"}, "endpoint"),
    ({"endpoint": "https://u:p@1.1.1.1/x"}, "endpoint"),
    ({"endpoint": ["https://1.1.1.1/x"]}, "endpoint"),
    ({"expirationTime": "tomorrow"}, "expirationTime"), ({"expirationTime": -1}, "expirationTime"),
])
def test_bad_subscription_is_422_naming_the_field(api, merchant, change, field):
    body = {**browser_subscription(), **change}
    body = {name: value for name, value in body.items() if value is not DROP}
    fields = invalid_fields(api.post("/v1/push/subscriptions", headers=merchant.headers, json=body))
    assert list(fields) == [field], fields
    assert api.get("/v1/push/subscriptions", headers=merchant.headers).json()["items"] == []


def test_subscription_body_that_is_not_a_json_object_is_400(api, merchant):
    for raw in (b"{not json", b"[]", b'"https://127.0.0.1/x"'):
        response = api.post("/v1/push/subscriptions", data=raw,
                            headers={**merchant.headers, "Content-Type": "application/json"})
        assert error_of(response, 400)["code"] == "malformed_request"


# --- credentials -----------------------------------------------------------------------
@pytest.mark.parametrize("method,path", [
    ("post", "/v1/webhooks"), ("get", "/v1/webhooks"), ("get", "/v1/webhooks/wh_x"),
    ("patch", "/v1/webhooks/wh_x"), ("delete", "/v1/webhooks/wh_x"),
    ("post", "/v1/webhooks/wh_x/rotate-secret"), ("post", "/v1/webhooks/wh_x/test"),
    ("post", "/v1/webhooks/wh_x/enable"), ("get", "/v1/webhooks/wh_x/deliveries"),
    ("post", "/v1/webhooks/deliveries/whd_x/redeliver"),
    ("get", "/v1/notifications"), ("post", "/v1/notifications/read"),
    ("get", "/v1/push/vapid-public-key"), ("post", "/v1/push/subscriptions"),
    ("get", "/v1/push/subscriptions"), ("delete", "/v1/push/subscriptions/ps_x"),
])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}])
def test_without_credentials_is_401(api, method, path, headers):
    response = getattr(api, method)(path, headers=headers, json={})
    assert error_of(response, 401)["code"] == "unauthorized"
