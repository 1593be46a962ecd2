"""Settings: the store form round-trips and shows 422s by the field, delivery rates,
the blacklist, webhooks (secret shown once), the sub-menu by role."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import session_of, shoot
from tests.e2e.conftest import signup


def open_section(new_page, merchant, section, **options):
    page = new_page(session=session_of(merchant), **options)
    page.goto(f"/dashboard/settings/{section}" if section else "/dashboard/settings")
    page.locator(".settings-body form, .settings-body .table-wrap, .settings-body .empty").first.wait_for()
    return page


def store_of(api, merchant):
    response = api.get("/v1/store", headers=merchant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_store_settings_save_round_trips_and_a_422_shows_by_its_field(api, new_page):
    merchant = signup(api)
    page = open_section(new_page, merchant, None)
    expect(page.locator(".settings-menu a.active")).to_have_text("Boutique")
    expect(page.locator(".storefront-card input")).to_have_value(re.compile(f"/s/{merchant.store['slug']}/$"))
    page.fill("input[name=name]", "Boutique Tlemcen — متجر تلمسان")
    page.fill("input[name=phone]", "0661 00 11 22")
    page.check("input[name=languages][value=en]")
    page.fill("input[name=auto_cancel_after_attempts]", "3")
    page.fill("input[name=per_phone_per_hour]", "5")
    page.check("input[name=restock_on_return]")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator(".toast", has_text="Modifications enregistrées").wait_for()
    store = store_of(api, merchant)
    assert store["name"] == "Boutique Tlemcen — متجر تلمسان"
    assert store["phone"] == "+213661001122"
    assert store["languages"] == ["fr", "ar", "en"]
    assert store["auto_cancel_after_attempts"] == 3 and store["restock_on_return"] is True
    assert store["checkout_limits"] == {"per_phone_per_hour": 5, "per_ip_per_hour": None}
    # The shell shows the new name once the store is read again.
    expect(page.locator(".store-name")).to_have_text("Boutique Tlemcen — متجر تلمسان")

    # Arabic first makes it the default; a plain-http logo is refused next to its field.
    page.locator(".lang-order li[data-lang=ar]").get_by_role("button", name=re.compile("Monter")).click()
    expect(page.locator(".lang-order li").first).to_have_attribute("data-lang", "ar")
    page.fill("input[name=logo_url]", "http://example.com/logo.png")
    page.get_by_role("button", name="Enregistrer").click()
    error = page.locator("[data-field=logo_url] .error")
    expect(error).to_have_text("Donnez une adresse https complète.")
    assert page.locator("input[name=logo_url]").get_attribute("aria-invalid") == "true"
    assert store_of(api, merchant)["languages"] == ["fr", "ar", "en"]      # nothing saved
    page.fill("input[name=logo_url]", "")
    page.fill("input[name=auto_cancel_after_attempts]", "")
    # The first save's toast may still be up: only this save's may count.
    page.evaluate("document.querySelectorAll('.toast').forEach((toast) => toast.remove())")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator(".toast", has_text="Modifications enregistrées").wait_for()
    expect(page.locator("[data-field=logo_url] .error")).to_have_count(0)
    store = store_of(api, merchant)
    assert store["languages"] == ["ar", "fr", "en"] and store["auto_cancel_after_attempts"] is None
    page.reload()
    expect(page.locator("input[name=phone]")).to_have_value("0661 00 11 22")
    shoot(page, "settings-store-fr")
    assert page.script_errors == []


def test_delivery_rates_save_and_bulk_fill_in_arabic(api, new_page):
    merchant = signup(api)
    page = open_section(new_page, merchant, "shipping", language="ar")
    expect(page.locator(".rates-table tbody tr")).to_have_count(69)
    algiers = page.locator(".rates-table tr[data-wilaya='16']")
    expect(algiers.locator("td").first).to_have_text("16 الجزائر")
    algiers.locator("input[name=home-16]").fill("450")
    page.locator(".rates-table tr[data-wilaya='2'] input[name=stop_desk-2]").fill("")
    page.locator(".rates-table tr[data-wilaya='69'] input[type=checkbox]").uncheck()
    # Bulk: only the wilayas the search shows.
    page.fill("input[type=search]", "وهران")
    expect(page.locator(".rates-table tbody tr:not(.hidden)")).to_have_count(1)
    page.fill("#bulk-home", "700")
    page.fill("#bulk-desk", "500")
    page.get_by_role("button", name="تطبيق على كل الولايات المعروضة").click()
    page.fill("input[type=search]", "")
    expect(page.locator(".form-actions")).to_contain_text("4")
    shoot(page, "settings-shipping-ar")
    page.locator(".form-actions").get_by_role("button", name="حفظ").click()
    page.locator(".toast", has_text="تم حفظ التغييرات").wait_for()
    rates = {rate["wilaya"]: rate for rate in api.get("/v1/shipping/rates", headers=merchant.headers).json()["rates"]}
    assert rates[16]["home"] == 450
    assert rates[2]["stop_desk"] is None
    assert rates[69]["enabled"] is False
    assert (rates[31]["home"], rates[31]["stop_desk"]) == (700, 500)
    # An invalid fee is said by its input and nothing is sent.
    page.locator("input[name=home-16]").fill("-5")
    page.locator(".form-actions").get_by_role("button", name="حفظ").click()
    expect(page.locator("[data-field='rate-16.home'] .error")).to_be_visible()
    assert api.get("/v1/shipping/rates", headers=merchant.headers).json()["rates"][15]["home"] == 450
    assert page.script_errors == []


def test_blacklist_add_and_remove(api, new_page):
    merchant = signup(api)
    page = open_section(new_page, merchant, "blacklist")
    page.fill("input[name=phone]", "12")
    page.get_by_role("button", name="Bloquer").click()
    expect(page.locator("[data-field=phone] .error")).to_be_visible()
    page.fill("input[name=phone]", "0550 98 76 54")
    page.fill("input[name=reason]", "Trois fausses commandes")
    page.get_by_role("button", name="Bloquer").click()
    row = page.locator(".blacklist-table tr[data-phone='+213550987654']")
    expect(row).to_contain_text("0550 98 76 54")
    expect(row).to_contain_text("Trois fausses commandes")
    assert [e["phone"] for e in api.get("/v1/blacklist", headers=merchant.headers).json()["items"]] == ["+213550987654"]
    row.get_by_role("button", name="Débloquer").click()
    page.locator("dialog[open]").get_by_role("button", name="Débloquer").click()
    expect(page.locator(".blacklist-table")).to_have_count(0)
    expect(page.get_by_text("Aucun numéro bloqué.")).to_be_visible()
    assert api.get("/v1/blacklist", headers=merchant.headers).json()["items"] == []
    assert page.script_errors == []


def test_webhook_create_shows_the_secret_once_and_test_ping_is_logged(api, web, new_page):
    merchant = signup(api)
    page = open_section(new_page, merchant, "webhooks")
    page.fill("#hook-url", "ftp://nope")
    page.get_by_role("button", name="Créer l'endpoint").click()
    expect(page.locator("[data-field=url] .error")).to_be_visible()
    page.fill("#hook-url", f"{web}/v1/health")
    page.fill("#hook-description", "Mon ERP")
    page.check("input[name=events][value='order.call_logged']")
    page.get_by_role("button", name="Créer l'endpoint").click()
    secret = page.locator(".secret-box .secret")
    expect(secret).to_have_text(re.compile(r"^whsec_"))
    [hook] = api.get("/v1/webhooks", headers=merchant.headers).json()["items"]
    assert "secret" not in hook and "order.call_logged" in hook["events"] and hook["url"] == f"{web}/v1/health"
    card = page.locator(f".hook-card[data-webhook='{hook['id']}']")
    expect(card).to_contain_text("Mon ERP")
    shoot(page, "settings-webhooks-fr")
    card.get_by_role("button", name="Envoyer un test").click()
    expect(card.locator(".notice")).to_contain_text(re.compile("Test (réussi|échoué)"))
    card.get_by_role("button", name="Journal des envois").click()
    expect(card.locator(".deliveries tr[data-delivery]")).to_have_count(1)
    page.reload()
    page.locator(".hook-card").wait_for()
    expect(page.locator(".secret-box")).to_have_count(0)

    # Edit: a bad URL is said next to its field, a good change is saved.
    page.locator(".hook-card").get_by_role("button", name="Modifier").click()
    edit = page.locator("form.hook-edit")
    edit.locator("input[name=url]").fill("http://example.dz/hook")
    edit.get_by_role("button", name="Enregistrer").click()
    expect(edit.locator("[data-field=url] .error")).to_be_visible()
    edit.locator("input[name=url]").fill(f"{web}/v1/health?erp=2")
    edit.locator("input[name=events][value='order.call_logged']").uncheck()
    edit.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".hook-card .hook-url")).to_have_text(f"{web}/v1/health?erp=2")
    [changed] = api.get("/v1/webhooks", headers=merchant.headers).json()["items"]
    assert changed["url"] == f"{web}/v1/health?erp=2" and "order.call_logged" not in changed["events"]
    assert page.script_errors == []


def test_api_key_is_shown_once_and_can_be_revoked(api, new_page):
    merchant = signup(api)
    page = open_section(new_page, merchant, "api-keys")
    page.fill("#key-name", "Google Sheets")
    page.get_by_role("button", name="Créer la clé").click()
    key = page.locator(".secret-box .secret").inner_text()
    row = page.locator(".keys-table tbody tr", has_text="Google Sheets")
    expect(row).to_contain_text("orders:read")
    assert api.get("/v1/orders", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    row.get_by_role("button", name="Révoquer").click()
    page.locator("dialog[open]").get_by_role("button", name="Révoquer").click()
    expect(page.locator(".keys-table tbody tr", has_text="Google Sheets")).to_have_count(0)
    assert api.get("/v1/orders", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert page.script_errors == []


def test_notification_choices_save_and_couriers_show_their_fields(api, new_page):
    merchant = signup(api)
    page = open_section(new_page, merchant, "notifications")
    page.check("input[name='push:shipment.failed']")
    page.uncheck("input[name='sound:order.created']")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator(".toast", has_text="Modifications enregistrées").wait_for()
    chosen = api.get("/v1/store", headers=merchant.headers).json()["notifications"]
    assert "shipment.failed" in chosen["push"] and "order.created" not in chosen["sound"]

    page.goto("/dashboard/settings/couriers")
    yalidine = page.locator("details[data-courier=yalidine]")
    yalidine.locator("summary").click()
    expect(yalidine.locator("input[name=api_id]")).to_be_visible()
    expect(yalidine.locator("input[name=webhook_secret]")).to_be_visible()
    noest = page.locator("details[data-courier=noest]")
    noest.locator("summary").click()
    expect(noest.locator("input[name=user_guid]")).to_be_visible()
    assert page.script_errors == []
