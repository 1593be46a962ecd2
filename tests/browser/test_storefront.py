"""The public storefront as a customer uses it: browse, choose a variant, order in
Arabic or French on a 360 px phone, follow the order; the store's address by path
or by <slug>.localhost; an unknown store.

The helpers at the top are shared with test_storefront_errors.py."""
from __future__ import annotations

import unicodedata
from typing import Any, Dict, List
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import DESKTOP, PHONE, shoot
from tests.e2e.conftest import Merchant, signup
from tests.e2e.test_orders_api import checkout, move

ARABIC_MESSAGES = {"not_found": "لا يوجد طلب بهذا الرقم وهذا الهاتف."}


# --- helpers -------------------------------------------------------------------------------


def dress(api, merchant: Merchant, name: str = "Jebba brodée") -> Dict[str, Any]:
    """A product with a size option: M (in stock), L (sold out), XL (in stock, dearer)."""
    response = api.post("/v1/products", headers=merchant.headers, json={
        "name": name, "price": 5500, "description": "Brodée à la main.\nTissu léger.",
        "variants": [{"options": {"taille": "M"}, "stock": 3},
                     {"options": {"taille": "L"}, "stock": 0},
                     {"options": {"taille": "XL"}, "stock": 2, "price": 5900}]})
    assert response.status_code == 201, response.text
    return response.json()


def simple(api, merchant: Merchant, name: str = "Huile d'olive 1 L", price: int = 1800,
           stock: int = 10) -> Dict[str, Any]:
    response = api.post("/v1/products", headers=merchant.headers,
                        json={"name": name, "price": price, "stock": stock})
    assert response.status_code == 201, response.text
    return response.json()


def variant(product: Dict[str, Any], size: str) -> Dict[str, Any]:
    return next(v for v in product["variants"] if v["options"].get("taille") == size)


def store_path(merchant: Merchant, path: str = "/") -> str:
    return f"/s/{merchant.store['slug']}{path}"


def fee(api, merchant: Merchant, wilaya: int, kind: str) -> int:
    rates = api.get(f"/v1/stores/{merchant.store['slug']}/shipping").json()["items"]
    return next(rate for rate in rates if rate["code"] == wilaya)[kind]


def first_commune(api, wilaya: int) -> Dict[str, Any]:
    return api.get(f"/v1/wilayas/{wilaya}/communes").json()["items"][0]


def orders(api, merchant: Merchant) -> List[Dict[str, Any]]:
    response = api.get("/v1/orders", headers=merchant.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def digits(text: str) -> str:
    """The number in a price, whatever the locale's digits and separators."""
    return "".join(str(unicodedata.digit(char)) for char in text if char.isdigit())


def add_to_cart(page, merchant: Merchant, product: Dict[str, Any], size: str = None) -> None:
    page.goto(store_path(merchant, f"/p/{product['id']}"))
    if size:
        page.locator(".sf-chip", has=page.locator(f"input[value='{size}']")).click()
    page.locator(".sf-add").click()
    page.locator(".sf-added").wait_for()


def fill_checkout(page, *, name="Amina Benali", phone="0555 12 34 56", wilaya=16, commune="1605",
                  address="12 rue Larbi Ben M'hidi", delivery="home") -> None:
    """Fill the checkout form as a customer does; the page must already show it."""
    page.locator("form.sf-checkout").wait_for()
    page.fill("input[name=name]", name)
    page.fill("input[name=phone]", phone)
    page.select_option("select[name=wilaya]", str(wilaya))
    page.locator(f"select[name=commune] option[value='{commune}']").wait_for(state="attached")
    page.select_option("select[name=commune]", commune)
    page.fill("input[name=address]", address)
    page.locator(f"input[name=delivery_type][value={delivery}]").check()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def snap(page, name: str) -> None:
    """A whole-page screenshot in which bars stuck to the bottom of the screen sit
    where they belong: the viewport is made as tall as the page for the shot."""
    size = page.viewport_size
    page.evaluate("window.scrollTo(0, 0)")
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        shoot(page, name)
    finally:
        page.set_viewport_size(size)


def with_stop_desks(api, merchant: Merchant, sandbox_courier) -> None:
    sandbox_courier("ecotrack", merchant)
    synced = api.post("/v1/couriers/ecotrack/sync", headers=merchant.headers, json={})
    assert synced.status_code == 200, synced.text


# --- ordering --------------------------------------------------------------------------------
def test_a_customer_orders_in_arabic_on_a_phone(api, new_page):
    merchant = signup(api)
    product = dress(api, merchant, name="جبة قبائلية مطرزة")
    simple(api, merchant, name="زيت زيتون 1 لتر")
    commune = first_commune(api, 31)
    page = new_page(viewport=PHONE, language="ar")

    page.goto(store_path(merchant))
    page.locator(".sf-card", has_text="جبة قبائلية").wait_for()
    assert page.evaluate("[document.documentElement.dir, document.documentElement.lang]") == ["rtl", "ar"]
    # Mirrored: the store's name on the right, the cart on the left.
    assert page.locator(".sf-brand").bounding_box()["x"] > page.locator(".sf-cart-link").bounding_box()["x"]
    snap(page, "storefront-ar")

    page.locator(".sf-card", has_text="جبة قبائلية").click()
    page.locator(".sf-product h1", has_text="جبة قبائلية").wait_for()
    assert page.locator("input[name=option-0][value=L]").is_disabled()     # sold out
    page.locator(".sf-chip", has_text="XL").click()
    assert digits(page.locator(".sf-product-price").inner_text()) == "5900"
    snap(page, "product-ar")
    page.locator(".sf-add").click()
    assert page.locator(".sf-cart-count").inner_text() == "1"
    page.locator(".sf-added a", has_text="اطلب الآن").click()

    page.wait_for_url("**/checkout")
    # Arabic-Indic digits, as an Arabic keyboard types them.
    fill_checkout(page, name="أمينة بن علي", phone="٠٥٥٥ ١٢ ٣٤ ٥٦", wilaya=31, commune=commune["code"],
                  address="حي السلام، شارع 5، رقم 12")
    assert page.locator("select[name=commune] option:checked").inner_text() == commune["name_ar"]
    home_fee = fee(api, merchant, 31, "home")
    assert digits(page.locator(".sf-total").inner_text()) == str(5900 + home_fee)
    # Recognised, shown the Algerian way (joined by no-break spaces, isolated left to right).
    assert "0555\xa012\xa034\xa056" in page.locator(".sf-phone-help").inner_text()
    snap(page, "checkout-ar")
    page.locator(".sf-submit").click()

    page.wait_for_url("**/thanks/*")
    number = page.url.rsplit("/", 1)[1]
    page.locator(".sf-order-number", has_text=number).wait_for()
    assert page.locator(".sf-cart-count").is_hidden()          # the cart is emptied
    snap(page, "thankyou-ar")

    [order] = orders(api, merchant)
    assert str(order["number"]) == number and order["status"] == "pending"
    assert [(line["variant_id"], line["quantity"]) for line in order["items"]] == [(variant(product, "XL")["id"], 1)]
    assert (order["shipping"]["wilaya"], order["shipping"]["commune"], order["shipping"]["delivery_type"]) == \
        (31, commune["code"], "home")
    assert order["customer"] == {"name": "أمينة بن علي", "phone": "+213555123456"}
    assert order["totals"] == {"items": 5900, "delivery": home_fee, "total": 5900 + home_fee}
    assert no_horizontal_scroll(page)
    assert page.script_errors == []


def test_a_customer_orders_in_french_with_a_stop_desk(api, new_page, sandbox_courier):
    merchant = signup(api)
    with_stop_desks(api, merchant, sandbox_courier)
    product = dress(api, merchant)
    oil = simple(api, merchant)
    page = new_page(viewport=DESKTOP, language="fr")

    page.goto(store_path(merchant))
    page.locator(".sf-card", has_text="Jebba brodée").wait_for()
    assert page.evaluate("document.documentElement.dir") == "ltr"
    snap(page, "storefront-fr")
    page.locator(".sf-card", has_text="Jebba brodée").click()
    page.locator(".sf-chip", has_text="M").first.click()
    snap(page, "product-fr")
    page.locator(".sf-add").click()
    add_to_cart(page, merchant, oil)

    page.locator(".sf-cart-link").click()
    page.locator(".sf-line", has_text="Huile").locator("button[aria-label='Augmenter la quantité']").click()
    page.locator(".sf-line", has_text="Huile").locator(".sf-qty-value", has_text="2").wait_for()
    assert digits(page.locator(".sf-subtotal").inner_text()) == str(5500 + 2 * 1800)
    page.locator(".sf-checkout-link").click()

    fill_checkout(page, wilaya=16, commune="1605", delivery="stop_desk")
    desks = api.get(f"/v1/stores/{merchant.store['slug']}/stop-desks", params={"wilaya": 16}).json()["items"]
    assert desks, "the courier's sync gave desks in Alger"
    page.select_option("select[name=stop_desk]", desks[-1]["id"])
    desk_fee = fee(api, merchant, 16, "stop_desk")
    assert digits(page.locator(".sf-fee").inner_text()) == str(desk_fee)
    assert digits(page.locator(".sf-total").inner_text()) == str(5500 + 3600 + desk_fee)
    snap(page, "checkout-fr")
    page.locator(".sf-submit").click()

    page.wait_for_url("**/thanks/*")
    page.locator(".sf-thanks-head h1", has_text="Merci").wait_for()
    snap(page, "thankyou-fr")
    [order] = orders(api, merchant)
    assert sorted((line["variant_id"], line["quantity"]) for line in order["items"]) == sorted(
        [(variant(product, "M")["id"], 1), (oil["variants"][0]["id"], 2)])
    assert order["shipping"]["delivery_type"] == "stop_desk" and order["shipping"]["stop_desk"] == desks[-1]["id"]
    assert (order["shipping"]["wilaya"], order["shipping"]["commune"]) == (16, "1605")
    assert order["totals"]["total"] == 5500 + 3600 + desk_fee
    assert page.locator(".sf-order-number").inner_text().endswith(str(order["number"]))
    assert page.script_errors == []


def test_the_customer_follows_and_cancels_an_order_in_arabic(api, new_page):
    merchant = signup(api)
    placed = checkout(api, merchant, simple(api, merchant, name="قهوة مطحونة 250 غ"), quantity=1).json()
    assert move(api, merchant, placed["id"], "confirmed").status_code == 200
    page = new_page(viewport=PHONE, language="ar")

    page.goto(store_path(merchant, f"/order?number={placed['number']}"))
    page.fill("input[name=phone]", "0555 00 00 00")
    page.locator(".sf-status-form button[type=submit]").click()
    page.locator(".form-error", has_text=ARABIC_MESSAGES["not_found"]).wait_for()

    page.fill("input[name=phone]", "0555 12 34 56")
    page.locator(".sf-status-form button[type=submit]").click()
    page.locator(".sf-status .badge", has_text="مؤكد").wait_for()
    assert page.locator(".sf-step.done").count() == 1
    assert page.locator(".sf-step.current").inner_text().startswith("مؤكد")
    snap(page, "order-status-ar")

    page.locator(".sf-cancel button", has_text="إلغاء طلبي").click()
    page.locator(".sf-cancel button", has_text="نعم").click()
    page.locator(".sf-status .badge", has_text="ملغى").wait_for()
    assert api.get(f"/v1/orders/{placed['id']}", headers=merchant.headers).json()["status"] == "cancelled"
    assert page.script_errors == []


# --- addresses, languages, layout ------------------------------------------------------------
def test_the_store_answers_on_its_own_localhost_name(api, web, new_page):
    merchant = signup(api)
    product = simple(api, merchant)
    port = urlsplit(web).port
    page = new_page()
    page.goto(f"http://{merchant.store['slug']}.localhost:{port}/")
    page.locator(".sf-brand-name", has_text=merchant.store["name"]).wait_for()
    page.locator(".sf-card").click()
    page.locator(".sf-product h1", has_text=product["name"]).wait_for()
    assert page.evaluate("location.pathname") == f"/p/{product['id']}"
    page.reload()       # a page path there is served the storefront too
    page.locator(".sf-product h1", has_text=product["name"]).wait_for()
    assert page.script_errors == []


def test_an_unknown_store_or_page_is_said_kindly(api, new_page):
    page = new_page(viewport=PHONE)
    page.goto("/s/no-such-store-here/p/123")
    page.locator("h1", has_text="Boutique introuvable").wait_for()
    merchant = signup(api)
    page.goto(store_path(merchant, "/nothing/here"))
    page.locator("h1", has_text="Page introuvable").wait_for()
    page.locator("a", has_text="Retour à la boutique").click()
    page.locator(".sf-hero h1", has_text=merchant.store["name"]).wait_for()
    assert page.script_errors == []


def test_the_stores_language_comes_first_and_the_visitors_choice_is_remembered(api, new_page):
    merchant = signup(api)
    assert api.patch("/v1/store", headers=merchant.headers, json={"languages": ["ar", "fr"]}).status_code == 200
    simple(api, merchant, name="زيت زيتون")
    page = new_page(viewport=PHONE)
    page.goto(store_path(merchant))
    page.locator(".sf-section-title", has_text="منتجاتنا").wait_for()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.select_option(".sf-header .language-picker", "fr")
    page.locator(".sf-section-title", has_text="Nos produits").wait_for()
    assert page.evaluate("document.documentElement.dir") == "ltr"
    page.reload()
    page.locator(".sf-section-title", has_text="Nos produits").wait_for()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_no_page_scrolls_sideways_on_a_360px_phone(api, new_page, language):
    merchant = signup(api)
    product = dress(api, merchant, name="Robe kabyle brodée à la main, modèle traditionnel de Tizi Ouzou")
    page = new_page(viewport=PHONE, language=language)
    add_to_cart(page, merchant, product, size="XL")
    assert no_horizontal_scroll(page)
    for path, ready in (("/", ".sf-card"), ("/order", ".sf-status-form"), ("/cart", ".sf-line"),
                        ("/checkout", "form.sf-checkout")):
        page.goto(store_path(merchant, path))
        page.locator(ready).first.wait_for()
        assert no_horizontal_scroll(page), path
    fill_checkout(page, delivery="stop_desk")
    assert no_horizontal_scroll(page)
    assert page.script_errors == []
