"""The in-memory OrderStore behaves like the DynamoDB one (driven through OrderService)."""
import uuid

import pytest

from chalicelib import bootstrap
from chalicelib.errors import (ConcurrentChange, IdempotencyKeyReused, InsufficientStock,
                               InvalidTransition, NotFound, PhoneBlocked, ValidationFailed)
from chalicelib.orders.model import Actor
from chalicelib.orders.ports import SnapshotStale

ACTOR = Actor("merchant", "ac_1", "Amina")


class OnMemory:
    @pytest.fixture
    def services(self):
        from chalicelib.config import Settings
        return bootstrap.build(Settings(scrypt_n=1024), store_kind="memory")


class OnDynamo:
    @pytest.fixture
    def services(self, dynamo_services):
        return dynamo_services


class WithShop:
    """A fresh store with one product (three in stock), on the services under test."""

    @pytest.fixture
    def services(self):
        raise NotImplementedError

    @pytest.fixture
    def shop(self, services):
        slug = f"c-{uuid.uuid4().hex[:10]}"
        store_id = services.accounts.signup({"email": f"{slug}@example.dz", "password": "sel-et-poivre-2026",
                                             "store": {"name": "C", "slug": slug}})["store"]["id"]
        product = services.catalog.create_product(store_id, {"name": "Robe", "price": 1000, "stock": 3})
        return services, slug, store_id, product


class OrderStoreContract(WithShop):

    def place(self, shop, quantity=1, key=None, name="Amina Benali", phone="0555123456"):
        services, slug, _, product = shop
        body = {"customer": {"name": name, "phone": phone},
                "shipping": {"wilaya": 16, "commune": "1605", "address": "x", "delivery_type": "home"},
                "items": [{"product_id": product.id, "quantity": quantity}]}
        return services.orders.place_order(slug, body, key)

    def test_numbers_start_at_1001_and_follow(self, shop):
        assert [self.place(shop)[0]["number"] for _ in range(3)] == [1001, 1002, 1003]

    def test_idempotency(self, shop):
        key = uuid.uuid4().hex
        first, replayed = self.place(shop, key=key)
        again, replayed_again = self.place(shop, key=key)
        assert (replayed, replayed_again) == (False, True) and again == first
        with pytest.raises(IdempotencyKeyReused):
            self.place(shop, quantity=2, key=key)

    def test_a_blocked_phone_writes_nothing(self, shop):
        services, _, store_id, _ = shop
        entry, _ = services.fraud.add_block(store_id, {"phone": "0555123456"}, None)
        key = uuid.uuid4().hex
        with pytest.raises(PhoneBlocked):
            self.place(shop, key=key)
        assert services.orders.list_orders(store_id, {})[0] == []
        assert self.place(shop, phone="0666123456")[0]["number"] == 1001   # no number used
        services.fraud.remove_block(store_id, entry.id)
        assert self.place(shop, key=key)[0]["number"] == 1002              # nor the key

    def test_recent_carts_are_the_phones_newest_orders(self, shop):
        services, _, store_id, product = shop
        first, second = self.place(shop)[0], self.place(shop)[0]
        self.place(shop, phone="0666123456")
        store = services.order_store
        carts = store.recent_carts(store_id, "+213555123456", "2000-01-01", 5)
        assert [c.id for c in carts] == [second["id"], first["id"]]
        assert carts[0].created_at == services.orders.order(store_id, second["id"])[0].created_at
        assert {(l.product_id, l.variant_id) for l in carts[0].lines} == {
            (product.id, product.variants[0].id)}
        assert [c.id for c in store.recent_carts(store_id, "+213555123456", "2000-01-01", 1)] == [
            second["id"]]
        assert store.recent_carts(store_id, "+213555123456", "2999-01-01", 5) == []

    def test_read_back_with_timeline(self, shop):
        services, _, store_id, _ = shop
        order_id = self.place(shop)[0]["id"]
        order, timeline = services.orders.order(store_id, order_id)
        assert order.customer_phone == "+213555123456" and order.totals.total == 1400
        assert [e.event for e in timeline] == ["created"]
        with pytest.raises(NotFound):
            services.orders.order("st_other", order_id)

    def test_transition_is_guarded_and_moves_stock(self, shop):
        services, _, store_id, product = shop
        order_id = self.place(shop, quantity=2)[0]["id"]
        services.orders.move(store_id, order_id, "confirmed", ACTOR)
        assert services.catalog.product(store_id, product.id).variants[0].stock == 1
        with pytest.raises(InvalidTransition):
            services.orders.move(store_id, order_id, "confirmed", ACTOR)
        second = self.place(shop, quantity=2)[0]["id"]
        with pytest.raises(InsufficientStock):
            services.orders.move(store_id, second, "confirmed", ACTOR)
        assert services.orders.order(store_id, second)[0].status == "pending"
        services.orders.move(store_id, order_id, "cancelled", ACTOR)
        assert services.catalog.product(store_id, product.id).variants[0].stock == 3

    def test_stale_plan_is_refused(self, shop):
        services, _, store_id, _ = shop
        order_id = self.place(shop)[0]["id"]
        from chalicelib.orders.states import plan_transition
        stale, _ = services.orders.order(store_id, order_id)
        services.orders.add_note(store_id, order_id, {"text": "rappeler"}, ACTOR)
        with pytest.raises(ConcurrentChange):
            services.order_store.apply_transition(
                plan_transition(stale, "cancelled", ACTOR, stale.created_at))

    def test_lists_by_every_filter(self, shop):
        services, _, store_id, _ = shop
        first = self.place(shop)[0]
        second = self.place(shop, name="Karim Haddad", phone="0661234567")[0]
        services.orders.move(store_id, second["id"], "confirmed", ACTOR)
        ids = lambda **params: [o.id for o in services.orders.list_orders(store_id, params)[0]]
        assert ids() == [second["id"], first["id"]]
        assert ids(status="confirmed") == [second["id"]]
        assert ids(status="pending", wilaya="16") == [first["id"]]
        assert ids(q="+213 661 23 45 67") == [second["id"]]
        assert ids(q="KARIM") == [second["id"]]
        assert ids(q=str(first["number"])) == [first["id"]]
        assert ids(q=str(first["number"]), status="confirmed") == []
        assert ids(**{"from": "2000-01-01", "to": "2000-12-31"}) == []
        page, cursor = services.orders.list_orders(store_id, {"limit": "1"})
        rest, end = services.orders.list_orders(store_id, {"limit": "1", "cursor": cursor})
        assert [o.id for o in page + rest] == [second["id"], first["id"]] and end is None


class TestMemoryOrderStore(OnMemory, OrderStoreContract):
    pass


@pytest.mark.aws
class TestDynamoOrderStore(OnDynamo, OrderStoreContract):
    pass


class CatalogChangeContract(WithShop):
    """What a checkout charges follows the catalog and the rates, however the store
    answers its snapshot (DynamoDB remembers the last read per container; the
    transaction re-checks it). Its carts name the variant, as storefronts do."""

    def place(self, shop, key=None):
        services, slug, _, product = shop
        return services.orders.place_order(slug, {
            "customer": {"name": "Amina", "phone": "0555123456"},
            "shipping": {"wilaya": 16, "commune": "1605", "address": "x", "delivery_type": "home"},
            "items": [{"product_id": product.id, "variant_id": product.variants[0].id,
                       "quantity": 2}]}, key)[0]

    def test_a_new_price_is_charged_by_the_next_checkout(self, shop):
        services, _, store_id, product = shop
        assert self.place(shop)["totals"]["items"] == 2000
        services.catalog.update_variant(store_id, product.id, product.variants[0].id, {"price": 1250})
        assert self.place(shop)["totals"]["items"] == 2500

    def test_new_rates_are_charged_by_the_next_checkout(self, shop):
        services, _, store_id, _ = shop
        before = self.place(shop)["totals"]["delivery"]
        services.shipping.update_rates(store_id, {"rates": [{"wilaya": 16, "home": before + 150}]})
        assert self.place(shop)["totals"]["delivery"] == before + 150

    def test_an_unpublished_product_is_refused_until_published_again(self, shop):
        services, _, store_id, product = shop
        self.place(shop)
        services.catalog.update_product(store_id, product.id, {"published": False})
        with pytest.raises(ValidationFailed) as refused:
            self.place(shop)
        assert "items[0].product_id" in refused.value.fields
        services.catalog.update_product(store_id, product.id, {"published": True})
        assert self.place(shop)["status"] == "pending"

    def test_a_replay_answers_as_the_first_time_whatever_the_catalog_does(self, shop):
        services, _, store_id, product = shop
        key = uuid.uuid4().hex
        first = self.place(shop, key)
        services.catalog.update_variant(store_id, product.id, product.variants[0].id, {"price": 1250})
        assert self.place(shop, key) == first
        services.catalog.update_product(store_id, product.id, {"published": False})
        assert self.place(shop, key) == first

    def test_a_change_between_the_read_and_the_write_is_refused(self, shop):
        services, _, store_id, product = shop
        store, cart = services.order_store, [(product.id, product.variants[0].id)]
        placed = self.place(shop)
        draft, timeline = services.orders.order(store_id, placed["id"])
        write = lambda snapshot: store.place_order(
            draft.changed(id=f"or_{uuid.uuid4().hex}"), timeline[0], None, "h",
            lambda order: {"id": order.id}, draft.created_at, snapshot=snapshot)
        snapshot = store.checkout_snapshot(store_id, cart, None, fresh=True)
        services.catalog.update_variant(store_id, product.id, product.variants[0].id, {"price": 1250})
        with pytest.raises(SnapshotStale):
            write(snapshot)
        order, _ = write(store.checkout_snapshot(store_id, cart, None, fresh=True))
        assert order.number == placed["number"] + 1


class TestMemoryCatalogChange(OnMemory, CatalogChangeContract):
    pass


@pytest.mark.aws
class TestDynamoCatalogChange(OnDynamo, CatalogChangeContract):
    pass


class SlugMoveContract:
    """A storefront slug that moved to another store never lands an order in the old one."""

    def test_checkout_follows_a_slug_that_changed_hands(self, services):
        suffix = uuid.uuid4().hex[:8]
        old, new = f"old-{suffix}", f"new-{suffix}"
        signup = lambda slug: services.accounts.signup({
            "email": f"{uuid.uuid4().hex[:10]}@example.dz", "password": "sel-et-poivre-2026",
            "store": {"name": slug, "slug": slug}})["store"]["id"]
        first = signup(old)
        cart = lambda store_id: {
            "customer": {"name": "Client", "phone": "0555123456"},
            "shipping": {"wilaya": 16, "commune": "1605", "address": "x", "delivery_type": "home"},
            "items": [{"product_id": services.catalog.create_product(
                store_id, {"name": "P", "price": 100, "stock": 5}).id, "quantity": 1}]}
        services.orders.place_order(old, cart(first), None)           # caches old -> first
        services.accounts.update_store(first, {"slug": new})
        second = signup(old)
        placed, _ = services.orders.place_order(old, cart(second), None)
        assert services.orders.order(second, placed["id"])[0].store_id == second


class TestMemorySlugMove(OnMemory, SlugMoveContract):
    pass


@pytest.mark.aws
class TestDynamoSlugMove(OnDynamo, SlugMoveContract):
    pass
