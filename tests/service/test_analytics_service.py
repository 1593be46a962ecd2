"""Delivery analytics use cases on the in-memory counter store."""
from datetime import datetime, timezone

import pytest

from chalicelib import bootstrap
from chalicelib.config import Settings
from chalicelib.errors import ValidationFailed

NOW = datetime(2025, 3, 31, 12, tzinfo=timezone.utc)


@pytest.fixture
def analytics():
    return bootstrap.build(Settings(scrypt_n=1024), store_kind="memory", clock=lambda: NOW).analytics


class Orders:
    """Order events as the pipeline would deliver them, each with a fresh event id."""

    def __init__(self, service, store_id="st_1"):
        self.service, self.store_id, self.sent = service, store_id, 0

    def send(self, order, kind, previous=None, courier=None):
        self.sent += 1
        data = {"id": order["id"], "created_at": order["created_at"],
                "shipping": {"wilaya": order["wilaya"]}, "totals": {"total": order["total"]},
                "shipment": {"courier": courier} if courier else None,
                "previous_status": previous}
        message = {"id": f"ev_{self.sent}", "type": f"order.{kind}", "at": NOW.isoformat(),
                   "store_id": self.store_id, "data": data}
        return self.service.handle(message), message

    def walk(self, order, *steps, courier=None):
        previous = None
        for step in ("created",) + steps:
            self.send(order, step, previous, courier if step not in ("created", "confirmed") else None)
            previous = step


def order(number, wilaya, total=5000, day="2025-03-10"):
    return {"id": f"or_{number}", "wilaya": wilaya, "total": total,
            "created_at": f"{day}T08:00:00.000Z"}


def test_a_report_per_wilaya_and_per_courier(analytics):
    orders = Orders(analytics)
    orders.walk(order(1, 16, 5400), "confirmed", "processing", "shipped", "delivered",
                courier="yalidine")
    orders.walk(order(2, 16, 3000), "confirmed", "shipped", "cancelled", courier="yalidine")
    orders.walk(order(3, 31, 2000), "confirmed", "shipped", "delivered", "returned", courier="noest")
    orders.walk(order(4, 31), "cancelled")
    report = analytics.delivery("st_1", {"from": "2025-03-01", "to": "2025-03-31"})
    assert (report["from"], report["to"], report["group_by"]) == ("2025-03-01", "2025-03-31", "wilaya")
    by_wilaya = {row["wilaya"]: row for row in report["items"]}
    assert by_wilaya[16] == {"wilaya": 16, "orders": 2, "confirmed": 2, "confirmation_rate_bp": 10000,
                             "shipped": 2, "delivered": 1, "delivery_rate_bp": 5000, "refused": 1,
                             "returned": 0, "refusal_return_rate_bp": 5000, "cod_collected": 5400}
    assert (by_wilaya[31]["orders"], by_wilaya[31]["confirmation_rate_bp"],
            by_wilaya[31]["returned"], by_wilaya[31]["cod_collected"]) == (2, 5000, 1, 2000)
    assert report["totals"]["orders"] == 4 and report["totals"]["cod_collected"] == 7400
    couriers = analytics.delivery("st_1", {"from": "2025-03-01", "to": "2025-03-31",
                                           "group_by": "courier"})
    assert [(r["courier"], r["shipped"], r["delivered"], r["refused"], r["returned"], r["orders"])
            for r in couriers["items"]] == [("noest", 1, 1, 0, 1, None), ("yalidine", 2, 1, 1, 0, None)]


def test_an_order_counts_on_its_creation_day_only(analytics):
    orders = Orders(analytics)
    orders.walk(order(1, 16, day="2025-02-27"), "confirmed")
    orders.walk(order(2, 16, day="2025-03-02"))
    # The default range is the last 30 days up to the clock's today: 2025-03-02..2025-03-31.
    report = analytics.delivery("st_1", {})
    assert (report["from"], report["to"]) == ("2025-03-02", "2025-03-31")
    assert report["totals"]["orders"] == 1 and report["totals"]["confirmed"] == 0


def test_a_redelivered_event_counts_once(analytics):
    orders = Orders(analytics)
    counted, message = orders.send(order(1, 16), "created")
    assert counted is True
    assert analytics.handle(message) is False
    assert analytics.delivery("st_1", {"from": "2025-03-10", "to": "2025-03-10"})["totals"]["orders"] == 1


def test_events_that_count_nothing_and_other_stores(analytics):
    orders = Orders(analytics)
    assert orders.send(order(1, 16), "processing", "confirmed")[0] is False
    assert analytics.handle({"type": "order.created", "data": {}}) is False
    orders.walk(order(2, 16))
    assert analytics.delivery("st_other", {"to": "2025-03-31"})["items"] == []


def test_bad_queries_are_422(analytics):
    with pytest.raises(ValidationFailed) as raised:
        analytics.delivery("st_1", {"from": "2025-04-01"})   # after today, the default `to`
    assert raised.value.fields == {"from": "must not be after `to`"}
