"""The orders list: status tabs, search, wilaya and date filters kept in the address,
pages through next_cursor, the CSV of the same filters, and bulk moves with a result
per order."""
from __future__ import annotations

import re
import uuid

from tests.browser.conftest import PHONE, session_of, shoot
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import checkout, move, product


def fresh_phone() -> str:
    return "05" + str(uuid.uuid4().int)[:8]


def place(api, merchant, item, name="Amina Benali", wilaya=16, commune="Bab El Oued", phone=None, quantity=1, **extra):
    placed = checkout(api, merchant, item, quantity=quantity,
                      customer={"name": name, "phone": phone or fresh_phone()},
                      shipping={"wilaya": wilaya, "commune": commune, "address": "12 rue Larbi Ben M'hidi",
                                "delivery_type": "home"}, **extra)
    assert placed.status_code == 201, placed.text
    return placed.json()


def store_with_orders(api):
    """A store with a few orders in several states and wilayas, one possible duplicate."""
    merchant = signup(api)
    item = product(api, merchant, stock=50, name="Jebba kabyle")
    orders = [
        place(api, merchant, item, "Amina Benali", 16, "Bab El Oued", phone="0555123456"),
        place(api, merchant, item, "Karim Haddad", 31, "Oran"),
        place(api, merchant, item, "سارة بن علي", 25, "Constantine"),
        place(api, merchant, item, "Yacine Bouzid", 16, "Hydra"),
        place(api, merchant, item, "Amina Benali", 16, "Bab El Oued", phone="0555123456"),
    ]
    assert move(api, merchant, orders[1]["id"], "confirmed").status_code == 200
    assert move(api, merchant, orders[2]["id"], "cancelled").status_code == 200
    return merchant, item, orders


def rows(page):
    return page.locator(".orders-table tbody tr")


def numbers(page):
    return [int(text.strip("#")) for text in page.locator(".orders-table .order-link").all_inner_texts()]


def expect_numbers(page, expected):
    """Wait until the list shows exactly these order numbers, in this order."""
    page.wait_for_function(
        "(expected) => JSON.stringify([...document.querySelectorAll('.orders-table .order-link')]"
        ".map((a) => Number(a.textContent.slice(1)))) === JSON.stringify(expected)", arg=expected)


def newest_first(orders, keep=lambda o: True):
    return [o["number"] for o in reversed(orders) if keep(o)]


def test_tabs_search_and_filters_follow_the_address(api, new_page):
    merchant, _, orders = store_with_orders(api)
    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/orders")
    expect_numbers(page, newest_first(orders))
    # The repeat order from the same phone is flagged, the first one is not.
    flagged = page.locator(f"tr[data-id='{orders[4]['id']}'] .flag")
    assert flagged.inner_text().strip().endswith("Doublon possible")
    assert page.locator(f"tr[data-id='{orders[0]['id']}'] .flag").count() == 0

    page.get_by_role("tab", name="Confirmée").click()
    page.wait_for_url("**/dashboard/orders?status=confirmed")
    expect_numbers(page, [orders[1]["number"]])
    assert page.get_by_role("tab", name="Confirmée").get_attribute("aria-selected") == "true"

    page.get_by_role("tab", name="Toutes").click()
    page.wait_for_url(re.compile(r".*/dashboard/orders$"))
    page.fill("input[name=q]", "Karim")
    page.wait_for_url("**/dashboard/orders?q=Karim")
    expect_numbers(page, [orders[1]["number"]])
    page.fill("input[name=q]", str(orders[3]["number"]))
    page.wait_for_url(f"**/dashboard/orders?q={orders[3]['number']}")
    expect_numbers(page, [orders[3]["number"]])

    page.fill("input[name=q]", "")
    page.wait_for_url(re.compile(r".*/dashboard/orders$"))
    expect_numbers(page, newest_first(orders))
    page.locator("select[name=wilaya] option[value='31']").wait_for(state="attached")
    page.select_option("select[name=wilaya]", "16")
    page.wait_for_url("**/dashboard/orders?wilaya=16")
    in_algiers = newest_first(orders, lambda o: o["shipping"]["wilaya"] == 16)
    expect_numbers(page, in_algiers)

    # Reload and back keep the filters.
    page.reload()
    expect_numbers(page, in_algiers)
    assert page.input_value("select[name=wilaya]") == "16"
    page.go_back()
    page.wait_for_url(re.compile(r".*/dashboard/orders$"))
    expect_numbers(page, newest_first(orders))

    # A date range that ends before today finds nothing, and says so.
    page.fill("input[name=to]", "2020-01-31")
    page.locator("input[name=to]").dispatch_event("change")
    page.wait_for_url("**/dashboard/orders?to=2020-01-31")
    page.locator(".orders-empty").wait_for()
    page.get_by_role("button", name="Effacer les filtres").click()
    expect_numbers(page, newest_first(orders))

    # A row opens its order.
    page.locator(f"tr[data-id='{orders[1]['id']}'] td.col-customer").click()
    page.wait_for_url(f"**/dashboard/orders/{orders[1]['id']}")
    assert page.script_errors == []


def test_more_pages_come_from_next_cursor(api, new_page):
    merchant = signup(api)
    item = product(api, merchant, stock=50)
    placed = [place(api, merchant, item, f"Client {i}") for i in range(7)]
    page = new_page(session=session_of(merchant))
    # Pages of 3 instead of 50, so a few orders make several pages of the real API.
    page.route(re.compile(r".*/v1/orders\?.*"), lambda route: route.continue_(url=route.request.url.replace("limit=50", "limit=3")))
    page.goto("/dashboard/orders")
    page.locator(".orders-table").wait_for()
    assert len(numbers(page)) == 3
    page.get_by_role("button", name="Afficher plus").click()
    expect_numbers(page, newest_first(placed)[:6])
    page.get_by_role("button", name="Afficher plus").click()
    expect_numbers(page, newest_first(placed))
    assert page.get_by_role("button", name="Afficher plus").count() == 0
    assert page.script_errors == []


def test_a_new_order_is_offered_above_the_list_without_a_reload(api, new_page):
    merchant = signup(api)
    item = product(api, merchant, stock=50)
    first = place(api, merchant, item, "Client 1")
    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/orders")
    expect_numbers(page, [first["number"]])
    page.evaluate("window.sameDocument = true")
    second = place(api, merchant, item, "Client 2")
    offer = page.get_by_role("button", name="1 nouvelle(s) commande(s) : afficher")
    offer.wait_for(timeout=30_000)
    expect_numbers(page, [first["number"]])         # nothing moved under the merchant's eyes
    offer.click()
    expect_numbers(page, newest_first([first, second]))
    assert page.evaluate("window.sameDocument") is True
    assert page.script_errors == []


def test_csv_export_has_the_filtered_orders(api, new_page):
    merchant, _, orders = store_with_orders(api)
    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/orders?status=pending")
    page.locator(".orders-table").wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="Exporter CSV").click()
    download = info.value
    assert download.suggested_filename.endswith("-pending.csv")
    content = open(download.path(), "rb").read()
    assert content.startswith(b"\xef\xbb\xbf")              # BOM: spreadsheets show Arabic
    lines = content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("number,")
    exported = sorted(int(line.split(",")[0]) for line in lines[1:])
    assert exported == sorted(o["number"] for o in orders if o["id"] not in (orders[1]["id"], orders[2]["id"]))
    assert page.script_errors == []


def test_bulk_confirm_shows_a_result_per_order(api, new_page):
    merchant, _, orders = store_with_orders(api)
    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/orders")
    page.locator(".orders-table").wait_for()
    assert page.locator(".bulk-bar").is_hidden()
    chosen = [orders[0], orders[3], orders[2]]            # two pending, one cancelled
    for order in chosen:
        page.locator(f"tr[data-id='{order['id']}'] .select-row").check()
    page.locator(".bulk-count", has_text="3").wait_for()
    page.select_option(".bulk-status", "confirmed")
    page.locator(".bulk-bar").get_by_role("button", name="Appliquer").click()
    results = page.locator(".bulk-results")
    results.filter(has_text="2 réussie(s), 1 en échec").wait_for()
    assert "Annulée" in results.locator(f"li[data-id='{orders[2]['id']}']").inner_text()
    assert results.locator("li.ok").count() == 2
    for order in chosen[:2]:
        page.locator(f"tr[data-id='{order['id']}'][data-status='confirmed']").wait_for()
        assert api.get(f"/v1/orders/{order['id']}", headers=merchant.headers).json()["status"] == "confirmed"
    assert page.locator(".bulk-bar").is_hidden()
    assert page.script_errors == []


def test_screenshots_in_french_and_arabic(api, new_page):
    merchant, _, orders = store_with_orders(api)
    move(api, merchant, orders[1]["id"], "processing")
    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/orders")
    page.locator(".orders-table").wait_for()
    page.locator(f"tr[data-id='{orders[0]['id']}'] .select-row").check()
    page.locator(".bulk-bar").wait_for()
    shoot(page, "orders-fr")

    page = new_page(session=session_of(merchant), language="ar")
    page.goto("/dashboard/orders")
    page.locator(".orders-table").wait_for()
    page.locator("[role=tab]", has_text="قيد الانتظار").wait_for()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    # The number column sits on the right in Arabic.
    table = page.locator(".orders-table").bounding_box()
    number = page.locator(".orders-table .order-link >> nth=0").bounding_box()
    assert number["x"] > table["x"] + table["width"] / 2
    shoot(page, "orders-ar")

    phone = new_page(viewport=PHONE, session=session_of(merchant))
    phone.goto("/dashboard/orders")
    phone.locator(".orders-table").wait_for()
    shoot(phone, "orders-phone-fr")
    assert page.script_errors == [] and phone.script_errors == []
