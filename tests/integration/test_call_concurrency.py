"""Call-confirm under real concurrency on DynamoDB Local, and the auto-cancel job on a
frozen clock."""
import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from chalicelib import bootstrap
from chalicelib.errors import NotFound
from chalicelib.orders.call_service import CallService
from chalicelib.orders.model import Actor
from tests.concurrency import race

pytestmark = pytest.mark.aws

OPERATORS = [Actor("merchant", f"mb_{n}", f"Opératrice {n}") for n in range(10)]
OWNER = Actor("merchant", "ac_1", "Amina")


def open_shop(services, stock=10):
    slug = f"calls-{uuid.uuid4().hex[:10]}"
    store_id = services.accounts.signup({
        "email": f"{slug}@example.dz", "password": "sel-et-poivre-2026",
        "store": {"name": "Appels", "slug": slug}})["store"]["id"]
    product = services.catalog.create_product(store_id, {"name": "Robe", "price": 900, "stock": stock})
    return slug, store_id, product


def place(services, slug, product, quantity=1):
    return services.orders.place_order(slug, {
        "customer": {"name": "Client", "phone": "0555123456"},
        "shipping": {"wilaya": 16, "commune": "1605", "address": "x", "delivery_type": "home"},
        "items": [{"product_id": product.id, "quantity": quantity}]}, None)[0]["id"]


@pytest.fixture
def shop(dynamo_services):
    return (dynamo_services, *open_shop(dynamo_services))


def calls_logged(timeline):
    return [e for e in timeline if e.event == "call_logged"]


def test_two_operators_calling_at_once_are_both_recorded(shop):
    services, slug, store_id, product = shop
    order_id = place(services, slug, product)
    outcomes = ["no_answer", "busy"]
    results = race(2, lambda n: services.calls.log_call(
        store_id, order_id, {"outcome": outcomes[n], "note": f"appel {n}"}, OPERATORS[n]).call.attempts)
    # Each answer is the order read after its own write (the other may have landed too).
    assert len(results) == 2 and set(results) <= {1, 2}
    order, timeline = services.orders.order(store_id, order_id)
    logged = calls_logged(timeline)
    assert sorted(e.data["attempt"] for e in logged) == [1, 2]
    assert {(e.actor.id, e.data["outcome"]) for e in logged} == {("mb_0", "no_answer"), ("mb_1", "busy")}
    assert (order.call.attempts, order.call.unanswered, order.status) == (2, 2, "pending")


def test_a_confirm_and_a_no_answer_at_once_both_land_with_one_move(shop):
    services, slug, store_id, product = shop
    order_id = place(services, slug, product, quantity=3)
    outcomes = ["confirmed", "no_answer"]
    results = race(2, lambda n: services.calls.log_call(
        store_id, order_id, {"outcome": outcomes[n]}, OPERATORS[n]).status)
    assert len(results) == 2 and set(results) <= {"pending", "confirmed"}
    order, timeline = services.orders.order(store_id, order_id)
    assert sorted(e.data["attempt"] for e in calls_logged(timeline)) == [1, 2]
    assert [(e.from_status, e.to_status) for e in timeline if e.event == "status_changed"] == [
        ("pending", "confirmed")]
    assert order.status == "confirmed" and order.call.attempts == 2
    assert services.catalog.product(store_id, product.id).variants[0].stock == 7


def test_ten_operators_calling_at_once_never_lose_or_share_an_attempt(shop):
    services, slug, store_id, product = shop
    order_id = place(services, slug, product)
    outcomes = ["no_answer", "busy", "unreachable", "no_answer", "busy"] * 2
    results = race(10, lambda n: services.calls.log_call(
        store_id, order_id, {"outcome": outcomes[n]}, OPERATORS[n]).call.attempts)
    recorded = [r for r in results if isinstance(r, int)]
    # A call the service could not land after its retries is refused as a whole (409).
    assert set(results) - set(recorded) <= {"concurrent_change"}
    order, timeline = services.orders.order(store_id, order_id)
    logged = calls_logged(timeline)
    assert sorted(e.data["attempt"] for e in logged) == list(range(1, len(recorded) + 1))
    assert len({e.actor.id for e in logged}) == len(recorded)
    assert order.call.attempts == order.call.unanswered == len(recorded) >= 2


@pytest.mark.parametrize("outcomes, status, stock", [
    (["confirmed"] * 10, "confirmed", 9),
    (["cancelled", "fake", "wrong_number", "duplicate", "cancelled"] * 2, "cancelled", 10),
])
def test_many_moves_by_call_at_once_change_the_status_once(shop, outcomes, status, stock):
    services, slug, store_id, product = shop
    order_id = place(services, slug, product)
    results = race(10, lambda n: services.calls.log_call(
        store_id, order_id, {"outcome": outcomes[n]}, OPERATORS[n]).status)
    assert results.count(status) == 1
    assert set(results) - {status} <= {"invalid_transition", "concurrent_change"}
    order, timeline = services.orders.order(store_id, order_id)
    moves = [e for e in timeline if e.event == "status_changed"]
    assert [(e.from_status, e.to_status) for e in moves] == [("pending", status)]
    # Nothing partial: the one call that moved the order is the one call logged.
    [logged] = calls_logged(timeline)
    assert logged.actor == moves[0].actor and logged.data["attempt"] == 1
    assert order.status == status and order.call.attempts == 1
    assert services.catalog.product(store_id, product.id).variants[0].stock == stock


# --- auto-cancel on a frozen clock -----------------------------------------------------------
class FrozenClock:
    def __init__(self):
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


class StoreSettings:
    """The store lookup the job reads `auto_cancel_after_attempts` from; the real
    accounts store does not carry that setting yet."""

    def __init__(self, accounts):
        self._accounts, self.threshold = accounts, {}

    def get_store(self, store_id):
        if store_id not in self.threshold:
            raise NotFound("No such store.")      # another test's store: the job forgets it
        return SimpleNamespace(restock_on_return=self._accounts.get_store(store_id).restock_on_return,
                               auto_cancel_after_attempts=self.threshold[store_id])


@pytest.fixture
def frozen(aws):
    clock = FrozenClock()
    services = bootstrap.build(aws.settings, clock=clock)
    stores = StoreSettings(services.accounts)
    calls = CallService(services.order_store, stores, clock, lambda store_id, member_id: None)
    return services, calls, stores, clock


def test_the_job_cancels_after_n_unanswered_calls_and_leaves_the_rest(frozen):
    services, calls, stores, clock = frozen
    slug, store_id, product = open_shop(services)
    stores.threshold[store_id] = 3
    reached, short, answered, confirmed = (place(services, slug, product) for _ in range(4))
    for outcome in ("no_answer", "busy", "unreachable"):
        clock.advance(hours=2)
        calls.log_call(store_id, reached, {"outcome": outcome}, OPERATORS[0])
    for outcome in ("no_answer", "busy"):
        calls.log_call(store_id, short, {"outcome": outcome}, OPERATORS[0])
    # Answered calls are not unanswered ones.
    calls.log_call(store_id, answered, {"outcome": "no_answer"}, OPERATORS[0])
    calls.log_call(store_id, answered, {"outcome": "postponed",
                                        "next_call_at": "2026-11-26T10:00:00Z"}, OPERATORS[0])
    calls.log_call(store_id, answered, {"outcome": "busy"}, OPERATORS[0])
    for _ in range(3):
        calls.log_call(store_id, confirmed, {"outcome": "no_answer"}, OPERATORS[0])
    services.orders.move(store_id, confirmed, "confirmed", OWNER)
    assert store_id in services.order_store.auto_cancel_stores()

    clock.advance(minutes=15)
    assert calls.auto_cancel() == 1
    order, timeline = services.orders.order(store_id, reached)
    assert order.status == "cancelled" and order.call.attempts == 3
    last = timeline[-1]
    assert (last.event, last.from_status, last.to_status) == ("status_changed", "pending", "cancelled")
    assert last.actor.type == "system" and last.note and "3" in last.note
    assert last.at == clock.now
    assert [services.orders.order(store_id, i)[0].status for i in (short, answered, confirmed)] == [
        "pending", "pending", "confirmed"]
    assert services.catalog.product(store_id, product.id).variants[0].stock == 9
    queued = [o.id for o in services.order_store.call_queue(store_id, clock.now, 10)]
    assert reached not in queued and short in queued

    # Nothing more to do until another unanswered call.
    assert calls.auto_cancel() == 0
    clock.advance(hours=1)
    calls.log_call(store_id, short, {"outcome": "no_answer"}, OPERATORS[0])
    assert calls.auto_cancel() == 1
    assert services.orders.order(store_id, short)[0].status == "cancelled"


def test_a_store_that_turned_the_setting_off_is_left_alone(frozen):
    services, calls, stores, clock = frozen
    slug, store_id, product = open_shop(services)
    stores.threshold[store_id] = 2
    order_id = place(services, slug, product)
    for _ in range(2):
        calls.log_call(store_id, order_id, {"outcome": "no_answer"}, OPERATORS[0])
    stores.threshold[store_id] = None
    assert calls.auto_cancel() == 0
    assert services.orders.order(store_id, order_id)[0].status == "pending"
    # Still known: turned on again, the next run cancels what already reached it.
    stores.threshold[store_id] = 2
    assert calls.auto_cancel() == 1
    assert services.orders.order(store_id, order_id)[0].status == "cancelled"


def test_a_setting_turned_on_later_catches_orders_that_already_reached_it(frozen):
    services, calls, stores, clock = frozen
    slug, store_id, product = open_shop(services)
    stores.threshold[store_id] = None
    order_id = place(services, slug, product)
    for _ in range(2):
        calls.log_call(store_id, order_id, {"outcome": "no_answer"}, OPERATORS[0])
    assert calls.auto_cancel() == 0
    stores.threshold[store_id] = 2
    assert calls.auto_cancel() == 1
    assert services.orders.order(store_id, order_id)[0].status == "cancelled"
