"""The dashboard's frame: log in, menu, language and direction, redirects."""
from __future__ import annotations

import requests

from tests.browser.conftest import session_of
from tests.e2e.conftest import PASSWORD, signup


def test_wrong_password_is_said_next_to_the_form_and_right_one_opens_orders(api, web, new_page):
    merchant = signup(api)
    page = new_page()
    page.goto("/dashboard/orders")
    page.wait_for_url("**/dashboard/login?next=*")
    page.fill("input[name=email]", merchant.email)
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    page.get_by_role("alert").filter(has_text="incorrect").wait_for()

    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/orders")
    page.locator(".store-name", has_text=merchant.store["name"]).wait_for()
    assert page.locator(".nav a.active").inner_text() == "Commandes"
    assert page.script_errors == []


def test_arabic_turns_the_whole_dashboard_right_to_left(api, new_page):
    merchant = signup(api)
    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/orders")
    page.locator(".store-name").wait_for()
    page.select_option(".topbar .language-picker", "ar")
    page.locator(".nav a.active", has_text="الطلبات").wait_for()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    # The menu sits on the right in Arabic: logical properties, not left/right.
    nav = page.locator(".nav").bounding_box()
    main = page.locator("main").bounding_box()
    assert nav["x"] > main["x"]
    page.reload()
    page.locator(".nav a.active", has_text="الطلبات").wait_for()


def test_an_expired_or_revoked_session_goes_back_to_login(api, new_page):
    merchant = signup(api)
    api.post("/v1/logout", headers=merchant.headers)
    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/analytics")
    page.wait_for_url("**/dashboard/login?next=%2Fdashboard%2Fanalytics")


def test_old_address_and_root_lead_to_the_dashboard_and_unknown_files_are_404(web):
    for path in ("/app/", "/"):
        response = requests.get(web + path, allow_redirects=False, timeout=10)
        assert response.status_code == 301 and response.headers["Location"] == "/dashboard/"
    page = requests.get(web + "/dashboard/orders/or_123", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert page.headers["Cache-Control"] == "no-cache"
    script = requests.get(web + "/shared/api.js", timeout=10)
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert script.headers["Content-Encoding"] == "gzip" and "export class Api" in script.text
    plain = requests.get(web + "/shared/api.js", headers={"Accept-Encoding": "identity"}, timeout=10)
    assert "Content-Encoding" not in plain.headers and plain.content == script.content
    assert requests.get(web + "/dashboard/nothing-here.js", timeout=10).status_code == 404
    assert requests.get(web + "/shared/../app.py", timeout=10).status_code == 404
