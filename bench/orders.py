"""Orders: checkout against its bare transaction, list time as a store grows, and the
capacity one order's whole lifecycle consumes. Prints figures; asserts nothing.

BENCH_BIG_STORE sets the large store's order count (default 100000).
"""
from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import timedelta

import requests

from bench.stack import merchant_session, running_stack, summary, timed

SAMPLES = 200
BIG = int(os.environ.get("BENCH_BIG_STORE", "100000"))


def checkout_body(product):
    """A cart as the contract shapes it: product and variant ids."""
    return {"customer": {"name": "Client Bench", "phone": "0555123456"},
            "shipping": {"wilaya": 16, "commune": "1605", "address": "Rue", "delivery_type": "home"},
            "items": [{"product_id": product["id"], "variant_id": product["variants"][0]["id"],
                       "quantity": 1}]}


def bare_checkout(services, template, entry):
    """The very TransactWriteItems a checkout makes (same items, same indexes, the same
    checks of the product and rates it was priced from and of the phone's absent
    blacklist entry), sent straight to DynamoDB:
    no HTTP, no reads, no validation."""
    from chalicelib.accounts.store_dynamo import SlugItem
    from chalicelib.fraud.store_dynamo import BlockItem
    from chalicelib.orders.items_dynamo import OrderSequenceItem
    from chalicelib.orders.snapshot_cache import CheckoutBasis
    from chalicelib.orders.store_dynamo import DynamoOrderStore

    store = DynamoOrderStore()
    store_id, slug = f"bare-{uuid.uuid4().hex}", f"bare-{uuid.uuid4().hex[:12]}"
    SlugItem(*SlugItem.key(slug), store_id=store_id).save()
    product = services.catalog.create_product(store_id, {"name": "Bench", "price": 1000})
    basis = CheckoutBasis(((product.id, product.version),), rates_version=0)
    state = {"last": 1000}

    def run():
        last = state["last"]
        order = template.changed(id=f"or_bare_{uuid.uuid4().hex}", store_id=store_id, number=last + 1)
        sequence = None if last == 1000 else OrderSequenceItem(*OrderSequenceItem.key(store_id), last=last)
        store._write_new_order(order, entry, sequence, last, uuid.uuid4().hex, "hash",
                               {"id": order.id, "number": order.number},
                               order.created_at + timedelta(days=1), slug, basis,
                               BlockItem.key(store_id, order.customer_phone))
        state["last"] = last + 1
    return run


def fill_store(services, store_id, count, template):
    """Write `count` orders straight into the table (what many checkouts would leave)."""
    from chalicelib.orders.items_dynamo import OrderItem, order_item

    def write(start, stop):
        with OrderItem.batch_write() as batch:
            for n in range(start, stop):
                order = template.changed(id=f"or_fill_{store_id}_{n:07d}", number=100000 + n,
                                         created_at=template.created_at - timedelta(seconds=n))
                batch.save(order_item(order))

    step = max(1, count // 4)
    threads = [threading.Thread(target=write, args=(i, min(count, i + step))) for i in range(0, count, step)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class CapacityMeter:
    """Asks DynamoDB for ReturnConsumedCapacity on every call the app makes, and adds it up."""
    OPERATIONS = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "BatchGetItem",
                  "BatchWriteItem", "TransactWriteItems", "TransactGetItems"}

    def __init__(self) -> None:
        self.units = 0.0
        self.calls = 0
        self.by_operation: dict = {}

    def install(self) -> None:
        import botocore.session
        import pynamodb.connection.base as base

        def session():
            created = botocore.session.get_session()
            created.register("before-parameter-build.dynamodb", self._ask)
            created.register("after-call.dynamodb", self._add)
            return created
        base.get_session = session

    def _ask(self, params, model, **kwargs):
        if model.name in self.OPERATIONS:
            params["ReturnConsumedCapacity"] = "TOTAL"

    def _add(self, http_response, parsed, model, **kwargs):
        consumed = parsed.get("ConsumedCapacity")
        for entry in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            self.units += float(entry.get("CapacityUnits", 0))
            self.by_operation[model.name] = self.by_operation.get(model.name, 0) + float(
                entry.get("CapacityUnits", 0))
        self.calls += 1


METER = CapacityMeter()


def lifecycle_capacity(base, slug, product, session):
    METER.units, METER.calls, METER.by_operation = 0.0, 0, {}
    order = requests.post(f"{base}/v1/stores/{slug}/orders", json=checkout_body(product)).json()
    for status in ("confirmed", "processing", "shipped", "delivered"):
        session.post(f"{base}/v1/orders/{order['id']}/status", json={"status": status})
    return METER.units, METER.calls


def main() -> None:
    METER.install()
    with running_stack() as stack:
        base, services = stack["base_url"], stack["services"]
        session = merchant_session(base, f"bench-{uuid.uuid4().hex[:8]}")
        slug = session.get(f"{base}/v1/store").json()["slug"]
        product = session.post(f"{base}/v1/products", json={"name": "Bench", "price": 1000,
                                                             "stock": 100000}).json()
        shopper = requests.Session()
        place = lambda: shopper.post(f"{base}/v1/stores/{slug}/orders", json=checkout_body(product),
                                     headers={"Idempotency-Key": uuid.uuid4().hex})
        merchant_store = session.get(f"{base}/v1/store").json()["id"]
        template, timeline = services.orders.order(merchant_store, place().json()["id"])
        bare = bare_checkout(services, template, timeline[0])
        timed(place, 20)
        timed(bare, 20)
        # Interleaved, so both see the same table size and the same machine load.
        api_samples, bare_samples = [], []
        for _ in range(SAMPLES):
            api_samples += timed(place, 1)
            bare_samples += timed(bare, 1)
        api_ms, bare_ms = summary(api_samples), summary(bare_samples)
        print("checkout (POST /v1/stores/{slug}/orders with an Idempotency-Key)")
        print(f"  through the API : p50 {api_ms['p50']:.1f} ms  p99 {api_ms['p99']:.1f} ms")
        print(f"  bare transaction: p50 {bare_ms['p50']:.1f} ms  p99 {bare_ms['p99']:.1f} ms")
        print(f"  ratio p50 api/bare: {api_ms['p50'] / bare_ms['p50']:.2f}")

        units, calls = lifecycle_capacity(base, slug, product, session)
        print(f"capacity of one order, checkout -> delivered through the API: {units:.1f} units "
              f"over {calls} DynamoDB calls (authorizer reads included): "
              + ", ".join(f"{op} {units:.1f}" for op, units in sorted(METER.by_operation.items())))

        for label, count in (("1k", 1000), (f"{BIG // 1000}k", BIG)):
            other = merchant_session(base, f"list-{uuid.uuid4().hex[:8]}")
            store_id = other.get(f"{base}/v1/store").json()["id"]
            started = time.perf_counter()
            fill_store(services, store_id, count, template.changed(store_id=store_id))
            filled = time.perf_counter() - started
            listing = summary(timed(lambda: other.get(f"{base}/v1/orders?limit=50"), 100))
            filtered = summary(timed(lambda: other.get(f"{base}/v1/orders?limit=50&status=pending&wilaya=16"), 100))
            print(f"GET /v1/orders with {label} orders in the store (filled in {filled:.0f}s): "
                  f"p50 {listing['p50']:.1f} ms; status+wilaya p50 {filtered['p50']:.1f} ms")


if __name__ == "__main__":
    main()
