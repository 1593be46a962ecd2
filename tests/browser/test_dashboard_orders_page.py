"""One order's page: only the moves the transitions table allows, confirm with a note,
409s said readably, notes, and the timeline in words with its actors."""
from __future__ import annotations

from tests.browser.conftest import PHONE, session_of, shoot
from tests.browser.test_dashboard_orders_list import place
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import move, product


def moves_offered(page):
    return page.locator(".order-actions [data-move]").evaluate_all("(buttons) => buttons.map((b) => b.dataset.move)")


def test_confirm_with_a_note_then_only_the_next_moves_are_offered(api, new_page):
    merchant = signup(api)
    order = place(api, merchant, product(api, merchant, stock=5, name="Jebba kabyle"), "Amina Benali", quantity=2)
    page = new_page(session=session_of(merchant))
    page.goto(f"/dashboard/orders/{order['id']}")
    page.get_by_role("heading", name=f"Commande n° {order['number']}").wait_for()
    assert moves_offered(page) == ["confirmed", "cancelled"]
    page.locator(".order-head .badge-pending").wait_for()
    # Customer, lines and totals.
    assert page.locator(".customer a.tel").get_attribute("href") == order["customer"]["phone"].join(["tel:", ""])
    assert "16 Alger" in page.locator(".customer .wilaya").inner_text()
    assert "Bab El Oued" in page.locator(".customer .commune").inner_text()
    assert "Jebba kabyle" in page.locator(".lines-table").inner_text()
    assert page.locator(".totals .grand >> nth=1").inner_text().replace("\u202f", " ").replace("\xa0", " ") == \
        f"{order['totals']['total']:,} DZD".replace(",", " ")

    page.fill(".order-actions .note-input", "Confirmée au téléphone")
    page.get_by_role("button", name="Confirmer").click()
    page.locator(".order-head .badge-confirmed").wait_for()
    assert moves_offered(page) == ["processing", "cancelled"]
    entry = page.locator(".timeline li[data-event='status_changed']").first
    assert "En attente → Confirmée" in entry.locator(".what").inner_text()
    assert entry.locator(".actor").inner_text() == f"Équipe · {merchant.email}"
    assert entry.locator(".entry-note").inner_text() == "Confirmée au téléphone"
    created = page.locator(".timeline li[data-event='created']")
    assert created.locator(".actor").inner_text() == "Client · Amina Benali"
    assert api.get(f"/v1/orders/{order['id']}", headers=merchant.headers).json()["status"] == "confirmed"

    # A note goes to the timeline and the Notes tab.
    page.fill(".note-form textarea", "Livrer après 18 h")
    page.get_by_role("button", name="Ajouter une note").click()
    page.locator(".timeline li[data-event='note_added'] .entry-note", has_text="Livrer après 18 h").wait_for()
    page.get_by_role("tab", name="Notes (1)").click()
    assert page.locator(".timeline li").count() == 1
    assert page.script_errors == []


def test_conflicts_are_said_readably(api, new_page):
    merchant = signup(api)
    short = place(api, merchant, product(api, merchant, stock=1, name="Tapis de prière"), quantity=3)
    page = new_page(session=session_of(merchant))
    page.goto(f"/dashboard/orders/{short['id']}")
    page.get_by_role("button", name="Confirmer").click()
    alert = page.locator(".move-error")
    alert.wait_for()
    assert "Stock insuffisant" in alert.inner_text()
    assert "Tapis de prière (1 en stock, 3 commandé(s))" in alert.inner_text()
    page.locator(".order-head .badge-pending").wait_for()

    # Someone else cancels it meanwhile: the page says so and offers what is left (nothing).
    assert move(api, merchant, short["id"], "cancelled").status_code == 200
    page.get_by_role("button", name="Annuler la commande").click()
    page.locator(".move-error", has_text="la commande a changé entre-temps").wait_for()
    page.locator(".order-head .badge-cancelled").wait_for()
    page.locator(".terminal").wait_for()
    assert moves_offered(page) == []
    assert page.script_errors == []


def test_returned_order_offers_restock_and_screenshots(api, new_page):
    merchant = signup(api)
    item = product(api, merchant, stock=5, name="Robe kabyle")
    first = place(api, merchant, item, "سارة بن علي", 25, "Constantine", phone="0770112233")
    order = place(api, merchant, item, "سارة بن علي", 25, "Constantine", phone="0770112233",
                  note="الرجاء الاتصال بعد العصر")
    for status in ("confirmed", "processing", "shipped", "delivered", "returned"):
        assert move(api, merchant, order["id"], status, "Colis refusé" if status == "returned" else None).status_code == 200
    api.post(f"/v1/orders/{order['id']}/notes", headers=merchant.headers, json={"text": "Client injoignable deux fois"})
    page = new_page(session=session_of(merchant))
    page.goto(f"/dashboard/orders/{order['id']}")
    page.locator(".order-head .badge-returned").wait_for()
    # The duplicate links to the earlier order; risk counts the earlier one.
    assert page.locator(".duplicate-link").get_attribute("href") == f"/dashboard/orders/{first['id']}"
    assert page.locator(".risk-grid .value").first.inner_text() == "1"
    page.get_by_role("button", name="Remettre en stock").click()
    page.locator(".restock").wait_for(state="detached")
    page.locator(".timeline li .what", has_text="Remise en stock").wait_for()
    assert product_stock(api, merchant, item) == 5
    assert page.locator(".risk-grid .value").first.inner_text() == "1"
    shoot(page, "order-fr")

    page = new_page(session=session_of(merchant), language="ar")
    page.goto(f"/dashboard/orders/{order['id']}")
    page.get_by_role("heading", name=f"الطلب رقم {order['number']}").wait_for()
    page.locator("[role=tab][aria-selected=true]", has_text="السجل").wait_for()
    assert "قسنطينة" in page.locator(".customer .wilaya").inner_text()
    page.locator(".customer .commune", has_text="قسنطينة").wait_for()
    assert "الحالة: قيد الانتظار ← مؤكدة" in page.locator(".timeline").inner_text()
    shoot(page, "order-ar")

    phone = new_page(viewport=PHONE, session=session_of(merchant))
    phone.goto(f"/dashboard/orders/{order['id']}")
    phone.locator(".timeline").wait_for()
    shoot(phone, "order-phone-fr")
    assert page.script_errors == [] and phone.script_errors == []


def product_stock(api, merchant, item):
    return api.get(f"/v1/products/{item['id']}", headers=merchant.headers).json()["variants"][0]["stock"]
