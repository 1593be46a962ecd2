"""Couriers and shipments over HTTP: accounts, credential checks, sync, shipping requests,
labels, bulk shipping and the couriers' callbacks.

No event pump here: a shipment asked of a courier with an API stays `requested`
(the courier jobs worker never runs), which is what these tests assert. Fake courier
servers stand in for the couriers wherever the API itself calls one; every other
account points at a closed loopback port, so nothing here can reach the internet and
a job replayed later from the table stream (when a later suite starts the pump) fails
at once instead of reaching another test's fake on a reused port.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.local.couriers import fake_class
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import checkout, move, product

# Nothing listens on the discard port: a courier client pointed here fails at once.
CLOSED = "http://127.0.0.1:9"

# The contract's credential fields, written out here: (required, optional).
CREDENTIALS = {
    "yalidine": (("api_id", "api_token"), ("webhook_secret",)),
    "ecotrack": (("api_token",), ()),
    "zr_express": (("api_key", "tenant_id"), ("webhook_secret",)),
    "maystro": (("token",), ()),
    "noest": (("api_token", "user_guid"), ()),
    "procolis": (("token", "key"), ()),
}
PUSHES = ("yalidine", "zr_express", "maystro")
POLLED = ("ecotrack", "noest", "procolis")


# --- helpers ---------------------------------------------------------------------------------
def error_of(response, status, code=None):
    """The response is `status` with the contract's error shape; returns the error."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error), error
    assert isinstance(error["code"], str) and isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if code is not None:
        assert error["code"] == code, error
    return error


def put(api, merchant, code, body):
    return api.put(f"/v1/couriers/{code}", headers=merchant.headers, json=body)


def secrets_for(code):
    """Fresh, recognisable credential values for every field the courier takes."""
    required, optional = CREDENTIALS[code]
    return {name: f"secret-{name}-{uuid.uuid4().hex}" for name in required + optional}


def configure(api, merchant, code, base_url, credentials=None, **settings):
    answer = put(api, merchant, code, {
        "credentials": dict(credentials if credentials is not None else secrets_for(code)),
        "settings": dict({"base_url": base_url, "sender_wilaya": 16}, **settings)})
    assert answer.status_code == 200, answer.text
    return answer.json()


def configure_fake(api, merchant, fake, **overrides):
    return configure(api, merchant, fake.code, fake.base_url,
                     dict(fake.SANDBOX_CREDENTIALS, **overrides))


def set_up_manual(api, merchant):
    answer = put(api, merchant, "manual", {})
    assert answer.status_code == 200, answer.text
    return answer.json()


def placed_order(api, merchant, confirmed=True):
    placed = checkout(api, merchant, product(api, merchant))
    assert placed.status_code == 201, placed.text
    order = placed.json()
    if confirmed:
        assert move(api, merchant, order["id"], "confirmed").status_code == 200
    return order


def ship(api, merchant, order_id, **body):
    return api.post(f"/v1/orders/{order_id}/shipments", headers=merchant.headers, json=body)


def get_order(api, merchant, order_id):
    answer = api.get(f"/v1/orders/{order_id}", headers=merchant.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def token_of(account):
    return urlsplit(account["callback_url"]).path.rsplit("/", 1)[-1]


def yalidine_signature(secret, body):
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def status_batch(tracking="yal-NOPE00", status="Livré"):
    return json.dumps({"type": "parcel_status_updated", "events": [
        {"event_id": uuid.uuid4().hex, "occurred_at": "2026-03-01 10:00:00",
         "data": {"tracking": tracking, "status": status, "reason": ""}}]}).encode()


@pytest.fixture(scope="module")
def yalidine():
    fake = fake_class("yalidine")().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def ecotrack():
    fake = fake_class("ecotrack")().start()
    yield fake
    fake.stop()


# --- accounts --------------------------------------------------------------------------------
def test_a_fresh_store_has_no_couriers(api, merchant):
    answer = api.get("/v1/couriers", headers=merchant.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("method,suffix,body", [
    ("get", "", None), ("put", "", {"credentials": {"token": "x"}}), ("delete", "", None),
    ("post", "/test", None), ("post", "/sync", {}),
])
@pytest.mark.parametrize("code", ["dhl", "Yalidine", "zr-express"])
def test_an_unknown_courier_code_is_404_on_every_route(api, merchant, method, suffix, body, code):
    answer = getattr(api, method)(f"/v1/couriers/{code}{suffix}", headers=merchant.headers,
                                  json=body)
    error_of(answer, 404, "not_found")


@pytest.mark.parametrize("code", sorted(CREDENTIALS))
@pytest.mark.parametrize("body", [{"credentials": {}}, {}], ids=["empty", "absent"])
def test_missing_credentials_name_each_field(api, merchant, code, body):
    required, optional = CREDENTIALS[code]
    answer = put(api, merchant, code, dict(body, settings={"base_url": CLOSED}))
    fields = error_of(answer, 422, "validation_error")["fields"]
    assert {f"credentials.{name}" for name in required} <= set(fields), fields
    assert not {f"credentials.{name}" for name in optional} & set(fields)
    assert api.get("/v1/couriers", headers=merchant.headers).json()["items"] == []


def yalidine_body(**changes):
    body = {"credentials": secrets_for("yalidine"), "settings": {"base_url": CLOSED}}
    body.update(changes)
    return body


@pytest.mark.parametrize("code,body,field", [
    ("yalidine", yalidine_body(credentials=dict(secrets_for("yalidine"), password="x")),
     "credentials.password"),
    ("yalidine", yalidine_body(credentials=dict(secrets_for("yalidine"), api_id="  ")),
     "credentials.api_id"),
    ("yalidine", yalidine_body(credentials=dict(secrets_for("yalidine"), api_token=12345)),
     "credentials.api_token"),
    ("yalidine", yalidine_body(credentials="api_id:api_token"), "credentials"),
    ("yalidine", yalidine_body(settings={"base_url": CLOSED, "colour": "blue"}), "settings.colour"),
    ("yalidine", yalidine_body(settings=["base_url"]), "settings"),
    ("yalidine", yalidine_body(extra=True), "extra"),
    ("ecotrack", {"credentials": {"api_token": "t"}}, "settings.base_url"),
    ("ecotrack", {"credentials": {"api_token": "t"}, "settings": {"sender_wilaya": 16}},
     "settings.base_url"),
    ("ecotrack", {"credentials": {"api_token": "t"}, "settings": {"base_url": "http://ecotrack.example.dz"}},
     "settings.base_url"),
    ("yalidine", yalidine_body(settings={"base_url": "ftp://api.example.dz/v1"}), "settings.base_url"),
    ("yalidine", yalidine_body(settings={"base_url": "not a url"}), "settings.base_url"),
    ("yalidine", yalidine_body(settings={"base_url": 443}), "settings.base_url"),
    ("yalidine", yalidine_body(settings={"base_url": "https://user:pw@api.example.dz/v1"}),
     "settings.base_url"),
    ("yalidine", yalidine_body(settings={"base_url": "https://10.0.0.7/v1"}), "settings.base_url"),
    ("yalidine", yalidine_body(settings={"base_url": "https://192.168.1.1/v1"}), "settings.base_url"),
    ("yalidine", yalidine_body(settings={"base_url": "https://169.254.169.254/latest"}),
     "settings.base_url"),
    ("yalidine", yalidine_body(settings={"base_url": "https://[fd00::1]/v1"}), "settings.base_url"),
    # The same private addresses in the shorthand forms the resolver also accepts.
    ("yalidine", yalidine_body(settings={"base_url": "https://10.1/v1"}), "settings.base_url"),
    ("yalidine", yalidine_body(settings={"base_url": "https://167772161/v1"}), "settings.base_url"),
    ("yalidine", yalidine_body(settings={"base_url": "https://0xa9fea9fe/latest"}),
     "settings.base_url"),
    ("ecotrack", {"credentials": {"api_token": "t"},
                  "settings": {"base_url": CLOSED, "sender_wilaya": 0}},
     "settings.sender_wilaya"),
    ("yalidine", yalidine_body(settings={"base_url": CLOSED, "sender_wilaya": 0}),
     "settings.sender_wilaya"),
    ("yalidine", yalidine_body(settings={"base_url": CLOSED, "sender_wilaya": 70}),
     "settings.sender_wilaya"),
    ("yalidine", yalidine_body(settings={"base_url": CLOSED, "sender_wilaya": "16"}),
     "settings.sender_wilaya"),
    ("yalidine", yalidine_body(settings={"base_url": CLOSED, "sender_wilaya": True}),
     "settings.sender_wilaya"),
    ("yalidine", yalidine_body(settings={"base_url": CLOSED, "import_rates": "yes"}),
     "settings.import_rates"),
    ("yalidine", yalidine_body(settings={"base_url": CLOSED, "label": 7}), "settings.label"),
])
def test_a_bad_account_is_422_naming_the_field(api, merchant, code, body, field):
    answer = put(api, merchant, code, body)
    error = error_of(answer, 422, "validation_error")
    assert field in error["fields"], error
    # Nothing was saved, and no credential sent comes back in the error.
    assert api.get("/v1/couriers", headers=merchant.headers).json()["items"] == []
    assert "secret-" not in answer.text


def test_a_non_object_body_is_400(api, merchant):
    answer = api.put("/v1/couriers/yalidine", headers=dict(merchant.headers, **{
        "Content-Type": "application/json"}), data=b"[1, 2]")
    error_of(answer, 400, "malformed_request")
    answer = api.put("/v1/couriers/yalidine", headers=dict(merchant.headers, **{
        "Content-Type": "application/json"}), data=b"{not json")
    error_of(answer, 400, "malformed_request")


@pytest.mark.parametrize("code", sorted(CREDENTIALS))
def test_a_valid_account_never_shows_its_credentials(api, merchant, code):
    secrets = secrets_for(code)
    answer = put(api, merchant, code, {"credentials": secrets,
                                       "settings": {"base_url": CLOSED + "/api", "sender_wilaya": 31}})
    assert answer.status_code == 200, answer.text
    listed = api.get("/v1/couriers", headers=merchant.headers)
    one = api.get(f"/v1/couriers/{code}", headers=merchant.headers)
    assert listed.status_code == one.status_code == 200
    for text in (answer.text, listed.text, one.text):
        for value in secrets.values():
            assert value not in text
    account = answer.json()
    assert "credentials" not in account
    assert account["code"] == code and account["name"]
    assert account["credentials_set"] == sorted(secrets)
    assert account["settings"] == {"base_url": CLOSED + "/api", "sender_wilaya": 31}
    assert listed.json()["items"] == [account] and one.json() == account
    assert account["created_at"].endswith("Z") and account["last_check"] is None
    if code in PUSHES:
        assert account["sync"] == "webhook"
        path = urlsplit(account["callback_url"]).path
        assert path.startswith(f"/v1/callbacks/{code}/") and len(token_of(account)) >= 20
    else:
        assert account["sync"] == "polling" and account["callback_url"] is None


def test_manual_takes_no_credentials_and_has_no_callback(api, merchant):
    account = set_up_manual(api, merchant)
    assert (account["code"], account["credentials_set"], account["callback_url"]) == \
        ("manual", [], None)
    assert account["sync"] == "manual"
    error = error_of(put(api, merchant, "manual", {"credentials": {"token": "x"}}), 422)
    assert "credentials.token" in error["fields"]


def test_the_callback_url_is_per_store_and_survives_an_update(api, merchant, other_merchant):
    mine = configure(api, merchant, "yalidine", CLOSED)
    theirs = configure(api, other_merchant, "yalidine", CLOSED)
    assert token_of(mine) != token_of(theirs)
    again = configure(api, merchant, "yalidine", CLOSED, sender_wilaya=31)
    assert again["callback_url"] == mine["callback_url"]
    assert again["created_at"] == mine["created_at"]


def test_an_update_with_settings_only_keeps_the_credentials(api, merchant, yalidine):
    configure_fake(api, merchant, yalidine)
    answer = put(api, merchant, "yalidine", {"settings": {"base_url": yalidine.base_url,
                                                          "sender_wilaya": 31, "label": "Alger"}})
    assert answer.status_code == 200, answer.text
    account = answer.json()
    assert account["credentials_set"] == ["api_id", "api_token", "webhook_secret"]
    assert account["settings"] == {"base_url": yalidine.base_url, "sender_wilaya": 31,
                                   "label": "Alger"}
    tested = api.post("/v1/couriers/yalidine/test", headers=merchant.headers)
    assert tested.status_code == 200, tested.text
    # Credentials given again must be complete: a partial set does not patch the stored one.
    partial = put(api, merchant, "yalidine", {"credentials": {"api_token": "x"},
                                              "settings": {"base_url": yalidine.base_url}})
    assert "credentials.api_id" in error_of(partial, 422)["fields"]


def test_delete_removes_the_account_and_its_callback(api, merchant):
    account = configure(api, merchant, "yalidine", CLOSED)
    path = urlsplit(account["callback_url"]).path
    assert api.get(path, params={"crc_token": "t"}).status_code == 200
    deleted = api.delete("/v1/couriers/yalidine", headers=merchant.headers)
    assert deleted.status_code == 204, deleted.text
    assert api.get("/v1/couriers", headers=merchant.headers).json()["items"] == []
    error_of(api.delete("/v1/couriers/yalidine", headers=merchant.headers), 404, "not_found")
    error_of(api.get("/v1/couriers/yalidine", headers=merchant.headers), 422,
             "courier_not_configured")
    error_of(api.get(path, params={"crc_token": "t"}), 404, "not_found")


def test_another_stores_account_is_invisible(api, merchant, other_merchant):
    configure(api, merchant, "yalidine", CLOSED)
    assert api.get("/v1/couriers", headers=other_merchant.headers).json()["items"] == []
    error_of(api.get("/v1/couriers/yalidine", headers=other_merchant.headers), 422,
             "courier_not_configured")
    error_of(api.delete("/v1/couriers/yalidine", headers=other_merchant.headers), 404)
    assert api.get("/v1/couriers/yalidine", headers=merchant.headers).status_code == 200


# --- checking credentials ----------------------------------------------------------------------
def test_good_credentials_pass_the_test(api, merchant, yalidine):
    configure_fake(api, merchant, yalidine)
    answer = api.post("/v1/couriers/yalidine/test", headers=merchant.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] is True and answer.json()["checked_at"].endswith("Z")
    account = api.get("/v1/couriers/yalidine", headers=merchant.headers).json()
    assert account["last_check"]["ok"] is True


@pytest.mark.parametrize("code,wrong", [("yalidine", {"api_token": "not-the-token"}),
                                        ("ecotrack", {"api_token": "not-the-token"})])
def test_wrong_credentials_are_courier_auth_failed(api, merchant, yalidine, ecotrack, code, wrong):
    fake = {"yalidine": yalidine, "ecotrack": ecotrack}[code]
    configure_fake(api, merchant, fake, **wrong)
    answer = api.post(f"/v1/couriers/{code}/test", headers=merchant.headers)
    error = error_of(answer, 422, "courier_auth_failed")
    assert "credentials" in error["fields"]
    assert "not-the-token" not in answer.text
    account = api.get(f"/v1/couriers/{code}", headers=merchant.headers).json()
    assert account["last_check"]["ok"] is False


def test_testing_a_courier_not_set_up_is_422(api, merchant):
    error = error_of(api.post("/v1/couriers/yalidine/test", headers=merchant.headers), 422,
                     "courier_not_configured")
    assert "courier" in error["fields"]
    error_of(api.post("/v1/couriers/manual/test", headers=merchant.headers), 422,
             "courier_not_configured")


def test_testing_manual_is_422(api, merchant):
    set_up_manual(api, merchant)
    error_of(api.post("/v1/couriers/manual/test", headers=merchant.headers), 422, "not_supported")
    error_of(api.post("/v1/couriers/manual/sync", headers=merchant.headers, json={}), 422,
             "not_supported")


def test_a_courier_that_does_not_answer_is_503(api, merchant):
    configure(api, merchant, "noest", CLOSED)
    error_of(api.post("/v1/couriers/noest/test", headers=merchant.headers), 503,
             "courier_unavailable")
    error_of(api.post("/v1/couriers/noest/sync", headers=merchant.headers, json={}), 503,
             "courier_unavailable")


# --- sync ------------------------------------------------------------------------------------------
def test_sync_returns_stop_desks_and_imports_rates(api, merchant, ecotrack):
    configure_fake(api, merchant, ecotrack)
    before = api.put("/v1/shipping/rates", headers=merchant.headers,
                     json={"rates": [{"wilaya": 31, "home": 999, "stop_desk": 888}]})
    assert before.status_code == 200, before.text

    desks_only = api.post("/v1/couriers/ecotrack/sync", headers=merchant.headers, json={})
    assert desks_only.status_code == 200, desks_only.text
    assert desks_only.json()["stop_desks"] and desks_only.json()["rates"] is None
    looked = api.post("/v1/couriers/ecotrack/sync", headers=merchant.headers, json={"rates": True})
    assert looked.status_code == 200, looked.text
    body = looked.json()
    assert body["sender_wilaya"] == 16 and body["rates_imported"] is False
    assert body["stop_desks"], body
    assert all(set(d) == {"id", "name", "wilaya", "commune", "address"} for d in body["stop_desks"])
    assert any(d["wilaya"] == 16 for d in body["stop_desks"])
    oran = next(r for r in body["rates"] if r["wilaya"] == 31)
    # The fake tenant's grid for Oran.
    assert (oran["home"], oran["stop_desk"]) == (ecotrack.fee(31), ecotrack.fee(31) - 200)
    rates = api.get("/v1/shipping/rates", headers=merchant.headers).json()["rates"]
    assert next(r for r in rates if r["wilaya"] == 31)["home"] == 999     # not imported yet

    imported = api.post("/v1/couriers/ecotrack/sync", headers=merchant.headers,
                        json={"import_rates": True})
    assert imported.status_code == 200, imported.text
    assert imported.json()["rates_imported"] is True
    rates = {r["wilaya"]: r for r in
             api.get("/v1/shipping/rates", headers=merchant.headers).json()["rates"]}
    assert (rates[31]["home"], rates[31]["stop_desk"], rates[31]["enabled"]) == (700, 500, True)
    assert (rates[16]["home"], rates[16]["stop_desk"]) == (400, 200)


@pytest.mark.parametrize("body,field", [({"import_rates": "yes"}, "import_rates"),
                                        ({"import_rates": 1}, "import_rates"),
                                        ({"rates": "yes"}, "rates"),
                                        ({"fees": True}, "fees")])
def test_a_bad_sync_body_is_422(api, merchant, body, field):
    configure(api, merchant, "noest", CLOSED)
    error = error_of(api.post("/v1/couriers/noest/sync", headers=merchant.headers, json=body), 422)
    assert field in error["fields"]


def test_sync_of_a_courier_not_set_up_is_422(api, merchant):
    error_of(api.post("/v1/couriers/ecotrack/sync", headers=merchant.headers, json={}), 422,
             "courier_not_configured")


# --- shipments --------------------------------------------------------------------------------------
def test_a_pending_order_cannot_ship(api, merchant):
    set_up_manual(api, merchant)
    order = placed_order(api, merchant, confirmed=False)
    error = error_of(ship(api, merchant, order["id"], courier="manual"), 409, "invalid_transition")
    assert set(error["allowed"]) == {"confirmed", "processing"}
    assert get_order(api, merchant, order["id"])["shipment"] is None


@pytest.mark.parametrize("body,field", [
    ({}, "courier"),
    ({"courier": "dhl"}, "courier"),
    ({"courier": 7}, "courier"),
    ({"courier": "manual", "colour": "red"}, "colour"),
    ({"courier": "yalidine", "tracking": "YAL-1"}, "tracking"),
    ({"courier": "manual", "weight": 0}, "weight"),
    ({"courier": "manual", "weight": "2"}, "weight"),
    ({"courier": "manual", "weight": True}, "weight"),
    ({"courier": "manual", "stop_desk": ""}, "stop_desk"),
    ({"courier": "manual", "note": "x" * 501}, "note"),
    ({"courier": "manual", "tracking": 12}, "tracking"),
])
def test_a_bad_shipment_request_is_422_naming_the_field(api, merchant, body, field):
    set_up_manual(api, merchant)
    order = placed_order(api, merchant)
    error = error_of(api.post(f"/v1/orders/{order['id']}/shipments", headers=merchant.headers,
                              json=body), 422, "validation_error")
    assert field in error["fields"], error
    after = get_order(api, merchant, order["id"])
    assert after["status"] == "confirmed" and after["shipment"] is None


def test_shipping_with_a_courier_not_set_up_is_422(api, merchant):
    order = placed_order(api, merchant)
    error = error_of(ship(api, merchant, order["id"], courier="yalidine"), 422,
                     "courier_not_configured")
    assert "courier" in error["fields"]
    after = get_order(api, merchant, order["id"])
    assert after["status"] == "confirmed" and after["shipment"] is None


def test_another_stores_order_is_404(api, merchant, other_merchant, yalidine):
    order = placed_order(api, merchant)
    set_up_manual(api, other_merchant)
    configure_fake(api, other_merchant, yalidine)
    for courier in ("manual", "yalidine"):
        error_of(ship(api, other_merchant, order["id"], courier=courier), 404, "not_found")
    error_of(ship(api, other_merchant, "or_" + uuid.uuid4().hex, courier="manual"), 404)
    assert get_order(api, merchant, order["id"])["shipment"] is None


def test_a_shipment_request_waits_and_a_second_one_is_409(api, merchant):
    configure(api, merchant, "yalidine", CLOSED)
    set_up_manual(api, merchant)
    order = placed_order(api, merchant)
    first = ship(api, merchant, order["id"], courier="yalidine", weight=2, note="Fragile")
    assert first.status_code == 202, first.text
    accepted = first.json()
    assert accepted["id"] == order["id"] and accepted["status"] == "confirmed"
    shipment = accepted["shipment"]
    assert (shipment["courier"], shipment["state"], shipment["tracking_number"]) == \
        ("yalidine", "requested", None)
    for courier in ("yalidine", "manual"):
        error_of(ship(api, merchant, order["id"], courier=courier), 409, "invalid_transition")
    full = get_order(api, merchant, order["id"])
    requested = [e for e in full["timeline"] if e["event"] == "shipment_requested"]
    assert len(requested) == 1
    assert requested[0]["actor"]["type"] == "merchant" and requested[0]["courier"] == "yalidine"
    assert full["status"] == "confirmed" and full["shipment"]["state"] == "requested"
    error_of(api.get(f"/v1/orders/{order['id']}/shipment/label", headers=merchant.headers),
             404, "not_found")


def test_a_manual_shipment_ships_at_once(api, merchant):
    set_up_manual(api, merchant)
    order = placed_order(api, merchant)
    answer = ship(api, merchant, order["id"], courier="manual", tracking="DZ-4411-77")
    assert answer.status_code == 202, answer.text
    shipped = answer.json()
    assert shipped["status"] == "shipped"
    assert (shipped["shipment"]["state"], shipped["shipment"]["tracking_number"]) == \
        ("created", "DZ-4411-77")
    assert shipped["shipment"]["label"] is None
    timeline = get_order(api, merchant, order["id"])["timeline"]
    events = [(e["event"], e["from"], e["to"]) for e in timeline]
    assert events == [("created", None, "pending"), ("status_changed", "pending", "confirmed"),
                      ("shipment_requested", None, None), ("shipment_created", None, None),
                      ("status_changed", "confirmed", "processing"),
                      ("status_changed", "processing", "shipped")]
    assert all(e["actor"]["type"] == "merchant" for e in timeline[1:])
    created = timeline[3]
    assert (created["courier"], created["tracking"]) == ("manual", "DZ-4411-77")
    error_of(ship(api, merchant, order["id"], courier="manual"), 409, "invalid_transition")
    error_of(api.get(f"/v1/orders/{order['id']}/shipment/label", headers=merchant.headers),
             422, "not_supported")


def test_a_processing_order_ships_manually_straight_to_shipped(api, merchant):
    set_up_manual(api, merchant)
    order = placed_order(api, merchant)
    assert move(api, merchant, order["id"], "processing").status_code == 200
    answer = ship(api, merchant, order["id"], courier="manual")
    assert answer.status_code == 202 and answer.json()["status"] == "shipped", answer.text
    moves = [(e["from"], e["to"]) for e in get_order(api, merchant, order["id"])["timeline"]
             if e["event"] == "status_changed"]
    assert moves[-2:] == [("confirmed", "processing"), ("processing", "shipped")]
    assert moves.count(("confirmed", "processing")) == 1


def test_a_label_without_a_shipment_is_404(api, merchant, other_merchant):
    set_up_manual(api, merchant)
    order = placed_order(api, merchant)
    path = f"/v1/orders/{order['id']}/shipment/label"
    error_of(api.get(path, headers=merchant.headers), 404, "not_found")
    ship(api, merchant, order["id"], courier="manual", tracking="DZ-1")
    error_of(api.get(path, headers=other_merchant.headers), 404, "not_found")
    error_of(api.get(f"/v1/orders/or_{uuid.uuid4().hex}/shipment/label",
                     headers=merchant.headers), 404, "not_found")


# --- bulk shipments ---------------------------------------------------------------------------------
def test_bulk_shipments_report_per_order(api, merchant):
    configure(api, merchant, "yalidine", CLOSED)
    ready = placed_order(api, merchant)
    pending = placed_order(api, merchant, confirmed=False)
    unknown = "or_" + uuid.uuid4().hex
    answer = api.post("/v1/orders/bulk/shipments", headers=merchant.headers,
                      json={"order_ids": [ready["id"], pending["id"], unknown],
                            "courier": "yalidine"})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["id"], r["ok"]) for r in results] == \
        [(ready["id"], True), (pending["id"], False), (unknown, False)]
    assert results[0]["shipment"] == "requested"
    assert results[1]["error"]["code"] == "invalid_transition"
    assert results[2]["error"]["code"] == "not_found"
    for failed in results[1:]:
        assert {"code", "message", "fields"} <= set(failed["error"])
    assert get_order(api, merchant, ready["id"])["shipment"]["state"] == "requested"
    assert get_order(api, merchant, pending["id"])["shipment"] is None
    again = api.post("/v1/orders/bulk/shipments", headers=merchant.headers,
                     json={"order_ids": [ready["id"]], "courier": "yalidine"}).json()["results"]
    assert again[0]["ok"] is False and again[0]["error"]["code"] == "invalid_transition"


def test_bulk_shipments_with_a_courier_not_set_up_fail_per_order(api, merchant, other_merchant):
    order = placed_order(api, merchant)
    results = api.post("/v1/orders/bulk/shipments", headers=merchant.headers,
                       json={"order_ids": [order["id"]], "courier": "maystro"}).json()["results"]
    assert results[0]["ok"] is False and results[0]["error"]["code"] == "courier_not_configured"
    set_up_manual(api, other_merchant)
    theirs = api.post("/v1/orders/bulk/shipments", headers=other_merchant.headers,
                      json={"order_ids": [order["id"]], "courier": "manual"}).json()["results"]
    assert theirs[0]["ok"] is False and theirs[0]["error"]["code"] == "not_found"


@pytest.mark.parametrize("body,field", [
    ({"courier": "manual"}, "order_ids"),
    ({"order_ids": [], "courier": "manual"}, "order_ids"),
    ({"order_ids": [f"or_{i}" for i in range(101)], "courier": "manual"}, "order_ids"),
    ({"order_ids": "or_1", "courier": "manual"}, "order_ids"),
    ({"order_ids": [1, 2], "courier": "manual"}, "order_ids"),
    ({"order_ids": [""], "courier": "manual"}, "order_ids"),
    ({"order_ids": ["or_1"]}, "courier"),
    ({"order_ids": ["or_1"], "courier": "dhl"}, "courier"),
    ({"order_ids": ["or_1"], "courier": "yalidine", "tracking": "T1"}, "tracking"),
    ({"order_ids": ["or_1"], "courier": "manual", "speed": "fast"}, "speed"),
])
def test_a_bad_bulk_body_is_422(api, merchant, body, field):
    error = error_of(api.post("/v1/orders/bulk/shipments", headers=merchant.headers, json=body),
                     422, "validation_error")
    assert field in error["fields"], error


# --- callbacks --------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("courier", ["yalidine", "zr_express", "ecotrack", "dhl"])
def test_a_callback_with_an_unknown_token_is_404(api, method, courier):
    answer = getattr(api, method)(f"/v1/callbacks/{courier}/{uuid.uuid4().hex}",
                                  params={"crc_token": "abc"}, data=status_batch())
    error_of(answer, 404, "not_found")


def test_a_token_names_one_courier_only(api, merchant):
    token = token_of(configure(api, merchant, "yalidine", CLOSED))
    for courier in ("zr_express", "maystro", "ecotrack", "dhl"):
        error_of(api.get(f"/v1/callbacks/{courier}/{token}", params={"crc_token": "abc"}), 404,
                 "not_found")
        error_of(api.post(f"/v1/callbacks/{courier}/{token}", data=status_batch()), 404,
                 "not_found")


def test_yalidine_challenge_is_echoed(api, merchant):
    account = configure(api, merchant, "yalidine", CLOSED)
    path = urlsplit(account["callback_url"]).path
    answer = api.get(path, params={"crc_token": "abc"})
    assert answer.status_code == 200 and answer.text == "abc", answer.text
    assert answer.headers["Content-Type"].startswith("text/plain")
    # A GET that is no challenge is refused, in the contract's shape.
    error_of(api.get(path), 401)


def test_a_bad_yalidine_signature_is_401_and_changes_nothing(api, merchant):
    secret = f"webhook-{uuid.uuid4().hex}"
    account = configure(api, merchant, "yalidine", CLOSED,
                        dict(secrets_for("yalidine"), webhook_secret=secret))
    order = placed_order(api, merchant)
    assert ship(api, merchant, order["id"], courier="yalidine").status_code == 202
    before = get_order(api, merchant, order["id"])
    path = urlsplit(account["callback_url"]).path
    body = status_batch()
    for signature in ("0" * 64, yalidine_signature("some-other-secret", body), ""):
        answer = api.post(path, data=body, headers={"X-YALIDINE-SIGNATURE": signature,
                                                    "Content-Type": "application/json"})
        error_of(answer, 401, "bad_signature")
    error_of(api.post(path, data=body, headers={"Content-Type": "application/json"}), 401,
             "bad_signature")
    assert get_order(api, merchant, order["id"]) == before
    # The same batch, signed with the store's webhook secret, is accepted.
    signed = api.post(path, data=body, headers={"X-YALIDINE-SIGNATURE": yalidine_signature(secret, body),
                                                "Content-Type": "application/json"})
    assert signed.status_code == 200, signed.text


def test_a_zr_express_callback_without_svix_signature_is_401(api, merchant):
    account = configure(api, merchant, "zr_express", CLOSED)
    answer = api.post(urlsplit(account["callback_url"]).path, json={"type": "parcel.state.updated"})
    error_of(answer, 401, "bad_signature")


@pytest.mark.parametrize("code", POLLED + ("manual",))
def test_a_courier_without_callbacks_has_no_callback(api, merchant, dynamo_services, code):
    account = set_up_manual(api, merchant) if code == "manual" \
        else configure(api, merchant, code, CLOSED)
    assert account["callback_url"] is None
    # The account still has a token (the URL is just not shown): it must not open a callback.
    token = dynamo_services.courier_accounts.get(merchant.store["id"], code).callback_token
    error_of(api.post(f"/v1/callbacks/{code}/{token}", json={"tracking": "x"}), 404,
             "not_found")
    error_of(api.get(f"/v1/callbacks/{code}/{token}", params={"crc_token": "abc"}), 404,
             "not_found")


# --- unmapped statuses, auth ----------------------------------------------------------------------------
def test_unmapped_statuses(api, merchant, other_merchant, dynamo_services):
    path = "/v1/couriers/unmapped-statuses"
    empty = api.get(path, headers=merchant.headers)
    assert empty.status_code == 200 and empty.json() == {"items": [], "next_cursor": None}
    accounts = dynamo_services.courier_accounts
    accounts.note_unmapped(merchant.store["id"], "yalidine", "Colis égaré", "yal-AB12",
                           "2026-03-01T10:00:00Z")
    accounts.note_unmapped(merchant.store["id"], "yalidine", "Colis égaré", "yal-CD34",
                           "2026-03-02T10:00:00Z")
    items = api.get(path, headers=merchant.headers).json()["items"]
    assert items == [{"courier": "yalidine", "raw_status": "Colis égaré", "count": 2,
                      "first_seen_at": "2026-03-01T10:00:00Z",
                      "last_seen_at": "2026-03-02T10:00:00Z", "example_tracking": "yal-CD34"}]
    assert api.get(path, headers=other_merchant.headers).json()["items"] == []


MERCHANT_ROUTES = [
    ("get", "/v1/couriers"), ("get", "/v1/couriers/unmapped-statuses"),
    ("get", "/v1/couriers/yalidine"), ("put", "/v1/couriers/yalidine"),
    ("delete", "/v1/couriers/yalidine"), ("post", "/v1/couriers/yalidine/test"),
    ("post", "/v1/couriers/yalidine/sync"), ("post", "/v1/orders/or_x/shipments"),
    ("post", "/v1/orders/bulk/shipments"), ("get", "/v1/orders/or_x/shipment/label"),
]


@pytest.mark.parametrize("method,path", MERCHANT_ROUTES)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}],
                         ids=["none", "bad"])
def test_merchant_routes_need_a_token(api, method, path, headers):
    answer = getattr(api, method)(path, headers=headers, json={"courier": "manual"})
    error_of(answer, 401)


# --- no 500 whatever is sent ---------------------------------------------------------------------------
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**6, max_value=10**6)
    | st.text(max_size=20) | st.sampled_from(sorted(CREDENTIALS) + ["manual", CLOSED]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)
KEYS = ["credentials", "settings", "base_url", "sender_wilaya", "import_rates", "label",
        "courier", "order_ids", "stop_desk", "weight", "note", "tracking", "type", "events",
        "api_token", "token"]
BODIES = st.one_of(VALUES, st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5),
                   st.binary(max_size=48))


@pytest.fixture(scope="module")
def fuzzed_store(api):
    merchant = signup(api, "fuzzcourier")
    set_up_manual(api, merchant)
    # Synced and called only where nothing listens: noest. PUT is fuzzed on couriers
    # that are never called (their base_url may end up anywhere).
    configure(api, merchant, "noest", CLOSED)
    callback = configure(api, merchant, "yalidine", CLOSED)
    order = placed_order(api, merchant)
    return merchant, order, urlsplit(callback["callback_url"]).path


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(index=st.integers(min_value=0, max_value=5), body=BODIES)
def test_no_body_makes_a_500(api, fuzzed_store, index, body):
    merchant, order, callback = fuzzed_store
    method, path = [("PUT", "/v1/couriers/procolis"), ("PUT", "/v1/couriers/maystro"),
                    ("POST", "/v1/couriers/noest/sync"),
                    ("POST", f"/v1/orders/{order['id']}/shipments"),
                    ("POST", "/v1/orders/bulk/shipments"), ("POST", callback)][index]
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    answer = api.request(method, path, data=data, headers=dict(
        merchant.headers, **{"Content-Type": "application/json"}))
    assert answer.status_code < 500 or answer.status_code == 503, (path, body, answer.text)
    if answer.status_code >= 400:
        error_of(answer, answer.status_code)


def test_a_shipment_request_retried_with_its_idempotency_key_replays(api, merchant):
    order = placed_order(api, merchant)
    headers = dict(merchant.headers, **{"Idempotency-Key": "ship-once-1"})
    first = api.post(f"/v1/orders/{order['id']}/shipments", headers=headers,
                     json={"courier": "manual", "tracking": "MAN-1"})
    assert first.status_code == 202, first.text
    again = api.post(f"/v1/orders/{order['id']}/shipments", headers=headers,
                     json={"courier": "manual", "tracking": "MAN-1"})
    assert again.status_code == 202 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["shipment"] == first.json()["shipment"]
    other = api.post(f"/v1/orders/{order['id']}/shipments", headers=headers,
                     json={"courier": "manual", "tracking": "MAN-2"})
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    timeline = api.get(f"/v1/orders/{order['id']}", headers=merchant.headers).json()["timeline"]
    assert len([e for e in timeline if e["event"] == "shipment_created"]) == 1


def test_bulk_shipments_refuse_one_tracking_number_for_many(api, merchant):
    error = error_of(api.post("/v1/orders/bulk/shipments", headers=merchant.headers,
                              json={"order_ids": ["a", "b"], "courier": "manual",
                                    "tracking": "SAME"}), 422)
    assert "tracking" in error["fields"]
