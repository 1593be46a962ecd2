"""The in-memory FraudStore behaves like the DynamoDB one."""
import threading
import uuid
from datetime import timedelta

import pytest

from chalicelib.clock import utcnow
from chalicelib.errors import PhoneBlocked
from chalicelib.fraud.model import Block, CheckoutLimits, Counter
from chalicelib.ids import new_id


def signup(services, **settings):
    suffix = uuid.uuid4().hex[:10]
    store_id = services.accounts.signup({"email": f"c-{suffix}@example.dz",
                                         "password": "sel-et-poivre-2026",
                                         "store": {"name": "C", "slug": f"c-{suffix}"}})["store"]["id"]
    if settings:
        services.accounts.update_store(store_id, settings)
    return store_id


def block(store_id, phone="+213555123456", reason="fake"):
    return Block(store_id=store_id, phone=phone, reason=reason,
                 created_at=utcnow().replace(microsecond=0), created_by="ac_1")


class FraudStoreContract:
    @pytest.fixture
    def services(self):
        raise NotImplementedError

    @pytest.fixture
    def store(self, services):
        raise NotImplementedError

    def test_add_keeps_the_first_entry_per_phone(self, store):
        store_id = new_id("st_")
        first = block(store_id)
        assert store.add_block(first) == first
        assert store.add_block(block(store_id, reason="again")) == first
        assert store.block(store_id, first.phone) == first
        assert store.block(new_id("st_"), first.phone) is None

    def test_remove_only_what_is_there(self, store):
        store_id = new_id("st_")
        store.add_block(block(store_id))
        assert store.remove_block(new_id("st_"), "+213555123456") is False
        assert store.remove_block(store_id, "+213555123456") is True
        assert store.remove_block(store_id, "+213555123456") is False
        assert store.block(store_id, "+213555123456") is None

    def test_pages_in_phone_order(self, store):
        store_id = new_id("st_")
        for n in (3, 1, 4, 0, 2):
            store.add_block(block(store_id, f"+21355512345{n}"))
        first, after = store.blocks(store_id, 2)
        second, after2 = store.blocks(store_id, 2, after)
        third, end = store.blocks(store_id, 2, after2)
        assert [b.phone[-1] for b in first + second + third] == list("01234")
        assert end is None
        assert store.blocks(new_id("st_"), 10) == ([], None)

    def test_checkout_limits_read_the_store_settings(self, services, store):
        plain = signup(services)
        limited = signup(services, checkout_limits={"per_phone_per_hour": 3})
        assert store.checkout_limits(plain) == CheckoutLimits()
        assert store.checkout_limits(limited) == CheckoutLimits(per_phone_per_hour=3)

    def test_block_key_names_the_entry(self, store):
        store_id = new_id("st_")
        key = store.block_key(store_id, "+213555123456")
        assert store.holds(key) is False
        store.add_block(block(store_id))
        assert store.holds(key) is True
        assert store.holds(store.block_key(new_id("st_"), "+213555123456")) is False
        store.remove_block(store_id, "+213555123456")
        assert store.holds(key) is False

    def test_a_blocked_phone_is_refused_by_the_checkout_transaction(self, services):
        store_id = signup(services)
        slug = services.accounts.get_store(store_id).slug
        product = services.catalog.create_product(store_id, {"name": "Robe", "price": 1000})
        body = {"customer": {"name": "Client", "phone": "0555123456"},
                "shipping": {"wilaya": 16, "commune": "1605", "address": "x",
                             "delivery_type": "home"},
                "items": [{"product_id": product.id, "quantity": 1}]}
        services.orders.place_order(slug, body, None)      # the container now remembers the store
        entry, _ = services.fraud.add_block(store_id, {"phone": "0555123456"}, None)
        key = uuid.uuid4().hex
        with pytest.raises(PhoneBlocked):
            services.orders.place_order(slug, body, key)
        assert len(services.orders.list_orders(store_id, {})[0]) == 1    # nothing written
        services.fraud.remove_block(store_id, entry.id)
        placed, replayed = services.orders.place_order(slug, body, key)   # the key was not used
        assert not replayed and placed["number"] == 1002                  # nor the number

    def test_counter_stops_at_its_limit_even_under_races(self, store):
        counter = Counter(f"RATE#{new_id('st_')}#P#+213555123456#2026031415", 5,
                          utcnow() + timedelta(hours=2))
        results = []
        threads = [threading.Thread(target=lambda: results.append(store.count(counter)))
                   for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results.count(True) == 5 and results.count(False) == 7


class TestMemoryFraudStore(FraudStoreContract):
    @pytest.fixture
    def services(self, memory_services):
        return memory_services

    @pytest.fixture
    def store(self, services):
        from chalicelib.fraud.store_memory import MemoryFraudStore
        return MemoryFraudStore(services.account_store)


@pytest.mark.aws
class TestDynamoFraudStore(FraudStoreContract):
    @pytest.fixture
    def services(self, dynamo_services):
        return dynamo_services

    @pytest.fixture
    def store(self, services):
        from chalicelib.fraud.store_dynamo import DynamoFraudStore
        return DynamoFraudStore()
