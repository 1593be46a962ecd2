"""The in-memory analytics counter store behaves like the DynamoDB one."""
import threading
from datetime import datetime, timezone

import pytest

from chalicelib.analytics.model import CounterMove
from chalicelib.analytics.store_memory import MemoryCounterStore
from chalicelib.ids import new_id

NOW = datetime(2025, 3, 9, tzinfo=timezone.utc)


def move(store_id, day, value="16", dimension="wilaya", **counters):
    return CounterMove(store_id, dimension, value, day, tuple(sorted(counters.items())))


def counts(rows):
    return {(day, value): {k: v for k, v in c.items() if v} for day, value, c in rows}


class CounterStoreContract:
    @pytest.fixture
    def store(self):
        raise NotImplementedError

    def test_nothing_counted_reads_empty(self, store):
        assert store.day_rows(new_id("st_"), "wilaya", "2025-01-01", "2025-12-31") == []

    def test_adds_accumulate_per_day_and_value(self, store):
        shop = new_id("st_")
        assert store.apply("analytics", new_id("ev_"), [move(shop, "2025-03-07", orders=1)], NOW)
        assert store.apply("analytics", new_id("ev_"), [
            move(shop, "2025-03-07", delivered=1, cod=5400),
            move(shop, "2025-03-07", "yalidine", "courier", delivered=1, cod=5400)], NOW)
        store.apply("analytics", new_id("ev_"), [move(shop, "2025-03-07", orders=1)], NOW)
        store.apply("analytics", new_id("ev_"), [move(shop, "2025-03-08", "5", orders=1)], NOW)
        assert counts(store.day_rows(shop, "wilaya", "2025-03-07", "2025-03-08")) == {
            ("2025-03-07", "16"): {"orders": 2, "delivered": 1, "cod": 5400},
            ("2025-03-08", "5"): {"orders": 1}}
        assert counts(store.day_rows(shop, "courier", "2025-03-01", "2025-03-31")) == {
            ("2025-03-07", "yalidine"): {"delivered": 1, "cod": 5400}}

    def test_a_redelivered_event_adds_nothing(self, store):
        shop, event_id = new_id("st_"), new_id("ev_")
        assert store.apply("analytics", event_id, [move(shop, "2025-03-07", orders=1)], NOW) is True
        assert store.apply("analytics", event_id, [move(shop, "2025-03-07", orders=1)], NOW) is False
        assert counts(store.day_rows(shop, "wilaya", "2025-03-07", "2025-03-07")) == {
            ("2025-03-07", "16"): {"orders": 1}}

    def test_the_range_is_inclusive_and_stores_are_separate(self, store):
        shop, other = new_id("st_"), new_id("st_")
        for day in ("2025-02-28", "2025-03-01", "2025-03-31", "2025-04-01"):
            store.apply("analytics", new_id("ev_"), [move(shop, day, orders=1)], NOW)
        store.apply("analytics", new_id("ev_"), [move(other, "2025-03-15", orders=1)], NOW)
        assert sorted(counts(store.day_rows(shop, "wilaya", "2025-03-01", "2025-03-31"))) == [
            ("2025-03-01", "16"), ("2025-03-31", "16")]

    def test_concurrent_events_on_one_counter_all_count(self, store):
        shop = new_id("st_")

        def count_one():
            for _ in range(20):   # a conflicting transaction is retried, as the queue would
                try:
                    store.apply("analytics", new_id("ev_"), [move(shop, "2025-03-07", orders=1)], NOW)
                    return
                except Exception:   # noqa: BLE001 - ConcurrentChange from DynamoDB
                    continue
        threads = [threading.Thread(target=count_one) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert counts(store.day_rows(shop, "wilaya", "2025-03-07", "2025-03-07")) == {
            ("2025-03-07", "16"): {"orders": 6}}


class TestMemoryCounterStore(CounterStoreContract):
    @pytest.fixture
    def store(self):
        return MemoryCounterStore()


@pytest.mark.aws
class TestDynamoCounterStore(CounterStoreContract):
    @pytest.fixture
    def store(self, dynamo_services):
        from chalicelib.analytics.store_dynamo import DynamoCounterStore
        return DynamoCounterStore()
