"""The transitions table, checked against the contract's table written out again here."""
from datetime import datetime, timezone

import pytest

from chalicelib.errors import Conflict, InvalidTransition
from chalicelib.orders.model import Actor, Order, OrderLine, Shipping, Totals
from chalicelib.orders.states import plan_restock, plan_transition

# Written from the contract's "Order states" table, not from the code.
CONTRACT = {
    ("pending", "confirmed"), ("pending", "cancelled"),
    ("confirmed", "processing"), ("confirmed", "cancelled"),
    ("processing", "shipped"), ("processing", "cancelled"),
    ("shipped", "delivered"), ("shipped", "cancelled"),
    ("delivered", "returned"),
}
STATES = ["pending", "confirmed", "processing", "shipped", "delivered", "returned", "cancelled"]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
ACTOR = Actor("merchant", "ac_1", "Amina")


def order(status="pending", lines=None, **flags):
    lines = lines or (OrderLine("p1", "v2", "Robe", {}, None, 1000, 2),
                      OrderLine("p1", "v1", "Robe", {}, None, 1000, 1),
                      OrderLine("p1", "v2", "Robe", {}, None, 1000, 3),
                      OrderLine("p9", "v9", "Carte", {}, None, 100, 1, track_stock=False))
    return Order(id="or_1", store_id="st_1", number=1001, status=status, customer_name="A",
                 customer_phone="+213555123456",
                 shipping=Shipping(16, "1605", "Bab El Oued", "x", "home"), lines=lines,
                 totals=Totals(6100, 400), created_at=NOW, updated_at=NOW, version=4, **flags)


@pytest.mark.parametrize("source", STATES)
@pytest.mark.parametrize("target", STATES)
def test_every_pair_follows_the_contract(source, target):
    if (source, target) in CONTRACT:
        plan = plan_transition(order(source), target, ACTOR, NOW)
        assert (plan.expected_status, plan.new_status, plan.expected_version) == (source, target, 4)
        assert plan.entry.event == "status_changed" and plan.entry.actor == ACTOR
    else:
        with pytest.raises(InvalidTransition) as caught:
            plan_transition(order(source), target, ACTOR, NOW)
        assert caught.value.details["allowed"] == sorted(
            (t for s, t in CONTRACT if s == source), key=STATES.index)


def test_confirm_takes_merged_lines_sorted_by_variant():
    plan = plan_transition(order(), "confirmed", ACTOR, NOW)
    assert [(m.variant_id, m.quantity, m.take) for m in plan.stock_moves] == [("v1", 1, True), ("v2", 5, True)]
    assert plan.stock_taken


@pytest.mark.parametrize("source", ["confirmed", "processing"])
def test_cancel_before_shipping_gives_back(source):
    plan = plan_transition(order(source, stock_taken=True), "cancelled", ACTOR, NOW)
    assert [(m.variant_id, m.quantity, m.take) for m in plan.stock_moves] == [("v1", 1, False), ("v2", 5, False)]
    assert not plan.stock_taken and not plan.restock_due


def test_cancel_pending_moves_no_stock():
    assert plan_transition(order(), "cancelled", ACTOR, NOW).stock_moves == ()


def test_refused_at_the_door_waits_for_restock_once():
    refused = plan_transition(order("shipped", stock_taken=True), "cancelled", ACTOR, NOW)
    assert refused.stock_moves == () and refused.restock_due
    back = order("cancelled", stock_taken=True, restock_due=True)
    restock = plan_restock(back, ACTOR, NOW)
    assert [m.quantity for m in restock.stock_moves] == [1, 5] and restock.restocked
    with pytest.raises(Conflict):
        plan_restock(order("cancelled", stock_taken=True, restocked=True), ACTOR, NOW)
    with pytest.raises(Conflict):
        plan_restock(order("pending"), ACTOR, NOW)


def test_returned_restocks_at_once_when_the_store_says_so():
    later = plan_transition(order("delivered", stock_taken=True), "returned", ACTOR, NOW)
    assert later.stock_moves == () and later.restock_due
    now = plan_transition(order("delivered", stock_taken=True), "returned", ACTOR, NOW,
                          restock_on_return=True)
    assert [m.quantity for m in now.stock_moves] == [1, 5] and now.restocked and not now.restock_due
