"""The web apps on a slow mobile connection: bytes a first visit downloads, and how
long until each screen is usable, in Debian's Chromium with DevTools' network
throttling (a phone at 360 px, 400 ms round trips, 400 kbit/s each way).

Prints figures; asserts nothing. BENCH_WEB_RUNS sets how many cold visits (default 3).
"""
from __future__ import annotations

import os
import statistics
import time
import uuid

from bench.stack import merchant_session, running_stack

RUNS = int(os.environ.get("BENCH_WEB_RUNS", "3"))
SLOW_MOBILE = {"offline": False, "latency": 400, "downloadThroughput": 50_000,
               "uploadThroughput": 50_000}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TRANSFERRED = ("(() => performance.getEntriesByType('navigation').concat("
               "performance.getEntriesByType('resource')).reduce((n, e) => n + e.transferSize, 0))()")


def seed(base: str):
    slug = f"bench-web-{uuid.uuid4().hex[:6]}"
    session = merchant_session(base, slug)
    for index in range(12):
        session.post(f"{base}/v1/products", json={
            "name": f"Jebba {index}", "price": 2500 + index * 100, "description": "Brodée main.",
            "variants": [{"options": {"taille": size}, "stock": 5} for size in ("M", "L", "XL")]})
    for _ in range(30):
        product = session.get(f"{base}/v1/stores/{slug}/products").json()["items"][0]
        session.post(f"{base}/v1/stores/{slug}/orders", json={
            "customer": {"name": "Amina", "phone": f"0555{uuid.uuid4().int % 1000000:06d}"},
            "shipping": {"wilaya": 16, "commune": "Bab El Oued", "address": "12 rue", "delivery_type": "home"},
            "items": [{"product_id": product["id"], "variant_id": product["variants"][0]["id"], "quantity": 1}]})
    token = session.headers["Authorization"].split()[1]
    return slug, product, token


def visit(browser, base, path, ready, session_token=None):
    """One cold visit: (seconds until `ready` is visible, bytes transferred)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base)
    if session_token:
        context.add_init_script(
            f"localStorage.setItem('dzorders.session', JSON.stringify({{token: '{session_token}'}}));")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_MOBILE)
    started = time.perf_counter()
    page.goto(path, wait_until="commit")
    page.locator(ready).first.wait_for(timeout=120_000)
    seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    transferred = page.evaluate(TRANSFERRED)
    context.close()
    return seconds, transferred


def main() -> None:
    from playwright.sync_api import sync_playwright
    from tests.browser.conftest import chromium_path
    with running_stack() as stack, sync_playwright() as playwright:
        base = stack["base_url"]
        slug, product, token = seed(base)
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        screens = [
            ("storefront, product list", f"/s/{slug}/", ".sf-card", None),
            ("storefront, product page", f"/s/{slug}/p/{product['id']}", ".sf-add", None),
            ("storefront, order status form", f"/s/{slug}/order", ".sf-status-form", None),
            ("dashboard, orders list (30 orders)", "/dashboard/orders", ".orders-table", token),
        ]
        print(f"\nweb pages on a slow mobile connection (400 ms RTT, 400 kbit/s), {RUNS} cold visits each")
        print(f"{'screen':38} {'usable after, median':>22} {'downloaded':>12}")
        for name, path, ready, session_token in screens:
            runs = [visit(browser, base, path, ready, session_token) for _ in range(RUNS)]
            seconds = statistics.median(r[0] for r in runs)
            kilobytes = statistics.median(r[1] for r in runs) / 1024
            print(f"{name:38} {seconds:>20.2f} s {kilobytes:>9.1f} KiB")
        browser.close()


if __name__ == "__main__":
    main()
