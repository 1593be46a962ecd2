"""Counting rules of delivery analytics, written from the issue, not from the code's tables."""
from datetime import date

import pytest

from chalicelib.analytics.model import counter_moves, parse_query, rate_bp, report_row
from chalicelib.errors import ValidationFailed


def event(kind, previous=None, courier=None, created="2025-03-07T23:59:00.000Z", total=5400,
          wilaya=16):
    data = {"id": "or_1", "status": kind, "created_at": created, "shipping": {"wilaya": wilaya},
            "totals": {"items": 5000, "delivery": 400, "total": total},
            "previous_status": previous,
            "shipment": {"courier": courier} if courier else None}
    return {"id": "ev_1", "type": f"order.{kind}", "at": "2025-03-09T10:00:00.000Z",
            "store_id": "st_1", "data": data}


def moved(message):
    return {(m.dimension, m.value, m.day): dict(m.counters) for m in counter_moves(message)}


def test_created_and_confirmed_count_per_wilaya_only_on_the_creation_day():
    assert moved(event("created")) == {("wilaya", "16", "2025-03-07"): {"orders": 1}}
    assert moved(event("confirmed", "pending")) == {("wilaya", "16", "2025-03-07"): {"confirmed": 1}}


def test_shipping_delivery_and_cash_count_per_wilaya_and_courier():
    assert moved(event("shipped", "processing", courier="yalidine")) == {
        ("wilaya", "16", "2025-03-07"): {"shipped": 1},
        ("courier", "yalidine", "2025-03-07"): {"shipped": 1}}
    assert moved(event("delivered", "shipped", courier="yalidine", total=7300)) == {
        ("wilaya", "16", "2025-03-07"): {"delivered": 1, "cod": 7300},
        ("courier", "yalidine", "2025-03-07"): {"delivered": 1, "cod": 7300}}


def test_a_cancel_after_shipping_is_a_refusal_and_before_it_counts_nothing():
    assert moved(event("cancelled", "shipped", courier="zr_express")) == {
        ("wilaya", "16", "2025-03-07"): {"refused": 1},
        ("courier", "zr_express", "2025-03-07"): {"refused": 1}}
    for previous in ("pending", "confirmed", "processing"):
        assert moved(event("cancelled", previous)) == {}


def test_returns_and_hand_shipped_orders_without_a_courier():
    assert moved(event("returned", "delivered")) == {
        ("wilaya", "16", "2025-03-07"): {"returned": 1},
        ("courier", "none", "2025-03-07"): {"returned": 1}}


@pytest.mark.parametrize("kind", ["processing", "call_logged"])
def test_other_events_count_nothing(kind):
    assert moved(event(kind, "confirmed")) == {}


def test_without_a_creation_time_the_event_time_decides_the_day():
    message = event("created")
    del message["data"]["created_at"]
    assert moved(message) == {("wilaya", "16", "2025-03-09"): {"orders": 1}}


def test_rates_are_integer_basis_points_rounded_half_up():
    assert rate_bp(1, 3) == 3333 and rate_bp(2, 3) == 6667 and rate_bp(1, 8) == 1250
    assert rate_bp(0, 0) is None and rate_bp(None, 5) is None and rate_bp(5, 5) == 10000


def test_a_report_row():
    row = report_row("wilaya", {"orders": 4, "confirmed": 3, "shipped": 2, "delivered": 1,
                                "refused": 1, "returned": 0, "cod": 5400})
    assert row == {"orders": 4, "confirmed": 3, "confirmation_rate_bp": 7500, "shipped": 2,
                   "delivered": 1, "delivery_rate_bp": 5000, "refused": 1, "returned": 0,
                   "refusal_return_rate_bp": 5000, "cod_collected": 5400}
    courier = report_row("courier", {"shipped": 3, "delivered": 3, "cod": 1})
    assert courier["orders"] is None and courier["confirmation_rate_bp"] is None
    assert courier["delivery_rate_bp"] == 10000


TODAY = date(2025, 3, 31)


def test_query_defaults_to_the_last_30_days_by_wilaya():
    asked = parse_query({}, TODAY)
    assert (asked.first_day, asked.last_day, asked.dimension) == (date(2025, 3, 2), TODAY, "wilaya")
    assert parse_query({"to": "2025-01-30"}, TODAY).first_day == date(2025, 1, 1)
    assert parse_query({"from": "2024-04-01", "to": "2025-04-01", "group_by": "courier"},
                       TODAY).dimension == "courier"   # 366 days is allowed


@pytest.mark.parametrize("query,field", [
    ({"from": "2025-3-1"}, "from"), ({"to": "2025-02-30"}, "to"), ({"from": "yesterday"}, "from"),
    ({"group_by": "commune"}, "group_by"), ({"from": "2025-03-02", "to": "2025-03-01"}, "from"),
    ({"from": "2024-03-30", "to": "2025-03-31"}, "to"),   # 367 days (2024 is a leap year)
])
def test_bad_queries_name_the_field(query, field):
    with pytest.raises(ValidationFailed) as raised:
        parse_query(query, TODAY)
    assert list(raised.value.fields) == [field]
