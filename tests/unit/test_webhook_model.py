"""Attempt outcomes, the retry schedule, delivery ids and queue messages, as data."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.webhooks.model import (COUNT, DEAD, FAILED, MAX_QUEUE_DELAY, RESET, RETRYING,
                                       SUCCEEDED, Delivery, DeliveryRef, SendResult,
                                       attempt_message, delivery_id, delivery_ref, outcome,
                                       plan_after_attempt)

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
DELAYS = (60, 300, 1800)


def delivery(**changes):
    base = dict(id="whd_x", store_id="st_1", endpoint_id="wh_1", event_id="evt_1",
                event_type="order.created", event_at="2026-11-25T09:30:00.000Z", payload="{}",
                created_at=NOW)
    base.update(changes)
    return Delivery(**base)


@pytest.mark.parametrize("result,expected", [
    (SendResult(200, 5), SUCCEEDED), (SendResult(204, 5), SUCCEEDED),
    (SendResult(500, 5), RETRYING), (SendResult(503, 5), RETRYING),
    (SendResult(408, 5), RETRYING), (SendResult(429, 5), RETRYING),
    (SendResult(None, 10000, error="timed out", transient=True), RETRYING),
    (SendResult(400, 5), FAILED), (SendResult(404, 5), FAILED), (SendResult(410, 5), FAILED),
    (SendResult(301, 5), FAILED), (SendResult(None, 0, error="refused"), FAILED)])
def test_outcome_of_an_answer(result, expected):
    assert outcome(result) == expected


def test_retries_follow_the_delays_then_the_delivery_is_dead():
    plans = [plan_after_attempt(delivery(), n, SendResult(500, 5), NOW, DELAYS) for n in (1, 2, 3)]
    assert [p.state for p in plans] == [RETRYING] * 3
    assert [p.delay_seconds for p in plans] == [60, 300, 1800]
    assert plans[0].next_attempt_at == NOW + timedelta(seconds=60)
    assert all(p.counter is None for p in plans)
    last = plan_after_attempt(delivery(), 4, SendResult(500, 5), NOW, DELAYS)
    assert (last.state, last.counter, last.next_attempt_at) == (DEAD, COUNT, None)


def test_a_redelivery_cycle_counts_its_retries_from_its_own_start():
    restarted = delivery(cycle_start=4)
    plan = plan_after_attempt(restarted, 5, SendResult(502, 5), NOW, DELAYS)
    assert (plan.state, plan.delay_seconds) == (RETRYING, 60)


def test_success_resets_and_a_refusal_fails_at_once():
    assert plan_after_attempt(delivery(), 2, SendResult(200, 5), NOW, DELAYS).counter == RESET
    refused = plan_after_attempt(delivery(), 1, SendResult(422, 5), NOW, DELAYS)
    assert (refused.state, refused.counter) == (FAILED, COUNT)


def test_test_pings_never_retry_or_count():
    plan = plan_after_attempt(delivery(), 1, SendResult(500, 5), NOW, DELAYS, counts=False)
    assert (plan.state, plan.counter) == (FAILED, None)


def test_delivery_id_is_derived_and_names_where_it_lives():
    first = delivery_id("wh_0001abcd", "evt_1", "2026-11-25T09:30:00.123Z")
    assert first == delivery_id("wh_0001abcd", "evt_1", "2026-11-25T09:30:00.123Z")
    assert first != delivery_id("wh_0001abcd", "evt_2", "2026-11-25T09:30:00.123Z")
    assert first != delivery_id("wh_0002abcd", "evt_1", "2026-11-25T09:30:00.123Z")
    assert delivery_ref(first) == DeliveryRef("wh_0001abcd", "2026-11-25T09:30:00.123Z")


@pytest.mark.parametrize("garbage", ["", "whd_", "whd_wh_1_zz_0123", "or_123", "whd_x_1_" + "a" * 20,
                                     "whd_wh_1_10_" + "g" * 20, "whd_" + "wh_1_10_" * 30])
def test_garbage_ids_are_not_deliveries(garbage):
    assert delivery_ref(garbage) is None


def test_long_waits_hop_through_the_queue():
    message, delay = attempt_message("whd_x", 3, NOW + timedelta(seconds=120), NOW)
    assert (message, delay) == ({"delivery_id": "whd_x", "attempt": 3}, 120)
    message, delay = attempt_message("whd_x", 4, NOW + timedelta(hours=2), NOW)
    assert delay == MAX_QUEUE_DELAY and message["not_before"] == "2026-11-25T11:30:00.000Z"
    assert attempt_message("whd_x", 1, None, NOW) == ({"delivery_id": "whd_x", "attempt": 1}, 0)
