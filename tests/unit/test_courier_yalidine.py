"""Yalidine adapter, pure parts: status map, payload mapping, webhook signature and parsing.

The status list below is copied again from couriers.md §1.4 on purpose: importing the
adapter's STATUS_MAP to check itself would prove nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timezone

import pytest

from chalicelib.couriers.base import (CallbackRejected, CourierAccount, Destination, ParcelLine,
                                      ParcelRequest, Recipient, TrackingStatus, normalise)
from chalicelib.couriers.http import CourierHttp
from chalicelib.couriers.yalidine import (STATUS_MAP, YalidineClient, error_message,
                                          history_updates, local_time, parcel_payload,
                                          rates_from_fees, signature_is_valid)
from chalicelib.geo.data import Geography

DOCUMENTED_STATUSES = [
    "Pas encore expédié", "A vérifier", "En préparation", "Pas encore ramassé",
    "Prêt à expédier", "Ramassé", "Bloqué", "Débloqué", "Transfert", "Expédié", "Centre",
    "En localisation", "Vers Wilaya", "Reçu à Wilaya", "En attente du client",
    "Prêt pour livreur", "Sorti en livraison", "En attente", "En alerte", "Alerte résolue",
    "Tentative échouée", "Livré", "Echèc livraison", "Retour vers centre", "Retourné au centre",
    "Retour transfert", "Retour groupé", "Retour à retirer", "Retour vers vendeur",
    "Retourné au vendeur", "Echange échoué",
]
SECRET = "clé-secrète-du-webhook"
WILAYAS = {3: "Laghouat", 12: "Tébessa", 16: "Alger"}


@pytest.mark.parametrize("raw", DOCUMENTED_STATUSES)
def test_every_documented_status_is_mapped_verbatim(raw):
    assert raw in STATUS_MAP
    assert normalise(STATUS_MAP, raw) != TrackingStatus.UNKNOWN


@pytest.mark.parametrize("raw, expected", [
    ("En préparation", TrackingStatus.CREATED),
    ("Ramassé", TrackingStatus.PICKED_UP),
    ("Expédié", TrackingStatus.IN_TRANSIT),
    ("Bloqué", TrackingStatus.ON_HOLD),
    ("Sorti en livraison", TrackingStatus.OUT_FOR_DELIVERY),
    ("Tentative échouée", TrackingStatus.FAILED_ATTEMPT),
    ("Livré", TrackingStatus.DELIVERED),
    ("Echèc livraison", TrackingStatus.DELIVERY_FAILED),
    ("Retour vers vendeur", TrackingStatus.RETURNING),
    ("Retourné au vendeur", TrackingStatus.RETURNED),
])
def test_key_statuses_mean_what_they_say(raw, expected):
    assert normalise(STATUS_MAP, raw) == expected


def test_an_unknown_status_is_kept_for_review():
    assert normalise(STATUS_MAP, "Perdu dans le Sahara") == TrackingStatus.UNKNOWN


def where(code: str, stop_desk: str = None) -> Destination:
    geography = Geography.load()
    commune = geography.commune(code)
    return Destination(wilaya=commune.wilaya, courier_wilaya=commune.courier_wilaya,
                       wilaya_name=geography.wilaya(commune.courier_wilaya).name_fr,
                       commune_code=code, commune_name=commune.name_fr,
                       commune_name_ar=commune.name_ar, address="Cité des 500 logements",
                       delivery_type="stop_desk" if stop_desk else "home", stop_desk=stop_desk)


def request_to(destination: Destination) -> ParcelRequest:
    return ParcelRequest(reference="10482", order_id="or_1", destination=destination,
                         recipient=Recipient("Amina Benali Kaci", "+213555123456"),
                         lines=(ParcelLine("Robe kabyle", 2, 2500),), cod_amount=5600,
                         delivery_fee=600, sender_wilaya=16, sender_wilaya_name="Alger",
                         weight_kg=2)


def test_payload_collects_the_total_under_our_reference():
    payload = parcel_payload(request_to(where("1630")), WILAYAS, {1630: "Bordj El Kiffan"})
    assert payload["order_id"] == "10482"
    assert payload["price"] == 5600 and payload["freeshipping"] is True
    assert payload["declared_value"] == 5000
    assert payload["contact_phone"] == "0555123456"
    assert (payload["firstname"], payload["familyname"]) == ("Amina", "Benali Kaci")
    assert payload["from_wilaya_name"] == "Alger"
    assert (payload["to_wilaya_name"], payload["to_commune_name"]) == ("Alger", "Bordj El Kiffan")
    assert payload["is_stopdesk"] is False and "stopdesk_id" not in payload
    assert payload["weight"] == 2 and payload["product_list"] == "Robe kabyle x2"


def test_a_moved_commune_goes_under_its_former_wilaya_by_the_couriers_names():
    aflou = where("0319")
    assert (aflou.wilaya, aflou.courier_wilaya) == (59, 3)
    payload = parcel_payload(request_to(aflou), WILAYAS, {301: "Laghouat", 319: "Aflou"})
    assert (payload["to_wilaya_name"], payload["to_commune_name"]) == ("Laghouat", "Aflou")


def test_the_couriers_spelling_is_sent():
    # Same name once accents, case and hyphens are ignored: the courier's spelling.
    bir_el_ater = parcel_payload(request_to(where("1202")), WILAYAS, {1202: "Bir el Ater"})
    assert (bir_el_ater["to_wilaya_name"], bir_el_ater["to_commune_name"]) == \
        ("Tébessa", "Bir el Ater")
    # A different spelling altogether: the ONS code (the courier's id) finds it.
    badjarah = parcel_payload(request_to(where("1619")), WILAYAS, {1619: "Bachdjerrah"})
    assert badjarah["to_commune_name"] == "Bachdjerrah"
    # The name wins over a code that names another commune at the courier.
    by_name = parcel_payload(request_to(where("1630")), WILAYAS,
                             {1630: "El Harrach", 1699: "Bordj el Kiffan"})
    assert by_name["to_commune_name"] == "Bordj el Kiffan"
    # Unknown to the courier: our name goes, for the courier to refuse in its words.
    unknown = parcel_payload(request_to(where("1630")), {}, {})
    assert (unknown["to_wilaya_name"], unknown["to_commune_name"]) == ("Alger", "Bordj El Kiffan")


def test_a_stop_desk_parcel_names_its_center():
    payload = parcel_payload(request_to(where("1630", stop_desk="163001")), WILAYAS, {})
    assert payload["is_stopdesk"] is True and payload["stopdesk_id"] == 163001


def test_courier_times_are_algeria_local_time():
    assert local_time("2026-06-26 14:30:05") == datetime(2026, 6, 26, 13, 30, 5, tzinfo=timezone.utc)
    assert local_time("26/06/2026") is None and local_time(None) is None


def test_histories_come_back_oldest_first_per_parcel():
    rows = [  # newest first, as the API answers
        {"tracking": "yal-B", "status": "Livré", "date_status": "2026-06-27 10:00:00", "reason": ""},
        {"tracking": "yal-A", "status": "Tentative échouée", "date_status": "2026-06-26 16:00:00",
         "reason": "Client ne répond pas"},
        {"tracking": "yal-B", "status": "Sorti en livraison", "date_status": "2026-06-27 08:00:00"},
        {"tracking": "yal-A", "status": "Ramassé", "date_status": "2026-06-25 09:00:00"},
    ]
    updates = history_updates(rows)
    assert [u.raw_status for u in updates["yal-A"]] == ["Ramassé", "Tentative échouée"]
    assert [u.status for u in updates["yal-B"]] == [TrackingStatus.OUT_FOR_DELIVERY,
                                                  TrackingStatus.DELIVERED]
    assert updates["yal-A"][1].reason == "Client ne répond pas"
    assert updates["yal-B"][0].reason is None
    assert updates["yal-B"][1].at == datetime(2026, 6, 27, 9, tzinfo=timezone.utc)


def test_fees_of_a_split_wilaya_give_the_new_wilaya_its_own_rate():
    fees = {"per_commune": {
        "301": {"commune_id": 301, "express_home": 750, "express_desk": 500},
        "302": {"commune_id": 302, "express_home": 850, "express_desk": None},
        "319": {"commune_id": 319, "express_home": 900, "express_desk": 550},
    }}
    rates = {rate.wilaya: rate for rate in rates_from_fees(fees, Geography.load())}
    assert (rates[3].home, rates[3].stop_desk) == (750, 500)
    assert (rates[59].home, rates[59].stop_desk) == (900, 550)


def test_error_messages_are_the_couriers_words():
    assert error_message({"error": {"code": 400, "message": "Wilaya introuvable"}}, 400) == \
        "Wilaya introuvable"
    assert error_message({"message": "Not found"}, 404) == "Not found"
    assert "400" in error_message(None, 400)


# --- callbacks ---------------------------------------------------------------------------------
def client(secret: str = SECRET) -> YalidineClient:
    credentials = {"api_id": "1", "api_token": "t"}
    if secret:
        credentials["webhook_secret"] = secret
    # Nothing is sent: reading a callback needs no HTTP.
    return YalidineClient(CourierAccount("yalidine", credentials), CourierHttp("http://127.0.0.1:9/v1"))


def signed(payload: dict, secret: str = SECRET):
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return body, hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


BATCH = {"type": "parcel_status_updated", "events": [
    {"event_id": "ev-2", "occurred_at": "2026-06-26 15:00:00",
     "data": {"tracking": "yal-64BPEK", "status": "Livré", "reason": ""}},
    {"event_id": "ev-1", "occurred_at": "2026-06-26 09:30:00",
     "data": {"tracking": "yal-64BPEK", "status": "Sorti en livraison", "reason": ""}},
]}


def test_a_signed_batch_gives_its_updates_oldest_first():
    body, signature = signed(BATCH)
    answer = client().parse_callback("POST", {"X-YALIDINE-SIGNATURE": signature}, {}, body)
    assert answer.status == 200
    assert [(u.event_id, u.raw_status, u.status) for u in answer.updates] == [
        ("ev-1", "Sorti en livraison", TrackingStatus.OUT_FOR_DELIVERY),
        ("ev-2", "Livré", TrackingStatus.DELIVERED)]
    assert answer.updates[1].at == datetime(2026, 6, 26, 14, tzinfo=timezone.utc)
    assert answer.updates[1].reason is None


def test_the_signature_header_is_read_in_any_case_and_with_a_sha256_prefix():
    body, signature = signed(BATCH)
    for headers in ({"x-yalidine-signature": signature},
                    {"X-Yalidine-Signature": "sha256=" + signature}):
        assert len(client().parse_callback("POST", headers, {}, body).updates) == 2


@pytest.mark.parametrize("headers, body_change", [
    ({}, None),                                                  # no signature
    ({"X-YALIDINE-SIGNATURE": "0" * 64}, None),                  # a made-up one
    ("good", b'"Retourn\\u00e9 au vendeur"'),                     # body changed after signing
])
def test_an_unsigned_or_tampered_batch_is_refused(headers, body_change):
    body, signature = signed(BATCH)
    if headers == "good":
        headers = {"X-YALIDINE-SIGNATURE": signature}
        body = body.replace('"Livré"'.encode("utf-8"), body_change)
    with pytest.raises(CallbackRejected):
        client().parse_callback("POST", headers, {}, body)


def test_without_a_configured_secret_nothing_is_accepted():
    body, signature = signed(BATCH, secret="")
    with pytest.raises(CallbackRejected):
        client(secret="").parse_callback("POST", {"X-YALIDINE-SIGNATURE": signature}, {}, body)
    assert not signature_is_valid("", body, signature)


def test_other_event_types_give_no_updates():
    body, signature = signed({"type": "parcel_payment_updated", "events": [
        {"event_id": "ev-9", "occurred_at": "2026-06-26 15:00:00",
         "data": {"tracking": "yal-64BPEK", "status": "payed", "payment_id": "p-1"}}]})
    answer = client().parse_callback("POST", {"X-YALIDINE-SIGNATURE": signature}, {}, body)
    assert answer.status == 200 and answer.updates == ()


def test_a_signed_body_that_is_no_batch_is_refused():
    for payload in (b"not json", b'["a list"]', b'{"type": "parcel_status_updated"}'):
        signature = hmac.new(SECRET.encode(), payload, hashlib.sha256).hexdigest()
        with pytest.raises(CallbackRejected):
            client().parse_callback("POST", {"X-YALIDINE-SIGNATURE": signature}, {}, payload)


def test_the_crc_challenge_is_echoed_bare():
    answer = client().parse_callback("GET", {}, {"subscribe": "x", "crc_token": "AbC123"}, b"")
    assert (answer.status, answer.body, answer.content_type) == (200, "AbC123", "text/plain")
    assert answer.updates == ()
    with pytest.raises(CallbackRejected):
        client().parse_callback("GET", {}, {}, b"")
