"""The in-memory rate-limit counters behave like the DynamoDB ones, races included."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.ratelimit.model import Counts, window_of
from tests.concurrency import race

MINUTE = datetime(2026, 12, 3, 10, 0, 0, tzinfo=timezone.utc)


def caller() -> str:
    return uuid.uuid4().hex


class RateLimitStoreContract:
    @pytest.fixture
    def store(self):
        raise NotImplementedError

    def test_requests_within_a_minute_add_up(self, store):
        who = caller()
        counts = [store.count(who, MINUTE + timedelta(seconds=s)) for s in (1, 20, 59)]
        minute = window_of(MINUTE)
        assert counts == [Counts(minute, 1, 0), Counts(minute, 2, 0), Counts(minute, 3, 0)]

    def test_the_next_minute_carries_this_ones_count_as_previous(self, store):
        who = caller()
        for _ in range(4):
            store.count(who, MINUTE)
        assert store.count(who, MINUTE + timedelta(seconds=61)) == Counts(window_of(MINUTE) + 1, 1, 4)
        assert store.count(who, MINUTE + timedelta(seconds=62)) == Counts(window_of(MINUTE) + 1, 2, 4)

    def test_a_quiet_minute_in_between_forgets_the_old_count(self, store):
        who = caller()
        store.count(who, MINUTE)
        assert store.count(who, MINUTE + timedelta(seconds=150)) == Counts(window_of(MINUTE) + 2, 1, 0)

    def test_callers_are_counted_apart(self, store):
        first, second = caller(), caller()
        store.count(first, MINUTE)
        store.count(first, MINUTE)
        assert store.count(second, MINUTE).current == 1

    def test_concurrent_requests_lose_no_count(self, store):
        who = caller()
        results = race(12, lambda n: store.count(who, MINUTE).current)
        assert sorted(results) == list(range(1, 13))

    def test_concurrent_first_requests_of_a_new_minute_each_count_once(self, store):
        who = caller()
        for _ in range(5):
            store.count(who, MINUTE)
        later = MINUTE + timedelta(seconds=60)
        results = race(12, lambda n: store.count(who, later))
        assert sorted(r.current for r in results) == list(range(1, 13))
        assert {r.previous for r in results} == {5}


class TestMemoryRateLimitStore(RateLimitStoreContract):
    @pytest.fixture
    def store(self):
        from chalicelib.ratelimit.store_memory import MemoryRateLimitStore
        return MemoryRateLimitStore()


@pytest.mark.aws
class TestDynamoRateLimitStore(RateLimitStoreContract):
    @pytest.fixture
    def store(self, dynamo_services):
        from chalicelib.ratelimit.store_dynamo import DynamoRateLimitStore
        return DynamoRateLimitStore()

    def test_counters_expire_by_ttl(self, store, dynamo_services):
        from chalicelib import dynamo
        who = caller()
        store.count(who, MINUTE)
        item = dynamo.connection().client.get_item(
            TableName=dynamo.table_name(), Key={"pk": {"S": f"RL#{who}"}, "sk": {"S": "RL"}})["Item"]
        assert int(item["ttl"]["N"]) == int(MINUTE.timestamp()) + 180
