"""The call-confirm half of the order store: the memory fake behaves like DynamoDB.

One contract class, run against MemoryOrderStore and DynamoOrderStore: `apply_call`
(the call entry and summary, version guard, a confirm by call taking stock whole or not
at all), `call_queue` (due callbacks first, then the oldest pending; only pending
orders; an operator's own and unassigned orders) and the auto-cancel registry; then
CallService on each store, with a member lookup of its own (the Team feature's
`accounts.member_name` is written alongside).
"""
import time
import uuid
from datetime import timedelta

import pytest

from chalicelib.clock import utcnow
from chalicelib.errors import (ConcurrentChange, InsufficientStock, InvalidTransition, NotFound,
                               ValidationFailed)
from chalicelib.orders.call_service import CallService
from chalicelib.orders.calls import parse_call, plan_assign, plan_auto_cancel, plan_call
from chalicelib.orders.model import Actor, CallSummary
from tests.contracts.test_order_store import OnDynamo, OnMemory, WithShop

OPERATOR = Actor("merchant", "mb_a", "Nadia")
MERCHANT = Actor("merchant", "ac_1", "Amina")


def moment():
    """Now, to the millisecond (what the table keeps of a call's times)."""
    now = utcnow()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class CallStoreContract(WithShop):

    def place(self, shop, quantity=1):
        services, slug, _, product = shop
        placed = services.orders.place_order(slug, {
            "customer": {"name": "Amina Benali", "phone": "0555123456"},
            "shipping": {"wilaya": 16, "commune": "1605", "address": "x", "delivery_type": "home"},
            "items": [{"product_id": product.id, "quantity": quantity}]}, None)[0]["id"]
        # Orders of one store are queued oldest first, to the millisecond.
        time.sleep(0.003)
        return placed

    def read(self, shop, order_id):
        return shop[0].order_store.order(order_id)

    def log(self, shop, order_id, outcome, actor=OPERATOR, now=None, **body):
        store = shop[0].order_store
        now = now or utcnow()
        order, _ = store.order(order_id)
        plan = plan_call(order, parse_call({"outcome": outcome, **body}, now), actor, now)
        store.apply_call(plan, order)
        return plan

    def assign(self, shop, order_id, member_id):
        store = shop[0].order_store
        order, _ = store.order(order_id)
        store.apply_call(plan_assign(order, member_id, member_id, MERCHANT, moment()), order)

    def queue(self, shop, now, limit=50, member_id=None):
        return [o.id for o in shop[0].order_store.call_queue(shop[2], now, limit, member_id)]

    def stock(self, shop):
        services, _, store_id, product = shop
        return services.catalog.product(store_id, product.id).variants[0].stock

    # --- apply_call ---------------------------------------------------------------------------
    def test_a_call_records_its_entry_and_the_summary(self, shop):
        order_id = self.place(shop)
        before, _ = self.read(shop, order_id)
        now = moment()
        self.log(shop, order_id, "busy", now=now, note="Rappeler après 18h")
        order, timeline = self.read(shop, order_id)
        assert order.version == before.version + 1 and order.status == "pending"
        assert order.call == CallSummary(attempts=1, unanswered=1, last_outcome="busy",
                                         last_call_at=now, next_call_at=None, assigned_to=None)
        assert [e.event for e in timeline] == ["created", "call_logged"]
        entry = timeline[-1]
        assert (entry.actor, entry.note, entry.public) == (OPERATOR, "Rappeler après 18h", False)
        assert entry.data == {"outcome": "busy", "attempt": 1, "next_call_at": None}

        later = now + timedelta(minutes=5)
        self.log(shop, order_id, "postponed", now=later,
                 next_call_at=(later + timedelta(days=1)).isoformat())
        order, timeline = self.read(shop, order_id)
        # The customer answered (to postpone): the run of unanswered calls starts again.
        assert (order.call.attempts, order.call.unanswered, order.call.last_outcome) == (2, 0, "postponed")
        assert order.call.next_call_at == later + timedelta(days=1)
        assert [e.data["attempt"] for e in timeline if e.event == "call_logged"] == [1, 2]

    def test_a_stale_version_is_refused_and_writes_nothing(self, shop):
        services, _, store_id, _ = shop
        order_id = self.place(shop)
        stale, _ = self.read(shop, order_id)
        services.orders.add_note(store_id, order_id, {"text": "vu"}, MERCHANT)
        now = moment()
        for outcome in ("no_answer", "confirmed"):
            plan = plan_call(stale, parse_call({"outcome": outcome}, now), OPERATOR, now)
            with pytest.raises(ConcurrentChange):
                services.order_store.apply_call(plan, stale)
        order, timeline = self.read(shop, order_id)
        assert order.call is None and order.status == "pending"
        assert [e.event for e in timeline] == ["created", "note_added"]
        assert self.stock(shop) == 3

    def test_a_stale_move_after_the_status_changed_is_an_invalid_transition(self, shop):
        services, _, store_id, _ = shop
        order_id = self.place(shop)
        stale, _ = self.read(shop, order_id)
        services.orders.move(store_id, order_id, "confirmed", MERCHANT)
        now = moment()
        plan = plan_call(stale, parse_call({"outcome": "fake"}, now), OPERATOR, now)
        with pytest.raises(InvalidTransition):
            services.order_store.apply_call(plan, stale)
        order, timeline = self.read(shop, order_id)
        assert order.status == "confirmed" and order.call is None and len(timeline) == 2
        assert self.stock(shop) == 2

    def test_a_confirm_by_call_takes_stock_with_the_move(self, shop):
        order_id = self.place(shop, quantity=2)
        self.log(shop, order_id, "confirmed", note="OK")
        order, timeline = self.read(shop, order_id)
        assert (order.status, order.stock_taken, order.call.last_outcome) == ("confirmed", True, "confirmed")
        assert self.stock(shop) == 1
        assert [(e.event, e.from_status, e.to_status) for e in timeline] == [
            ("created", None, "pending"), ("call_logged", None, None),
            ("status_changed", "pending", "confirmed")]
        assert timeline[2].actor == OPERATOR

    def test_a_confirm_by_call_without_the_stock_fails_whole(self, shop):
        services, _, store_id, product = shop
        order_id = self.place(shop, quantity=2)
        short = self.place(shop, quantity=2)
        services.orders.move(store_id, order_id, "confirmed", MERCHANT)
        before, _ = self.read(shop, short)
        with pytest.raises(InsufficientStock) as caught:
            self.log(shop, short, "confirmed")
        assert caught.value.details["variants"] == [product.variants[0].id]
        order, timeline = self.read(shop, short)
        assert (order.status, order.version, order.call, order.stock_taken) == (
            "pending", before.version, None, False)
        assert [e.event for e in timeline] == ["created"]
        assert self.stock(shop) == 1
        assert short in self.queue(shop, moment())

    def test_a_cancel_by_call_records_the_reason_and_gives_stock_back(self, shop):
        services, _, store_id, _ = shop
        order_id = self.place(shop, quantity=2)
        services.orders.move(store_id, order_id, "confirmed", MERCHANT)
        self.log(shop, order_id, "wrong_number")
        order, timeline = self.read(shop, order_id)
        assert (order.status, order.stock_taken) == ("cancelled", False)
        assert timeline[-1].data["reason"] == "wrong_number" and timeline[-1].to_status == "cancelled"
        assert self.stock(shop) == 3

    def test_auto_cancel_plan_cancels_as_the_system_and_keeps_the_calls(self, shop):
        order_id = self.place(shop)
        for _ in range(2):
            self.log(shop, order_id, "no_answer")
        order, _ = self.read(shop, order_id)
        plan = plan_auto_cancel(order, 2, utcnow())
        shop[0].order_store.apply_call(plan, order)
        after, timeline = self.read(shop, order_id)
        assert after.status == "cancelled" and after.call == order.call
        assert (timeline[-1].event, timeline[-1].actor.type) == ("status_changed", "system")
        assert timeline[-1].note
        assert order_id not in self.queue(shop, moment() + timedelta(days=90))

    # --- call_queue -----------------------------------------------------------------------------
    def test_due_callbacks_first_by_time_then_the_oldest_pending(self, shop):
        first, second, later_cb, sooner_cb = (self.place(shop) for _ in range(4))
        now = moment()
        self.log(shop, second, "no_answer", now=now)
        self.log(shop, later_cb, "postponed", now=now,
                 next_call_at=(now + timedelta(hours=1)).isoformat())
        self.log(shop, sooner_cb, "postponed", now=now,
                 next_call_at=(now + timedelta(minutes=30)).isoformat())
        assert self.queue(shop, now + timedelta(hours=2)) == [sooner_cb, later_cb, first, second]
        # A callback that is not due yet waits outside the queue.
        assert self.queue(shop, now + timedelta(minutes=45)) == [sooner_cb, first, second]
        assert self.queue(shop, now) == [first, second]
        # Due exactly now is due.
        assert self.queue(shop, now + timedelta(minutes=30)) == [sooner_cb, first, second]
        assert self.queue(shop, now + timedelta(hours=2), limit=3) == [sooner_cb, later_cb, first]
        assert self.queue(shop, now + timedelta(hours=2), limit=1) == [sooner_cb]

    def test_callbacks_to_come_are_listed_soonest_first_until_due(self, shop):
        plain, later_cb, sooner_cb, theirs_cb = (self.place(shop) for _ in range(4))
        now = moment()
        for order_id, minutes in ((later_cb, 60), (sooner_cb, 30), (theirs_cb, 45)):
            self.log(shop, order_id, "postponed", now=now,
                     next_call_at=(now + timedelta(minutes=minutes)).isoformat())
        self.assign(shop, theirs_cb, "mb_b")
        store = shop[0].order_store

        def scheduled(at, **most):
            return [o.id for o in store.scheduled_calls(shop[2], at, most.pop("limit", 50), **most)]
        assert scheduled(now) == [sooner_cb, theirs_cb, later_cb]
        assert scheduled(now, member_id="mb_a") == [sooner_cb, later_cb]
        assert scheduled(now, limit=1) == [sooner_cb]
        # Once due, a callback is the queue's, not the schedule's.
        assert scheduled(now + timedelta(minutes=30)) == [theirs_cb, later_cb]
        assert scheduled(now + timedelta(hours=2)) == []
        self.log(shop, later_cb, "confirmed")
        assert scheduled(now) == [sooner_cb, theirs_cb]
        assert plain not in scheduled(now)

    def test_orders_leave_the_queue_once_they_are_not_pending(self, shop):
        services, _, store_id, _ = shop
        by_call, fake, by_status, cancelled, callback, stays = (self.place(shop) for _ in range(6))
        now = moment()
        self.log(shop, callback, "postponed", now=now,
                 next_call_at=(now + timedelta(minutes=10)).isoformat())
        self.log(shop, by_call, "confirmed")
        self.log(shop, fake, "fake")
        # The status endpoint's path (apply_transition) takes them out too.
        services.orders.move(store_id, by_status, "confirmed", MERCHANT)
        services.orders.move(store_id, cancelled, "cancelled", MERCHANT)
        services.orders.move(store_id, callback, "cancelled", MERCHANT)
        assert self.queue(shop, now + timedelta(days=1)) == [stays]
        # A call on an order past pending does not bring it back.
        self.log(shop, by_status, "no_answer")
        assert self.queue(shop, now + timedelta(days=1)) == [stays]

    def test_an_operator_sees_their_own_and_the_unassigned(self, shop):
        fresh, mine, theirs, called, returned = (self.place(shop) for _ in range(5))
        self.assign(shop, mine, "mb_a")
        self.assign(shop, theirs, "mb_b")
        self.log(shop, called, "no_answer")           # a summary without an assignee
        self.assign(shop, returned, "mb_b")
        self.assign(shop, returned, None)             # back to everyone
        later = moment() + timedelta(minutes=1)
        assert self.queue(shop, later) == [fresh, mine, theirs, called, returned]
        assert self.queue(shop, later, member_id="mb_a") == [fresh, mine, called, returned]
        assert self.queue(shop, later, member_id="mb_b") == [fresh, theirs, called, returned]
        assert self.queue(shop, later, limit=2, member_id="mb_b") == [fresh, theirs]

    def test_a_store_sees_only_its_own_queue(self, shop):
        services, _, store_id, _ = shop
        self.place(shop)
        assert services.order_store.call_queue(f"st_{uuid.uuid4().hex}", moment(), 10) == []
        assert len(services.order_store.call_queue(store_id, moment(), 10)) == 1

    # --- auto-cancel registry ----------------------------------------------------------------
    def test_the_auto_cancel_registry(self, shop):
        store = shop[0].order_store
        store_id = shop[2]
        assert store_id not in store.auto_cancel_stores()
        store.note_auto_cancel_store(store_id)
        store.note_auto_cancel_store(store_id)
        assert store.auto_cancel_stores().count(store_id) == 1
        store.forget_auto_cancel_store(store_id)
        assert store_id not in store.auto_cancel_stores()


    # --- CallService on this store ------------------------------------------------------------
    @pytest.fixture
    def calls(self, shop):
        services, _, store_id, _ = shop
        team = {(store_id, "mb_a"): "Nadia", (store_id, "mb_b"): "Karim"}
        return CallService(services.order_store, services.accounts, services.clock,
                           lambda store, member: team.get((store, member)))

    def test_assign_names_the_member_and_refuses_strangers(self, shop, calls):
        services, _, store_id, _ = shop
        order_id = self.place(shop)
        order = calls.assign(store_id, order_id, {"member_id": "mb_b"}, MERCHANT)
        assert order.call.assigned_to == "mb_b" and order.call.attempts == 0
        _, timeline = self.read(shop, order_id)
        assert timeline[-1].event == "note_added" and "Karim" in timeline[-1].note
        before = self.read(shop, order_id)
        for body, field in (({"member_id": "mb_zz"}, "member_id"), ({}, "member_id"),
                            ({"member_id": 3}, "member_id"),
                            ({"member_id": "mb_a", "role": "x"}, "role")):
            with pytest.raises(ValidationFailed) as caught:
                calls.assign(store_id, order_id, body, MERCHANT)
            assert field in caught.value.fields
        assert self.read(shop, order_id) == before
        # A member of another store is no member of this one.
        other = CallService(services.order_store, services.accounts, services.clock,
                            lambda store, member: "Nadia" if store == "st_other" else None)
        with pytest.raises(ValidationFailed):
            other.assign(store_id, order_id, {"member_id": "mb_a"}, MERCHANT)
        assert calls.assign(store_id, order_id, {"member_id": None}, MERCHANT).call.assigned_to is None
        with pytest.raises(NotFound):
            calls.assign("st_other", order_id, {"member_id": None}, MERCHANT)

    def test_an_operator_queue_and_an_owner_queue(self, shop, calls):
        _, _, store_id, _ = shop
        fresh, nadias, karims = (self.place(shop) for _ in range(3))
        calls.assign(store_id, nadias, {"member_id": "mb_a"}, MERCHANT)
        calls.assign(store_id, karims, {"member_id": "mb_b"}, MERCHANT)
        calls.log_call(store_id, fresh, {"outcome": "no_answer"}, OPERATOR)
        ids = lambda actor, role, **query: [o.id for o in calls.queue(store_id, query, actor, role)]
        assert ids(OPERATOR, "operator") == [fresh, nadias]
        assert ids(Actor("merchant", "mb_b", "Karim"), "operator") == [fresh, karims]
        assert ids(MERCHANT, "owner") == [fresh, nadias, karims]
        assert ids(MERCHANT, "manager", limit="2") == [fresh, nadias]
        with pytest.raises(ValidationFailed):
            calls.queue(store_id, {"limit": "0"}, MERCHANT, "owner")

    def test_log_call_reads_as_the_store_sees_it(self, shop, calls):
        services, _, store_id, _ = shop
        order_id = self.place(shop)
        with pytest.raises(NotFound):
            calls.log_call("st_other", order_id, {"outcome": "busy"}, OPERATOR)
        with pytest.raises(NotFound):
            calls.log_call(store_id, "or_missing", {"outcome": "busy"}, OPERATOR)
        order = calls.log_call(store_id, order_id, {"outcome": "busy", "note": "x"}, OPERATOR)
        assert (order.call.attempts, order.call.last_outcome, order.status) == (1, "busy", "pending")
        # An unanswered call registers the store for the job, whatever its setting now.
        assert store_id in services.order_store.auto_cancel_stores()
        order = calls.log_call(store_id, order_id, {"outcome": "confirmed"}, OPERATOR)
        assert (order.call.attempts, order.status) == (2, "confirmed")
        assert self.stock(shop) == 2


class TestMemoryCallStore(OnMemory, CallStoreContract):
    pass


@pytest.mark.aws
class TestDynamoCallStore(OnDynamo, CallStoreContract):
    pass
