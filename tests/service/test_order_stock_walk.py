"""A random walk over order moves never oversells and gives back exactly what it took."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import bootstrap
from chalicelib.config import Settings
from chalicelib.errors import DomainError
from chalicelib.orders.model import Actor

ACTOR = Actor("merchant", "ac_1", "Amina")
ACTIONS = ["confirmed", "processing", "shipped", "delivered", "returned", "cancelled", "restock"]
INITIAL = {"M": 5, "L": 3}


def setup_store(restock_on_return):
    services = bootstrap.build(Settings(scrypt_n=1024), store_kind="memory")
    signed = services.accounts.signup({"email": "walk@example.dz", "password": "sel-et-poivre-2026",
                                       "store": {"name": "Walk", "slug": "walk"}})
    store_id = signed["store"]["id"]
    services.accounts.update_store(store_id, {"restock_on_return": restock_on_return})
    product = services.catalog.create_product(store_id, {"name": "Robe", "price": 1000, "variants": [
        {"options": {"t": "M"}, "stock": INITIAL["M"]}, {"options": {"t": "L"}, "stock": INITIAL["L"]}]})
    return services, store_id, product


def stock(services, store_id, product):
    variants = services.catalog.product(store_id, product.id).variants
    return {v.options["t"]: v.stock for v in variants}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(restock_on_return=st.booleans(),
       carts=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), min_size=1, max_size=4),
       steps=st.lists(st.tuples(st.integers(0, 3), st.sampled_from(ACTIONS)), max_size=25))
def test_stock_matches_what_orders_hold(restock_on_return, carts, steps):
    services, store_id, product = setup_store(restock_on_return)
    by_size = {v.options["t"]: v for v in product.variants}
    orders = []
    for medium, large in carts:
        items = [{"product_id": product.id, "variant_id": by_size[size].id, "quantity": qty}
                 for size, qty in (("M", medium), ("L", large)) if qty]
        if not items:
            continue
        body, _ = services.orders.place_order("walk", {
            "customer": {"name": "Client", "phone": "0555123456"},
            "shipping": {"wilaya": 16, "commune": "1605", "address": "x", "delivery_type": "home"},
            "items": items}, None)
        orders.append(body["id"])
    for index, action in steps:
        if not orders:
            break
        order_id = orders[index % len(orders)]
        try:
            if action == "restock":
                services.orders.restock(store_id, order_id, ACTOR)
            else:
                services.orders.move(store_id, order_id, action, ACTOR)
        except DomainError:
            pass   # refused moves change nothing; the invariant below says so
        now = stock(services, store_id, product)
        assert all(count >= 0 for count in now.values())
        held = {"M": 0, "L": 0}
        for held_id in orders:
            order, _ = services.orders.order(store_id, held_id)
            if order.stock_taken:
                for line in order.lines:
                    held[by_size["M"].id == line.variant_id and "M" or "L"] += line.quantity
        assert now == {size: INITIAL[size] - held[size] for size in INITIAL}
