"""The in-memory RatesStore behaves like the DynamoDB one."""
import threading

import pytest

from chalicelib.ids import new_id
from chalicelib.shipping.store_memory import MemoryRatesStore


class RatesStoreContract:
    @pytest.fixture
    def store(self):
        raise NotImplementedError

    def test_nothing_saved_reads_empty(self, store):
        assert store.overrides(new_id("st_")) == {}

    def test_saves_merge_per_wilaya_and_member(self, store):
        store_id = new_id("st_")
        store.save_overrides(store_id, {16: {"home": 350, "stop_desk": None}})
        store.save_overrides(store_id, {16: {"enabled": False}, 1: {"home": 1500}})
        assert store.overrides(store_id) == {16: {"home": 350, "stop_desk": None, "enabled": False},
                                             1: {"home": 1500}}

    def test_stores_are_separate(self, store):
        first, second = new_id("st_"), new_id("st_")
        store.save_overrides(first, {5: {"home": 1}})
        assert store.overrides(second) == {}

    def test_concurrent_edits_of_different_wilayas_are_all_kept(self, store):
        store_id = new_id("st_")
        threads = [threading.Thread(target=store.save_overrides,
                                    args=(store_id, {code: {"home": 1000 + code}}))
                   for code in range(1, 5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert store.overrides(store_id) == {code: {"home": 1000 + code} for code in range(1, 5)}


class TestMemoryRatesStore(RatesStoreContract):
    @pytest.fixture
    def store(self):
        return MemoryRatesStore()


@pytest.mark.aws
class TestDynamoRatesStore(RatesStoreContract):
    @pytest.fixture
    def store(self, dynamo_services):
        from chalicelib.shipping.store_dynamo import DynamoRatesStore
        return DynamoRatesStore()
