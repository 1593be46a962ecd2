"""The real Procolis (legacy ZR Express) adapter against the fake Procolis server, over
HTTP on 127.0.0.1: merchant-chosen trackings, "Double Tracking", `lire` with its
literal `null`, string fees, and the features Procolis does not have. Nothing here
needs AWS.
"""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

import pytest
import requests

from chalicelib.couriers import registry
from chalicelib.couriers.base import (CourierAccount, CourierAuthFailed, CourierRejected,
                                      CourierUnavailable, CourierUnsupported, Destination,
                                      ParcelLine, ParcelRequest, Recipient, TrackingStatus)
from chalicelib.couriers.clients import build_client
from chalicelib.couriers.procolis import READ_BATCH, tracking_for
from chalicelib.geo.data import Geography
from infra.local.couriers.procolis import FakeProcolis

CREDENTIALS = FakeProcolis.SANDBOX_CREDENTIALS


def stop_soon(stop) -> None:
    """http.server takes up to half a second to notice a shutdown: let it, off the clock."""
    threading.Thread(target=stop, daemon=True).start()


@pytest.fixture
def fake():
    running = FakeProcolis().start()
    yield running
    stop_soon(running.stop)


def client_for(fake: FakeProcolis, **credentials: str):
    account = CourierAccount("procolis", dict(CREDENTIALS, **credentials),
                             {"base_url": fake.base_url, "sender_wilaya": 16})
    return build_client(account, registry.spec("procolis"))


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
    return ParcelRequest(reference=reference or str(uuid.uuid4().int % 10**8), order_id="or_1",
                         recipient=Recipient("Amina Benali", "+213555123456"),
                         destination=destination or where(),
                         lines=(ParcelLine("Robe kabyle", 2, 2500),), cod_amount=5600,
                         delivery_fee=600, sender_wilaya=16, sender_wilaya_name="Alger")


def control(fake: FakeProcolis, which: str, **body: Any) -> Any:
    answer = requests.post(f"{fake.origin}/_control/{which}", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def calls(fake: FakeProcolis, path: str) -> int:
    return sum(1 for _, p in fake.requests if p.rstrip("/") == path)


# --- creating -------------------------------------------------------------------------------------
def test_a_home_parcel_is_ready_to_ship_under_our_tracking(fake, client):
    request = order()
    parcel = client.create_parcel(request)
    assert parcel.tracking == tracking_for(request.reference)
    assert (parcel.reference, parcel.status) == (request.reference, TrackingStatus.CREATED)
    held = fake.parcels[parcel.tracking]
    assert held.status == "En Traitement - Prêt à Expédie"      # Confrimee (sic) = "1"
    assert (held.data["Total"], held.data["MobileA"], held.data["IDWilaya"],
            held.data["Commune"], held.data["TypeLivraison"]) == \
        ("5600", "0555123456", "16", "Bordj El Kiffan", "0")
    assert held.data["id_Externe"] == request.reference


def test_a_stop_desk_parcel_is_typed_so_and_there_is_no_desk_list(fake, client):
    assert client.stop_desks() == []
    parcel = client.create_parcel(order(where(stop_desk="16")))
    assert fake.parcels[parcel.tracking].data["TypeLivraison"] == "1"


def test_a_stop_desk_where_there_is_none_is_refused_in_the_couriers_words(client):
    with pytest.raises(CourierRejected, match="Stop desk non disponible"):
        client.create_parcel(order(where("5601", stop_desk="56")))


def test_a_retried_create_returns_the_parcel_already_made(fake, client):
    request = order()
    first = client.create_parcel(request)
    again = client.create_parcel(request)          # the courier answers "Double Tracking"
    assert again.tracking == first.tracking
    assert again.raw_status == "En Traitement - Prêt à Expédie" and again.courier_id
    assert len(fake.parcels) == 1 and calls(fake, "/add_colis") == 2


def test_a_moved_commune_goes_under_its_former_wilaya(fake, client):
    parcel = client.create_parcel(order(where("0319")))
    assert fake.wilaya_of(fake.parcels[parcel.tracking]) == 3
    assert fake.parcels[parcel.tracking].data["Commune"] == "Aflou"


# --- refusals ---------------------------------------------------------------------------------
def test_an_unknown_commune_is_refused_in_the_couriers_words(client):
    nowhere = Destination(16, 16, "Alger", "1699", "Nulle Part", "", "x", "home")
    with pytest.raises(CourierRejected, match="Commune introuvable : Nulle Part"):
        client.create_parcel(order(nowhere))


def test_a_new_wilaya_number_is_refused_in_the_couriers_words(client):
    aflou = where("0319")
    renumbered = Destination(59, 59, "Aflou", "0319", "Aflou", "", aflou.address, "home")
    with pytest.raises(CourierRejected, match="Wilaya invalide : 59"):
        client.create_parcel(order(renumbered))


def test_bad_credentials_are_an_auth_failure(fake, client):
    client.check_credentials()
    with pytest.raises(CourierAuthFailed):
        client_for(fake, key="0" * 32).check_credentials()
    with pytest.raises(CourierAuthFailed):
        client_for(fake, token="0" * 64).get_tracking(["DZO-1"])


def test_5xx_and_429_are_unavailable(fake, client):
    control(fake, "faults", fail_next=1, status=500)
    with pytest.raises(CourierUnavailable):
        client.create_parcel(order())
    assert fake.parcels == {}
    control(fake, "faults", rate_limited=1)
    with pytest.raises(CourierUnavailable) as limited:
        client.rates(16)
    assert limited.value.retry_after is not None


# --- finding and tracking -------------------------------------------------------------------------
def test_find_reads_our_tracking_and_null_means_none(fake, client):
    request = order()
    made = client.create_parcel(request)
    found = client.find_parcel(request.reference)
    assert (found.tracking, found.reference, found.courier_id) == \
        (made.tracking, request.reference, fake.parcels[made.tracking].data["IDColis"])
    assert client.find_parcel("no-such-order") is None


def test_tracking_gives_the_current_situation_with_its_time(fake, client):
    parcel = client.create_parcel(order())
    for situation in FakeProcolis.DELIVERED_PATH:
        control(fake, "advance", tracking=parcel.tracking, status=situation)
    [update] = client.get_tracking([parcel.tracking])[parcel.tracking]
    assert (update.raw_status, update.status) == ("Livrée", TrackingStatus.DELIVERED)
    assert abs(update.at - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_a_refusal_ends_back_in_stock(fake, client):
    parcel = client.create_parcel(order())
    seen = []
    for situation in FakeProcolis.REFUSED_PATH:
        control(fake, "advance", tracking=parcel.tracking, status=situation)
        seen.append(client.get_tracking([parcel.tracking])[parcel.tracking][0].status)
    assert seen[2:] == [TrackingStatus.DELIVERY_FAILED, TrackingStatus.RETURNING,
                        TrackingStatus.RETURNED]


def test_a_numbered_delivery_round_is_kept_verbatim(fake, client):
    parcel = client.create_parcel(order())
    control(fake, "advance", tracking=parcel.tracking, status="En livraison ( 1528 )")
    [update] = client.get_tracking([parcel.tracking])[parcel.tracking]
    assert (update.raw_status, update.status) == ("En livraison ( 1528 )",
                                                  TrackingStatus.OUT_FOR_DELIVERY)


def test_tracking_is_read_in_batches_and_unknown_ones_are_empty(fake, client):
    made = [client.create_parcel(order()).tracking for _ in range(3)]
    unknown = [f"DZO-unknown-{n}" for n in range(READ_BATCH)]
    updates = client.get_tracking(made + unknown)
    assert calls(fake, "/lire") == 2
    assert all(len(updates[t]) == 1 for t in made)
    assert all(updates[t] == [] for t in unknown)
    assert client.get_tracking(["DZO-nothing"]) == {"DZO-nothing": []}     # body `null`


# --- fees and what Procolis lacks -------------------------------------------------------------------
def test_fees_are_read_from_strings(client):
    rates = {rate.wilaya: rate for rate in client.rates(16)}
    assert set(rates) == set(range(1, 59))
    assert (rates[16].home, rates[16].stop_desk) == (400, 200)
    assert rates[56].stop_desk is None and rates[56].home


def test_no_label_cancel_or_webhook_routes(fake, client):
    parcel = client.create_parcel(order())
    with pytest.raises(CourierUnsupported):
        client.get_label(parcel)
    with pytest.raises(CourierUnsupported):
        client.parse_callback("POST", {}, {}, b"{}")
    headers = {"token": CREDENTIALS["token"], "key": CREDENTIALS["key"]}
    for path in ("label", "delete_colis", "annuler", "webhooks"):
        assert requests.post(f"{fake.base_url}/{path}", headers=headers, timeout=10,
                             json={"Colis": [{"Tracking": parcel.tracking}]}).status_code == 404
