"""Anti-fraud use cases on in-memory fakes: blacklist, limits, duplicates, risk."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib import bootstrap
from chalicelib.config import Settings
from chalicelib.errors import NotFound, PhoneBlocked, RateLimited
from chalicelib.orders.model import Actor

ACTOR = Actor("merchant", "ac_1", "Amina")


class Clock:
    def __init__(self):
        self.now = datetime(2026, 3, 14, 15, 40, tzinfo=timezone.utc)

    def __call__(self):
        return self.now


@pytest.fixture
def shop():
    clock = Clock()
    services = bootstrap.build(Settings(scrypt_n=1024), store_kind="memory", clock=clock)
    signed = services.accounts.signup({"email": "f@example.dz", "password": "sel-et-poivre-2026",
                                       "store": {"name": "Fraud", "slug": "fraud"}})
    store_id = signed["store"]["id"]
    product = services.catalog.create_product(store_id, {"name": "Robe", "price": 1000, "variants": [
        {"options": {"t": "M"}, "stock": 50}, {"options": {"t": "L"}, "stock": 50}]})
    return services, store_id, product, clock


def place(services, product, phone="0555123456", variant=0, ip="10.0.0.1"):
    body, _ = services.orders.place_order("fraud", {
        "customer": {"name": "Client", "phone": phone},
        "shipping": {"wilaya": 16, "commune": "1605", "address": "x", "delivery_type": "home"},
        "items": [{"product_id": product.id, "variant_id": product.variants[variant].id,
                   "quantity": 1}]}, None, ip)
    return body


def test_a_blocked_phone_is_refused_and_nothing_is_written(shop):
    services, store_id, product, _ = shop
    entry, created = services.fraud.add_block(store_id, {"phone": "+213555123456", "reason": "fake"}, "ac_1")
    assert created and entry.phone == "+213555123456"
    again, created_again = services.fraud.add_block(store_id, {"phone": "0555 12 34 56"}, "ac_1")
    assert not created_again and again == entry
    with pytest.raises(PhoneBlocked) as refused:
        place(services, product, "0555 12 34 56")
    assert "blacklist" not in refused.value.message.lower()
    assert services.orders.list_orders(store_id, {})[0] == []
    services.fraud.remove_block(store_id, entry.id)
    assert place(services, product)["number"] == 1001     # no number was used


def test_blacklist_entries_belong_to_their_store(shop):
    services, store_id, product, _ = shop
    other = services.accounts.signup({"email": "o@example.dz", "password": "sel-et-poivre-2026",
                                      "store": {"name": "Other", "slug": "other"}})["store"]["id"]
    entry, _ = services.fraud.add_block(other, {"phone": "0555123456"}, None)
    assert services.fraud.blocks(store_id, {}) == ([], None)
    with pytest.raises(NotFound):
        services.fraud.remove_block(store_id, entry.id)
    with pytest.raises(NotFound):
        services.fraud.remove_block(store_id, "bl_nonsense")
    assert place(services, product)["status"] == "pending"   # blocked elsewhere only


def test_blacklist_pages(shop):
    services, store_id, _, _ = shop
    for n in range(5):
        services.fraud.add_block(store_id, {"phone": f"055512345{n}"}, None)
    first, cursor = services.fraud.blocks(store_id, {"limit": "3"})
    rest, end = services.fraud.blocks(store_id, {"limit": "3", "cursor": cursor})
    assert [b.phone[-1] for b in first + rest] == list("01234") and end is None


def test_per_phone_limit_refuses_then_resets_next_hour(shop):
    services, store_id, product, clock = shop
    services.accounts.update_store(store_id, {"checkout_limits": {"per_phone_per_hour": 2}})
    place(services, product, ip="10.0.0.1")
    place(services, product, ip="10.0.0.2")
    with pytest.raises(RateLimited) as refused:
        place(services, product, ip="10.0.0.3")
    assert refused.value.retry_after == 20 * 60
    place(services, product, phone="0666123456")             # another phone is fine
    clock.now += timedelta(minutes=25)
    place(services, product)                                   # a new hour
    assert len(services.orders.list_orders(store_id, {})[0]) == 4


def test_per_ip_limit_counts_every_phone_from_one_ip(shop):
    services, store_id, product, clock = shop
    services.accounts.update_store(store_id, {"checkout_limits": {"per_ip_per_hour": 1}})
    place(services, product, "0555000001", ip="10.9.9.9")
    with pytest.raises(RateLimited):
        place(services, product, "0555000002", ip="10.9.9.9")
    place(services, product, "0555000003", ip="10.9.9.8")
    # PATCH names the limits it changes; null turns them all off.
    store = services.accounts.update_store(store_id, {"checkout_limits": {"per_phone_per_hour": 5}})
    assert store.checkout_limits == {"per_phone_per_hour": 5, "per_ip_per_hour": 1}
    services.accounts.update_store(store_id, {"checkout_limits": None})
    # A container trusts the limits it read for a minute: lifted ones stop applying
    # within that minute, not at once.
    with pytest.raises(RateLimited):
        place(services, product, "0555000002", ip="10.9.9.9")
    clock.now += timedelta(seconds=61)
    place(services, product, "0555000002", ip="10.9.9.9")


def test_same_phone_same_variants_within_a_day_is_flagged(shop):
    services, store_id, product, clock = shop
    first = place(services, product)
    assert first["flags"] == [] and first["duplicate_of"] is None
    clock.now += timedelta(hours=2)
    second = place(services, product)
    assert second["flags"] == ["possible_duplicate"] and second["duplicate_of"] == first["id"]
    assert place(services, product, variant=1)["flags"] == []           # other variant
    assert place(services, product, phone="0666123456")["flags"] == []  # other phone
    clock.now += timedelta(hours=25)
    assert place(services, product)["flags"] == []                     # a day later
    listed = {o.id: o for o in services.orders.list_orders(store_id, {})[0]}
    assert listed[second["id"]].duplicate_of == first["id"]


def test_risk_counts_the_phones_earlier_orders(shop):
    services, store_id, product, clock = shop
    ids = []
    for variant in (0, 1, 0, 1, 0):
        ids.append(place(services, product, variant=variant)["id"])
        clock.now += timedelta(days=2)
    delivered, refused, fake, plain, current = ids
    for status in ("confirmed", "processing", "shipped", "delivered"):
        services.orders.move(store_id, delivered, status, ACTOR)
    for status in ("confirmed", "processing", "shipped", "cancelled"):
        services.orders.move(store_id, refused, status, ACTOR)
    services.calls.log_call(store_id, fake, {"outcome": "fake"}, ACTOR)
    services.orders.move(store_id, plain, "cancelled", ACTOR)
    order, _ = services.orders.order(store_id, current)
    assert services.fraud.risk(order) == {"orders": 4, "delivered": 1, "refused": 1,
                                          "cancelled_fake": 1}
    first, _ = services.orders.order(store_id, delivered)
    assert services.fraud.risk(first) == {"orders": 0, "delivered": 0, "refused": 0,
                                          "cancelled_fake": 0}
