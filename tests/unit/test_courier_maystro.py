"""Maystro adapter, pure parts: status codes, the order payload, commune matching,
list shapes, error words and the webhook envelope (couriers.md §5)."""
from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest
import requests

from chalicelib.couriers.base import (CallbackRejected, CourierAccount, CourierAuthFailed,
                                      CourierRejected, Destination, ParcelLine, ParcelRequest, Recipient,
                                      TrackingStatus, normalise)
from chalicelib.couriers.maystro import (STATUS_MAP, MaystroClient, drf_messages, match_commune,
                                         order_payload, page_results, refusal,
                                         updates_from_history)
from chalicelib.couriers.http import CourierHttp
from chalicelib.geo.data import Geography

# §5.4, written out again: every numeric status code the facts list.
LISTED_CODES = ["4", "5", "6", "8", "9", "10", "11", "12", "15", "22", "31", "32", "41", "42",
                "50", "51", "52", "53"]


def destination(code: str = "1630", stop_desk: str = None) -> Destination:
    geography = Geography.load()
    commune = geography.commune(code)
    return Destination(wilaya=commune.wilaya, courier_wilaya=commune.courier_wilaya,
                       wilaya_name=geography.wilaya(commune.courier_wilaya).name_fr,
                       commune_code=commune.code, commune_name=commune.name_fr,
                       commune_name_ar=commune.name_ar, address="12 rue Didouche Mourad",
                       delivery_type="stop_desk" if stop_desk else "home", stop_desk=stop_desk)


def request_to(where: Destination, note: str = "") -> ParcelRequest:
    return ParcelRequest(reference="100234", order_id="or_1",
                         recipient=Recipient("Amina Benali", "+213555123456"), destination=where,
                         lines=(ParcelLine("Robe kabyle", 2, 2500), ParcelLine("Foulard", 1, 0)),
                         cod_amount=5600, delivery_fee=600, sender_wilaya=16, note=note)


def client() -> MaystroClient:
    # Never sends anything in these tests: the URL goes nowhere.
    return MaystroClient(CourierAccount("maystro", {"token": "t"}), CourierHttp("http://0.0.0.0:9"))


# --- statuses -------------------------------------------------------------------------------------
def test_the_map_holds_exactly_the_listed_codes():
    assert sorted(STATUS_MAP, key=int) == LISTED_CODES


@pytest.mark.parametrize("code, expected", [
    ("4", TrackingStatus.CREATED), ("31", TrackingStatus.OUT_FOR_DELIVERY),
    ("32", TrackingStatus.FAILED_ATTEMPT), ("42", TrackingStatus.FAILED_ATTEMPT),
    ("41", TrackingStatus.DELIVERED), ("50", TrackingStatus.DELIVERY_FAILED),
    ("51", TrackingStatus.RETURNING), ("10", TrackingStatus.RETURNING),
    ("52", TrackingStatus.RETURNED), ("12", TrackingStatus.ON_HOLD)])
def test_key_codes_mean_what_maystro_means(code, expected):
    assert normalise(STATUS_MAP, code) == expected


def test_nothing_listed_is_unknown_and_an_unlisted_code_is():
    assert all(normalise(STATUS_MAP, code) != TrackingStatus.UNKNOWN for code in LISTED_CODES)
    assert normalise(STATUS_MAP, "99") == TrackingStatus.UNKNOWN


# --- the order payload ----------------------------------------------------------------------------
def test_payload_collects_the_total_under_our_reference():
    body = order_payload(request_to(destination(), note="Appeler avant"), commune_id=812)
    assert body["product_price"] == 5600
    assert body["external_order_id"] == "100234"
    assert body["customer_phone"] == "0555123456"
    assert (body["wilaya"], body["commune"]) == (16, 812)
    assert (body["source"], body["delivery_type"], body["express"]) == (4, 1, False)
    assert body["products"] == [{"logistical_description": "Robe kabyle", "quantity": 2},
                                {"logistical_description": "Foulard", "quantity": 1}]
    assert body["note_to_driver"] == "Appeler avant"
    assert "stop_desk_id" not in body


def test_a_commune_moved_to_wilaya_59_is_sent_under_its_former_wilaya():
    aflou = destination("0319")
    assert aflou.wilaya == 59
    assert order_payload(request_to(aflou), commune_id=1)["wilaya"] == 3


def test_a_stop_desk_order_is_type_2_with_its_desk():
    body = order_payload(request_to(destination(stop_desk="516")), commune_id=812)
    assert (body["delivery_type"], body["stop_desk_id"]) == (2, 516)
    chosen_by_maystro = replace(destination(), delivery_type="stop_desk")
    body = order_payload(request_to(chosen_by_maystro), commune_id=812)
    assert body["delivery_type"] == 2 and "stop_desk_id" not in body


# --- communes -------------------------------------------------------------------------------------
MAYSTRO_ALGER = [{"id": 7, "name": "BORDJ EL BAHRI"}, {"id": 8, "name": "BORDJ EL KIFFAN"},
                 {"id": 9, "name": "DELY BRAHIM"}, {"id": 10, "name": "GUE DE CONSTANTINE"}]


def test_communes_match_ignoring_case_and_accents():
    assert match_commune(MAYSTRO_ALGER, destination("1630")) == 8
    assert match_commune(MAYSTRO_ALGER, destination("1626")) == 10   # Gué de Constantine


def test_a_maystro_spelling_known_as_an_alias_matches():
    assert Geography.load().commune("1623").name_fr == "Dely Ibrahim"
    assert match_commune(MAYSTRO_ALGER, destination("1623")) == 9


def test_an_arabic_name_matches_when_maystro_gives_one():
    assert match_commune([{"id": 3, "name": "?", "name_ar": "برج الكيفان"}], destination()) == 3


def test_no_match_is_none():
    assert match_commune(MAYSTRO_ALGER, destination("1601")) is None


@pytest.mark.parametrize("answer", [
    [{"id": 1}], {"count": 1, "next": None, "previous": None, "results": [{"id": 1}]},
    {"list": {"count": 1, "next": None, "previous": None, "results": [{"id": 1}]}}])
def test_list_answers_in_every_shape(answer):
    assert page_results(answer) == [{"id": 1}]


def test_history_comes_out_oldest_first_in_utc():
    updates = updates_from_history("300001", [
        {"status": 41, "created_at": "2026-05-02T10:00:00Z", "comment": ""},
        {"status": 4, "created_at": "2026-05-01T09:30:00+01:00", "comment": None},
        {"status": 32, "created_at": "2026-05-01T12:00:00", "comment": "injoignable"}])
    assert [u.raw_status for u in updates] == ["4", "32", "41"]
    assert updates[0].at == datetime(2026, 5, 1, 8, 30, tzinfo=timezone.utc)
    assert updates[1].at == datetime(2026, 5, 1, 11, 0, tzinfo=timezone.utc)   # naive: Algiers
    assert updates[1].reason == "injoignable" and updates[2].status == TrackingStatus.DELIVERED


# --- errors -----------------------------------------------------------------------------------------
def answer(status: int, body) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    return response


def test_a_validation_bag_is_refused_in_maystros_words():
    error = refusal(answer(400, {"customer_phone": ["Enter a valid phone number."],
                                 "products": [{}, {"logistical_description":
                                                   ["This field is required."]}]}))
    assert isinstance(error, CourierRejected)
    assert error.message == ("customer_phone: Enter a valid phone number.; "
                             "products.1.logistical_description: This field is required.")


def test_403_is_an_account_problem():
    error = refusal(answer(403, {"detail": "You do not have permission to perform this action."}))
    assert isinstance(error, CourierAuthFailed)
    assert error.message == "You do not have permission to perform this action."


def test_detail_and_non_field_errors_carry_no_field_name():
    assert drf_messages({"detail": "Not found."}) == "Not found."
    assert drf_messages({"non_field_errors": ["Bad."]}) == "Bad."


# --- webhooks ----------------------------------------------------------------------------------------
def envelope(document, times: int = 1, **message) -> bytes:
    data = json.dumps(document).encode()
    for _ in range(times):
        data = base64.b64encode(data)
    return json.dumps({"message": dict(message, data=data.decode())}).encode()


DELIVERED = {"event": "OrderStatusChanged", "instance_uuid": "2b1c-uuid",
             "payload": {"id": "2b1c-uuid", "status": 41, "display_id_order": 300001,
                         "external_order_id": "100234", "delivered_at": "2026-05-02T10:00:00Z",
                         "alerted_at": None, "alert_reason": None, "abort_reason": None}}


def test_a_status_change_is_read():
    update, = client().parse_callback("POST", {}, {}, envelope(DELIVERED)).updates
    assert (update.tracking, update.raw_status, update.status) == \
        ("300001", "41", TrackingStatus.DELIVERED)
    assert update.at == datetime(2026, 5, 2, 10, 0, tzinfo=timezone.utc)
    assert update.event_id


def test_an_event_without_its_own_time_is_dated_when_published_or_read():
    shipped = dict(DELIVERED, payload=dict(DELIVERED["payload"], status=31, delivered_at=None))
    published = envelope(shipped, publishTime="2026-05-02T09:15:00.123Z")
    update, = client().parse_callback("POST", {}, {}, published).updates
    assert update.at == datetime(2026, 5, 2, 9, 15, 0, 123000, tzinfo=timezone.utc)
    before = datetime.now(timezone.utc)
    update, = client().parse_callback("POST", {}, {}, envelope(shipped)).updates
    assert before <= update.at <= datetime.now(timezone.utc)


def test_data_encoded_twice_is_read_too():
    update, = client().parse_callback("POST", {}, {}, envelope(DELIVERED, times=2)).updates
    assert update.raw_status == "41"


def test_the_event_id_is_stable_for_a_repeat_and_differs_between_events():
    parse = client().parse_callback
    first = parse("POST", {}, {}, envelope(DELIVERED)).updates[0].event_id
    again = parse("POST", {}, {}, envelope(DELIVERED)).updates[0].event_id
    alerted = dict(DELIVERED, payload=dict(DELIVERED["payload"], status=32))
    other = parse("POST", {}, {}, envelope(alerted)).updates[0].event_id
    assert first == again != other
    pubsub = parse("POST", {}, {}, envelope(DELIVERED, messageId="42")).updates[0].event_id
    assert pubsub == "42"


def test_other_events_carry_no_update():
    created = dict(DELIVERED, event="orderCreated")
    assert client().parse_callback("POST", {}, {}, envelope(created)).updates == ()


@pytest.mark.parametrize("body", [
    b"not json at all", b'{"message": {}}', b'{"data": "e30="}',
    b'{"message": {"data": "%%% not base64 %%%"}}',
    json.dumps({"message": {"data": base64.b64encode(b"[1, 2]").decode()}}).encode(),
    envelope({"event": "OrderStatusChanged", "payload": {"status": 41}})])
def test_what_is_not_a_maystro_envelope_is_rejected(body):
    with pytest.raises(CallbackRejected):
        client().parse_callback("POST", {}, {}, body)


def test_a_tampered_data_field_is_rejected():
    body = json.loads(envelope(DELIVERED))
    body["message"]["data"] = body["message"]["data"][:-6] + "!!" + body["message"]["data"][-4:]
    with pytest.raises(CallbackRejected):
        client().parse_callback("POST", {}, {}, json.dumps(body).encode())


def test_only_posts_are_read():
    with pytest.raises(CallbackRejected):
        client().parse_callback("GET", {}, {}, envelope(DELIVERED))
