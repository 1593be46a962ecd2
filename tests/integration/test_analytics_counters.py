"""Delivery analytics through the whole pipeline on the emulated services:
orders over HTTP -> table stream -> events topic -> analytics queue -> worker ->
counters; the report must equal a recount of the same orders read back over HTTP."""
import json
import uuid
from collections import defaultdict

from chalicelib.workers.analytics import analytics as analytics_worker
from infra.local.pump import wait_until
from tests.conftest import REGION
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import checkout, move, product

ORAN = {"wilaya": 31, "commune": "Oran", "address": "Hai Es Salam", "delivery_type": "home"}
# Each order's walk after checkout (moved by status: shipped without a courier).
WALKS = [
    (16, []),
    (16, ["confirmed", "processing", "shipped", "delivered"]),
    (16, ["confirmed", "processing", "shipped", "cancelled"]),   # refused at the door
    (16, ["confirmed", "cancelled"]),
    (31, ["confirmed", "processing", "shipped", "delivered", "returned"]),
    (31, ["confirmed", "processing", "shipped", "delivered"]),
    (31, ["cancelled"]),
    (31, ["confirmed"]),
]


def recount(orders, key):
    """The report's counters, counted from the orders themselves (status changes in
    their timelines), grouped by `key(order)`, on the orders' creation days."""
    rows = defaultdict(lambda: defaultdict(int))
    for order in orders:
        row = rows[key(order)]
        moves = [(e["from"], e["to"]) for e in order["timeline"] if e["event"] == "status_changed"]
        reached = {to for _, to in moves}
        row["orders"] += 1
        row["confirmed"] += "confirmed" in reached
        row["shipped"] += "shipped" in reached
        row["delivered"] += "delivered" in reached
        row["refused"] += ("shipped", "cancelled") in moves
        row["returned"] += "returned" in reached
        row["cod_collected"] += order["totals"]["total"] if "delivered" in reached else 0
    return {k: dict(v) for k, v in rows.items()}


def reported(api, merchant, group_by, names, day):
    body = api.get(f"/v1/analytics/delivery?from={day}&to={day}&group_by={group_by}",
                   headers=merchant.headers)
    assert body.status_code == 200, body.text
    return {row[group_by]: {n: row[n] for n in names} for row in body.json()["items"]}


def test_the_report_equals_a_recount_of_the_same_orders(api, pump):
    merchant = signup(api, "stats")
    item = product(api, merchant, stock=100)
    ids = []
    for wilaya, walk in WALKS:
        placed = checkout(api, merchant, item, quantity=1,
                          **({"shipping": ORAN} if wilaya == 31 else {}))
        assert placed.status_code == 201, placed.text
        ids.append(placed.json()["id"])
        for status in walk:
            moved = move(api, merchant, ids[-1], status)
            assert moved.status_code == 200, moved.text
    orders = [api.get(f"/v1/orders/{order_id}", headers=merchant.headers).json() for order_id in ids]
    [day] = {order["created_at"][:10] for order in orders}   # a test around midnight UTC would fail here
    by_wilaya = recount(orders, lambda order: order["shipping"]["wilaya"])
    assert set(by_wilaya) == {16, 31} and by_wilaya[16]["refused"] == 1 and by_wilaya[31]["returned"] == 1
    names = sorted(by_wilaya[16])
    got = wait_until(lambda: reported(api, merchant, "wilaya", names, day) == by_wilaya, timeout=60)
    assert got, (reported(api, merchant, "wilaya", names, day), by_wilaya)

    # Per courier: from shipping on, and these parcels were shipped by hand (no courier).
    shipped = recount([o for o in orders if any(e.get("to") == "shipped" for e in o["timeline"])],
                      lambda order: (order.get("shipment") or {}).get("courier") or "none")
    courier_names = ["shipped", "delivered", "refused", "returned", "cod_collected"]
    expected = {k: {n: v[n] for n in courier_names} for k, v in shipped.items()}
    assert wait_until(lambda: reported(api, merchant, "courier", courier_names, day) == expected,
                      timeout=30), (reported(api, merchant, "courier", courier_names, day), expected)


def sqs_event(body, message_id):
    return {"Records": [{"messageId": message_id, "receiptHandle": "r", "body": json.dumps(body),
                         "attributes": {}, "messageAttributes": {}, "eventSource": "aws:sqs",
                         "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:dzorders-analytics",
                         "awsRegion": REGION}]}


def test_a_redelivered_event_does_not_count_twice(api, dynamo_services):
    merchant = signup(api, "stats-redo")
    event = {"id": f"ev_{uuid.uuid4().hex}", "type": "order.delivered",
             "at": "2024-02-10T09:00:00.000Z", "store_id": merchant.store["id"],
             "data": {"id": "or_x", "created_at": "2024-02-03T18:00:00.000Z",
                      "shipping": {"wilaya": 9}, "totals": {"total": 4300},
                      "shipment": {"courier": "yalidine"}, "previous_status": "shipped"}}
    for attempt in range(2):   # SQS delivers at least once: the same message twice
        assert analytics_worker(sqs_event(event, f"m{attempt}"), None) == {"batchItemFailures": []}
    body = api.get("/v1/analytics/delivery?from=2024-02-01&to=2024-02-29&group_by=courier",
                   headers=merchant.headers).json()
    assert [(r["courier"], r["delivered"], r["cod_collected"]) for r in body["items"]] == [
        ("yalidine", 1, 4300)]
    by_wilaya = api.get("/v1/analytics/delivery?from=2024-02-03&to=2024-02-03",
                        headers=merchant.headers).json()["items"]
    assert [(r["wilaya"], r["delivered"]) for r in by_wilaya] == [(9, 1)]
