"""Orders under real concurrency on DynamoDB Local."""
import uuid

import pytest

from chalicelib.orders.model import Actor
from tests.concurrency import race

ACTOR = Actor("merchant", "ac_1", "Amina")


@pytest.fixture
def shop(dynamo_services):
    slug = f"race-{uuid.uuid4().hex[:10]}"
    store_id = dynamo_services.accounts.signup({
        "email": f"{slug}@example.dz", "password": "sel-et-poivre-2026",
        "store": {"name": "Race", "slug": slug}})["store"]["id"]
    product = dynamo_services.catalog.create_product(store_id, {"name": "Rare", "price": 900, "stock": 10})
    return dynamo_services, slug, store_id, product


def body(product, quantity=1, variant=False):
    line = {"product_id": product.id, "quantity": quantity}
    if variant:     # a storefront's cart names the variant: checkouts may use what they remember
        line["variant_id"] = product.variants[0].id
    return {"customer": {"name": "Client", "phone": "0555123456"},
            "shipping": {"wilaya": 16, "commune": "1605", "address": "x", "delivery_type": "home"},
            "items": [line]}


def test_fifty_confirms_compete_for_ten_units(shop):
    services, slug, store_id, product = shop
    order_ids = [services.orders.place_order(slug, body(product), None)[0]["id"] for _ in range(50)]
    results = race(50, lambda n: services.orders.move(store_id, order_ids[n], "confirmed", ACTOR).status)
    assert results.count("confirmed") == 10
    assert set(results) - {"confirmed"} <= {"insufficient_stock", "concurrent_change"}
    assert services.catalog.product(store_id, product.id).variants[0].stock == 0
    confirmed = [services.orders.order(store_id, i)[0] for i in order_ids]
    assert sum(o.status == "confirmed" for o in confirmed) == 10


def test_twenty_moves_of_one_order_exactly_one_wins(shop):
    services, slug, store_id, product = shop
    order_id = services.orders.place_order(slug, body(product), None)[0]["id"]
    # Twenty clicks on "confirm" at once (a move that is valid once only).
    results = race(20, lambda n: services.orders.move(store_id, order_id, "confirmed", ACTOR).status)
    assert results.count("confirmed") == 1
    assert set(results) - {"confirmed"} <= {"invalid_transition", "concurrent_change"}
    order, timeline = services.orders.order(store_id, order_id)
    assert order.status == "confirmed" and len(timeline) == 2
    # The stock was taken once, not twenty times.
    assert services.catalog.product(store_id, product.id).variants[0].stock == 9


def test_concurrent_checkouts_get_unique_gapless_numbers(shop):
    services, slug, _, product = shop
    results = race(30, lambda n: services.orders.place_order(slug, body(product), None)[0]["number"])
    assert sorted(results) == list(range(1001, 1031))


def test_containers_remembering_the_counter_still_number_without_gaps(shop, aws):
    from chalicelib import bootstrap
    services, slug, _, product = shop
    # Four containers, each remembering what its own checkouts read.
    containers = [services] + [bootstrap.build(aws.settings) for _ in range(3)]
    warm = [c.orders.place_order(slug, body(product, variant=True), None)[0]["number"] for c in containers]
    raced = race(24, lambda n: containers[n % 4].orders.place_order(
        slug, body(product, variant=True), None)[0]["number"])
    assert sorted(warm + raced) == list(range(1001, 1029))


def test_concurrent_retries_with_one_key_make_one_order(shop):
    services, slug, store_id, product = shop
    key = uuid.uuid4().hex
    results = race(10, lambda n: services.orders.place_order(slug, body(product), key)[0]["id"])
    assert len(set(results)) == 1
    orders, _ = services.orders.list_orders(store_id, {})
    assert [o.id for o in orders] == results[:1]
