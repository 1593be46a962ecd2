"""The storefront when something says no: the API's field errors under their
fields, what the store does not offer shown as unavailable, a blocked phone, too
many orders, and a connection lost in the middle of a checkout."""
from __future__ import annotations

from tests.browser.conftest import PHONE
from tests.browser.test_storefront import (add_to_cart, digits, dress, fee, fill_checkout, orders, simple,
                                           snap, store_path)
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import checkout


def order_posts(page):
    """The checkout POSTs the page sends, as they leave the browser."""
    sent = []
    page.on("request", lambda request: sent.append(request)
            if request.method == "POST" and request.url.endswith("/orders") else None)
    return sent


def error_of(page, name):
    return page.locator(f"[data-field='{name}'] .error")


def test_the_apis_field_errors_appear_under_their_fields(api, new_page):
    merchant = signup(api)
    product = simple(api, merchant)
    page = new_page(viewport=PHONE, language="fr")
    sent = order_posts(page)
    add_to_cart(page, merchant, product)
    page.goto(store_path(merchant, "/checkout"))
    page.locator("form.sf-checkout").wait_for()

    # Empty fields are said at once, without a round trip.
    page.locator(".sf-submit").click()
    for name in ("customer.name", "customer.phone", "shipping.wilaya", "shipping.commune", "shipping.address"):
        error_of(page, name).wait_for()
    assert sent == []

    # 08… is not an Algerian mobile: the page only warns, the API refuses it.
    fill_checkout(page, phone="0812 34 56 78")
    assert "is-bad" in page.locator(".sf-phone-help").get_attribute("class")
    page.locator(".sf-submit").click()
    error_of(page, "customer.phone").filter(has_text="Indiquez un mobile algérien valide").wait_for()
    assert page.locator("input[name=phone]").get_attribute("aria-invalid") == "true"
    assert page.locator(".field.invalid").count() == 1
    assert len(sent) == 1 and orders(api, merchant) == []
    snap(page, "checkout-errors-fr")

    page.fill("input[name=phone]", "+213 661 23 45 67")
    page.locator(".sf-submit").click()
    page.wait_for_url("**/thanks/*")
    [order] = orders(api, merchant)
    assert order["customer"]["phone"] == "+213661234567"
    assert page.script_errors == []


def test_what_the_store_does_not_offer_cannot_be_chosen(api, new_page):
    merchant = signup(api)
    rates = api.put("/v1/shipping/rates", headers=merchant.headers, json={"rates": [
        {"wilaya": 11, "enabled": False}, {"wilaya": 16, "home": 450, "stop_desk": None}]})
    assert rates.status_code == 200, rates.text
    product = dress(api, merchant)
    sold_out = simple(api, merchant, name="Tapis de prière", stock=0)
    page = new_page(viewport=PHONE, language="fr")

    page.goto(store_path(merchant))
    page.locator(".sf-card", has_text="Tapis de prière").locator(".badge", has_text="Épuisé").wait_for()
    page.goto(store_path(merchant, f"/p/{sold_out['id']}"))
    page.locator(".notice", has_text="épuisé").wait_for()
    assert page.locator(".sf-add").is_disabled()

    page.goto(store_path(merchant, f"/p/{product['id']}"))
    assert page.locator("input[value=L]").is_disabled() and page.locator("input[value=M]").is_enabled()
    page.locator(".sf-add").click()          # no size chosen yet: said under the sizes
    page.locator(".sf-picker .error", has_text="Choisissez : Taille").wait_for()
    page.locator(".sf-chip", has_text="M").click()
    page.locator(".sf-add").click()
    page.locator(".sf-added a", has_text="Commander").click()

    page.locator("form.sf-checkout").wait_for()
    assert page.locator("select[name=wilaya] option[value='11']").is_disabled()
    page.select_option("select[name=wilaya]", "16")
    assert page.locator("input[value=stop_desk]").is_disabled()
    assert page.locator(".sf-type", has_text="À domicile").locator(".sf-type-fee").inner_text() == "450 DZD"
    assert digits(page.locator(".sf-total").inner_text()) == str(5500 + 450)
    page.select_option("select[name=wilaya]", "31")
    assert page.locator("input[value=stop_desk]").is_enabled()
    page.locator("input[value=stop_desk]").check()
    assert digits(page.locator(".sf-fee").inner_text()) == str(fee(api, merchant, 31, "stop_desk"))
    assert page.script_errors == []


def test_a_blocked_phone_is_told_to_call_the_store(api, new_page):
    merchant = signup(api)
    blocked = api.post("/v1/blacklist", headers=merchant.headers,
                       json={"phone": "0770 11 22 33", "reason": "commandes jamais récupérées"})
    assert blocked.status_code in (200, 201), blocked.text
    product = simple(api, merchant)
    page = new_page(viewport=PHONE, language="fr")
    add_to_cart(page, merchant, product)
    page.goto(store_path(merchant, "/checkout"))
    fill_checkout(page, phone="0770 11 22 33")
    page.locator(".sf-submit").click()
    page.locator(".form-error", has_text="Contactez la boutique par téléphone").wait_for()
    assert "blacklist" not in page.locator(".form-error").inner_text().lower()
    assert orders(api, merchant) == []
    assert page.url.endswith("/checkout")
    assert page.script_errors == []


def test_too_many_orders_say_when_to_try_again(api, new_page):
    merchant = signup(api)
    limits = api.patch("/v1/store", headers=merchant.headers,
                       json={"checkout_limits": {"per_phone_per_hour": 1, "per_ip_per_hour": None}})
    assert limits.status_code == 200, limits.text
    product = simple(api, merchant)
    assert checkout(api, merchant, product, quantity=1).status_code == 201      # 0555 12 34 56
    page = new_page(viewport=PHONE, language="fr")
    add_to_cart(page, merchant, product)
    page.goto(store_path(merchant, "/checkout"))
    fill_checkout(page, phone="0555 12 34 56")
    page.locator(".sf-submit").click()
    page.locator(".form-error", has_text="Trop de demandes").wait_for()
    assert len(orders(api, merchant)) == 1
    assert page.script_errors == []


def test_a_lost_connection_at_checkout_offers_a_retry_that_places_one_order(api, new_page):
    merchant = signup(api)
    product = simple(api, merchant)
    page = new_page(viewport=PHONE, language="fr")
    add_to_cart(page, merchant, product)
    keys = []

    def lose_the_first_answer(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()             # the order reaches the store…
            route.abort("internetdisconnected")     # …but its answer never comes back
        else:
            route.continue_()

    page.route("**/v1/stores/*/orders", lose_the_first_answer)
    page.goto(store_path(merchant, "/checkout"))
    fill_checkout(page)
    page.locator(".sf-submit").click()
    page.locator(".form-error", has_text="connexion perdue").wait_for()
    assert page.url.endswith("/checkout")
    assert len(orders(api, merchant)) == 1            # placed, though the page could not know

    page.locator(".form-error .sf-retry").click()
    page.wait_for_url("**/thanks/*")
    [order] = orders(api, merchant)
    assert page.url.endswith(f"/thanks/{order['number']}")
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    assert page.script_errors == []


def test_a_retry_after_editing_the_form_still_finds_the_first_order(api, new_page):
    merchant = signup(api)
    product = simple(api, merchant)
    page = new_page(viewport=PHONE, language="fr")
    add_to_cart(page, merchant, product)
    lost = []

    def lose_the_first_answer(route):
        if not lost:
            lost.append(route.fetch())
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/v1/stores/*/orders", lose_the_first_answer)
    page.goto(store_path(merchant, "/checkout"))
    fill_checkout(page)
    page.locator(".sf-submit").click()
    page.locator(".form-error .sf-retry").wait_for()
    # The customer changes the address and presses the main button again.
    page.fill("input[name=address]", "14 rue Larbi Ben M'hidi")
    page.locator(".sf-submit").click()
    page.wait_for_url("**/thanks/*")
    [order] = orders(api, merchant)
    assert order["shipping"]["address"] == "12 rue Larbi Ben M'hidi"      # the order that exists
    assert page.url.endswith(f"/thanks/{order['number']}")
    assert page.script_errors == []
