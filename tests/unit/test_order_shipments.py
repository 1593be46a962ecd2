"""What shipment events do to an order (chalicelib/orders/shipments.py), as plain values.

The expected moves are written out here from the contract ("Order states", "Couriers and
shipments": tracking moves an order forward only, to delivered or returned, and a parcel
refused at the door cancels it), never read from the transitions table.
"""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.errors import InvalidTransition
from chalicelib.clock import iso
from chalicelib.orders.model import Actor, Order, OrderLine, Shipment, Shipping, Totals
from chalicelib.orders.shipments import (plan_created, plan_failed, plan_request, plan_tracking,
                                         update_key)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
MERCHANT = Actor("merchant", "ac_1", "Amina")
COURIER = Actor("courier", "yalidine", "Yalidine")
STATUSES = ["pending", "confirmed", "processing", "shipped", "delivered", "returned", "cancelled"]
TRACKING = ["created", "picked_up", "in_transit", "on_hold", "out_for_delivery",
            "failed_attempt", "delivered", "delivery_failed", "returning", "returned",
            "cancelled", "unknown"]
# (order status, tracking status) -> the order's new status; every other pair moves nothing.
FORWARD = {
    ("shipped", "delivered"): "delivered",
    ("shipped", "delivery_failed"): "cancelled",
    ("shipped", "returning"): "cancelled",
    ("shipped", "returned"): "cancelled",
    ("delivered", "returned"): "returned",
}


def order(status="confirmed", shipment=None, version=7, **flags):
    flags.setdefault("stock_taken", status not in ("pending",))
    return Order(id="or_1", store_id="st_1", number=1001, status=status, customer_name="Amina",
                 customer_phone="+213555123456",
                 shipping=Shipping(16, "1605", "Bab El Oued", "12 rue X", "home"),
                 lines=(OrderLine("p1", "v1", "Jebba", {}, None, 2500, 2),
                        OrderLine("p2", "v2", "Foulard", {}, None, 800, 1)),
                 totals=Totals(5800, 400), created_at=NOW, updated_at=NOW, version=version,
                 shipment=shipment, **flags)


def shipment(state="created", status="created", status_at=None, **changes):
    base = Shipment(courier="yalidine", state=state, job_id="job_1",
                    requested_at=NOW - timedelta(hours=2),
                    tracking="yal-ABC123" if state == "created" else None,
                    status=status if state == "created" else None, status_at=status_at)
    return replace(base, **changes)


def update(status, at=None, raw=None, key=None, reason=None):
    raw = raw or f"raw {status}"
    return {"raw_status": raw, "status": status, "at": at, "reason": reason,
            "key": key or update_key("yalidine", "yal-ABC123", raw, at, None)}


def shipped(order_status="shipped", **shipment_changes):
    """An order whose parcel the courier made; `shipment_changes` describe the parcel."""
    return order(order_status, shipment(**shipment_changes))


# --- plan_request ------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["pending", "shipped", "delivered", "returned", "cancelled"])
def test_a_request_needs_a_confirmed_or_processing_order(status):
    with pytest.raises(InvalidTransition) as raised:
        plan_request(order(status), "yalidine", "job_2", {}, MERCHANT, NOW)
    assert set(raised.value.details["allowed"]) == {"confirmed", "processing"}


@pytest.mark.parametrize("status", ["confirmed", "processing"])
def test_a_request_records_the_shipment_asked_for(status):
    plan = plan_request(order(status), "yalidine", "job_2", {"weight": 3, "note": "Fragile"},
                        MERCHANT, NOW)
    assert (plan.order_id, plan.store_id, plan.expected_version) == ("or_1", "st_1", 7)
    assert (plan.shipment.courier, plan.shipment.state, plan.shipment.job_id) == \
        ("yalidine", "requested", "job_2")
    assert plan.shipment.options == {"weight": 3, "note": "Fragile"}
    assert plan.shipment.tracking is None and plan.transitions == () and plan.new_status is None
    [entry] = plan.entries
    assert (entry.event, entry.actor, entry.note, entry.public) == \
        ("shipment_requested", MERCHANT, "Fragile", False)
    assert entry.data["courier"] == "yalidine"
    assert not plan.index_tracking and not plan.in_transit


@pytest.mark.parametrize("state", ["requested", "created"])
def test_a_second_active_shipment_is_refused(state):
    current = order("confirmed" if state == "requested" else "processing", shipment(state))
    with pytest.raises(InvalidTransition) as raised:
        plan_request(current, "ecotrack", "job_2", {}, MERCHANT, NOW)
    assert "courier" in raised.value.fields


def test_a_request_after_a_failed_one_is_allowed():
    failed = order("confirmed", shipment("failed", error="Commune inconnue", attempts=2))
    plan = plan_request(failed, "ecotrack", "job_2", {}, MERCHANT, NOW)
    assert (plan.shipment.courier, plan.shipment.state, plan.shipment.job_id) == \
        ("ecotrack", "requested", "job_2")
    assert plan.shipment.error is None and plan.shipment.attempts == 0


# --- plan_created ------------------------------------------------------------------------------------
def test_created_from_confirmed_goes_through_processing_to_shipped():
    requested = order("confirmed", shipment("requested", attempts=1))
    plan = plan_created(requested, "yal-ABC123", "98765", "https://label", COURIER, NOW)
    assert [(t.expected_status, t.new_status) for t in plan.transitions] == \
        [("confirmed", "processing"), ("processing", "shipped")]
    assert all(t.expected_version == 7 and t.entry.actor == COURIER for t in plan.transitions)
    assert plan.new_status == "shipped" and plan.expected_version == 7
    [created] = plan.entries
    assert created.event == "shipment_created" and created.actor == COURIER
    assert created.data == {"courier": "yalidine", "tracking": "yal-ABC123"}
    # The entries read in order: the parcel, then each status change.
    sequence = [created] + [t.entry for t in plan.transitions]
    assert [e.seq for e in sequence] == sorted({e.seq for e in sequence})
    assert [(e.event, e.from_status, e.to_status) for e in sequence] == [
        ("shipment_created", None, None), ("status_changed", "confirmed", "processing"),
        ("status_changed", "processing", "shipped")]
    assert (plan.shipment.state, plan.shipment.tracking, plan.shipment.courier_id,
            plan.shipment.label_url, plan.shipment.status) == \
        ("created", "yal-ABC123", "98765", "https://label", "created")
    assert plan.shipment.attempts == 1 and plan.shipment.job_id == "job_1"
    assert plan.index_tracking and plan.in_transit
    # Shipping takes no stock (it was taken at confirm).
    assert all(t.stock_moves == () for t in plan.transitions)


def test_created_from_processing_goes_straight_to_shipped():
    plan = plan_created(order("processing", shipment("requested")), "yal-ABC123", None, None,
                        COURIER, NOW, raw_status="En préparation", status="created")
    assert [(t.expected_status, t.new_status) for t in plan.transitions] == \
        [("processing", "shipped")]
    assert plan.transitions[0].entry.seq > plan.entries[0].seq
    assert plan.shipment.raw_status == "En préparation"


def test_created_clears_an_earlier_error_and_keeps_the_courier_status_given():
    plan = plan_created(order("confirmed", shipment("requested", error="timeout")), "T1", None,
                        None, COURIER, NOW, raw_status="Ramassé", status="picked_up")
    assert plan.shipment.error is None
    assert (plan.shipment.status, plan.shipment.raw_status) == ("picked_up", "Ramassé")


def test_a_parcel_made_for_an_order_cancelled_meanwhile_moves_nothing():
    plan = plan_created(order("cancelled", shipment("requested")), "T1", None, None, COURIER, NOW)
    assert plan.transitions == () and plan.new_status is None
    assert plan.shipment.state == "created" and plan.shipment.tracking == "T1"


# --- plan_failed --------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["confirmed", "processing"])
def test_a_failure_keeps_the_order_status(status):
    plan = plan_failed(order(status, shipment("requested", attempts=3)), "Commune inconnue",
                       COURIER, NOW)
    assert plan.transitions == () and plan.new_status is None and plan.expected_version == 7
    assert (plan.shipment.state, plan.shipment.error, plan.shipment.attempts) == \
        ("failed", "Commune inconnue", 3)
    [entry] = plan.entries
    assert (entry.event, entry.note, entry.public, entry.actor) == \
        ("shipment_failed", "Commune inconnue", False, COURIER)
    assert entry.data == {"courier": "yalidine", "reason": "Commune inconnue"}
    assert plan_failed(order(status, shipment("requested", attempts=3)), "x", COURIER, NOW,
                       attempts=5).shipment.attempts == 5


# --- plan_tracking -------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("tracking", TRACKING)
def test_tracking_moves_an_order_forward_only(status, tracking):
    plan = plan_tracking(shipped(status), (update(tracking, NOW),), COURIER, NOW)
    expected = FORWARD.get((status, tracking))
    moves = [(t.expected_status, t.new_status) for t in plan.transitions]
    assert moves == ([(status, expected)] if expected else [])
    # The courier's word is on the timeline whether or not the order moved.
    [entry] = [e for e in plan.entries if e.event == "tracking_updated"]
    assert (entry.data["raw_status"], entry.data["status"]) == (f"raw {tracking}", tracking)


def test_delivered_moves_shipped_to_delivered():
    plan = plan_tracking(shipped(), (update("delivered", NOW, raw="Livré"),), COURIER, NOW)
    [move] = plan.transitions
    assert (move.expected_status, move.new_status, move.entry.actor) == \
        ("shipped", "delivered", COURIER)
    assert move.stock_moves == () and plan.expected_version == 7
    assert (plan.shipment.status, plan.shipment.raw_status, plan.shipment.status_at) == \
        ("delivered", "Livré", NOW)
    assert not plan.in_transit
    [entry] = plan.entries
    assert entry.event == "tracking_updated" and entry.actor == COURIER
    assert entry.data == {"courier": "yalidine", "tracking": "yal-ABC123", "raw_status": "Livré",
                          "status": "delivered", "courier_at": iso(NOW)}
    assert plan.update_keys == (update("delivered", NOW, raw="Livré")["key"],)


@pytest.mark.parametrize("tracking", ["delivery_failed", "returning", "returned"])
def test_a_refusal_cancels_a_shipped_order_with_reason_refused(tracking):
    plan = plan_tracking(shipped(), (update(tracking, NOW, reason="Client injoignable"),),
                         COURIER, NOW)
    [move] = plan.transitions
    assert (move.expected_status, move.new_status) == ("shipped", "cancelled")
    assert move.entry.note == "refused" and move.entry.data["reason"] == "refused"
    # Refused at the door: no stock back until the parcel is (restock).
    assert move.stock_moves == () and move.restock_due and not move.restocked
    assert plan.entries[0].note == "Client injoignable"
    assert not plan.in_transit


def test_a_refusal_walk_cancels_once_and_records_every_step():
    walk = tuple(update(s, NOW + timedelta(minutes=i))
                 for i, s in enumerate(["out_for_delivery", "delivery_failed", "returning",
                                        "returned"]))
    plan = plan_tracking(shipped(status="in_transit", status_at=NOW - timedelta(hours=1)),
                         walk, COURIER, NOW + timedelta(hours=1))
    assert [(t.expected_status, t.new_status) for t in plan.transitions] == \
        [("shipped", "cancelled")]
    assert [e.data["status"] for e in plan.entries] == \
        ["out_for_delivery", "delivery_failed", "returning", "returned"]
    everything = list(plan.entries) + [t.entry for t in plan.transitions]
    seqs = [e.seq for e in everything]
    assert len(set(seqs)) == len(seqs)
    # The change comes right after the update that caused it.
    by_seq = [e.event for e in sorted(everything, key=lambda e: e.seq)]
    assert by_seq == ["tracking_updated", "tracking_updated", "status_changed",
                      "tracking_updated", "tracking_updated"]
    assert plan.shipment.status == "returned"
    assert plan.update_keys == tuple(u["key"] for u in walk)


@pytest.mark.parametrize("restock_on_return", [False, True])
def test_returned_moves_delivered_to_returned(restock_on_return):
    plan = plan_tracking(shipped("delivered", status="delivered", status_at=NOW),
                         (update("returned", NOW + timedelta(days=3)),), COURIER,
                         NOW + timedelta(days=3), restock_on_return=restock_on_return)
    [move] = plan.transitions
    assert (move.expected_status, move.new_status) == ("delivered", "returned")
    if restock_on_return:
        assert sorted((m.variant_id, m.quantity, m.take) for m in move.stock_moves) == \
            [("v1", 2, False), ("v2", 1, False)]
        assert move.restocked and not move.restock_due and not move.stock_taken
    else:
        assert move.stock_moves == () and move.restock_due and not move.restocked
    # The parcel is back with the merchant: that is its status now.
    assert plan.shipment.status == "returned"


def test_a_late_in_transit_after_delivered_moves_nothing():
    plan = plan_tracking(shipped("delivered", status="delivered", status_at=NOW,
                                 raw_status="Livré"),
                         (update("in_transit", NOW + timedelta(hours=1), raw="Expédié"),),
                         COURIER, NOW + timedelta(hours=2))
    assert plan.transitions == () and plan.new_status is None
    assert (plan.shipment.status, plan.shipment.raw_status, plan.shipment.status_at) == \
        ("delivered", "Livré", NOW)
    assert [e.data["raw_status"] for e in plan.entries] == ["Expédié"]
    assert not plan.in_transit


def test_a_late_in_transit_in_the_same_batch_as_delivered_keeps_delivered():
    plan = plan_tracking(shipped(), (update("delivered", NOW), update("in_transit", None)),
                         COURIER, NOW)
    assert [t.new_status for t in plan.transitions] == ["delivered"]
    assert plan.shipment.status == "delivered"


def test_an_older_update_is_recorded_but_does_not_replace_the_status():
    current = shipped(status="out_for_delivery", status_at=NOW, raw_status="Sorti en livraison")
    plan = plan_tracking(current, (update("in_transit", NOW - timedelta(hours=5), raw="Expédié"),),
                         COURIER, NOW + timedelta(minutes=1))
    assert plan.transitions == ()
    assert (plan.shipment.status, plan.shipment.raw_status, plan.shipment.status_at) == \
        ("out_for_delivery", "Sorti en livraison", NOW)
    [entry] = plan.entries
    assert (entry.event, entry.data["raw_status"]) == ("tracking_updated", "Expédié")
    assert entry.data["courier_at"] == iso(NOW - timedelta(hours=5))
    assert entry.data["courier_at"].endswith("Z")   # the contract's time format
    assert plan.in_transit
    newer = plan_tracking(current, (update("failed_attempt", NOW + timedelta(hours=1)),),
                          COURIER, NOW + timedelta(hours=1))
    assert (newer.shipment.status, newer.shipment.status_at) == \
        ("failed_attempt", NOW + timedelta(hours=1))


def test_an_undated_update_is_dated_now():
    later = NOW + timedelta(hours=3)
    plan = plan_tracking(shipped(status="in_transit", status_at=NOW), (update("on_hold"),),
                         COURIER, later)
    assert (plan.shipment.status, plan.shipment.status_at) == ("on_hold", later)
    assert plan.entries[0].data["courier_at"] is None


@pytest.mark.parametrize("current", [
    order("confirmed"), order("confirmed", shipment("requested")),
    order("confirmed", shipment("failed")),
])
def test_tracking_without_a_parcel_plans_nothing(current):
    assert plan_tracking(current, (update("delivered", NOW),), COURIER, NOW) is None


def test_tracking_with_no_updates_plans_nothing():
    assert plan_tracking(shipped(), (), COURIER, NOW) is None


# --- update_key -----------------------------------------------------------------------------------------
def test_an_update_key_is_stable_for_the_same_event_id():
    key = update_key("yalidine", "yal-1", "Livré", NOW, "evt_1")
    assert key == update_key("yalidine", "yal-1", "Livré", NOW, "evt_1")
    # The event id is the update: how it was described does not matter.
    assert key == update_key("yalidine", "yal-1", "Expédié", NOW + timedelta(hours=1), "evt_1")
    assert key != update_key("yalidine", "yal-1", "Livré", NOW, "evt_2")
    assert key != update_key("yalidine", "yal-2", "Livré", NOW, "evt_1")
    assert key != update_key("zr_express", "yal-1", "Livré", NOW, "evt_1")


def test_an_update_key_without_event_id_is_its_status_and_time():
    key = update_key("ecotrack", "ECO-1", "livre_non_encaisse", NOW, None)
    assert key == update_key("ecotrack", "ECO-1", "livre_non_encaisse", NOW, None)
    assert key == update_key("ecotrack", "ECO-1", "livre_non_encaisse",
                             NOW.astimezone(timezone.utc), None)
    others = {update_key("ecotrack", "ECO-1", "en_livraison", NOW, None),
              update_key("ecotrack", "ECO-1", "livre_non_encaisse", NOW + timedelta(seconds=1), None),
              update_key("ecotrack", "ECO-1", "livre_non_encaisse", None, None),
              update_key("ecotrack", "ECO-2", "livre_non_encaisse", NOW, None),
              update_key("noest", "ECO-1", "livre_non_encaisse", NOW, None)}
    assert key not in others and len(others) == 5
    undated = update_key("ecotrack", "ECO-1", "en_livraison", None, None)
    assert undated == update_key("ecotrack", "ECO-1", "en_livraison", None, None)
