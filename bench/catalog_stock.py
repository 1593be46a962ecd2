"""Stock adjustment through the API against the bare DynamoDB transaction it needs.

Prints p50/p99 for both, their ratio, the throughput of concurrent adjustments,
and the write capacity one adjustment consumes. Asserts nothing.
"""
from __future__ import annotations

import threading
import time
import uuid

import requests

from bench.stack import merchant_session, running_stack, summary, timed

SAMPLES = 300
THREADS, SECONDS = 8, 5


def bare_transaction(client, table: str, store_id: str, product_id: str, variant_id: str):
    def run():
        return client.transact_write_items(ReturnConsumedCapacity="TOTAL", TransactItems=[
            {"Put": {"TableName": table, "Item": {
                "pk": {"S": f"STOCK#{variant_id}"}, "sk": {"S": f"bench#{uuid.uuid4().hex}"},
                "delta": {"N": "1"}, "reason": {"S": "bench"}}}},
            {"Update": {"TableName": table,
                        "Key": {"pk": {"S": f"STORE#{store_id}"},
                                "sk": {"S": f"PRODUCT#{product_id}#VARIANT#{variant_id}"}},
                        "UpdateExpression": "ADD stock :one, version :one",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
    return run


def main() -> None:
    with running_stack() as stack:
        base, services = stack["base_url"], stack["services"]
        session = merchant_session(base, f"bench-{uuid.uuid4().hex[:8]}")
        product = session.post(f"{base}/v1/products", json={"name": "Bench", "price": 100,
                                                             "stock": 0}).json()
        variant = product["variants"][0]
        path = f"{base}/v1/products/{product['id']}/variants/{variant['id']}/stock"
        store_id = session.get(f"{base}/v1/store").json()["id"]

        def through_api():
            response = session.post(path, json={"adjust": 1, "reason": "bench"})
            assert response.status_code == 200, response.text

        client = services.aws.dynamodb
        bare = bare_transaction(client, services.settings.table_name, store_id, product["id"],
                                variant["id"])
        timed(through_api, 20)
        timed(bare, 20)
        api_ms, bare_ms = summary(timed(through_api, SAMPLES)), summary(timed(bare, SAMPLES))
        capacity = bare()["ConsumedCapacity"]

        done = [0]
        lock = threading.Lock()
        stop_at = time.monotonic() + SECONDS

        def worker():
            own = requests.Session()
            own.headers.update(session.headers)
            while time.monotonic() < stop_at:
                own.post(path, json={"adjust": 1, "reason": "bench"})
                with lock:
                    done[0] += 1

        threads = [threading.Thread(target=worker) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        print("stock adjustment (POST .../stock {adjust: 1})")
        print(f"  through the API : p50 {api_ms['p50']:.1f} ms  p99 {api_ms['p99']:.1f} ms  (n={api_ms['n']})")
        print(f"  bare transaction: p50 {bare_ms['p50']:.1f} ms  p99 {bare_ms['p99']:.1f} ms  (n={bare_ms['n']})")
        print(f"  ratio p50 api/bare: {api_ms['p50'] / bare_ms['p50']:.2f}")
        print(f"  throughput, {THREADS} clients for {SECONDS}s: {done[0] / SECONDS:.0f} adjustments/s")
        print(f"  capacity per adjustment (bare transaction): {capacity}")


if __name__ == "__main__":
    main()
