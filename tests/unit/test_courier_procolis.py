"""Procolis (legacy ZR Express) adapter, pure parts: situation map, colis mapping,
dates and fees as Procolis writes them, and the features it does not have.

The situation list below is copied again from couriers.md §3.4 on purpose: importing
the adapter's STATUS_MAP to check itself would prove nothing.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.couriers.base import (CourierAccount, CourierUnsupported, Destination, Parcel,
                                      ParcelLine, ParcelRequest, Recipient, TrackingStatus,
                                      normalise)
from chalicelib.couriers.http import CourierHttp
from chalicelib.couriers.procolis import (STATUS_MAP, ProcolisClient, action_time, colis_for,
                                          money, status_of, tracking_for)
from chalicelib.geo.data import Geography

DOCUMENTED_SITUATIONS = [
    "En Préparation", "En Préparation - Confirmé", "En Préparation - Annuler",
    "En Préparation - Ne Réponde pas", "En Préparation - Reportée",
    "En Préparation - Message Envoyé", "En Traitement - Prêt à Expédie", "Dispatcher",
    "Au Bureau", "SD - En Attente du Client", "Sortir en livraison", "En livraison",
    "Appel sans Réponse 1", "Appel sans Réponse 2", "Appel sans Réponse 3",
    "SD - Appel sans Réponse 1", "SD - Appel sans Réponse 2", "SD - Appel sans Réponse 3",
    "Reporté", "SD - Reporté", "A Relancé", "Attente Information",
    "Annuler par le Client", "SD - Annuler par le Client", "SD - Annuler 3x",
    "Livrée", "Livrée [ Encaisser ]", "Livrée [ Recouvert ]",
    "Retour Livreur", "Retour Navette", "Retour Client", "Retour de Dispatche",
    "Retour Stock", "Supprimée", "Restaurée",
]


@pytest.mark.parametrize("raw", DOCUMENTED_SITUATIONS)
def test_every_documented_situation_is_mapped_verbatim(raw):
    assert raw in STATUS_MAP
    assert normalise(STATUS_MAP, raw) != TrackingStatus.UNKNOWN


@pytest.mark.parametrize("raw, expected", [
    ("En Traitement - Prêt à Expédie", TrackingStatus.CREATED),
    ("Dispatcher", TrackingStatus.IN_TRANSIT),
    ("Sortir en livraison", TrackingStatus.OUT_FOR_DELIVERY),
    ("Appel sans Réponse 2", TrackingStatus.FAILED_ATTEMPT),
    ("Livrée", TrackingStatus.DELIVERED),
    ("Livrée [ Recouvert ]", TrackingStatus.DELIVERED),
    ("Annuler par le Client", TrackingStatus.DELIVERY_FAILED),
    ("SD - Annuler 3x", TrackingStatus.DELIVERY_FAILED),
    ("Retour Livreur", TrackingStatus.RETURNING),
    ("Retour Stock", TrackingStatus.RETURNED),
])
def test_key_situations_mean_what_they_say(raw, expected):
    assert normalise(STATUS_MAP, raw) == expected


def test_a_delivery_round_number_does_not_hide_the_situation():
    assert status_of("En livraison ( 1528 )") == TrackingStatus.OUT_FOR_DELIVERY
    assert status_of("Colis perdu") == TrackingStatus.UNKNOWN
    assert status_of(None) == TrackingStatus.UNKNOWN


# --- colis --------------------------------------------------------------------------------------
def where(code: str, stop_desk: str = None) -> Destination:
    geography = Geography.load()
    commune = geography.commune(code)
    return Destination(wilaya=commune.wilaya, courier_wilaya=commune.courier_wilaya,
                       wilaya_name=geography.wilaya(commune.courier_wilaya).name_fr,
                       commune_code=code, commune_name=commune.name_fr,
                       commune_name_ar=commune.name_ar, address="Cité des 500 logements",
                       delivery_type="stop_desk" if stop_desk else "home", stop_desk=stop_desk)


def request_to(destination: Destination, reference: str = "10482") -> ParcelRequest:
    return ParcelRequest(reference=reference, order_id="or_1", destination=destination,
                         recipient=Recipient("Amina Benali", "+213555123456"),
                         lines=(ParcelLine("Robe kabyle", 2, 2500),), cod_amount=5600,
                         delivery_fee=600, sender_wilaya=16, note="Appeler avant")


def test_the_colis_collects_the_total_under_a_tracking_made_from_our_reference():
    colis = colis_for(request_to(where("1630")))
    assert colis["Total"] == "5600"
    assert colis["Tracking"] == tracking_for("10482") and "10482" in colis["Tracking"]
    assert colis["id_Externe"] == "10482"
    assert colis["MobileA"] == "0555123456"
    assert (colis["IDWilaya"], colis["Commune"]) == ("16", "Bordj El Kiffan")
    assert (colis["TypeLivraison"], colis["TypeColis"], colis["Confrimee"]) == ("0", "0", "1")
    assert colis["Client"] == "Amina Benali" and colis["TProduit"] and colis["Adresse"]


def test_the_tracking_is_stable_per_order_and_distinct_between_orders():
    assert tracking_for("10482") == colis_for(request_to(where("1630")))["Tracking"]
    assert tracking_for("10482") != tracking_for("10483")


def test_a_moved_commune_goes_under_its_former_wilaya():
    colis = colis_for(request_to(where("0319")))
    assert (colis["IDWilaya"], colis["Commune"]) == ("03", "Aflou")


def test_a_stop_desk_parcel_is_typed_so():
    assert colis_for(request_to(where("1630", stop_desk="16")))["TypeLivraison"] == "1"


# --- what Procolis writes -------------------------------------------------------------------
@pytest.mark.parametrize("text", ["2026-09-12 14:32:10", "2026-09-12T14:32:10.250",
                                  "20260912143210000", "12/09/2026 14:32:10"])
def test_action_times_are_algiers_time(text):
    assert action_time({"DateH_Action": text}) == datetime(2026, 9, 12, 13, 32, 10,
                                                           tzinfo=timezone.utc)


def test_an_unreadable_action_time_is_none():
    assert action_time({"DateH_Action": "hier"}) is None
    assert action_time({}) is None


@pytest.mark.parametrize("value, expected", [("400", 400), ("650.00", 650), (500, 500),
                                             ("0", None), ("", None), (None, None)])
def test_fees_are_read_from_strings(value, expected):
    assert money(value) == expected


# --- what Procolis does not have --------------------------------------------------------------
def client() -> ProcolisClient:
    account = CourierAccount("procolis", {"token": "t", "key": "k"})
    return ProcolisClient(account, CourierHttp("http://127.0.0.1:9/never-called"))


def test_no_label_no_callbacks_no_desk_list():
    with pytest.raises(CourierUnsupported):
        client().get_label(Parcel(tracking="DZO-1"))
    with pytest.raises(CourierUnsupported):
        client().parse_callback("POST", {}, {}, b"{}")
    assert client().stop_desks() == []
