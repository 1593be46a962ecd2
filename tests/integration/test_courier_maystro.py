"""The Maystro adapter against the fake Maystro over HTTP (couriers.md §5, §11).

What is Maystro's own: commune ids of its own (looked up by name, cached), an order
known by display_id to customers and by UUID to the API, history and labels keyed by
UUID (with the v1 label's blank-PDF trap), DRF list shapes, 20 per page, webhooks as
an unsigned base64 envelope registered through `stores/hooks/costume/`.
"""
from __future__ import annotations

import base64
import json
import threading
import uuid
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List

import pytest
import requests

from chalicelib.couriers import registry
from chalicelib.couriers.base import (CourierAccount, CourierAuthFailed, CourierRejected,
                                      CourierUnavailable, Destination, Parcel, ParcelLine,
                                      ParcelRequest, Recipient, TrackingStatus)
from chalicelib.couriers.clients import build_client
from chalicelib.geo.data import Geography
from infra.local.couriers.maystro import FakeMaystro


def destination(code: str = "1630", delivery_type: str = "home", desk: str = None) -> Destination:
    geography = Geography.load()
    commune = geography.commune(code)
    return Destination(wilaya=commune.wilaya, courier_wilaya=commune.courier_wilaya,
                       wilaya_name=geography.wilaya(commune.courier_wilaya).name_fr,
                       commune_code=commune.code, commune_name=commune.name_fr,
                       commune_name_ar=commune.name_ar, address="12 rue Didouche Mourad",
                       delivery_type=delivery_type, stop_desk=desk)


def order(where: Destination = None, phone: str = "+213555123456") -> ParcelRequest:
    return ParcelRequest(reference=str(100000 + uuid.uuid4().int % 900000), order_id="or_1",
                         recipient=Recipient("Amina Benali", phone),
                         destination=where or destination(),
                         lines=(ParcelLine("Robe kabyle", 2, 2500),), cod_amount=5600,
                         delivery_fee=600, sender_wilaya=16)


def client_for(fake: FakeMaystro, token: str = None):
    credentials = {"token": token or FakeMaystro.SANDBOX_CREDENTIALS["token"]}
    account = CourierAccount("maystro", credentials, {"base_url": fake.base_url, "sender_wilaya": 16})
    return build_client(account, registry.spec("maystro"))


@pytest.fixture(scope="module")
def shared_fake():
    running = FakeMaystro().start()
    yield running
    running.stop()


@pytest.fixture
def fake(shared_fake):
    """One server for the module (stopping one takes half a second); tests keep apart
    by fresh references and start from its default settings."""
    with shared_fake.lock:
        shared_fake.requests.clear()
        shared_fake.hooks.clear()
        shared_fake.list_wrapper = False
        shared_fake.webhook_url = None
    return shared_fake


@pytest.fixture
def client(fake):
    return client_for(fake)


def api(fake: FakeMaystro, method: str, path: str, **kwargs: Any) -> requests.Response:
    """A request straight to the fake, as Maystro's dashboard or another client would."""
    headers = {"Authorization": f"Token {FakeMaystro.SANDBOX_CREDENTIALS['token']}"}
    return requests.request(method, f"{fake.base_url}/{path}", headers=headers, timeout=10, **kwargs)


def advance(fake: FakeMaystro, tracking: str, *codes: str, **extra: Any) -> None:
    for code in codes:
        answer = requests.post(f"{fake.origin}/_control/advance", timeout=10,
                               json=dict(extra, tracking=tracking, status=code))
        assert answer.status_code == 200, answer.text


def sent_to_maystro(fake: FakeMaystro, parcel: Parcel) -> Dict[str, Any]:
    return fake.parcels[parcel.tracking].data


# --- credentials -----------------------------------------------------------------------------------
def test_credentials_are_checked(fake, client):
    client.check_credentials()
    with pytest.raises(CourierAuthFailed):
        client_for(fake, token="0" * 40).check_credentials()


def test_the_fake_answers_drf_401_shapes(fake):
    missing = requests.get(f"{fake.base_url}/shared/wilayas/?country=1", timeout=10)
    wrong = requests.get(f"{fake.base_url}/shared/wilayas/?country=1", timeout=10,
                         headers={"Authorization": "Token nope"})
    assert (missing.status_code, missing.json()) == \
        (401, {"detail": "Authentication credentials were not provided."})
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "Invalid token."})
    assert wrong.headers["WWW-Authenticate"] == "Token"


# --- creating ------------------------------------------------------------------------------------------
def test_a_home_order_carries_maystros_own_commune_id(fake, client):
    request = order()
    parcel = client.create_parcel(request)
    held = sent_to_maystro(fake, parcel)
    assert held["commune"] == fake.commune_id("1630") != 1630
    assert (held["wilaya"], held["product_price"], held["customer_phone"]) == (16, 5600, "0555123456")
    assert (held["delivery_type"], held["source"], held["express"]) == (1, 4, False)
    assert parcel.tracking == str(held["display_id"]) and parcel.courier_id == held["id"]
    assert (parcel.reference, parcel.raw_status, parcel.status) == \
        (request.reference, "4", TrackingStatus.CREATED)
    assert [p["logistical_description"] for p in fake.products.values()] == ["Robe kabyle"]


def test_a_commune_maystro_spells_its_own_way_is_found(fake, client):
    parcel = client.create_parcel(order(destination("1623")))     # Dely Ibrahim
    assert fake.communes[fake.commune_id("1623")]["name"] == "DELY BRAHIM"
    assert sent_to_maystro(fake, parcel)["commune"] == fake.commune_id("1623")


def test_a_moved_commune_goes_under_its_former_wilaya(fake, client):
    parcel = client.create_parcel(order(destination("0319")))     # Aflou: 59 now, 3 at Maystro
    held = sent_to_maystro(fake, parcel)
    assert (held["wilaya"], held["commune"]) == (3, fake.commune_id("0319"))


def test_communes_are_looked_up_once_per_wilaya(fake, client):
    client.create_parcel(order())
    client.create_parcel(order(destination("1623")))
    lookups = [path for method, path in fake.requests if path.startswith("/shared/communes")]
    assert len(lookups) == 1


def test_stop_desk_orders(fake, client):
    assert client.stop_desks() == []     # no stop-desk list in Maystro's API
    desk = str(fake.desk_ids[16])
    named = client.create_parcel(order(destination(delivery_type="stop_desk", desk=desk)))
    assert (sent_to_maystro(fake, named)["delivery_type"],
            sent_to_maystro(fake, named)["stop_desk_id"]) == (2, int(desk))
    chosen = client.create_parcel(order(destination(delivery_type="stop_desk")))
    assert sent_to_maystro(fake, chosen)["stop_desk_id"] is None
    with pytest.raises(CourierRejected) as refused:
        client.create_parcel(order(destination(delivery_type="stop_desk", desk="9999")))
    assert refused.value.message == 'stop_desk_id: Invalid pk "9999" - object does not exist.'


def test_refusals_are_in_maystros_words(fake, client):
    with pytest.raises(CourierRejected) as phone:
        client.create_parcel(order(phone="+33612345678"))
    assert phone.value.message == "customer_phone: Enter a valid phone number."
    in_guezzam = Geography.load().communes(54)[0].code
    with pytest.raises(CourierRejected) as desk:
        client.create_parcel(order(destination(in_guezzam, delivery_type="stop_desk")))
    assert desk.value.message == "delivery_type: Stop desk delivery is not available in this wilaya."


def test_a_wilaya_maystro_does_not_serve_is_refused_in_its_words(fake, client):
    beyond_58 = replace(destination("0319"), courier_wilaya=59)
    with pytest.raises(CourierRejected) as refused:
        client.create_parcel(order(beyond_58))
    assert refused.value.message == \
        "wilaya: Select a valid choice. That choice is not one of the available choices."
    direct = api(fake, "POST", "stores/orders/", json={
        "source": 4, "wilaya": 59, "commune": fake.commune_id("0319"), "customer_name": "A",
        "customer_phone": "0555123456", "product_price": 100, "delivery_type": 1,
        "express": False, "products": [{"logistical_description": "x"}]})
    assert direct.status_code == 400
    assert direct.json()["wilaya"] == ['Invalid pk "59" - object does not exist.']


def test_a_commune_maystro_does_not_list_is_refused(client):
    nowhere = replace(destination(), commune_code="1699", commune_name="Nulle Part",
                      commune_name_ar="لا مكان")
    with pytest.raises(CourierRejected) as refused:
        client.create_parcel(order(nowhere))
    assert "Nulle Part" in refused.value.message


def test_the_fake_insists_on_source_4_and_a_commune_of_the_wilaya(fake):
    body = {"source": 1, "wilaya": "16", "commune": fake.commune_id("0319"), "customer_name": "A",
            "customer_phone": "0555123456", "product_price": 100, "delivery_type": 1,
            "express": False, "products": []}
    errors = api(fake, "POST", "stores/orders/", json=body).json()
    assert errors == {"source": ['"1" is not a valid choice.'],
                      "commune": ["This commune does not belong to the selected wilaya."],
                      "products": ["This list may not be empty."]}


# --- finding it again ----------------------------------------------------------------------------------
def test_a_retry_finds_the_order_already_made(fake, client):
    request = order()
    made = client.create_parcel(request)
    found = client.find_parcel(request.reference)
    assert (found.tracking, found.courier_id, found.reference) == \
        (made.tracking, made.courier_id, request.reference)
    assert client.find_parcel("999999999") is None


def test_lookups_read_the_list_wrapper_too(fake, client):
    request = order()
    made = client.create_parcel(request)
    fake.list_wrapper = True
    assert "list" in api(fake, "GET", "stores/orders/").json()
    assert client.find_parcel(request.reference).tracking == made.tracking
    assert client_for(fake).get_tracking([made.tracking])[made.tracking][0].raw_status == "4"


def test_an_order_made_but_unanswered_is_found_by_its_reference(fake, client):
    requests.post(f"{fake.origin}/_control/faults", json={"lose_answer": 1}, timeout=10)
    request = order()
    with pytest.raises(CourierUnavailable):
        client.create_parcel(request)
    assert client.find_parcel(request.reference).tracking in fake.parcels


def test_lists_are_paginated_20_at_a_time():
    fake = FakeMaystro().start()
    try:
        client = client_for(fake)
        for _ in range(21):
            client.create_parcel(order())
        first = api(fake, "GET", "stores/orders/").json()
        assert (first["count"], len(first["results"]), first["previous"]) == (21, 20, None)
        second = api(fake, "GET", first["next"][len(fake.base_url) + 1:]).json()
        assert (len(second["results"]), second["next"]) == (1, None)
    finally:
        fake.stop()


# --- tracking -------------------------------------------------------------------------------------------
def test_tracking_follows_the_codes_to_delivered(fake, client):
    parcel = client.create_parcel(order())
    advance(fake, parcel.tracking, *FakeMaystro.DELIVERED_PATH)
    updates = client.get_tracking([parcel.tracking])[parcel.tracking]
    assert [u.raw_status for u in updates] == ["4", *FakeMaystro.DELIVERED_PATH]
    assert updates[-1].status == TrackingStatus.DELIVERED
    assert all(u.at is not None and u.at.utcoffset().total_seconds() == 0 for u in updates)


def test_a_refusal_goes_back_to_the_store(fake, client):
    parcel = client.create_parcel(order())
    advance(fake, parcel.tracking, *FakeMaystro.REFUSED_PATH[:4])
    advance(fake, parcel.tracking, "50", reason="refus client")
    advance(fake, parcel.tracking, *FakeMaystro.REFUSED_PATH[5:])
    updates = client.get_tracking([parcel.tracking])[parcel.tracking]
    refused = next(u for u in updates if u.raw_status == "50")
    assert (refused.status, refused.reason) == (TrackingStatus.DELIVERY_FAILED, "refus client")
    assert [u.status for u in updates[-3:]] == [TrackingStatus.RETURNING, TrackingStatus.RETURNING,
                                                TrackingStatus.RETURNED]


def test_tracking_an_order_this_client_did_not_make(fake, client):
    parcel = client.create_parcel(order())
    advance(fake, parcel.tracking, "5")
    fresh = client_for(fake)
    updates = fresh.get_tracking([parcel.tracking, "999999"])
    assert [u.raw_status for u in updates[parcel.tracking]] == ["4", "5"]
    assert updates["999999"] == []
    display_lookups = [p for m, p in fake.requests if (m, p) == ("GET", "/stores/orders/")]
    assert len(display_lookups) == 2


# --- labels ------------------------------------------------------------------------------------------------
def test_the_label_is_the_v2_pdf_of_this_order(fake, client):
    parcel = client.create_parcel(order())
    label = client.get_label(parcel)
    assert label.content.startswith(b"%PDF") and label.content_type == "application/pdf"
    assert f"MAYSTRO {parcel.tracking}".encode() in label.content
    by_tracking_only = client_for(fake).get_label(Parcel(tracking=parcel.tracking))
    assert f"MAYSTRO {parcel.tracking}".encode() in by_tracking_only.content


def test_the_v1_label_is_blank_for_a_uuid(fake, client):
    parcel = client.create_parcel(order())
    trap = api(fake, "POST", "delivery/starter/starter_bordureau/",
               json={"all_created": True, "orders_ids": [parcel.courier_id]})
    assert trap.status_code == 200 and trap.content.startswith(b"%PDF")
    assert parcel.tracking.encode() not in trap.content
    keyed_right = api(fake, "POST", "delivery/starter/starter_bordureau/",
                      json={"all_created": True, "orders_ids": [int(parcel.tracking)]})
    assert parcel.tracking.encode() in keyed_right.content


# --- cancelling (the fake's state machine) ----------------------------------------------------------------
def test_an_order_is_cancelled_only_before_it_leaves(fake, client):
    early, late = client.create_parcel(order()), client.create_parcel(order())
    assert api(fake, "PATCH", f"shared/status/{early.courier_id}/",
               json={"status": 50, "abort_reason": 21}).status_code == 200
    advance(fake, late.tracking, "6", "9", "31")
    refused = api(fake, "PATCH", f"stores/orders/{late.courier_id}/status/",
                  json={"status": 50, "abort_reason": 21})
    assert (refused.status_code, refused.json()) == \
        (400, {"detail": "This order can no longer be cancelled."})
    assert client.get_tracking([early.tracking])[early.tracking][-1].raw_status == "50"


# --- rates and failures --------------------------------------------------------------------------------------
def test_rates_per_wilaya_from_one_commune_each(client):
    rates = {rate.wilaya: rate for rate in client.rates(16)}
    assert sorted(rates) == list(range(1, 59))
    assert (rates[16].home, rates[16].stop_desk) == (400, 250)
    assert (rates[54].home, rates[54].stop_desk) == (1000, None)


def test_5xx_is_unavailable(fake, client):
    requests.post(f"{fake.origin}/_control/faults", json={"fail_next": 1, "status": 502}, timeout=10)
    with pytest.raises(CourierUnavailable):
        client.check_credentials()
    client.check_credentials()


def test_429_is_unavailable_with_when_to_retry(fake, client):
    requests.post(f"{fake.origin}/_control/faults", json={"rate_limited": 1}, timeout=10)
    with pytest.raises(CourierUnavailable) as limited:
        client.create_parcel(order())
    assert limited.value.retry_after == 1.0


# --- webhooks ----------------------------------------------------------------------------------------------
class Capture:
    def __init__(self) -> None:
        self.bodies: List[bytes] = []
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                bodies.append(self.rfile.read(int(self.headers.get("content-length") or 0)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/maystro/secret-token"


@pytest.fixture
def capture():
    running = Capture()
    yield running
    running.server.shutdown()
    running.server.server_close()


def hook(fake: FakeMaystro, url: str, trigger: str) -> int:
    types = {t["name"]: t["id"] for t in api(fake, "GET", "stores/hooks/types/").json()["results"]}
    made = api(fake, "POST", "stores/hooks/costume/",
               json={"endpoint": url, "trigger_type_id": types[trigger]})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_status_changes_pushed_to_a_registered_hook_are_read(fake, client, capture):
    hook(fake, capture.url, "OrderStatusChanged")
    parcel = client.create_parcel(order())
    advance(fake, parcel.tracking, "31", "41")
    updates = [client.parse_callback("POST", {}, {}, body).updates[0] for body in capture.bodies]
    assert [(u.tracking, u.raw_status) for u in updates] == [(parcel.tracking, "31"),
                                                            (parcel.tracking, "41")]
    assert updates[-1].status == TrackingStatus.DELIVERED and updates[-1].at is not None
    assert len({u.event_id for u in updates}) == 2


def test_duplicates_and_late_deliveries_are_just_read(fake, client, capture):
    hook(fake, capture.url, "all")
    parcel = client.create_parcel(order())
    advance(fake, parcel.tracking, "32", duplicate=True)
    requests.post(f"{fake.origin}/_control/replay", timeout=10,
                  json={"tracking": parcel.tracking, "status": "4"})
    updates = [client.parse_callback("POST", {}, {}, body).updates[0] for body in capture.bodies]
    assert [u.raw_status for u in updates] == ["32", "32", "4"]
    assert updates[0].event_id == updates[1].event_id
    assert updates[0].status == TrackingStatus.FAILED_ATTEMPT


def test_hooks_deliver_only_what_they_were_registered_for(fake, client, capture):
    created_only = hook(fake, capture.url, "orderCreated")
    parcel = client.create_parcel(order())
    advance(fake, parcel.tracking, "5")
    assert capture.bodies == []
    assert api(fake, "DELETE", f"stores/hooks/costume/{created_only}/").status_code == 204
    assert api(fake, "GET", "stores/hooks/costume/").json()["count"] == 0
    hook(fake, capture.url, "all")
    assert api(fake, "POST", "stores/hooks/test/request/").status_code == 200
    assert client.parse_callback("POST", {}, {}, capture.bodies[-1]).updates == ()


def test_the_envelope_is_base64_json_without_a_signature(fake, client, capture):
    requests.post(f"{fake.origin}/_control/webhook", json={"url": capture.url}, timeout=10)
    parcel = client.create_parcel(order())
    advance(fake, parcel.tracking, "50", reason="refus client")
    envelope = json.loads(capture.bodies[-1])
    document = json.loads(base64.b64decode(envelope["message"]["data"]))
    assert document["event"] == "OrderStatusChanged"
    assert document["payload"]["display_id_order"] == int(parcel.tracking)
    assert document["payload"]["external_order_id"] and document["instance_uuid"] == parcel.courier_id
    update, = client.parse_callback("POST", {}, {}, capture.bodies[-1]).updates
    assert (update.status, update.reason) == (TrackingStatus.DELIVERY_FAILED, "refus client")
