"""Anti-fraud rules: block ids, limits buckets, duplicates and the risk summary."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace as NS

import pytest

from chalicelib.accounts.validation import parse_store_patch
from chalicelib.errors import ValidationFailed
from chalicelib.fraud import model

NOW = datetime(2026, 3, 14, 15, 40, 30, tzinfo=timezone.utc)


def line(product, variant):
    return NS(product_id=product, variant_id=variant)


def order(oid, at, lines=(("p1", "v1"),), status="pending", store="st_1", **extra):
    base = dict(id=oid, store_id=store, created_at=at, status=status,
                lines=[line(*pair) for pair in lines], call=None, shipment=None,
                restock_due=False, restocked=False)
    base.update(extra)
    return NS(**base)


def test_parse_block_normalises_and_names_bad_fields():
    assert model.parse_block({"phone": "0555 12 34 56", "reason": " fake "}) == ("+213555123456", "fake")
    with pytest.raises(ValidationFailed) as refused:
        model.parse_block({"phone": "12", "reason": 5, "extra": 1})
    assert set(refused.value.fields) == {"phone", "reason", "extra"}


def test_block_id_round_trips_and_refuses_strangers():
    assert model.phone_of_block_id(model.block_id("+213555123456")) == "+213555123456"
    assert model.phone_of_block_id("bl_12") is None
    assert model.phone_of_block_id("xx_213555123456") is None


def test_limit_plan_one_counter_per_enabled_limit_in_this_hour():
    both = model.CheckoutLimits(per_phone_per_hour=3, per_ip_per_hour=10)
    counters = model.limit_plan("st_1", both, "+213555123456", "10.0.0.1", NOW)
    assert [(c.key, c.limit) for c in counters] == [
        ("RATE#st_1#P#+213555123456#2026031415", 3), ("RATE#st_1#I#10.0.0.1#2026031415", 10)]
    assert all(c.expires_at > NOW for c in counters)
    assert model.limit_plan("st_1", model.CheckoutLimits(), "+213555123456", "10.0.0.1", NOW) == []


def test_retry_after_runs_to_the_end_of_the_hour():
    assert model.retry_after(NOW) == 19 * 60 + 30
    assert model.retry_after(NOW.replace(minute=59, second=59, microsecond=900000)) == 1


def test_duplicate_is_same_variants_within_24_hours_newest_first():
    wanted = model.variant_set([line("p1", "v1"), line("p2", "v2")])
    earlier = [order("or_old", NOW - timedelta(hours=25), [("p1", "v1"), ("p2", "v2")]),
               order("or_a", NOW - timedelta(hours=5), [("p2", "v2"), ("p1", "v1")]),
               order("or_b", NOW - timedelta(hours=1), [("p2", "v2"), ("p1", "v1")]),
               order("or_other", NOW - timedelta(minutes=5), [("p1", "v1")])]
    assert model.duplicate_of(wanted, earlier, NOW) == "or_b"
    assert model.duplicate_of(wanted, earlier[:1] + earlier[3:], NOW) is None


def test_risk_counts_earlier_orders_by_outcome():
    this = order("or_now", NOW)
    history = [
        this,
        order("or_later", NOW + timedelta(minutes=1), status="delivered"),
        order("or_d", NOW - timedelta(days=3), status="delivered"),
        order("or_ret", NOW - timedelta(days=3), status="returned"),
        order("or_refused", NOW - timedelta(days=2), status="cancelled", restock_due=True),
        order("or_fake", NOW - timedelta(days=1), status="cancelled",
              call=NS(last_outcome="fake")),
        order("or_plain", NOW - timedelta(days=1), status="cancelled"),
        order("or_pending", NOW - timedelta(hours=1)),
        order("or_elsewhere", NOW - timedelta(hours=1), store="st_2", status="delivered"),
    ]
    assert model.risk_summary(this, history).as_dict() == {
        "orders": 6, "delivered": 1, "refused": 2, "cancelled_fake": 1}


@pytest.mark.parametrize("value,field", [
    ({"per_phone_per_hour": 0}, "checkout_limits.per_phone_per_hour"),
    ({"per_ip_per_hour": True}, "checkout_limits.per_ip_per_hour"),
    ({"per_day": 3}, "checkout_limits.per_day"),
    ("3", "checkout_limits"),
])
def test_store_patch_refuses_bad_limits(value, field):
    with pytest.raises(ValidationFailed) as refused:
        parse_store_patch({"checkout_limits": value}, allow_loopback=False)
    assert field in refused.value.fields


def test_store_patch_reads_limits_and_null_turns_them_off():
    assert parse_store_patch({"checkout_limits": {"per_ip_per_hour": 5}}, False) == {
        "checkout_limits": {"per_ip_per_hour": 5}}
    assert parse_store_patch({"checkout_limits": None}, False) == {
        "checkout_limits": {"per_phone_per_hour": None, "per_ip_per_hour": None}}
