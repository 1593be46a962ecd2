"""The EcoTrack adapter against the fake EcoTrack tenant, over HTTP on 127.0.0.1.

A fresh fake per test: each has its own port, so the adapter's own 50/min pacing
(kept per host) starts empty every time.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

from chalicelib.couriers import registry
from chalicelib.couriers.base import (CourierAccount, CourierAuthFailed, CourierRejected,
                                      CourierUnavailable, Destination, Parcel, ParcelLine,
                                      ParcelRequest, Recipient, TrackingStatus)
from chalicelib.couriers.clients import build_client
from chalicelib.geo.data import Geography
from infra.local.couriers.ecotrack import FakeEcotrack

S = TrackingStatus


@pytest.fixture
def fake():
    server = FakeEcotrack().start()
    yield server
    server.stop()


def client_for(fake, credentials=None):
    account = CourierAccount("ecotrack", credentials or FakeEcotrack.SANDBOX_CREDENTIALS,
                             {"base_url": fake.base_url, "sender_wilaya": 16})
    return build_client(account, registry.spec("ecotrack"))


@pytest.fixture
def client(fake):
    return client_for(fake)


def destination(code: str = "1630", stop_desk: str = None, **changes) -> Destination:
    geography = Geography.load()
    commune = geography.commune(code)
    values = dict(wilaya=commune.wilaya, courier_wilaya=commune.courier_wilaya,
                  wilaya_name=geography.wilaya(commune.courier_wilaya).name_fr,
                  commune_code=code, commune_name=commune.name_fr, commune_name_ar=commune.name_ar,
                  address="12 rue Didouche Mourad",
                  delivery_type="stop_desk" if stop_desk else "home", stop_desk=stop_desk)
    values.update(changes)
    return Destination(**values)


def order(where: Destination = None, phone: str = "+213555123456") -> ParcelRequest:
    return ParcelRequest(reference=str(uuid.uuid4().int % 10**8), order_id="or_it",
                         recipient=Recipient("Amina Benali", phone),
                         destination=where or destination(),
                         lines=(ParcelLine("Robe kabyle", 2, 2500),), cod_amount=5600,
                         delivery_fee=600, sender_wilaya=16)


def calls(fake, path):
    return sum(1 for _, called in fake.requests if called == path)


def control(fake, name, **body):
    answer = requests.post(f"{fake.origin}/_control/{name}", json=body, timeout=5)
    assert answer.status_code == 200, answer.text


def advance(fake, tracking, statuses):
    for status in statuses:
        fake.advance(tracking, status)


# --- create ---------------------------------------------------------------------------------
def test_a_home_order_is_created_as_ecotrack_wants_it(fake, client):
    request = order()
    parcel = client.create_parcel(request)
    assert parcel.tracking.startswith("EC") and parcel.reference == request.reference
    data = fake.parcels[parcel.tracking].data
    assert data["montant"] == "5600" and data["reference"] == request.reference
    assert (data["telephone"], data["code_wilaya"], data["commune"]) == \
        ("0555123456", "16", "Bordj El Kiffan")
    assert (data["type"], data["stop_desk"]) == ("1", "0")


def test_the_tenants_own_spelling_of_the_commune_is_sent_and_cached(fake, client):
    first = client.create_parcel(order(destination("1638")))        # Aïn Taya
    second = client.create_parcel(order(destination("1643")))       # Réghaïa
    assert fake.parcels[first.tracking].data["commune"] == "Ain Taya"
    assert fake.parcels[second.tracking].data["commune"] == "Reghaia"
    assert calls(fake, "/api/v1/get/communes") == 1                 # one list per wilaya


def test_a_moved_commune_is_sent_under_its_former_wilaya(fake, client):
    parcel = client.create_parcel(order(destination("0319")))       # Aflou: 59 officially
    assert fake.wilaya_of(fake.parcels[parcel.tracking]) == 3


def test_a_stop_desk_order_goes_to_the_desks_station_and_commune(fake, client):
    desk = fake.stop_desk_for(16)
    assert desk in {d.id for d in client.stop_desks()}
    parcel = client.create_parcel(order(destination("1630", stop_desk=desk)))
    data = fake.parcels[parcel.tracking].data
    assert (data["stop_desk"], data["code_postal"], data["commune"]) == ("1", desk, "Alger Centre")


# --- refusals -------------------------------------------------------------------------------
def test_a_wilaya_the_tenant_does_not_serve_is_refused_with_its_code(fake, client):
    with pytest.raises(CourierRejected) as refused:
        client.create_parcel(order(destination("5001")))             # Bordj Badji Mokhtar
    assert refused.value.message == "Pas de livraison pour la wilaya sélectionnée"
    assert refused.value.details["error"] == 10002
    assert fake.parcels == {}


def test_an_unknown_commune_is_refused_in_french(client):
    nowhere = destination("1630", commune_name="Nulle Part", commune_name_ar="لا مكان")
    with pytest.raises(CourierRejected) as refused:
        client.create_parcel(order(nowhere))
    assert refused.value.message == "Commune mal écrite, ou désactivée."
    assert refused.value.details["status"] == 422


def test_wilayas_59_to_69_are_refused_by_the_tenant(client):
    # What would happen if a new wilaya's code reached EcoTrack instead of the former one.
    with pytest.raises(CourierRejected) as refused:
        client.create_parcel(order(destination("0319", courier_wilaya=59)))
    assert "entre 1 et 58" in refused.value.message


def test_the_laravel_bag_is_joined_into_one_message(client):
    with pytest.raises(CourierRejected) as refused:
        client.create_parcel(order(destination("1630", commune_name="Nulle Part",
                                               commune_name_ar="x"), phone="+2135551"))
    assert "Le champ telephone doit avoir entre 9 et 10 chiffres." in refused.value.message
    assert "Commune mal écrite, ou désactivée." in refused.value.message


# --- lookup ---------------------------------------------------------------------------------
def test_find_by_reference_pages_through_the_order_list(fake, client):
    request = order()
    made = client.create_parcel(request)
    for number in range(45):            # newer orders push ours onto page 2 (40 a page)
        fake.place_order({"reference": f"seed-{number}", "nom_client": "X",
                          "telephone": "0555000000", "adresse": "x",
                          "commune": "Bordj El Kiffan", "code_wilaya": "16", "montant": "1000",
                          "type": "1"})
    fake.parcels[made.tracking].created_at -= timedelta(minutes=5)
    found = client.find_parcel(request.reference)
    assert found.tracking == made.tracking and found.status == S.CREATED
    assert found.raw_status == "prete_a_expedier"
    assert calls(fake, "/api/v1/get/orders") == 2
    assert client.find_parcel("no-such-reference") is None


# --- tracking -------------------------------------------------------------------------------
def test_tracking_follows_a_delivery(fake, client):
    parcel = client.create_parcel(order())
    advance(fake, parcel.tracking, FakeEcotrack.DELIVERED_PATH)
    [update] = client.get_tracking([parcel.tracking])[parcel.tracking]
    assert (update.raw_status, update.status) == ("livre_non_encaisse", S.DELIVERED)
    assert abs(update.at - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_tracking_follows_a_refusal_back_to_the_merchant(fake, client):
    parcel = client.create_parcel(order())
    advance(fake, parcel.tracking, FakeEcotrack.REFUSED_PATH[:5])
    fake.advance(parcel.tracking, "retour_chez_livreur", reason="Client ne répond pas")
    [refused] = client.get_tracking([parcel.tracking])[parcel.tracking]
    assert refused.status == S.DELIVERY_FAILED and refused.reason == "Client ne répond pas"
    advance(fake, parcel.tracking, FakeEcotrack.REFUSED_PATH[5:])
    [back] = client.get_tracking([parcel.tracking])[parcel.tracking]
    assert (back.raw_status, back.status) == ("retour_recu", S.RETURNED)


def test_tracking_is_batched_a_hundred_at_a_time(fake, client):
    parcel = client.create_parcel(order())
    wanted = [parcel.tracking] + [f"ECNONE{n:010d}" for n in range(149)]
    updates = client.get_tracking(wanted)
    assert calls(fake, "/api/v1/get/orders/status") == 2
    assert updates[parcel.tracking][0].status == S.CREATED
    assert updates["ECNONE0000000001"] == []


def test_nothing_known_comes_back_as_an_empty_list(fake, client):
    assert client.get_tracking(["ECNOTHING"]) == {"ECNOTHING": []}


def test_status_polling_takes_the_token_from_the_query_only(fake, client):
    parcel = client.create_parcel(order())
    url = f"{fake.base_url}/api/v1/get/orders/status"
    token = FakeEcotrack.SANDBOX_CREDENTIALS["api_token"]
    bearer_only = requests.get(url, params={"trackings": parcel.tracking}, timeout=5,
                               headers={"Authorization": f"Bearer {token}"})
    assert (bearer_only.status_code, bearer_only.json()) == (401, {"message": "Unauthenticated."})
    assert client.get_tracking([parcel.tracking])[parcel.tracking]


# --- label, desks, fees ---------------------------------------------------------------------
def test_the_label_is_a_pdf(client):
    label = client.get_label(client.create_parcel(order()))
    assert label.content.startswith(b"%PDF") and label.content_type == "application/pdf"


def test_an_unknown_label_is_refused(client):
    with pytest.raises(CourierRejected) as refused:
        client.get_label(Parcel(tracking="ECNOPE0000000000"))
    assert refused.value.message == "Le champ tracking sélectionné est invalide."


def test_stop_desks_carry_the_station_code_and_the_desk_address(fake, client):
    desks = {desk.id: desk for desk in client.stop_desks()}
    assert desks["1601"].wilaya == 16 and desks["1601"].name == "Agence Alger Centre"
    assert desks["1630"].address.endswith("Bordj El Kiffan")
    assert not any(desk.wilaya == 50 for desk in desks.values())      # not served


def test_rates_come_from_livraison_in_dzd(client):
    rates = {rate.wilaya: rate for rate in client.rates(16)}
    assert (rates[16].home, rates[16].stop_desk) == (400, 200)
    assert rates[59] == rates[59].__class__(59, rates[3].home, rates[3].stop_desk)
    assert 50 not in rates and 54 not in rates


# --- credentials and failures -----------------------------------------------------------------
def test_credentials(fake, client):
    client.check_credentials()
    wrong = client_for(fake, {"api_token": "not-the-token"})
    with pytest.raises(CourierAuthFailed):
        wrong.check_credentials()
    with pytest.raises(CourierAuthFailed):
        wrong.create_parcel(order())


def test_5xx_is_unavailable(fake, client):
    client.stop_desks()          # warm the commune list: the next call is the create
    control(fake, "faults", fail_next=1, status=502)
    with pytest.raises(CourierUnavailable):
        client.create_parcel(order())
    assert fake.parcels == {}


def test_429_is_unavailable_with_retry_after(fake, client):
    control(fake, "faults", rate_limited=1)
    with pytest.raises(CourierUnavailable) as limited:
        client.get_tracking(["EC1"])
    assert limited.value.retry_after == 60


def test_the_tenant_counts_fifty_requests_a_minute(fake):
    url = f"{fake.base_url}/api/v1/get/wilayas"
    headers = {"Authorization": f"Bearer {FakeEcotrack.SANDBOX_CREDENTIALS['api_token']}"}
    answers = [requests.get(url, headers=headers, timeout=5) for _ in range(51)]
    assert answers[0].headers["X-RateLimit-Limit"] == "50"
    assert answers[0].headers["X-RateLimit-Remaining"] == "49"
    assert answers[-1].status_code == 429
    assert answers[-1].json() == {"message": "Too Many Attempts."}
    assert "Retry-After" in answers[-1].headers


# --- the tenant's own rules (checked on the fake) --------------------------------------------
def test_a_validated_order_can_no_longer_change(fake, client):
    parcel = client.create_parcel(order())
    api = f"{fake.base_url}/api/v1"
    auth = {"api_token": FakeEcotrack.SANDBOX_CREDENTIALS["api_token"]}
    changed = requests.post(f"{api}/update/order", params=dict(auth, tracking=parcel.tracking,
                                                              tel="0661000000"), timeout=5)
    assert changed.json()["success"] is True
    assert fake.parcels[parcel.tracking].data["telephone"] == "0661000000"
    shipped = requests.post(f"{api}/valid/order", timeout=5,
                            params=dict(auth, tracking=parcel.tracking, ask_collection=1))
    assert shipped.json()["success"] is True
    assert fake.parcels[parcel.tracking].status == "en_ramassage"
    for method, path in (("POST", "update/order"), ("DELETE", "delete/order")):
        locked = requests.request(method, f"{api}/{path}", timeout=5,
                                  params=dict(auth, tracking=parcel.tracking)).json()
        assert (locked["success"], locked["error"]) == (False, 10001)


def test_bulk_create_answers_per_reference(fake):
    token = FakeEcotrack.SANDBOX_CREDENTIALS["api_token"]
    good = {"reference": "B-1", "nom_client": "A", "telephone": "0555123456", "adresse": "x",
            "commune": "Bordj El Kiffan", "code_wilaya": 16, "montant": 2500, "type": 1}
    answer = requests.post(f"{fake.base_url}/api/v1/create/orders", timeout=5,
                           headers={"Authorization": f"Bearer {token}"},
                           json={"orders": {"0": good, "1": dict(good, reference="B-2",
                                                                 commune="Nulle Part")}}).json()
    assert answer["results"]["B-1"]["success"] is True
    assert answer["results"]["B-2"] == {"commune": ["Commune mal écrite, ou désactivée."]}
    assert [p.reference for p in fake.parcels.values()] == ["B-1"]
