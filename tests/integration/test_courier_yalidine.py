"""The real Yalidine adapter against the fake Yalidine server, over HTTP on 127.0.0.1.

A fresh fake per test: its new port gives the client a fresh rate limiter too, so no
test waits for another's quota. Nothing here needs AWS.
"""
from __future__ import annotations

import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chalicelib.couriers import registry
from chalicelib.couriers.base import (CallbackRejected, CourierAccount, CourierAuthFailed,
                                      CourierRejected, CourierUnavailable, Destination, Parcel,
                                      ParcelLine, ParcelRequest, Recipient, TrackingStatus)
from chalicelib.couriers.clients import build_client
from chalicelib.couriers.http import CourierHttp
from chalicelib.couriers.yalidine import YalidineClient
from chalicelib.geo.data import Geography
from infra.local.couriers.yalidine import STATUS_EVENT, FakeYalidine

CREDENTIALS = FakeYalidine.SANDBOX_CREDENTIALS


def stop_soon(stop) -> None:
    """http.server takes up to half a second to notice a shutdown: let it, off the clock."""
    threading.Thread(target=stop, daemon=True).start()


@pytest.fixture
def fake():
    running = FakeYalidine().start()
    yield running
    stop_soon(running.stop)


def client_for(fake: FakeYalidine, credentials: Optional[Dict[str, str]] = None):
    account = CourierAccount("yalidine", dict(credentials or CREDENTIALS),
                             {"base_url": fake.base_url, "sender_wilaya": 16})
    return build_client(account, registry.spec("yalidine"))


@pytest.fixture
def client(fake):
    return client_for(fake)


def where(code: str = "1630", stop_desk: Optional[str] = None) -> Destination:
    geography = Geography.load()
    commune = geography.commune(code)
    return Destination(wilaya=commune.wilaya, courier_wilaya=commune.courier_wilaya,
                       wilaya_name=geography.wilaya(commune.courier_wilaya).name_fr,
                       commune_code=code, commune_name=commune.name_fr,
                       commune_name_ar=commune.name_ar, address="Cité Kaidi, bt 4",
                       delivery_type="stop_desk" if stop_desk else "home", stop_desk=stop_desk)


def order(destination: Optional[Destination] = None, reference: Optional[str] = None):
    return ParcelRequest(reference=reference or f"YT-{uuid.uuid4().hex[:8]}", order_id="or_1",
                         recipient=Recipient("Amina Benali", "+213555123456"),
                         destination=destination or where(),
                         lines=(ParcelLine("Robe kabyle", 2, 2500),), cod_amount=5600,
                         delivery_fee=600, sender_wilaya=16, sender_wilaya_name="Alger")


def control(fake: FakeYalidine, name: str, **body: Any) -> Any:
    answer = requests.post(f"{fake.origin}/_control/{name}", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def api(fake: FakeYalidine, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"X-API-ID": CREDENTIALS["api_id"], "X-API-TOKEN": CREDENTIALS["api_token"]}
    return requests.request(method, fake.base_url + path, headers=headers, timeout=10, **kwargs)


# --- creating -------------------------------------------------------------------------------------
def test_a_home_parcel_collects_the_total_under_our_reference(fake, client):
    request = order()
    parcel = client.create_parcel(request)
    assert parcel.tracking.startswith("yal-") and parcel.reference == request.reference
    held = fake.parcels[parcel.tracking]
    assert held.reference == request.reference and held.status == "En préparation"
    assert (held.data["price"], held.data["freeshipping"]) == (5600, True)
    assert (held.data["to_wilaya_name"], held.data["to_commune_name"]) == ("Alger", "Bordj El Kiffan")
    assert held.data["contact_phone"] == "0555123456" and held.data["is_stopdesk"] is False


def test_a_stop_desk_parcel_goes_to_a_center_the_courier_lists(fake, client):
    desks = client.stop_desks()
    assert "163001" in {desk.id for desk in desks}
    aflou_desk = next(desk for desk in desks if desk.id == fake.stop_desk_for(59))
    assert aflou_desk.wilaya == 59            # official code, though Yalidine files it under 3
    parcel = client.create_parcel(order(where("1630", stop_desk="163001")))
    held = fake.parcels[parcel.tracking].data
    assert (held["is_stopdesk"], held["stopdesk_id"]) == (True, 163001)


def test_a_moved_commune_goes_under_its_former_wilaya(fake, client):
    parcel = client.create_parcel(order(where("0319")))
    held = fake.parcels[parcel.tracking].data
    assert (held["to_wilaya_id"], held["to_commune_id"], held["to_commune_name"]) == (3, 319, "Aflou")


def test_places_go_in_the_couriers_own_spelling(fake, client):
    # Ours: Tebessa / Bir El Ater (official wilaya 62) and Alger / Badjarah.
    first = fake.parcels[client.create_parcel(order(where("1202"))).tracking].data
    assert (first["to_wilaya_name"], first["to_commune_name"]) == ("Tébessa", "Bir el Ater")
    second = fake.parcels[client.create_parcel(order(where("1619"))).tracking].data
    assert second["to_commune_name"] == "Bachdjerrah"


def test_the_courier_lists_are_read_once_per_client(fake, client):
    client.create_parcel(order())
    client.create_parcel(order())
    paths = [path for _, path in fake.requests]
    assert paths.count("/wilayas/") == 1 and paths.count("/communes/") == 1


def test_an_unserved_wilaya_is_refused_in_the_couriers_words(fake, client):
    aflou = where("0319")
    as_if_served = Destination(**{**aflou.__dict__, "courier_wilaya": 59, "wilaya_name": "Aflou"})
    with pytest.raises(CourierRejected) as refused:
        client.create_parcel(order(as_if_served))
    assert refused.value.message == "La wilaya « Aflou » n'existe pas"
    assert fake.parcels == {}


def test_an_unknown_commune_is_refused_in_the_couriers_words(client):
    nowhere = Destination(**{**where().__dict__, "commune_code": "1699", "commune_name": "Nulle Part"})
    with pytest.raises(CourierRejected) as refused:
        client.create_parcel(order(nowhere))
    assert "Nulle Part" in refused.value.message and "n'existe pas" in refused.value.message


def test_a_create_is_all_or_nothing(fake, client):
    good = {"order_id": "A", "from_wilaya_name": "Alger", "firstname": "A", "familyname": "B",
            "contact_phone": "0555123456", "address": "x", "to_commune_name": "Bordj El Kiffan",
            "to_wilaya_name": "Alger", "product_list": "x", "price": 100, "do_insurance": False,
            "declared_value": 100, "length": 0, "width": 0, "height": 0, "weight": 1,
            "freeshipping": True, "is_stopdesk": False, "has_exchange": False}
    bad = dict(good, order_id="B", price=150001)
    answer = api(fake, "POST", "/parcels/", json=[good, bad]).json()
    assert answer["A"]["success"] is False and answer["B"]["success"] is False
    assert "150000" in answer["B"]["message"] and fake.parcels == {}
    twice = api(fake, "POST", "/parcels/", json=[good, good])
    assert twice.status_code == 400 and fake.parcels == {}
    assert len(api(fake, "POST", "/parcels/", json=[good, dict(good, order_id="C")]).json()) == 2


# --- finding, tracking, labels ----------------------------------------------------------------------
def test_a_retry_finds_the_parcel_already_made(client):
    request = order()
    made = client.create_parcel(request)
    found = client.find_parcel(request.reference)
    assert found is not None and (found.tracking, found.reference) == (made.tracking, request.reference)
    assert found.raw_status == "En préparation" and found.status == TrackingStatus.CREATED
    assert client.find_parcel("YT-never-made") is None


def test_an_answer_lost_after_the_create_is_found_again_not_made_twice(fake, client):
    request = order()
    control(fake, "faults", lose_answer=1)
    with pytest.raises(CourierUnavailable):
        client.create_parcel(request)
    found = client.find_parcel(request.reference)
    assert found is not None
    assert [p.tracking for p in fake.parcels.values() if p.reference == request.reference] == \
        [found.tracking]


def test_tracking_follows_a_parcel_to_delivered(fake, client):
    parcel = client.create_parcel(order())
    for status in FakeYalidine.DELIVERED_PATH:
        control(fake, "advance", tracking=parcel.tracking, status=status)
    updates = client.get_tracking([parcel.tracking])[parcel.tracking]
    assert [u.raw_status for u in updates] == ["En préparation", *FakeYalidine.DELIVERED_PATH]
    assert updates[-1].status == TrackingStatus.DELIVERED
    assert all(u.at is not None and u.at.utcoffset().total_seconds() == 0 for u in updates)


def test_a_refusal_ends_back_with_the_merchant(fake, client):
    parcel = client.create_parcel(order())
    for status in FakeYalidine.REFUSED_PATH:
        control(fake, "advance", tracking=parcel.tracking, status=status,
                reason="Client ne répond pas" if status == "Echèc livraison" else None)
    updates = client.get_tracking([parcel.tracking])[parcel.tracking]
    failed = next(u for u in updates if u.raw_status == "Echèc livraison")
    assert (failed.status, failed.reason) == (TrackingStatus.DELIVERY_FAILED, "Client ne répond pas")
    assert updates[-1].status == TrackingStatus.RETURNED


def test_tracking_asks_once_for_several_parcels(fake, client):
    first, second = client.create_parcel(order()), client.create_parcel(order())
    control(fake, "advance", tracking=second.tracking, status="Ramassé")
    before = len(fake.requests)
    updates = client.get_tracking([first.tracking, second.tracking, "yal-NOPE00"])
    assert [path for _, path in fake.requests[before:]] == ["/histories/"]
    assert [u.raw_status for u in updates[first.tracking]] == ["En préparation"]
    assert updates[second.tracking][-1].status == TrackingStatus.PICKED_UP
    assert updates["yal-NOPE00"] == []


def test_the_label_is_the_public_pdf_on_the_courier_host(fake, client):
    parcel = client.create_parcel(order())
    assert parcel.label_url.startswith(fake.origin + "/app/bordereau.php?")
    label = client.get_label(parcel)
    assert label.content.startswith(b"%PDF") and label.content_type == "application/pdf"
    # Without the URL at hand, the parcel object gives it.
    assert client.get_label(Parcel(tracking=parcel.tracking)).content.startswith(b"%PDF")


def test_a_label_url_elsewhere_is_not_followed(fake, client):
    parcel = client.create_parcel(order())
    elsewhere = Parcel(tracking=parcel.tracking, label_url="https://labels.example.com/x.pdf")
    with pytest.raises(CourierRejected):
        client.get_label(elsewhere)


def test_a_parcel_can_be_deleted_only_while_in_preparation(fake, client):
    fake.quotas["second"] = 100   # the calls made here by hand are not paced like the client's
    kept, dropped = client.create_parcel(order()), client.create_parcel(order())
    control(fake, "advance", tracking=kept.tracking, status="Ramassé")
    answer = api(fake, "DELETE", "/parcels/", params={"tracking": f"{kept.tracking},{dropped.tracking}"})
    assert answer.json() == [{"tracking": kept.tracking, "deleted": False},
                             {"tracking": dropped.tracking, "deleted": True}]
    assert client.find_parcel(dropped.reference) is None
    edit = api(fake, "PATCH", f"/parcels/{kept.tracking}", json={"firstname": "Nadia"})
    assert edit.status_code == 400 and "Ramassé" in edit.json()["error"]["message"]


def test_rates_cover_every_wilaya_including_the_new_ones():
    # 59 calls: more than the minute's quota, so neither the fake nor our limiter may count.
    fake = FakeYalidine(quotas={"second": 10_000, "minute": 10_000, "hour": 10_000}).start()
    try:
        account = CourierAccount("yalidine", CREDENTIALS, {"base_url": fake.base_url})
        rates = {rate.wilaya: rate for rate in
                 YalidineClient(account, CourierHttp(fake.base_url)).rates(16)}
        assert set(rates) == set(range(1, 70))
        assert (rates[16].home, rates[16].stop_desk) == (400, 300)
        assert rates[59].home is not None
    finally:
        stop_soon(fake.stop)


# --- failures ------------------------------------------------------------------------------------
def test_bad_credentials_are_refused(fake):
    wrong = dict(CREDENTIALS, api_token="not-the-token")
    with pytest.raises(CourierAuthFailed):
        client_for(fake, wrong).check_credentials()
    with pytest.raises(CourierAuthFailed):
        client_for(fake, wrong).create_parcel(order())


def test_5xx_is_unavailable(fake, client):
    control(fake, "faults", fail_next=1, status=502)
    with pytest.raises(CourierUnavailable):
        client.find_parcel("YT-1")
    assert client.find_parcel("YT-1") is None


def test_429_is_unavailable_with_when_to_retry(fake, client):
    control(fake, "faults", rate_limited=1)
    with pytest.raises(CourierUnavailable) as limited:
        client.get_tracking(["yal-AAAAAA"])
    assert limited.value.retry_after == 1


def test_the_quota_is_counted_and_shown_on_every_answer():
    # The hour's quota: a window boundary between these few calls is all but impossible.
    fake = FakeYalidine(quotas={"hour": 2}).start()
    try:
        first = api(fake, "GET", "/wilayas/", params={"page_size": 1})
        assert first.headers["x-hour-quota-left"] == "1"
        assert {"x-second-quota-left", "x-minute-quota-left", "x-day-quota-left"} <= set(first.headers)
        client_for(fake).check_credentials()
        with pytest.raises(CourierUnavailable) as limited:
            client_for(fake).check_credentials()
        assert 1 <= limited.value.retry_after <= 3600
    finally:
        stop_soon(fake.stop)


# --- webhooks --------------------------------------------------------------------------------------
class Receiver:
    """Our callback endpoint in miniature: GETs (crc challenges) are answered by the
    adapter itself; POSTs are kept raw and answered `status`."""

    def __init__(self, client, status: int = 200) -> None:
        self.posts: List[Dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
                answer = client.parse_callback("GET", dict(self.headers), query, b"")
                self._reply(answer.status, answer.body.encode(), answer.content_type)

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                receiver.posts.append({"headers": dict(self.headers), "body": body})
                self._reply(status, b"", "text/plain")

            def _reply(self, code, payload, content_type):
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/couriers/yalidine"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(client):
    running = Receiver(client)
    yield running
    stop_soon(running.stop)


def test_the_crc_challenge_is_passed_and_pushed_statuses_are_read(fake, client, receiver):
    registered = control(fake, "webhook", url=receiver.url, secret=CREDENTIALS["webhook_secret"])
    assert registered["validated"] is True
    parcel = client.create_parcel(order())
    control(fake, "advance", tracking=parcel.tracking, status="Livré")
    [delivery] = receiver.posts
    assert set(delivery["headers"]) >= {"X-YALIDINE-SIGNATURE"}
    answer = client.parse_callback("POST", delivery["headers"], {}, delivery["body"])
    [update] = answer.updates
    assert (update.tracking, update.raw_status, update.status) == \
        (parcel.tracking, "Livré", TrackingStatus.DELIVERED)
    assert update.event_id == fake.parcels[parcel.tracking].history[-1]["event_id"]
    assert update.at is not None and update.at.utcoffset().total_seconds() == 0
    with pytest.raises(CallbackRejected):
        client.parse_callback("POST", delivery["headers"], {},
                              delivery["body"].replace("Livré".encode(), "Echèc livraison".encode()))


def test_duplicates_and_late_deliveries_are_just_read(fake, client, receiver):
    control(fake, "webhook", url=receiver.url, secret=CREDENTIALS["webhook_secret"])
    parcel = client.create_parcel(order())
    control(fake, "advance", tracking=parcel.tracking, status="Sorti en livraison", duplicate=True)
    control(fake, "advance", tracking=parcel.tracking, status="Livré")
    control(fake, "replay", tracking=parcel.tracking, status="Ramassé")
    read = [client.parse_callback("POST", p["headers"], {}, p["body"]).updates[0]
            for p in receiver.posts]
    assert [u.raw_status for u in read] == ["Sorti en livraison", "Sorti en livraison", "Livré",
                                            "Ramassé"]
    assert read[0].event_id == read[1].event_id != read[2].event_id


def test_other_event_types_are_verified_but_give_no_updates(client, receiver):
    fake = FakeYalidine(events=("parcel_created", STATUS_EVENT)).start()
    try:
        control(fake, "webhook", url=receiver.url, secret=CREDENTIALS["webhook_secret"])
        parcel = client_for(fake).create_parcel(order())
        [created] = receiver.posts
        assert parcel.tracking.encode() in created["body"]
        assert client.parse_callback("POST", created["headers"], {}, created["body"]).updates == ()
    finally:
        stop_soon(fake.stop)


def test_a_failing_receiver_gets_retries_then_the_webhook_is_disabled(client):
    failing = Receiver(client, status=500)
    fake = FakeYalidine(retry_delays=(0.01, 0.01)).start()
    try:
        control(fake, "webhook", url=failing.url, secret=CREDENTIALS["webhook_secret"])
        parcel = client_for(fake).create_parcel(order())
        control(fake, "advance", tracking=parcel.tracking, status="Ramassé")
        for _ in range(200):
            if not fake.webhook_enabled:
                break
            threading.Event().wait(0.01)
        assert len(failing.posts) == 3 and not fake.webhook_enabled
        control(fake, "advance", tracking=parcel.tracking, status="Expédié")
        assert len(failing.posts) == 3
    finally:
        stop_soon(fake.stop)
        stop_soon(failing.stop)
