"""One contract for every courier adapter, run against that courier's fake server.

Each adapter must create a parcel that collects exactly the order's total under
our reference, find it again by that reference (where the courier allows a
lookup), follow it to delivered and through a refusal, serve its label (or say
it has none), classify failures into our error family, and read the webhooks
its courier sends (for couriers that push). Courier-specific behaviour is tested
beside each adapter in tests/integration/test_courier_<code>.py.
"""
from __future__ import annotations

import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List

import pytest
import requests

from chalicelib.couriers import registry
from chalicelib.couriers.base import (CallbackRejected, CourierAccount, CourierAuthFailed,
                                      CourierRejected, CourierUnavailable, CourierUnsupported,
                                      Destination, ParcelLine, ParcelRequest, Recipient,
                                      TrackingStatus)
from chalicelib.couriers.clients import build_client
from chalicelib.geo.data import Geography
from infra.local.couriers import FAKES, fake_class

CODES = sorted(FAKES)


def destination(commune_code: str = "1630", stop_desk: str = None) -> Destination:
    geography = Geography.load()
    commune = geography.commune(commune_code)
    courier_wilaya = commune.courier_wilaya
    return Destination(
        wilaya=commune.wilaya, courier_wilaya=courier_wilaya,
        wilaya_name=geography.wilaya(courier_wilaya).name_fr, commune_code=commune.code,
        commune_name=commune.name_fr, commune_name_ar=commune.name_ar,
        address="12 rue Didouche Mourad", delivery_type="stop_desk" if stop_desk else "home",
        stop_desk=stop_desk)


def parcel_request(where: Destination = None, reference: str = None) -> ParcelRequest:
    return ParcelRequest(
        reference=reference or str(1000 + uuid.uuid4().int % 900000), order_id="or_test",
        recipient=Recipient("Amina Benali", "+213555123456"), destination=where or destination(),
        lines=(ParcelLine("Robe kabyle", 2, 2500),), cod_amount=5600, delivery_fee=600,
        sender_wilaya=16, sender_wilaya_name="Alger")


class Courier:
    def __init__(self, code: str) -> None:
        self.code = code
        self.spec = registry.spec(code)
        self.fake = fake_class(code)().start()
        self.account = CourierAccount(code, dict(self.fake.SANDBOX_CREDENTIALS),
                                      {"base_url": self.fake.base_url, "sender_wilaya": 16})
        self.client = build_client(self.account, self.spec)

    def control(self, name: str, **body: Any) -> Any:
        answer = requests.post(f"{self.fake.origin}/_control/{name}", json=body, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def fake_parcel(self, tracking: str):
        return self.fake.parcels[tracking]


@pytest.fixture(params=CODES)
def courier(request):
    running = Courier(request.param)
    yield running
    running.fake.stop()


class Capture:
    """Where a fake courier sends its webhooks: every request, kept raw."""

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                capture.received.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                                         "body": body, "path": self.path})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/callback"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_credentials_are_checked(courier):
    courier.client.check_credentials()
    wrong = {key: value + "x" if isinstance(value, str) else value
             for key, value in courier.account.credentials.items()}
    bad = build_client(CourierAccount(courier.code, wrong, dict(courier.account.settings)),
                       courier.spec)
    with pytest.raises(CourierAuthFailed):
        bad.check_credentials()


def test_a_parcel_collects_exactly_the_total_under_our_reference(courier):
    request = parcel_request()
    parcel = courier.client.create_parcel(request)
    assert parcel.tracking
    held = courier.fake_parcel(parcel.tracking)
    assert held.reference == request.reference
    assert courier.fake.collected_amount(held) == request.cod_amount
    assert courier.fake.wilaya_of(held) == 16


def test_a_retry_finds_the_parcel_already_made(courier):
    request = parcel_request()
    made = courier.client.create_parcel(request)
    try:
        found = courier.client.find_parcel(request.reference)
    except CourierUnsupported:
        pytest.skip(f"{courier.code} has no lookup by reference")
    assert found is not None and found.tracking == made.tracking
    assert courier.client.find_parcel(str(uuid.uuid4().int % 10**9)) is None


def test_a_commune_moved_to_a_new_wilaya_goes_under_its_former_one(courier):
    aflou = destination("0319")
    assert (aflou.wilaya, aflou.courier_wilaya) == (59, 3)
    parcel = courier.client.create_parcel(parcel_request(aflou))
    assert courier.fake.wilaya_of(courier.fake_parcel(parcel.tracking)) == 3


def test_a_stop_desk_parcel(courier):
    desk = courier.fake.stop_desk_for(16)
    desks = courier.client.stop_desks()
    if desk is None:
        assert desks == []
        return
    assert desk in {d.id for d in desks}
    parcel = courier.client.create_parcel(parcel_request(destination(stop_desk=desk)))
    assert parcel.tracking in courier.fake.parcels


def test_tracking_follows_the_parcel_to_delivered(courier):
    parcel = courier.client.create_parcel(parcel_request())
    for status in courier.fake.DELIVERED_PATH:
        courier.control("advance", tracking=parcel.tracking, status=status)
    updates = courier.client.get_tracking([parcel.tracking])[parcel.tracking]
    assert updates[-1].status == TrackingStatus.DELIVERED
    assert updates[-1].raw_status == courier.fake.DELIVERED_PATH[-1]


def test_a_refusal_ends_failed_or_returned(courier):
    parcel = courier.client.create_parcel(parcel_request())
    for status in courier.fake.REFUSED_PATH:
        courier.control("advance", tracking=parcel.tracking, status=status)
    updates = courier.client.get_tracking([parcel.tracking])[parcel.tracking]
    assert updates[-1].status in (TrackingStatus.DELIVERY_FAILED, TrackingStatus.RETURNING,
                                  TrackingStatus.RETURNED)


def test_tracking_is_batched_over_several_parcels(courier):
    first = courier.client.create_parcel(parcel_request())
    second = courier.client.create_parcel(parcel_request())
    courier.control("advance", tracking=second.tracking, status=courier.fake.DELIVERED_PATH[0])
    updates = courier.client.get_tracking([first.tracking, second.tracking])
    assert set(updates) == {first.tracking, second.tracking}
    assert updates[second.tracking][-1].raw_status == courier.fake.DELIVERED_PATH[0]


def test_the_label_is_a_pdf_or_the_courier_has_none(courier):
    parcel = courier.client.create_parcel(parcel_request())
    try:
        label = courier.client.get_label(parcel)
    except CourierUnsupported:
        assert courier.code == "procolis"
        return
    assert label.content.startswith(b"%PDF") and label.content_type == "application/pdf"


def test_an_unserved_destination_is_refused_in_the_couriers_words(courier):
    nowhere = Destination(wilaya=16, courier_wilaya=16, wilaya_name="Alger", commune_code="1699",
                          commune_name="Nulle Part", commune_name_ar="لا مكان", address="x",
                          delivery_type="home")
    with pytest.raises(CourierRejected) as refused:
        courier.client.create_parcel(parcel_request(nowhere))
    assert refused.value.message


def test_5xx_is_unavailable_then_it_works(courier):
    courier.control("faults", fail_next=1, status=503)
    with pytest.raises(CourierUnavailable):
        courier.client.create_parcel(parcel_request())
    assert courier.client.create_parcel(parcel_request()).tracking


def test_429_is_unavailable_with_when_to_retry(courier):
    courier.control("faults", rate_limited=1)
    with pytest.raises(CourierUnavailable) as limited:
        courier.client.get_tracking(["X-1"])
    assert limited.value.retry_after is not None


def test_a_courier_that_pushes_is_read_and_a_forged_push_refused(courier):
    if not courier.spec.pushes_updates:
        with pytest.raises(CourierUnsupported):
            courier.client.parse_callback("POST", {}, {}, b"{}")
        return
    capture = Capture()
    try:
        courier.control("webhook", url=capture.url,
                        secret=courier.account.credentials.get("webhook_secret"))
        parcel = courier.client.create_parcel(parcel_request())
        received_before = len(capture.received)
        status = courier.fake.DELIVERED_PATH[-1]
        courier.control("advance", tracking=parcel.tracking, status=status)
        assert len(capture.received) > received_before
        sent = capture.received[-1]
        answer = courier.client.parse_callback("POST", sent["headers"], {}, sent["body"])
        assert answer.status == 200
        mine = [u for u in answer.updates if u.tracking == parcel.tracking]
        assert mine and mine[-1].status == TrackingStatus.DELIVERED
        if courier.code != "maystro":   # Maystro signs nothing: its URL's token is the check
            tampered = sent["body"].replace(b"}", b" }", 1)
            with pytest.raises(CallbackRejected):
                courier.client.parse_callback("POST", sent["headers"], {}, tampered)
        with pytest.raises(CallbackRejected):
            courier.client.parse_callback("POST", sent["headers"], {}, b"not json at all")
    finally:
        capture.stop()
