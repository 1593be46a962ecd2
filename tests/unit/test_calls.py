"""Call-confirm planning: parsing a call, what each outcome does, the queue key, auto-cancel,
and the `order.call_logged` event. Expected moves are written out here from the contract's
"Order states" and "Call-confirm" sections, not read from the transitions table."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.errors import InvalidTransition, ValidationFailed
from chalicelib.events.model import Change, derive_events
from chalicelib.orders.calls import (parse_call, plan_assign, plan_auto_cancel, plan_call,
                                     queue_key)
from chalicelib.orders.model import Actor, CallSummary, Order, OrderLine, Shipping, Totals

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
OPERATOR = Actor("merchant", "mb_1", "Nadia")
STATES = ["pending", "confirmed", "processing", "shipped", "delivered", "returned", "cancelled"]
# From the contract: outcome -> (status it moves the order to, the reason recorded).
MOVING = {"confirmed": ("confirmed", None), "cancelled": ("cancelled", "cancelled"),
          "fake": ("cancelled", "fake"), "wrong_number": ("cancelled", "wrong_number"),
          "duplicate": ("cancelled", "duplicate")}
STILL = ["no_answer", "busy", "unreachable", "postponed"]
UNANSWERED_OUTCOMES = {"no_answer", "busy", "unreachable"}
# From the contract's "Order states" table: where each status may go.
MAY_BECOME = {"pending": {"confirmed", "cancelled"}, "confirmed": {"processing", "cancelled"},
              "processing": {"shipped", "cancelled"}, "shipped": {"delivered", "cancelled"},
              "delivered": {"returned"}, "returned": set(), "cancelled": set()}


def order(status="pending", call=None, version=3, created_at=NOW - timedelta(hours=2),
          order_id="or_1", **flags):
    lines = (OrderLine("p1", "v2", "Robe", {}, None, 1000, 2),
             OrderLine("p1", "v1", "Robe", {}, None, 1000, 1),
             OrderLine("p1", "v2", "Robe", {}, None, 1000, 1),
             OrderLine("p9", "v9", "Carte", {}, None, 100, 1, track_stock=False))
    return Order(id=order_id, store_id="st_1", number=1001, status=status, customer_name="A",
                 customer_phone="+213555123456",
                 shipping=Shipping(16, "1605", "Bab El Oued", "x", "home"), lines=lines,
                 totals=Totals(4100, 400), created_at=created_at, updated_at=created_at,
                 version=version, call=call, **flags)


def call(outcome, note=None, next_call_at=None, now=NOW):
    body = {"outcome": outcome}
    if note is not None:
        body["note"] = note
    if next_call_at is not None:
        body["next_call_at"] = next_call_at
    return parse_call(body, now)


def refused(body):
    with pytest.raises(ValidationFailed) as caught:
        parse_call(body, NOW)
    return caught.value.fields


# --- parse_call ---------------------------------------------------------------------------
@pytest.mark.parametrize("outcome", sorted(set(MOVING) | set(STILL) - {"postponed"}))
def test_every_contract_outcome_parses(outcome):
    request = call(outcome, note="  rappeler demain  ")
    assert (request.outcome, request.note, request.next_call_at) == (outcome, "rappeler demain", None)


def test_postponed_keeps_its_time_in_utc():
    request = call("postponed", next_call_at="2026-11-26T09:30:00+01:00")
    assert request.next_call_at == datetime(2026, 11, 26, 8, 30, tzinfo=timezone.utc)


def test_arabic_note_round_trips():
    assert call("busy", note="الزبون مشغول").note == "الزبون مشغول"


@pytest.mark.parametrize("outcome", [None, "", "answered", "CONFIRMED", 3, ["busy"]])
def test_an_unknown_outcome_names_the_field(outcome):
    fields = refused({"outcome": outcome} if outcome is not None else {})
    assert list(fields) == ["outcome"]


def test_unknown_members_are_each_named():
    fields = refused({"outcome": "busy", "status": "confirmed", "phone": "x"})
    assert set(fields) == {"status", "phone"}


@pytest.mark.parametrize("next_call_at", [
    None,                                          # missing
    "2026-11-25T11:59:59Z",                        # in the past
    "2026-11-25T12:00:00Z",                        # now is not the future
    "2027-01-24T12:00:01Z",                        # more than 60 days ahead
])
def test_postponed_needs_a_future_time_within_60_days(next_call_at):
    body = {"outcome": "postponed"}
    if next_call_at:
        body["next_call_at"] = next_call_at
    assert list(refused(body)) == ["next_call_at"]


def test_postponed_at_exactly_60_days_is_accepted():
    assert call("postponed", next_call_at="2027-01-24T12:00:00Z").next_call_at == NOW + timedelta(days=60)


@pytest.mark.parametrize("text", ["demain", "2026-13-01T10:00:00Z", "", 1764072000, {"at": 1}])
def test_a_time_that_is_not_iso_names_the_field(text):
    assert list(refused({"outcome": "postponed", "next_call_at": text})) == ["next_call_at"]
    assert list(refused({"outcome": "busy", "next_call_at": text})) == ["next_call_at"]


def test_a_time_on_a_call_that_is_not_postponed_is_dropped():
    assert call("busy", next_call_at="2026-11-26T09:00:00Z").next_call_at is None


@pytest.mark.parametrize("note", ["x" * 1001, 42, ["a"]])
def test_a_note_too_long_or_not_text_names_the_field(note):
    assert list(refused({"outcome": "busy", "note": note})) == ["note"]


def test_a_note_of_1000_characters_is_kept_and_a_blank_one_dropped():
    assert call("busy", note="x" * 1000).note == "x" * 1000
    assert call("busy", note="   ").note is None


def test_several_bad_fields_are_reported_together():
    fields = refused({"outcome": "nope", "note": "x" * 2000, "next_call_at": "hier"})
    assert set(fields) == {"outcome", "note", "next_call_at"}


# --- plan_call ----------------------------------------------------------------------------
@pytest.mark.parametrize("outcome", STILL)
def test_a_call_that_moves_nothing_logs_one_entry(outcome):
    at = "2026-11-26T09:00:00Z" if outcome == "postponed" else None
    plan = plan_call(order(), call(outcome, note="n", next_call_at=at), OPERATOR, NOW)
    assert plan.transitions == () and (plan.order_id, plan.store_id) == ("or_1", "st_1")
    assert plan.expected_version == 3
    [entry] = plan.entries
    assert (entry.event, entry.actor, entry.at, entry.note, entry.public) == (
        "call_logged", OPERATOR, NOW, "n", False)
    assert entry.data["outcome"] == outcome and entry.data["attempt"] == 1
    assert entry.data["next_call_at"] == ("2026-11-26T09:00:00.000Z" if at else None)
    assert plan.call.attempts == 1 and plan.call.last_outcome == outcome
    assert plan.call.last_call_at == NOW
    assert plan.call.unanswered == (1 if outcome in UNANSWERED_OUTCOMES else 0)
    assert plan.call.next_call_at == (datetime(2026, 11, 26, 9, tzinfo=timezone.utc) if at else None)


def test_attempts_number_on_and_unanswered_counts_the_calls_in_a_row_that_reached_nobody():
    current = order()
    outcomes = ["no_answer", "postponed", "busy", "unreachable", "postponed", "no_answer"]
    in_a_row = [1, 0, 1, 2, 0, 1]
    for n, (outcome, unanswered) in enumerate(zip(outcomes, in_a_row), start=1):
        at = "2026-11-26T09:00:00Z" if outcome == "postponed" else None
        plan = plan_call(current, call(outcome, next_call_at=at), OPERATOR, NOW)
        assert plan.entries[0].data["attempt"] == n == plan.call.attempts
        assert plan.call.unanswered == unanswered, outcome
        current = current.changed(call=plan.call, version=current.version + 1)
    # A later call clears a callback time it does not set again.
    assert current.call.next_call_at is None and current.call.last_outcome == "no_answer"


def test_a_call_keeps_the_assignment():
    assigned = order(call=CallSummary(attempts=2, unanswered=1, assigned_to="mb_7"))
    plan = plan_call(assigned, call("busy"), OPERATOR, NOW)
    assert (plan.call.attempts, plan.call.unanswered, plan.call.assigned_to) == (3, 2, "mb_7")


def test_confirmed_by_call_moves_pending_to_confirmed_and_takes_stock():
    plan = plan_call(order(), call("confirmed", note="OK pour demain"), OPERATOR, NOW)
    [move] = plan.transitions
    assert (move.expected_status, move.new_status, move.expected_version) == ("pending", "confirmed", 3)
    # Lines of one variant merged, sorted by variant, untracked lines left out.
    assert [(m.product_id, m.variant_id, m.quantity, m.take) for m in move.stock_moves] == [
        ("p1", "v1", 1, True), ("p1", "v2", 3, True)]
    assert move.stock_taken
    assert (move.entry.event, move.entry.from_status, move.entry.to_status) == (
        "status_changed", "pending", "confirmed")
    assert move.entry.actor == OPERATOR and move.entry.note == "OK pour demain"
    assert "reason" not in move.entry.data
    # The call entry comes first at the same instant.
    assert (plan.entries[0].at, plan.entries[0].seq) == (move.entry.at, 0) and move.entry.seq == 1
    assert plan.call.last_outcome == "confirmed" and plan.call.unanswered == 0


@pytest.mark.parametrize("outcome", ["cancelled", "fake", "wrong_number", "duplicate"])
def test_cancelling_outcomes_cancel_with_their_reason(outcome):
    plan = plan_call(order(), call(outcome), OPERATOR, NOW)
    [move] = plan.transitions
    assert (move.expected_status, move.new_status) == ("pending", "cancelled")
    assert move.stock_moves == () and not move.stock_taken
    assert move.entry.data["reason"] == MOVING[outcome][1] == outcome
    assert plan.entries[0].data["outcome"] == outcome


def test_cancelling_a_confirmed_order_by_call_gives_its_stock_back():
    plan = plan_call(order("confirmed", stock_taken=True), call("fake"), OPERATOR, NOW)
    [move] = plan.transitions
    assert [(m.variant_id, m.quantity, m.take) for m in move.stock_moves] == [
        ("v1", 1, False), ("v2", 3, False)]
    assert not move.stock_taken


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("outcome", sorted(MOVING) + STILL)
def test_every_outcome_from_every_status_follows_the_contract(status, outcome):
    at = "2026-11-26T09:00:00Z" if outcome == "postponed" else None
    request = call(outcome, next_call_at=at)
    terminal = not MAY_BECOME[status]
    target = MOVING.get(outcome, (None,))[0]
    if terminal or (target is not None and target not in MAY_BECOME[status]):
        with pytest.raises(InvalidTransition) as caught:
            plan_call(order(status, stock_taken=status != "pending"), request, OPERATOR, NOW)
        assert caught.value.details["current"] == status
        if terminal:
            assert caught.value.details["allowed"] == []
        else:
            assert set(caught.value.details["allowed"]) == MAY_BECOME[status]
        return
    plan = plan_call(order(status, stock_taken=status != "pending"), request, OPERATOR, NOW)
    assert [(t.expected_status, t.new_status) for t in plan.transitions] == (
        [(status, target)] if target else [])
    assert [e.event for e in plan.entries] == ["call_logged"]


# --- plan_assign --------------------------------------------------------------------------
def test_assigning_sets_the_member_and_notes_it():
    plan = plan_assign(order(call=CallSummary(attempts=2)), "mb_7", "Karim", OPERATOR, NOW)
    assert (plan.call.assigned_to, plan.call.attempts, plan.transitions) == ("mb_7", 2, ())
    [entry] = plan.entries
    assert entry.event == "note_added" and "Karim" in entry.note and not entry.public
    unassign = plan_assign(order(call=plan.call), None, None, OPERATOR, NOW)
    assert unassign.call.assigned_to is None


@pytest.mark.parametrize("status", ["cancelled", "returned"])
def test_a_terminal_order_is_not_assigned(status):
    with pytest.raises(InvalidTransition):
        plan_assign(order(status), "mb_7", "Karim", OPERATOR, NOW)


# --- queue_key ----------------------------------------------------------------------------
def test_queue_key_puts_callbacks_first_by_time_then_the_oldest_orders():
    early = NOW + timedelta(hours=1)
    keys = {
        "callback_late": queue_key(order(order_id="a", call=CallSummary(next_call_at=early + timedelta(hours=1)))),
        "callback_early": queue_key(order(order_id="b", call=CallSummary(next_call_at=early))),
        "old": queue_key(order(order_id="c", created_at=NOW - timedelta(days=3))),
        "new": queue_key(order(order_id="d", created_at=NOW - timedelta(minutes=1),
                               call=CallSummary(attempts=2, last_outcome="busy"))),
    }
    assert sorted(keys, key=keys.get) == ["callback_early", "callback_late", "old", "new"]
    assert keys["callback_early"].startswith("0#") and keys["old"].startswith("1#")


def test_queue_keys_of_one_instant_still_differ():
    one = queue_key(order(order_id="or_a"))
    two = queue_key(order(order_id="or_b"))
    assert one != two and one.startswith("1#")


@pytest.mark.parametrize("status", STATES[1:])
def test_only_pending_orders_are_queued(status):
    assert queue_key(order(status, call=CallSummary(next_call_at=NOW))) is None


# --- plan_auto_cancel ---------------------------------------------------------------------
@pytest.mark.parametrize("unanswered, threshold, cancels", [
    (0, 3, False), (2, 3, False), (3, 3, True), (5, 3, True), (1, 1, True)])
def test_auto_cancel_from_the_threshold_on(unanswered, threshold, cancels):
    summary = CallSummary(attempts=unanswered + 1, unanswered=unanswered, last_outcome="no_answer")
    plan = plan_auto_cancel(order(call=summary), threshold, NOW)
    if not cancels:
        assert plan is None
        return
    [move] = plan.transitions
    assert (move.expected_status, move.new_status, move.expected_version) == ("pending", "cancelled", 3)
    assert move.entry.actor.type == "system" and move.entry.note
    assert str(unanswered) in move.entry.note
    assert move.entry.data.get("reason")
    # No call was made: the call summary is unchanged and no call is logged.
    assert plan.call == summary and plan.entries == ()


def test_auto_cancel_leaves_orders_without_calls_and_orders_past_pending():
    assert plan_auto_cancel(order(), 1, NOW) is None
    summary = CallSummary(attempts=4, unanswered=4)
    for status in STATES[1:]:
        assert plan_auto_cancel(order(status, call=summary), 3, NOW) is None


# --- order.call_logged ----------------------------------------------------------------------
def order_image(status, attempts=None, **extra):
    image = {"item_type": "order", "store_id": "st_1", "order_id": "or_1", "number": 1001,
             "status": status, **extra}
    if attempts is not None:
        image["call"] = {"attempts": attempts, "last_outcome": "busy", "assigned_to": None}
    return image


def modify(old, new, event_id="ev-c"):
    return Change(event_id=event_id, kind="MODIFY", at="2026-11-25T12:00:00.000Z", new=new, old=old)


def test_a_first_call_is_a_call_logged_event():
    [event] = derive_events([modify(order_image("pending"), order_image("pending", 1))])
    assert (event.type, event.store_id, event.data["previous_status"]) == (
        "order.call_logged", "st_1", "pending")
    assert event.id == "ev-c:call"


def test_a_confirm_by_call_is_two_events_with_their_own_ids():
    events = derive_events([modify(order_image("pending", 2), order_image("confirmed", 3))])
    assert sorted(e.type for e in events) == ["order.call_logged", "order.confirmed"]
    assert len({e.id for e in events}) == 2
    assert all(e.data["previous_status"] == "pending" for e in events)


def test_changes_that_leave_the_attempts_alone_are_no_call():
    same = modify(order_image("pending", 2), order_image("pending", 2, note="x"))
    assigned = modify(order_image("pending", 2),
                      {**order_image("pending", 2), "call": {"attempts": 2, "assigned_to": "mb_7"}})
    auto_cancelled = modify(order_image("pending", 3), order_image("cancelled", 3))
    assert derive_events([same, assigned]) == []
    assert [e.type for e in derive_events([auto_cancelled])] == ["order.cancelled"]


def test_a_new_order_is_not_a_call():
    insert = Change(event_id="ev-i", kind="INSERT", at="x", new=order_image("pending"), old=None)
    assert [e.type for e in derive_events([insert])] == ["order.created"]

