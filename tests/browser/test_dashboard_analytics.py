"""Delivery analytics: the figures the event pipeline counted, per wilaya and courier."""
from __future__ import annotations

import time
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import session_of, shoot
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import checkout, move, product


def wait_for_report(api, merchant, predicate, timeout=30.0):
    """The counters are kept by the event pump: poll the API until they show."""
    deadline = time.monotonic() + timeout
    while True:
        report = api.get("/v1/analytics/delivery", headers=merchant.headers).json()
        if predicate(report):
            return report
        assert time.monotonic() < deadline, report
        time.sleep(0.2)


def test_the_table_shows_counts_and_rates_per_wilaya_and_courier(api, new_page):
    merchant = signup(api)
    item = product(api, merchant, stock=20)
    ids = []
    for wilaya, commune in ((16, "Bab El Oued"), (16, "Bab El Oued"), (16, "Bab El Oued"), (31, "Oran")):
        response = checkout(api, merchant, item, quantity=1,
                            customer={"name": "Client", "phone": "0555" + str(uuid.uuid4().int)[:6]},
                            shipping={"wilaya": wilaya, "commune": commune, "address": "1 rue", "delivery_type": "home"})
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    for order_id in ids[:2]:
        for status in ("confirmed", "processing", "shipped"):
            assert move(api, merchant, order_id, status).status_code == 200
    assert move(api, merchant, ids[0], "delivered").status_code == 200
    report = wait_for_report(api, merchant, lambda r: r["totals"]["orders"] == 4 and r["totals"]["delivered"] == 1)

    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/analytics")
    algiers = page.locator(".an-table tbody tr[data-key='16']")
    expect(algiers.locator("th")).to_have_text("16 Alger")
    expect(algiers.locator(".orders-count")).to_have_text("3")
    expect(algiers.locator(".rate-confirm .rate-value")).to_contain_text("66,7")
    expect(algiers.locator(".rate-deliver .rate-value")).to_contain_text("50")
    expect(page.locator(".an-table tbody tr[data-key='31'] .orders-count")).to_have_text("1")
    expect(page.locator(".tiles .tile").first).to_contain_text("4")
    cod = report["totals"]["cod_collected"]
    assert cod > 0
    expect(page.locator(".tiles")).to_contain_text("DZD")
    shoot(page, "analytics-fr")

    page.locator("[data-group=courier]").click()
    expect(page.locator(".an-table tbody tr[data-key='none']")).to_contain_text("Sans transporteur")
    assert "group_by=courier" in page.url
    page.locator("[data-preset='7']").click()
    expect(page.locator("[data-preset='7']")).to_have_class("btn btn-small btn-primary")
    assert page.script_errors == []
