"""The in-memory WebhookStore behaves like the DynamoDB one."""
import threading
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.errors import AlreadyExists, ConcurrentChange
from chalicelib.ids import new_id
from chalicelib.webhooks.model import (COUNT, FAILED, PENDING, RESET, RETRYING, SUCCEEDED, Attempt,
                                       AttemptPlan, Delivery, DeliveryRef, Endpoint, WebhookLimitReached,
                                       delivery_id, delivery_ref)
from chalicelib.webhooks.store_memory import MemoryWebhookStore

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)


def make_endpoint(store_id=None, **changes):
    values = dict(id=new_id("wh_"), store_id=store_id or new_id("st_"),
                  url="https://hooks.example.dz/in", events=("order.created", "order.shipped"),
                  secret="whsec_c2VjcmV0", created_at=NOW, updated_at=NOW, description="ERP")
    values.update(changes)
    return Endpoint(**values)


def make_delivery(endpoint, at="2026-11-25T09:30:00.000Z", event_id=None):
    event_id = event_id or new_id("evt_")
    return Delivery(id=delivery_id(endpoint.id, event_id, at), store_id=endpoint.store_id,
                    endpoint_id=endpoint.id, event_id=event_id, event_type="order.created",
                    event_at=at, payload='{"type":"order.created","data":{"note":"سلام"}}',
                    created_at=NOW, next_attempt_at=NOW)


def plan(number, state, counter=None, code=500, next_at=None):
    attempt = Attempt(number=number, at=NOW + timedelta(seconds=number), status_code=code,
                      duration_ms=40, error=None if code else "timed out",
                      response_excerpt="é" * 10)
    return AttemptPlan(attempt, state, next_at, None, counter)


def fetch(store, delivery):
    return store.delivery(delivery_ref(delivery.id), delivery.id)


class WebhookStoreContract:
    @pytest.fixture
    def store(self):
        raise NotImplementedError

    def test_endpoint_round_trip_and_listing(self, store):
        endpoint = make_endpoint(previous_secret="whsec_b2xk",
                                 previous_secret_expires_at=NOW + timedelta(hours=24),
                                 request_hash="abc")
        store.create_endpoint(endpoint, 10)
        assert store.endpoint(endpoint.store_id, endpoint.id) == endpoint
        assert store.endpoints(endpoint.store_id) == [endpoint]
        assert store.endpoint("st_other", endpoint.id) is None
        with pytest.raises(AlreadyExists):
            store.create_endpoint(endpoint, 10)

    def test_the_limit_holds_and_deleting_frees_a_place(self, store):
        store_id = new_id("st_")
        made = [make_endpoint(store_id) for _ in range(3)]
        for endpoint in made:
            store.create_endpoint(endpoint, 3)
        with pytest.raises(WebhookLimitReached):
            store.create_endpoint(make_endpoint(store_id), 3)
        assert store.delete_endpoint(store_id, made[0].id) is True
        assert store.delete_endpoint(store_id, made[0].id) is False
        store.create_endpoint(make_endpoint(store_id), 3)
        assert len(store.endpoints(store_id)) == 3

    def test_the_limit_holds_under_concurrent_creates(self, store):
        store_id = new_id("st_")
        outcomes = []

        def attempt():
            try:
                store.create_endpoint(make_endpoint(store_id), 2)
                outcomes.append("ok")
            except (WebhookLimitReached, ConcurrentChange):
                outcomes.append("refused")
        threads = [threading.Thread(target=attempt) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(store.endpoints(store_id)) <= 2
        assert outcomes.count("ok") == len(store.endpoints(store_id))

    def test_update_writes_only_the_named_fields_under_the_version(self, store):
        endpoint = make_endpoint()
        store.create_endpoint(endpoint, 10)
        # A delivery counts one dead meanwhile; the settings change must not undo it.
        delivery = make_delivery(endpoint)
        store.create_delivery(delivery, NOW + timedelta(days=30))
        store.record_attempt(delivery, plan(1, FAILED, COUNT, code=400))
        changed = endpoint.changed(url="https://other.example.dz/x", description="",
                                   consecutive_dead=0, updated_at=NOW + timedelta(minutes=1), version=2)
        store.update_endpoint(changed, ["url", "description"], 1)
        stored = store.endpoint(endpoint.store_id, endpoint.id)
        assert (stored.url, stored.description, stored.version) == ("https://other.example.dz/x", "", 2)
        assert stored.consecutive_dead == 1
        assert stored.updated_at == NOW + timedelta(minutes=1)
        with pytest.raises(ConcurrentChange):
            store.update_endpoint(changed, ["url"], 1)

    def test_update_can_clear_optional_fields(self, store):
        endpoint = make_endpoint(enabled=False, disabled_reason="merchant", disabled_at=NOW)
        store.create_endpoint(endpoint, 10)
        changed = endpoint.changed(enabled=True, disabled_reason=None, disabled_at=None, version=2)
        store.update_endpoint(changed, ["enabled", "disabled_reason", "disabled_at"], 1)
        stored = store.endpoint(endpoint.store_id, endpoint.id)
        assert (stored.enabled, stored.disabled_reason, stored.disabled_at) == (True, None, None)

    def test_disable_only_past_the_threshold_and_once(self, store):
        endpoint = make_endpoint()
        store.create_endpoint(endpoint, 10)
        assert store.disable_endpoint(endpoint.store_id, endpoint.id, "consecutive_dead", NOW, 1) is False
        delivery = make_delivery(endpoint)
        store.create_delivery(delivery, NOW + timedelta(days=30))
        store.record_attempt(delivery, plan(1, FAILED, COUNT, code=400))
        assert store.disable_endpoint(endpoint.store_id, endpoint.id, "consecutive_dead", NOW, 1) is True
        assert store.disable_endpoint(endpoint.store_id, endpoint.id, "consecutive_dead", NOW, 1) is False
        stored = store.endpoint(endpoint.store_id, endpoint.id)
        assert (stored.enabled, stored.disabled_reason, stored.disabled_at, stored.version) == \
            (False, "consecutive_dead", NOW, 2)

    def test_a_delivery_is_created_once(self, store):
        endpoint = make_endpoint()
        store.create_endpoint(endpoint, 10)
        delivery = make_delivery(endpoint)
        assert store.create_delivery(delivery, NOW + timedelta(days=30)) == (delivery, True)
        stored, created = store.create_delivery(delivery, NOW + timedelta(days=30))
        assert (stored, created) == (delivery, False)
        assert fetch(store, delivery) == delivery

    def test_claims_are_exclusive_until_they_expire(self, store):
        endpoint = make_endpoint()
        delivery = make_delivery(endpoint)
        store.create_delivery(delivery, NOW + timedelta(days=30))
        assert store.claim_attempt(delivery, 2, NOW, NOW + timedelta(seconds=40)) is False
        assert store.claim_attempt(delivery, 1, NOW, NOW + timedelta(seconds=40)) is True
        assert store.claim_attempt(delivery, 1, NOW + timedelta(seconds=5), NOW + timedelta(seconds=45)) is False
        later = NOW + timedelta(seconds=41)
        assert store.claim_attempt(delivery, 1, later, later + timedelta(seconds=40)) is True

    def test_only_one_of_concurrent_claims_wins(self, store):
        endpoint = make_endpoint()
        delivery = make_delivery(endpoint)
        store.create_delivery(delivery, NOW + timedelta(days=30))
        wins = []

        def claim():
            if store.claim_attempt(delivery, 1, NOW, NOW + timedelta(seconds=40)):
                wins.append(1)
        threads = [threading.Thread(target=claim) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(wins) == 1

    def test_attempts_are_recorded_once_each_and_move_the_counter(self, store):
        endpoint = make_endpoint()
        store.create_endpoint(endpoint, 10)
        delivery = make_delivery(endpoint)
        store.create_delivery(delivery, NOW + timedelta(days=30))
        first = plan(1, RETRYING, code=None, next_at=NOW + timedelta(minutes=1))
        assert store.record_attempt(delivery, first) is True
        assert store.record_attempt(delivery, first) is False
        stored = fetch(store, delivery)
        assert (stored.state, stored.attempts, stored.next_attempt_at) == \
            (RETRYING, (first.attempt,), NOW + timedelta(minutes=1))
        assert store.record_attempt(delivery, plan(2, FAILED, COUNT, code=410)) is True
        assert store.endpoint(endpoint.store_id, endpoint.id).consecutive_dead == 1
        assert fetch(store, delivery).next_attempt_at is None
        other = make_delivery(endpoint)
        store.create_delivery(other, NOW + timedelta(days=30))
        store.record_attempt(other, plan(1, SUCCEEDED, RESET, code=200))
        assert store.endpoint(endpoint.store_id, endpoint.id).consecutive_dead == 0

    def test_concurrent_dead_deliveries_all_count(self, store):
        endpoint = make_endpoint()
        store.create_endpoint(endpoint, 10)
        made = [make_delivery(endpoint) for _ in range(5)]
        for delivery in made:
            store.create_delivery(delivery, NOW + timedelta(days=30))
        threads = [threading.Thread(target=store.record_attempt,
                                    args=(d, plan(1, FAILED, COUNT, code=400))) for d in made]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert store.endpoint(endpoint.store_id, endpoint.id).consecutive_dead == 5

    def test_an_attempt_for_a_deleted_endpoint_is_still_recorded(self, store):
        endpoint = make_endpoint()
        store.create_endpoint(endpoint, 10)
        delivery = make_delivery(endpoint)
        store.create_delivery(delivery, NOW + timedelta(days=30))
        store.delete_endpoint(endpoint.store_id, endpoint.id)
        assert store.record_attempt(delivery, plan(1, FAILED, COUNT, code=400)) is True
        assert store.endpoint(endpoint.store_id, endpoint.id) is None
        assert fetch(store, delivery).state == FAILED

    def test_restart_starts_one_new_cycle_of_a_finished_delivery(self, store):
        endpoint = make_endpoint()
        delivery = make_delivery(endpoint)
        store.create_delivery(delivery, NOW + timedelta(days=30))
        assert store.restart_delivery(delivery, NOW, NOW + timedelta(days=30)) is False
        store.record_attempt(delivery, plan(1, FAILED, code=400))
        finished = fetch(store, delivery)
        assert store.restart_delivery(finished, NOW, NOW + timedelta(days=30)) is True
        assert store.restart_delivery(finished, NOW, NOW + timedelta(days=30)) is False
        restarted = fetch(store, delivery)
        assert (restarted.state, restarted.cycle_start, restarted.next_number) == (PENDING, 1, 2)
        assert store.claim_attempt(restarted, 2, NOW, NOW + timedelta(seconds=40)) is True

    def test_deliveries_page_newest_first(self, store):
        endpoint = make_endpoint()
        made = [make_delivery(endpoint, at=f"2026-11-25T09:3{n}:00.000Z") for n in range(5)]
        for delivery in made:
            store.create_delivery(delivery, NOW + timedelta(days=30))
        other = make_endpoint()
        store.create_delivery(make_delivery(other), NOW + timedelta(days=30))
        first, position = store.deliveries(endpoint.id, 2, None)
        second, position2 = store.deliveries(endpoint.id, 2, position)
        third, end = store.deliveries(endpoint.id, 2, position2)
        assert [d.id for d in first + second + third] == [d.id for d in reversed(made)]
        assert end is None
        assert store.deliveries(endpoint.id, 5, None)[1] is None

    def test_a_delivery_is_found_only_at_its_own_key(self, store):
        endpoint = make_endpoint()
        delivery = make_delivery(endpoint)
        store.create_delivery(delivery, NOW + timedelta(days=30))
        assert store.delivery(DeliveryRef(endpoint.id, "2026-11-25T10:00:00.000Z"), delivery.id) is None
        assert store.delivery(DeliveryRef("wh_other", delivery.event_at), delivery.id) is None


class TestMemoryWebhookStore(WebhookStoreContract):
    @pytest.fixture
    def store(self):
        return MemoryWebhookStore()


@pytest.mark.aws
class TestDynamoWebhookStore(WebhookStoreContract):
    @pytest.fixture
    def store(self, dynamo_services):
        from chalicelib.webhooks.store_dynamo import DynamoWebhookStore
        return DynamoWebhookStore()
