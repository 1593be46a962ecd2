"""The bell: the unread count rises without a reload when an order comes in (over the
realtime WebSocket, or by polling when the socket cannot connect), the panel lists the
feed and opens the order, and the sound is asked for once and remembered."""
from __future__ import annotations

from tests.browser.conftest import session_of, shoot
from tests.browser.test_dashboard_orders_list import place
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import product

# A WebSocket that never connects: the bell must fall back to polling.
FAILING_WEBSOCKET = """
window.WebSocket = class {
  constructor(url) { this.url = url; this.readyState = 3; window.__sockets = (window.__sockets || 0) + 1;
    setTimeout(() => { this.onerror && this.onerror(new Event('error')); this.onclose && this.onclose(new CloseEvent('close')); }, 0); }
  send() { throw new Error('closed'); }
  close() {}
};
"""


def test_count_rises_live_and_the_panel_opens_the_order(api, new_page):
    merchant = signup(api)
    item = product(api, merchant, stock=5, name="Jebba kabyle")
    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/orders")
    bell = page.locator(".bell-button")
    bell.click()
    page.locator(".bell-mode.live").wait_for()                  # the socket is open
    page.locator(".bell-empty").wait_for()
    assert bell.get_attribute("data-unread") == "0"

    # Sound: asked once, with a button (a user gesture), and remembered.
    page.get_by_role("button", name="Activer le son").click()
    assert page.evaluate("localStorage.getItem('dzorders.bell.sound')") == "on"
    page.locator(".bell-sound-enable").wait_for(state="detached")
    chimes = int(bell.get_attribute("data-chimes"))

    order = place(api, merchant, item, "Karim Haddad")
    page.locator(".bell-button[data-unread='1']").wait_for(timeout=20_000)
    assert page.locator(".bell-count").inner_text() == "1"
    page.locator(".bell-item.unread", has_text=f"{order['number']}").wait_for()
    page.wait_for_function("(n) => Number(document.querySelector('.bell-button').dataset.chimes) > n", arg=chimes)
    second = place(api, merchant, item, "Nadia Khelifi")
    page.locator(".bell-button[data-unread='2']").wait_for(timeout=20_000)
    page.locator(".bell-item", has_text=f"{second['number']}").wait_for()
    shoot(page, "bell-open-fr")

    page.locator(".bell-item", has_text=f"{order['number']}").click()
    page.wait_for_url(f"**/dashboard/orders/{order['id']}")
    page.locator(".bell-button[data-unread='1']").wait_for()
    feed = api.get("/v1/notifications", headers=merchant.headers).json()
    assert feed["unread_count"] == 1

    bell = page.locator(".bell-button")
    bell.click()
    page.get_by_role("button", name="Tout marquer comme lu").click()
    page.locator(".bell-button[data-unread='0']").wait_for()
    assert api.get("/v1/notifications", headers=merchant.headers).json()["unread_count"] == 0

    # After a reload the choice holds: no more asking.
    page.reload()
    page.locator(".bell-button").wait_for()
    assert page.locator(".bell-sound-enable").count() == 0
    assert page.script_errors == []


def test_without_the_socket_the_count_still_rises_by_polling(api, new_page):
    merchant = signup(api)
    item = product(api, merchant, stock=5)
    page = new_page(session=session_of(merchant))
    page.context.add_init_script(FAILING_WEBSOCKET)
    page.goto("/dashboard/orders")
    bell = page.locator(".bell-button[data-unread='0']")
    bell.wait_for()
    page.wait_for_function("window.__sockets >= 1")
    # Declining the sound is remembered too.
    page.get_by_role("button", name="Plus tard").click()
    assert page.evaluate("localStorage.getItem('dzorders.bell.sound')") == "off"

    place(api, merchant, item)
    # The next poll (every 20 s) brings the count up, without a reload.
    page.locator(".bell-button[data-unread='1']").wait_for(timeout=30_000)
    page.locator(".bell-button").click()
    page.locator(".bell-mode:not(.live)").wait_for()
    assert page.script_errors == []
