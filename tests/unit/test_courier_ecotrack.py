"""EcoTrack adapter, without a server: its status map, payload mapping and answer readers."""
from datetime import datetime, timezone

import pytest

from chalicelib.couriers.base import (CourierAccount, CourierUnsupported, Destination,
                                      ParcelLine, ParcelRequest, Recipient, TrackingStatus,
                                      normalise)
from chalicelib.couriers.ecotrack import (STATUS_MAP, EcotrackClient, courier_words,
                                          match_commune, official_wilaya, order_params,
                                          rates_from_fees, update_from_status)
from chalicelib.couriers.http import CourierHttp
from chalicelib.geo.data import Geography

S = TrackingStatus

# couriers.md §2.4, written out again: (a) the order status enum ("all" is a filter only),
# its French display wording, and (b) the tracking activity event keys.
ENUM = ["prete_a_expedier", "en_ramassage", "en_preparation_stock", "vers_hub", "en_hub",
        "vers_wilaya", "en_preparation", "en_livraison", "suspendu", "livre_non_encaisse",
        "encaisse_non_paye", "paiements_prets", "paye_et_archive", "retour_chez_livreur",
        "retour_transit_entrepot", "retour_en_traitement", "retour_recu", "retour_archive",
        "annule"]
FRENCH = ["Prêt à expédier", "Prêt à préparer", "En ramassage", "Stock en préparation",
          "Vers hub", "En hub", "Vers wilaya", "En préparation", "En livraison", "Suspendus",
          "Retours chez livreur", "Retours en traitement", "Retours prêts", "Retours reçu",
          "Retours à dispatcher vers stock", "Retours en transit stock", "Retours en stock",
          "Livre non encaissé", "Livre encaissé non payé", "Paiement prêt", "Paiement archivé",
          "Retours archivé"]
ACTIVITY = ["order_information_received_by_carrier", "notification_on_order", "picked",
            "accepted_by_carrier", "dispatched_to_driver", "attempt_delivery", "return_asked",
            "return_in_transit", "Return_received", "livred", "encaissed", "payed"]


def request_to(commune_code: str, stop_desk: str = None,
               phone: str = "+213555123456") -> ParcelRequest:
    geography = Geography.load()
    commune = geography.commune(commune_code)
    where = Destination(
        wilaya=commune.wilaya, courier_wilaya=commune.courier_wilaya,
        wilaya_name=geography.wilaya(commune.courier_wilaya).name_fr, commune_code=commune.code,
        commune_name=commune.name_fr, commune_name_ar=commune.name_ar,
        address="5 rue Larbi Ben M'hidi",
        delivery_type="stop_desk" if stop_desk else "home", stop_desk=stop_desk)
    return ParcelRequest(reference="10452", order_id="or_1",
                         recipient=Recipient("Amina Benali", phone), destination=where,
                         lines=(ParcelLine("Robe kabyle", 2, 2500),), cod_amount=5600,
                         delivery_fee=600, sender_wilaya=16)


def test_the_map_holds_exactly_the_listed_strings():
    assert set(STATUS_MAP) == set(ENUM) | set(FRENCH) | set(ACTIVITY)


@pytest.mark.parametrize("raw", ENUM + FRENCH
                         + [key for key in ACTIVITY if key != "notification_on_order"])
def test_every_listed_status_is_classified(raw):
    assert normalise(STATUS_MAP, raw) != S.UNKNOWN


@pytest.mark.parametrize("raw, expected", [
    ("livre_non_encaisse", S.DELIVERED), ("paye_et_archive", S.DELIVERED), ("livred", S.DELIVERED),
    ("Livre non encaissé", S.DELIVERED),
    ("retour_chez_livreur", S.DELIVERY_FAILED), ("return_asked", S.DELIVERY_FAILED),
    ("retour_transit_entrepot", S.RETURNING), ("return_in_transit", S.RETURNING),
    ("retour_recu", S.RETURNED), ("Return_received", S.RETURNED), ("retour_archive", S.RETURNED),
    ("attempt_delivery", S.FAILED_ATTEMPT), ("en_livraison", S.OUT_FOR_DELIVERY),
    ("suspendu", S.ON_HOLD), ("annule", S.CANCELLED), ("picked", S.PICKED_UP),
    ("prete_a_expedier", S.CREATED),
])
def test_key_statuses(raw, expected):
    assert normalise(STATUS_MAP, raw) == expected


def test_a_filter_word_and_a_note_are_not_statuses():
    assert normalise(STATUS_MAP, "all") == S.UNKNOWN
    assert normalise(STATUS_MAP, "notification_on_order") == S.UNKNOWN
    assert normalise(STATUS_MAP, "livre_ailleurs") == S.UNKNOWN


def test_the_order_collects_the_total_under_our_reference():
    params = order_params(request_to("1630"), "Bordj El Kiffan")
    assert params["montant"] == 5600                  # delivery included, as EcoTrack wants
    assert params["reference"] == "10452"
    assert params["telephone"] == "0555123456"
    assert (params["code_wilaya"], params["commune"]) == (16, "Bordj El Kiffan")
    assert (params["type"], params["stop_desk"]) == (1, 0)
    assert "code_postal" not in params
    assert params["produit"] == "Robe kabyle x2"


def test_a_moved_commune_goes_under_its_former_wilaya():
    aflou = request_to("0319")
    assert aflou.destination.wilaya == 59
    assert order_params(aflou, "Aflou")["code_wilaya"] == 3


def test_a_stop_desk_order_names_the_station():
    params = order_params(request_to("1630", stop_desk="1601"), "Alger Centre")
    assert (params["stop_desk"], params["code_postal"]) == (1, "1601")


def test_commune_names_match_without_case_or_accents():
    rows = [{"nom": "AIN TAYA", "wilaya_id": 16}, {"nom": "Reghaia", "wilaya_id": 16}]
    assert match_commune(rows, request_to("1638").destination)["nom"] == "AIN TAYA"
    assert match_commune(rows, request_to("1643").destination)["nom"] == "Reghaia"
    assert match_commune(rows, request_to("1630").destination) is None


def test_tracking_takes_the_current_status_dated_by_the_latest_activity():
    row = {"status": "retour_chez_livreur", "activity": [
        {"reason": "Client ne répond pas", "date": "2026-07-02", "time": "18:05:00"},
        {"reason": None, "date": "2026-07-01", "time": "09:00:00"}]}
    update = update_from_status("ECQFLD2103047673", row)
    assert (update.raw_status, update.status) == ("retour_chez_livreur", S.DELIVERY_FAILED)
    assert update.at == datetime(2026, 7, 2, 17, 5, tzinfo=timezone.utc)   # Algeria is UTC+1
    assert update.reason == "Client ne répond pas"


def test_tracking_without_activity_has_no_date():
    update = update_from_status("EC1", {"status": "en_hub", "activity": []})
    assert update.at is None and update.status == S.IN_TRANSIT


def test_fees_read_delivery_strings_and_cover_the_new_wilayas():
    body = {"livraison": [{"wilaya_id": 3, "tarif": "900", "tarif_stopdesk": "600"},
                          {"wilaya_id": 16, "tarif": "400", "tarif_stopdesk": "250.00"},
                          {"wilaya_id": 17, "tarif": "1000", "tarif_stopdesk": ""}],
            "echnage": [{"wilaya_id": 16, "tarif": "9999", "tarif_stopdesk": "9999"}],
            "recouvrement": []}
    rates = {rate.wilaya: rate for rate in rates_from_fees(body)}
    assert (rates[16].home, rates[16].stop_desk) == (400, 250)
    assert (rates[17].home, rates[17].stop_desk) == (1000, None)
    assert (rates[59].home, rates[59].stop_desk) == (900, 600)      # Aflou, carved from Laghouat
    assert rates[65].home == rates[66].home == 1000                 # both from Djelfa
    assert 60 not in rates                                          # Batna (5) is not priced
    assert rates_from_fees({"echnage": []}) == []


def test_refusals_keep_the_couriers_words():
    bag = {"message": "The given data was invalid.",
           "errors": {"commune": ["Commune mal écrite, ou désactivée."],
                      "telephone": ["Le champ telephone doit avoir entre 9 et 10 chiffres."]}}
    assert courier_words(bag, "?") == ("Commune mal écrite, ou désactivée. "
                                       "Le champ telephone doit avoir entre 9 et 10 chiffres.")
    assert courier_words({"success": False, "error": 10002,
                          "message": "Pas de livraison pour la wilaya sélectionnée"}, "?") \
        == "Pas de livraison pour la wilaya sélectionnée"
    assert courier_words(None, "fallback") == "fallback"


def test_desks_in_moved_communes_belong_to_the_new_wilaya():
    assert official_wilaya(3, "AFLOU") == 59
    assert official_wilaya(16, "Bordj El Kiffan") == 16


def test_ecotrack_never_calls_back():
    client = EcotrackClient(CourierAccount("ecotrack", {"api_token": "t"}),
                            CourierHttp("http://127.0.0.1:9"))
    with pytest.raises(CourierUnsupported):
        client.parse_callback("POST", {}, {}, b"{}")
