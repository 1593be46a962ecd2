"""Noest adapter, without a server: its event-key map, payload mapping and answer readers."""
from datetime import datetime, timezone

import pytest

from chalicelib.couriers.base import (CourierAccount, CourierUnsupported, Destination,
                                      ParcelLine, ParcelRequest, Recipient, TrackingStatus,
                                      normalise)
from chalicelib.couriers.http import CourierHttp
from chalicelib.couriers.noest import (STATUS_MAP, NoestClient, desk_from, order_body,
                                       rates_from_fees, updates_from_info)
from chalicelib.geo.data import Geography

S = TrackingStatus

# couriers.md §6.4 (NOEST-PDF §7), written out again: every activity event key.
EVENT_KEYS = [
    "upload", "customer_validation", "validation_collect_colis", "validation_reception_admin",
    "validation_reception", "fdr_activated", "sent_to_redispatch", "mise_a_jour",
    "nouvel_tentative_asked_by_customer", "colis_suspendu", "livre", "livred",
    "verssement_admin_cust", "validation_reception_cash_by_partener",
    "verssement_admin_cust_canceled", "verssement_hub_cust_canceled", "return_asked_by_customer",
    "return_asked_by_hub", "retour_dispatched_to_partenaires", "return_dispatched_to_partenaire",
    "colis_retour_transmit_to_partner", "return_dispatched_to_warehouse",
    "annulation_dispatch_retour", "cancel_return_dispatched_to_partenaire",
    "livraison_echoue_recu", "return_validated_by_partener", "return_redispatched_to_livraison",
    "pickedup", "valid_return_pickup", "pickup_picked_recu", "colis_pickup_transmit_to_partner",
    "echange_valide", "echange_valid_by_hub", "ask_to_delete_by_admin", "ask_to_delete_by_hub",
    "edited_informations", "edit_price", "edit_wilaya", "extra_fee",
]
EDITS = {"edited_informations", "edit_price", "edit_wilaya", "extra_fee"}


def request_to(commune_code: str, stop_desk: str = None) -> ParcelRequest:
    geography = Geography.load()
    commune = geography.commune(commune_code)
    where = Destination(
        wilaya=commune.wilaya, courier_wilaya=commune.courier_wilaya,
        wilaya_name=geography.wilaya(commune.courier_wilaya).name_fr, commune_code=commune.code,
        commune_name=commune.name_fr, commune_name_ar=commune.name_ar, address="Cité 5 juillet",
        delivery_type="stop_desk" if stop_desk else "home", stop_desk=stop_desk)
    return ParcelRequest(reference="20931", order_id="or_2",
                         recipient=Recipient("Yacine Haddad", "+213661234567"), destination=where,
                         lines=(ParcelLine("Sac", 1, 4200),), cod_amount=4900, delivery_fee=700,
                         sender_wilaya=16, weight_kg=2)


def test_the_map_holds_exactly_the_listed_event_keys():
    assert set(STATUS_MAP) == set(EVENT_KEYS)


@pytest.mark.parametrize("key", sorted(set(EVENT_KEYS) - EDITS))
def test_every_movement_is_classified(key):
    assert normalise(STATUS_MAP, key) != S.UNKNOWN


@pytest.mark.parametrize("key, expected", [
    ("livre", S.DELIVERED), ("livred", S.DELIVERED), ("verssement_admin_cust", S.DELIVERED),
    ("return_asked_by_customer", S.DELIVERY_FAILED),
    ("return_asked_by_hub", S.RETURNING), ("return_dispatched_to_warehouse", S.RETURNING),
    ("livraison_echoue_recu", S.RETURNED), ("return_validated_by_partener", S.RETURNED),
    ("mise_a_jour", S.FAILED_ATTEMPT), ("fdr_activated", S.OUT_FOR_DELIVERY),
    ("return_redispatched_to_livraison", S.OUT_FOR_DELIVERY), ("colis_suspendu", S.ON_HOLD),
    ("validation_collect_colis", S.PICKED_UP), ("upload", S.CREATED),
    (" return_dispatched_to_partenaire", S.RETURNING),     # the doc's own stray space
])
def test_key_statuses(key, expected):
    assert normalise(STATUS_MAP, key) == expected


def test_the_order_collects_the_total_under_our_reference():
    body = order_body(request_to("1630"), "Bordj El Kiffan")
    assert body["montant"] == 4900
    assert body["reference"] == "20931"
    assert body["phone"] == "0661234567"
    assert (body["wilaya_id"], body["commune"]) == (16, "Bordj El Kiffan")
    assert (body["type_id"], body["stop_desk"], body["poids"]) == (1, 0, 2)
    assert body["produit"] == "Sac x1"
    assert "station_code" not in body and "api_token" not in body


def test_a_moved_commune_goes_under_its_former_wilaya():
    aflou = request_to("0319")
    assert aflou.destination.wilaya == 59
    assert order_body(aflou, "Aflou")["wilaya_id"] == 3


def test_a_stop_desk_order_names_the_station():
    body = order_body(request_to("1630", stop_desk="16A"), "Bordj El Kiffan")
    assert (body["stop_desk"], body["station_code"]) == (1, "16A")


def test_activity_comes_oldest_first_in_utc_without_edits():
    info = {"activity": [
        {"event_key": "livre", "event": "Livré", "date": "2026-07-03 11:00:00"},
        {"event_key": "edit_price", "event": "Prix modifié", "date": "2026-07-03 12:00:00"},
        {"event_key": "upload", "event": "Uploadé sur le système", "date": "2026-07-01 08:00:00"},
        {"event_key": "fdr_activated", "event": "En livraison", "date": "2026-07-03 08:30:00"}]}
    updates = updates_from_info("N5J-35C-11446627", info)
    assert [u.raw_status for u in updates] == ["upload", "fdr_activated", "livre"]
    assert updates[-1].status == S.DELIVERED
    assert updates[-1].at == datetime(2026, 7, 3, 10, 0, tzinfo=timezone.utc)


def test_the_raw_event_key_is_kept_verbatim():
    info = {"activity": [{"event_key": " return_dispatched_to_partenaire",
                          "date": "2026-07-04 10:00:00"}]}
    [update] = updates_from_info("N5J-35C-1", info)
    assert update.raw_status == " return_dispatched_to_partenaire"
    assert update.status == S.RETURNING


def test_fees_read_tarifs_delivery_and_cover_the_new_wilayas():
    body = {"tarifs": {"delivery": {"a": {"wilaya_id": 3, "tarif": "950", "tarif_stopdesk": "650"},
                                    "b": {"wilaya_id": 16, "tarif": 450, "tarif_stopdesk": 200}},
                       "return": {"a": {"wilaya_id": 16, "tarif": "1", "tarif_stopdesk": "1"}}}}
    rates = {rate.wilaya: rate for rate in rates_from_fees(body)}
    assert (rates[16].home, rates[16].stop_desk) == (450, 200)
    assert (rates[59].home, rates[59].stop_desk) == (950, 650)
    assert set(rates) == {3, 16, 59}


def test_a_desk_is_in_the_wilaya_its_code_starts_with():
    desk = desk_from({"code": "01B", "name": "Noest Adrar", "commune": "Adrar", "address": "x"})
    assert (desk.id, desk.wilaya, desk.commune) == ("01B", 1, "Adrar")
    assert desk_from({"code": "16A", "commune": "Alger Centre"}).wilaya == 16
    assert desk_from({"code": "HUB"}) is None


def client() -> NoestClient:
    return NoestClient(CourierAccount("noest", {"api_token": "t", "user_guid": "G"}),
                       CourierHttp("http://127.0.0.1:9"))


def test_noest_has_no_lookup_by_reference():
    with pytest.raises(CourierUnsupported):
        client().find_parcel("20931")


def test_noest_never_calls_back():
    with pytest.raises(CourierUnsupported):
        client().parse_callback("POST", {}, {}, b"{}")
