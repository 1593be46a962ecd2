"""The whole story in two browsers: a customer orders from the storefront in Arabic on
a phone; the merchant, logged in on another page, hears the bell without reloading,
confirms, ships with the Yalidine sandbox; the courier delivers; the Timeline tab
shows every step with who did it."""
from __future__ import annotations

from urllib.parse import urlsplit

import requests

from infra.local.pump import wait_until
from tests.browser.conftest import PHONE, session_of, shoot
from tests.browser.test_storefront import dress, fill_checkout, first_commune, store_path
from tests.e2e.conftest import signup


def control(fake, name, **body):
    answer = requests.post(f"{fake.origin}/_control/{name}", json=body, timeout=10)
    assert answer.status_code == 200, answer.text


def test_from_the_storefront_in_arabic_to_delivered_in_the_dashboard(api, new_page, sandbox_courier):
    merchant = signup(api)
    fake = sandbox_courier("yalidine", merchant)
    product = dress(api, merchant, name="جبة قبائلية مطرزة")
    commune = first_commune(api, 16)

    # The merchant's dashboard is open, its bell connected.
    dashboard = new_page(session=session_of(merchant))
    dashboard.goto("/dashboard/orders")
    dashboard.locator(".bell-button[data-unread='0']").click()
    dashboard.locator(".bell-mode.live").wait_for()               # its websocket is open
    dashboard.locator(".bell-button").click()
    dashboard.evaluate("window.sameDocument = true")

    # A customer orders on a phone, in Arabic.
    shop = new_page(viewport=PHONE, language="ar")
    shop.goto(store_path(merchant))
    shop.locator(".sf-card", has_text="جبة قبائلية").click()
    shop.locator(".sf-chip", has_text="XL").click()
    shop.locator(".sf-add").click()
    shop.locator(".sf-added a", has_text="اطلب الآن").click()
    shop.wait_for_url("**/checkout")
    fill_checkout(shop, name="أمينة بن علي", phone="0555 12 34 56", wilaya=16, commune=commune["code"],
                  address="حي السلام، شارع 5، رقم 12")
    shop.locator(".sf-submit").click()
    shop.wait_for_url("**/thanks/*")
    number = shop.url.rsplit("/", 1)[1]
    shop.locator(".sf-order-number", has_text=number).wait_for()
    assert shop.evaluate("document.documentElement.dir") == "rtl"

    # The bell rings on the open dashboard, with no reload.
    dashboard.locator(".bell-button[data-unread='1']").wait_for(timeout=20_000)
    assert dashboard.evaluate("window.sameDocument") is True
    dashboard.locator(".bell-button").click()
    dashboard.locator(".bell-item", has_text=number).click()
    dashboard.wait_for_url("**/dashboard/orders/*")
    dashboard.get_by_role("heading", name=f"Commande n° {number}").wait_for()

    # Confirmed after the call, then shipped with the sandbox courier.
    dashboard.fill(".order-actions .note-input", "Confirmée au téléphone")
    dashboard.get_by_role("button", name="Confirmer").click()
    dashboard.locator(".order-head .badge-confirmed").wait_for()
    form = dashboard.locator(".ship-form")
    form.locator("select[name=courier] option[value=yalidine]").wait_for(state="attached")
    form.locator("select[name=courier]").select_option("yalidine")
    form.get_by_role("button", name="Envoyer au transporteur").click()
    tracking = dashboard.locator(".shipping .tracking-number")
    tracking.wait_for(timeout=30_000)
    parcel = tracking.inner_text().strip()
    assert parcel in fake.parcels and fake.parcels[parcel].reference == number

    # The courier walks the parcel to the door; its callbacks bring the order along.
    for status in fake.DELIVERED_PATH:
        control(fake, "advance", tracking=parcel, status=status)
    order_id = urlsplit(dashboard.url).path.rsplit("/", 1)[1]
    assert wait_until(lambda: api.get(f"/v1/orders/{order_id}", headers=merchant.headers)
                      .json()["status"] == "delivered", timeout=60, interval=0.3)
    dashboard.reload()
    dashboard.locator(".order-head .badge-delivered").wait_for()

    # Every step on the Timeline tab, each with who did it.
    timeline = dashboard.locator(".timeline")
    steps = {event: timeline.locator(f"li[data-event='{event}']") for event in
             ("created", "status_changed", "shipment_requested", "shipment_created", "tracking_updated")}
    assert steps["created"].locator(".actor").inner_text() == "Client · أمينة بن علي"
    confirmed = steps["status_changed"].filter(has_text="En attente → Confirmée")
    assert confirmed.locator(".actor").inner_text() == f"Équipe · {merchant.email}"
    assert confirmed.locator(".entry-note").inner_text() == "Confirmée au téléphone"
    assert steps["shipment_requested"].locator(".actor").inner_text() == f"Équipe · {merchant.email}"
    assert steps["shipment_created"].count() == 1
    for move in ("Confirmée → En préparation", "En préparation → Expédiée", "Expédiée → Livrée"):
        entry = steps["status_changed"].filter(has_text=move)
        assert entry.count() == 1, move
        assert entry.locator(".actor").inner_text().startswith("Transporteur")
    assert steps["tracking_updated"].count() >= 1
    shoot(dashboard, "journey-delivered-fr")
    assert dashboard.script_errors == [] and shop.script_errors == []
