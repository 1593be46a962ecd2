"""The real ZR Express (new platform) adapter against the fake ZR server, over HTTP on
127.0.0.1: territories as UUIDs, customer then parcel then tracking number, problem
details, expiring label links, webhook endpoints and Svix-signed pushes in both body
casings. Nothing here needs AWS.
"""
from __future__ import annotations

import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional

import pytest
import requests

from chalicelib.couriers import registry
from chalicelib.couriers.base import (CallbackRejected, CourierAccount, CourierAuthFailed,
                                      CourierRejected, CourierUnavailable, Destination,
                                      ParcelLine, ParcelRequest, Recipient, TrackingStatus)
from chalicelib.couriers.clients import build_client
from chalicelib.geo.data import Geography
from infra.local.couriers.zr_express import FakeZrExpress

CREDENTIALS = FakeZrExpress.SANDBOX_CREDENTIALS


def stop_soon(stop) -> None:
    """http.server takes up to half a second to notice a shutdown: let it, off the clock."""
    threading.Thread(target=stop, daemon=True).start()


@pytest.fixture
def fake():
    running = FakeZrExpress().start()
    yield running
    stop_soon(running.stop)


def client_for(fake: FakeZrExpress, **credentials: str):
    account = CourierAccount("zr_express", dict(CREDENTIALS, **credentials),
                             {"base_url": fake.base_url, "sender_wilaya": 16})
    return build_client(account, registry.spec("zr_express"))


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


def order(destination: Optional[Destination] = None, reference: Optional[str] = None,
          cod: int = 5600, phone: str = "+213555123456") -> ParcelRequest:
    return ParcelRequest(reference=reference or f"ZT-{uuid.uuid4().hex[:8]}", order_id="or_1",
                         recipient=Recipient("Amina Benali", phone),
                         destination=destination or where(),
                         lines=(ParcelLine("Robe kabyle", 2, 2500),), cod_amount=cod,
                         delivery_fee=600, sender_wilaya=16, sender_wilaya_name="Alger")


def control(fake: FakeZrExpress, which: str, **body: Any) -> Any:
    answer = requests.post(f"{fake.origin}/_control/{which}", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def api(fake: FakeZrExpress, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"X-Api-Key": CREDENTIALS["api_key"], "X-Tenant": CREDENTIALS["tenant_id"]}
    return requests.request(method, fake.base_url + path, headers=headers, timeout=10, **kwargs)


def calls(fake: FakeZrExpress, method: str, path: str) -> int:
    return sum(1 for m, p in fake.requests if (m, p.rstrip("/")) == (method, path))


# --- creating -------------------------------------------------------------------------------------
def test_a_home_parcel_is_made_for_a_new_customer_and_numbered(fake, client):
    request = order()
    parcel = client.create_parcel(request)
    assert re.match(r"^16-[A-Z0-9]{6}-ZR$", parcel.tracking)
    assert (parcel.reference, parcel.raw_status, parcel.status) == \
        (request.reference, "commande_recue", TrackingStatus.CREATED)
    held = fake.parcels[parcel.tracking]
    assert parcel.courier_id == held.data["id"]
    assert (held.data["amount"], held.data["externalId"], held.data["deliveryType"]) == \
        (5600, request.reference, "home")
    assert held.data["customer"]["customerId"] in fake.customers
    assert held.data["customer"]["phone"]["number1"] == "+213555123456"
    order_of_calls = [p for m, p in fake.requests if m == "POST"]
    assert order_of_calls.index("/customers/individual") < order_of_calls.index("/parcels")


def test_territories_are_read_once_per_client(fake, client):
    client.create_parcel(order())
    client.create_parcel(order(where("0319")))
    client.stop_desks()
    assert len(fake.parcels) == 2
    # ~1600 territories at 1000 a page: two pages, read once for everything above.
    assert calls(fake, "POST", "/territories/search") == 2


def test_a_moved_commune_goes_under_its_former_wilaya(fake, client):
    parcel = client.create_parcel(order(where("0319")))
    assert parcel.tracking.startswith("03-")
    assert fake.wilaya_of(fake.parcels[parcel.tracking]) == 3


def test_a_stop_desk_parcel_goes_to_a_pickup_point(fake, client):
    desks = client.stop_desks()
    assert {d.wilaya for d in desks} >= {16, 3} and 33 not in {d.wilaya for d in desks}
    assert "Hub de tri Alger" not in {d.name for d in desks}     # not a pickup point
    desk = next(d for d in desks if d.wilaya == 16)
    assert desk.id == fake.stop_desk_for(16)
    parcel = client.create_parcel(order(where(stop_desk=desk.id)))
    held = fake.parcels[parcel.tracking].data
    assert (held["deliveryType"], held["hubId"]) == ("pickup-point", desk.id)


def test_a_pickup_point_of_another_wilaya_is_refused_in_the_couriers_words(fake, client):
    with pytest.raises(CourierRejected, match="Pickup point was not found"):
        client.create_parcel(order(where(stop_desk=fake.stop_desk_for(31))))


def test_a_late_tracking_number_is_waited_for_briefly(fake, client):
    control(fake, "faults", tracking_pending=1)
    assert client.create_parcel(order()).tracking.endswith("-ZR")


def test_a_parcel_still_unnumbered_is_unavailable_and_found_by_the_retry(fake, client):
    control(fake, "faults", tracking_pending=5)
    request = order()
    with pytest.raises(CourierUnavailable):
        client.create_parcel(request)
    assert len(fake.parcels) == 1
    found = client.find_parcel(request.reference)
    assert found is not None and found.tracking == next(iter(fake.parcels))


# --- refusals ---------------------------------------------------------------------------------
def test_an_unserved_wilaya_is_refused_in_the_couriers_words(client):
    with pytest.raises(CourierRejected, match="Delivery is not available to Illizi"):
        client.create_parcel(order(where("3301")))


def test_a_new_wilaya_number_is_refused(client):
    aflou = where("0319")
    renumbered = Destination(59, 59, "Aflou", aflou.commune_code, aflou.commune_name, "",
                             aflou.address, "home")
    with pytest.raises(CourierRejected, match="wilaya 59"):
        client.create_parcel(order(renumbered))


def test_an_amount_over_the_cap_is_refused_in_the_couriers_words(client):
    with pytest.raises(CourierRejected, match="Amount must be between 0 and 150000"):
        client.create_parcel(order(cod=150001))


def test_a_landline_is_refused_in_the_couriers_words(client):
    with pytest.raises(CourierRejected, match="valid mobile number"):
        client.create_parcel(order(phone="+21321234567"))


def test_a_wrong_key_or_tenant_is_an_auth_failure(fake):
    with pytest.raises(CourierAuthFailed):
        client_for(fake, api_key="not-the-key").check_credentials()
    with pytest.raises(CourierAuthFailed, match="no access to the requested tenant"):
        client_for(fake, tenant_id=str(uuid.uuid4())).check_credentials()


def test_5xx_and_429_are_unavailable(fake, client):
    control(fake, "faults", fail_next=1, status=502)
    with pytest.raises(CourierUnavailable):
        client.check_credentials()
    control(fake, "faults", rate_limited=1)
    with pytest.raises(CourierUnavailable) as limited:
        client.check_credentials()
    assert limited.value.retry_after == 2.0
    client.check_credentials()


# --- finding and tracking -------------------------------------------------------------------------
def test_find_by_reference_keeps_only_the_exact_reference(client):
    longer = client.create_parcel(order(reference="ZT-77"))
    exact = client.create_parcel(order(reference="ZT-7"))
    assert client.find_parcel("ZT-7").tracking == exact.tracking
    assert client.find_parcel("ZT-77").tracking == longer.tracking
    assert client.find_parcel("ZT-777") is None


def test_tracking_follows_the_history_oldest_first(fake, client):
    parcel = client.create_parcel(order())
    for slug in FakeZrExpress.DELIVERED_PATH:
        control(fake, "advance", tracking=parcel.tracking, status=slug)
    updates = client.get_tracking([parcel.tracking, "99-NOPE00-ZR"])
    mine = updates[parcel.tracking]
    assert [u.raw_status for u in mine] == ["commande_recue", *FakeZrExpress.DELIVERED_PATH]
    assert mine[-1].status == TrackingStatus.DELIVERED
    assert all(u.at is not None and u.event_id for u in mine)
    assert updates["99-NOPE00-ZR"] == []


def test_a_refusal_is_returning_then_returned(fake, client):
    parcel = client.create_parcel(order())
    for slug in FakeZrExpress.REFUSED_PATH:
        control(fake, "advance", tracking=parcel.tracking, status=slug,
                reason="Commande annulée" if slug.startswith("attente") else None)
    mine = client.get_tracking([parcel.tracking])[parcel.tracking]
    assert [u.status for u in mine[-2:]] == [TrackingStatus.RETURNING, TrackingStatus.RETURNED]
    assert mine[-2].reason == "Commande annulée"
    assert fake.parcels[parcel.tracking].data["isReturn"] is True


# --- labels -----------------------------------------------------------------------------------------
def test_the_label_is_downloaded_from_its_link(fake, client):
    parcel = client.create_parcel(order())
    label = client.get_label(parcel)
    assert label.content.startswith(b"%PDF") and parcel.tracking.encode() in label.content


def test_an_expired_label_link_is_unavailable(fake, client):
    parcel = client.create_parcel(order())
    fake.label_ttl = -1
    with pytest.raises(CourierUnavailable):
        client.get_label(parcel)


def test_a_label_for_an_unknown_parcel_is_refused(fake, client):
    parcel = client.create_parcel(order())
    gone = type(parcel)(tracking="16-ZZZZZZ-ZR")
    with pytest.raises(CourierRejected, match="16-ZZZZZZ-ZR"):
        client.get_label(gone)


# --- the fake's own rules -----------------------------------------------------------------------------
def test_a_parcel_is_deleted_only_before_pickup(fake, client):
    early, late = client.create_parcel(order()), client.create_parcel(order())
    control(fake, "advance", tracking=late.tracking, status="confirme_au_bureau")
    assert api(fake, "DELETE", f"/parcels/{early.courier_id}").status_code == 204
    refused = api(fake, "DELETE", f"/parcels/{late.courier_id}")
    assert refused.status_code == 400 and "can no longer be deleted" in refused.json()["detail"]
    bulk = api(fake, "DELETE", "/parcels/bulk/by-tracking-number",
               json={"trackingNumbers": [late.tracking, early.tracking]}).json()
    assert bulk["successCount"] == 0
    assert [f["trackingNumber"] for f in bulk["failures"]] == [late.tracking, early.tracking]


def test_webhook_endpoints_are_capped_at_five(fake):
    made = [api(fake, "POST", "/webhooks/endpoints",
                json={"url": f"https://shop.example.dz/zr/{n}", "eventTypes": []})
            for n in range(6)]
    assert [m.status_code for m in made] == [201] * 5 + [409]
    assert "Endpoints.LimitReached" in made[-1].text
    listed = api(fake, "GET", "/webhooks/endpoints").json()["items"]
    assert len(listed) == 5 and not any("secret" in e for e in listed)
    first = made[0].json()["id"]
    assert api(fake, "GET", f"/webhooks/endpoints/{first}/secret").json()["secret"] \
        .startswith("whsec_")
    assert api(fake, "DELETE", f"/webhooks/endpoints/{first}").status_code == 204
    assert api(fake, "POST", "/webhooks/endpoints",
               json={"url": "http://shop.example.dz/zr"}).status_code == 400    # https only


# --- webhooks ------------------------------------------------------------------------------------------
class Capture:
    """A merchant's callback URL: keeps every request raw."""

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                capture.received.append({"headers": dict(self.headers.items()), "body": body})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/callbacks/zr_express/tok"


@pytest.fixture
def capture():
    running = Capture()
    yield running
    stop_soon(running.server.shutdown)


def read(client, sent: Dict[str, Any]):
    return client.parse_callback("POST", sent["headers"], {}, sent["body"]).updates


@pytest.mark.parametrize("casing", ["pascal", "camel"])
def test_a_push_in_either_casing_is_verified_and_read(fake, client, capture, casing):
    control(fake, "casing", casing=casing)
    control(fake, "webhook", url=capture.url, secret=CREDENTIALS["webhook_secret"])
    parcel = client.create_parcel(order())
    control(fake, "advance", tracking=parcel.tracking, status="livre")
    sent = capture.received[-1]
    assert (b'"EventType"' in sent["body"]) == (casing == "pascal")
    [update] = read(client, sent)
    assert (update.tracking, update.raw_status, update.status) == \
        (parcel.tracking, "livre", TrackingStatus.DELIVERED)
    assert update.event_id == sent["headers"]["svix-id"]
    tampered = dict(sent, body=sent["body"].replace(b"livre", b"recupere_par_fournisseur"))
    with pytest.raises(CallbackRejected):
        read(client, tampered)


def test_duplicate_and_late_pushes_are_just_read(fake, client, capture):
    control(fake, "webhook", url=capture.url)     # the account's own secret signs
    parcel = client.create_parcel(order())
    control(fake, "advance", tracking=parcel.tracking, status="sortie_en_livraison",
            duplicate=True)
    control(fake, "advance", tracking=parcel.tracking, status="livre")
    control(fake, "replay", tracking=parcel.tracking, status="vers_wilaya")
    updates = [read(client, sent)[0] for sent in capture.received]
    assert [u.raw_status for u in updates] == ["sortie_en_livraison", "sortie_en_livraison",
                                              "livre", "vers_wilaya"]
    assert updates[0].event_id == updates[1].event_id != updates[2].event_id


def test_situation_and_return_flag_events(fake, client, capture):
    control(fake, "casing", casing="camel")
    control(fake, "webhook", url=capture.url)
    parcel = client.create_parcel(order())
    control(fake, "advance", tracking=parcel.tracking, status="sortie_en_livraison")
    control(fake, "situation", tracking=parcel.tracking, name="client_injoignable",
            description="Client injoignable")
    control(fake, "is_return", tracking=parcel.tracking, isReturn=True)
    situation, flag = (read(client, sent)[0] for sent in capture.received[-2:])
    assert (situation.raw_status, situation.reason) == ("sortie_en_livraison", "Client injoignable")
    assert flag.status == TrackingStatus.RETURNING


def test_an_endpoint_registered_through_the_api_is_signed_with_its_own_secret(fake, capture):
    made = api(fake, "POST", "/webhooks/endpoints",
               json={"url": capture.url, "eventTypes": ["parcel.state.updated"]}).json()
    secret = api(fake, "GET", f"/webhooks/endpoints/{made['id']}/secret").json()["secret"]
    client = client_for(fake, webhook_secret=secret)
    parcel = client.create_parcel(order())
    control(fake, "advance", tracking=parcel.tracking, status="dispatch")
    control(fake, "is_return", tracking=parcel.tracking, isReturn=False)   # not subscribed
    assert len(capture.received) == 1
    assert read(client, capture.received[0])[0].raw_status == "dispatch"
    with pytest.raises(CallbackRejected):
        read(client_for(fake), capture.received[0])     # the sandbox secret is not this one
