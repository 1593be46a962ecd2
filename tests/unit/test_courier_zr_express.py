"""ZR Express (new platform) adapter, pure parts: state map, payload mapping, territory
matching, problem-details errors, Svix signatures and both webhook body casings.

The slugs below are copied again from couriers.md §4.5 on purpose: importing the
adapter's STATUS_MAP to check itself would prove nothing. Signatures are made with
the `standardwebhooks` reference implementation (Svix's scheme), not with our code.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest
from standardwebhooks import Webhook

from chalicelib.couriers.base import (CallbackRejected, CourierAccount, CourierRejected,
                                      Destination, ParcelLine, ParcelRequest, Recipient,
                                      TrackingStatus, normalise)
from chalicelib.couriers.http import CourierHttp
from chalicelib.couriers.zr_express import (STATUS_MAP, ZrExpressClient, international_phone,
                                            parcel_body, problem_message, read_event,
                                            territory_ids, verify_svix)
from chalicelib.geo.data import Geography

DOCUMENTED_SLUGS = [
    "commande_recue", "en_traitement", "appel_confirmation", "commande_confirmee",
    "en_preparation", "pret_a_expedier", "confirme_au_bureau", "confirme_chez_partenaire",
    "dispatch", "vers_wilaya", "sortie_en_livraison", "en_livraison", "livre", "encaisse",
    "recouvert", "retour_sous_traitant", "attente_recuperation_fournisseur", "colis_recupere",
    "reinjecte_dans_stock", "remboursement_reinjecte", "recupere_par_fournisseur",
]
SECRET = "whsec_" + base64.b64encode(b"a test signing key for svix 1234").decode()
NOW = 1_790_000_000


@pytest.mark.parametrize("slug", DOCUMENTED_SLUGS)
def test_every_documented_state_is_mapped_verbatim(slug):
    assert slug in STATUS_MAP
    assert normalise(STATUS_MAP, slug) != TrackingStatus.UNKNOWN


@pytest.mark.parametrize("slug, expected", [
    ("commande_recue", TrackingStatus.CREATED),
    ("pret_a_expedier", TrackingStatus.CREATED),
    ("vers_wilaya", TrackingStatus.IN_TRANSIT),
    ("sortie_en_livraison", TrackingStatus.OUT_FOR_DELIVERY),
    ("livre", TrackingStatus.DELIVERED),
    ("recouvert", TrackingStatus.DELIVERED),
    ("attente_recuperation_fournisseur", TrackingStatus.RETURNING),
    ("recupere_par_fournisseur", TrackingStatus.RETURNED),
])
def test_key_states_mean_what_they_say(slug, expected):
    assert normalise(STATUS_MAP, slug) == expected


def test_an_unknown_state_is_kept_for_review():
    assert normalise(STATUS_MAP, "etat_personnalise_du_tenant") == TrackingStatus.UNKNOWN


# --- payload --------------------------------------------------------------------------------
def where(code: str, stop_desk: str = None) -> Destination:
    geography = Geography.load()
    commune = geography.commune(code)
    return Destination(wilaya=commune.wilaya, courier_wilaya=commune.courier_wilaya,
                       wilaya_name=geography.wilaya(commune.courier_wilaya).name_fr,
                       commune_code=code, commune_name=commune.name_fr,
                       commune_name_ar=commune.name_ar, address="Cité des 500 logements",
                       delivery_type="stop_desk" if stop_desk else "home", stop_desk=stop_desk)


def request_to(destination: Destination, phone: str = "+213555123456") -> ParcelRequest:
    return ParcelRequest(reference="10482", order_id="or_1", destination=destination,
                         recipient=Recipient("Amina Benali", phone),
                         lines=(ParcelLine("Robe kabyle", 2, 2500), ParcelLine("Foulard", 1, 600)),
                         cod_amount=6200, delivery_fee=600, sender_wilaya=16)


def test_the_parcel_collects_the_total_under_our_reference():
    body = parcel_body(request_to(where("1630")), "cust-1", "wil-16", "com-1630")
    assert body["amount"] == 6200
    assert body["externalId"] == "10482"
    assert body["customer"] == {"customerId": "cust-1", "name": "Amina Benali",
                                "phone": {"number1": "+213555123456"}}
    assert body["deliveryType"] == "home" and "hubId" not in body
    assert (body["deliveryAddress"]["cityTerritoryId"],
            body["deliveryAddress"]["districtTerritoryId"]) == ("wil-16", "com-1630")
    assert [(p["productName"], p["quantity"], p["unitPrice"]) for p in body["orderedProducts"]] \
        == [("Robe kabyle", 2, 2500), ("Foulard", 1, 600)]
    assert body["description"]


def test_a_stop_desk_parcel_goes_to_its_pickup_point():
    body = parcel_body(request_to(where("1630", stop_desk="hub-uuid")), "c", "w", "d")
    assert body["deliveryType"] == "pickup-point"
    assert body["hubId"] == "hub-uuid"


def test_phones_go_in_international_form():
    assert international_phone(Recipient("A", "+213555123456")) == "+213555123456"
    assert international_phone(Recipient("A", "0661234567")) == "+213661234567"


def territories():
    """A small tenant territory list in ZR's shape (ids are ZR's, not ours)."""
    return [
        {"id": "w3", "code": 3, "name": "Laghouat", "level": "wilaya", "parentId": None},
        {"id": "w16", "code": 16, "name": "Alger", "level": "wilaya", "parentId": None},
        {"id": "w59", "code": 59, "name": "Aflou", "level": "wilaya", "parentId": None},
        {"id": "c319", "code": 319, "name": "Aflou", "level": "commune", "parentId": "w3"},
        {"id": "c1630", "code": 9999, "name": "BORDJ EL-KIFFAN", "level": "commune",
         "parentId": "w16"},
        {"id": "c1630-elsewhere", "code": 1630, "name": "Bordj El Kiffan", "level": "commune",
         "parentId": "w3"},
    ]


def test_a_moved_commune_is_found_under_its_former_wilaya():
    aflou = where("0319")
    assert (aflou.wilaya, aflou.courier_wilaya) == (59, 3)
    assert territory_ids(territories(), aflou) == ("w3", "c319")


def test_a_commune_is_matched_by_name_ignoring_case_accents_and_dashes_within_its_wilaya():
    assert territory_ids(territories(), where("1630")) == ("w16", "c1630")


def test_a_place_zr_does_not_list_is_refused():
    with pytest.raises(CourierRejected, match="wilaya 12"):
        territory_ids(territories(), where("1201"))
    nowhere = Destination(16, 16, "Alger", "1699", "Nulle Part", "", "x", "home")
    with pytest.raises(CourierRejected, match="Nulle Part"):
        territory_ids(territories(), nowhere)


# --- errors -----------------------------------------------------------------------------------
def test_problem_details_give_the_couriers_words():
    body = {"title": "Validation Error", "status": 400, "detail": "One or more errors.",
            "errors": [{"code": "Name", "description": "Name is required"},
                       {"code": "Desc", "description": "Description is required"}]}
    assert problem_message(body, 400) == "Name is required; Description is required"
    assert problem_message({"errors": {"Amount": ["Amount must be at most 150000."]}}, 400) \
        == "Amount must be at most 150000."
    assert problem_message({"title": "Not Found", "detail": "Territory was not found."}, 404) \
        == "Territory was not found."
    assert problem_message(None, 400) == "HTTP 400"


# --- webhooks -----------------------------------------------------------------------------------
def signed(body: bytes, msg_id: str = "msg_2abc", at: int = NOW, secret: str = SECRET) -> dict:
    signature = Webhook(secret).sign(msg_id, datetime.fromtimestamp(at, timezone.utc),
                                     body.decode())
    return {"svix-id": msg_id, "svix-timestamp": str(at), "svix-signature": signature}


PASCAL = {"EventType": "parcel.state.updated",
          "Data": {"TrackingNumber": "16-JUKYSI-ZR", "ExternalId": "10482", "Amount": 6200,
                   "Customer": {"Name": "Amina", "Phone": {"Number1": "+213555123456"}},
                   "DeliveryAddress": {"City": "Alger"},
                   "State": {"Name": "livre", "Description": "Livré au client"},
                   "Situation": None, "NewStateName": "livre", "IsReturn": False}}
CAMEL = {"eventType": "parcel.state.updated", "occurredAt": "2026-09-12T10:15:00Z",
         "data": {"trackingNumber": "16-JUKYSI-ZR", "externalId": "10482",
                  "state": {"name": "livre", "description": "Livré au client"}}}


def test_a_good_signature_is_accepted_even_among_several():
    body = json.dumps(PASCAL).encode()
    headers = signed(body)
    assert verify_svix(SECRET, headers, body, NOW + 10) == ("msg_2abc", NOW)
    headers["svix-signature"] = "v1,bm90IHRoaXMgb25l " + headers["svix-signature"]
    assert verify_svix(SECRET, headers, body, NOW)[0] == "msg_2abc"


@pytest.mark.parametrize("change", ["body", "id", "timestamp", "secret", "missing", "no secret"])
def test_a_forged_or_incomplete_signature_is_refused(change):
    body = json.dumps(PASCAL).encode()
    headers = signed(body)
    secret = SECRET
    if change == "body":
        body = body.replace(b"livre", b"livrE")
    elif change == "id":
        headers["svix-id"] = "msg_other"
    elif change == "timestamp":
        headers["svix-timestamp"] = str(NOW + 1)
    elif change == "secret":
        secret = "whsec_" + base64.b64encode(b"another key entirely, 32 bytes!!").decode()
    elif change == "missing":
        del headers["svix-signature"]
    else:
        secret = None
    with pytest.raises(CallbackRejected):
        verify_svix(secret, headers, body, NOW)


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_signature_older_or_newer_than_five_minutes_is_refused(skew):
    body = json.dumps(PASCAL).encode()
    with pytest.raises(CallbackRejected):
        verify_svix(SECRET, signed(body), body, NOW + skew)


def test_both_body_casings_give_the_same_update():
    pascal = read_event(PASCAL, "msg_1", NOW)
    camel = read_event(CAMEL, "msg_1", NOW)
    for updates in (pascal, camel):
        assert [(u.tracking, u.raw_status, u.status, u.event_id) for u in updates] \
            == [("16-JUKYSI-ZR", "livre", TrackingStatus.DELIVERED, "msg_1")]
    # PascalCase bodies carry no time: the signed Svix timestamp stands in.
    assert pascal[0].at == datetime.fromtimestamp(NOW, timezone.utc)
    assert camel[0].at == datetime(2026, 9, 12, 10, 15, tzinfo=timezone.utc)


def test_a_situation_gives_the_reason_and_a_return_flag_means_returning():
    situation = {"EventType": "parcel.state.situation.created",
                 "Data": {"TrackingNumber": "16-A-ZR",
                          "State": {"Name": "attente_recuperation_fournisseur"},
                          "SituationName": "commande_annulee",
                          "SituationDescription": "Commande annulée"}}
    [update] = read_event(situation, "m", NOW)
    assert (update.raw_status, update.reason) == ("attente_recuperation_fournisseur",
                                                  "Commande annulée")
    flagged = {"eventType": "parcel.isReturn.updated",
               "data": {"trackingNumber": "16-A-ZR", "state": {"name": "sortie_en_livraison"},
                        "isReturn": True}}
    [update] = read_event(flagged, "m", NOW)
    assert (update.raw_status, update.status) == ("sortie_en_livraison", TrackingStatus.RETURNING)


def test_other_events_carry_no_update():
    assert read_event({"eventType": "parcel.created", "data": {"trackingNumber": "X"}}, "m", NOW) \
        == []
    assert read_event({"eventType": "parcel.state.updated", "data": {}}, "m", NOW) == []


def client(secret: str = SECRET) -> ZrExpressClient:
    account = CourierAccount("zr_express", {"api_key": "k", "tenant_id": "t",
                                            "webhook_secret": secret})
    adapter = ZrExpressClient(account, CourierHttp("http://127.0.0.1:9/never-called"))
    adapter.clock = lambda: NOW
    return adapter


def test_parse_callback_verifies_then_reads():
    body = json.dumps(CAMEL).encode()
    headers = {k.title(): v for k, v in signed(body).items()}     # header case does not matter
    answer = client().parse_callback("POST", headers, {}, body)
    assert answer.status == 200
    assert [u.status for u in answer.updates] == [TrackingStatus.DELIVERED]
    with pytest.raises(CallbackRejected):
        client().parse_callback("POST", headers, {}, body + b" ")
    with pytest.raises(CallbackRejected):
        client().parse_callback("GET", headers, {}, body)
    garbage = b"not json"
    with pytest.raises(CallbackRejected):
        client().parse_callback("POST", signed(garbage), {}, garbage)
