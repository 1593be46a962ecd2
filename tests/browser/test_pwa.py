"""The installable dashboard: manifest and icons, the service worker serving the shell
offline, the offline banner, and web push subscription from this device."""
from __future__ import annotations

import base64
import json
import os
import struct
import uuid

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.browser.conftest import session_of
from tests.e2e.conftest import signup


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_manifest_and_icons(web):
    answer = requests.get(web + "/dashboard/manifest.webmanifest", timeout=10)
    assert answer.status_code == 200 and "manifest+json" in answer.headers["Content-Type"]
    manifest = answer.json()
    assert manifest["start_url"] == "/dashboard/orders" and manifest["scope"] == "/dashboard/"
    assert manifest["display"] == "standalone" and manifest["theme_color"] == "#0f7b6c"
    assert manifest["name"] and manifest["short_name"]
    sizes = set()
    for icon in manifest["icons"]:
        body = requests.get(web + icon["src"], timeout=10)
        assert body.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            assert body.content[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = struct.unpack(">II", body.content[16:24])
            assert f"{width}x{height}" == icon["sizes"]
            sizes.add(width)
        else:
            assert body.content.lstrip().startswith(b"<svg")
    assert {192, 512} <= sizes
    worker = requests.get(web + "/dashboard/sw.js", timeout=10)
    assert worker.status_code == 200 and worker.headers["Cache-Control"] == "no-cache"


def test_shell_opens_offline_and_the_banner_follows_the_network(api, new_page):
    merchant = signup(api)
    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/orders")
    page.locator(".orders-page").wait_for()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/dashboard/sw.js")
    assert page.locator(".offline-banner").count() == 0

    page.context.set_offline(True)
    page.locator(".status-slot .offline-banner", has_text="Hors ligne").wait_for()
    # A reload without network still opens the dashboard (from the worker's cache), which
    # says it cannot reach the server instead of the browser's offline page.
    page.reload()
    page.get_by_role("alert").filter(has_text="Connexion impossible").wait_for()
    page.locator(".status-slot .offline-banner", has_text="Hors ligne").wait_for()
    assert page.title() == "dzorders"
    # The API is never answered from the cache.
    cached = page.evaluate("caches.keys().then((names) => Promise.all(names.map((n) => caches.open(n)"
                           ".then((c) => c.keys())))).then((all) => all.flat().map((r) => r.url))")
    assert any(url.endswith("/dashboard/index.html") for url in cached)
    assert not [url for url in cached if "/v1/" in url]

    page.context.set_offline(False)
    page.get_by_role("button", name="Réessayer").click()
    page.locator(".orders-page").wait_for()
    page.context.set_offline(True)
    page.locator(".offline-banner").wait_for()
    page.context.set_offline(False)
    page.locator(".offline-banner.online", has_text="De nouveau en ligne").wait_for()
    assert page.script_errors == []


def push_stubs(endpoint: str, permission: str = "granted") -> str:
    """Headless Chromium cannot subscribe: a PushManager and Notification that act like a
    browser's, with a real P-256 key so the API's validation accepts the subscription."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    subscription = {"endpoint": endpoint, "expirationTime": None,
                    "keys": {"p256dh": b64url(key), "auth": b64url(os.urandom(16))}}
    return """
(() => {
  const json = %s;
  let current = null, permission = 'default';
  const asked = window.__push = { subscribe: [], permission: 0 };
  Object.defineProperty(Notification, 'permission', { get: () => permission });
  Notification.requestPermission = async () => { asked.permission += 1; permission = %s; return permission; };
  const make = () => ({ endpoint: json.endpoint, expirationTime: null, toJSON: () => json,
    getKey: () => null, unsubscribe: async () => { current = null; return true; } });
  PushManager.prototype.subscribe = async function (options) {
    asked.subscribe.push({ userVisibleOnly: options.userVisibleOnly, keyBytes: options.applicationServerKey.byteLength });
    current = make(); return current; };
  PushManager.prototype.getSubscription = async function () { return current; };
})();
""" % (json.dumps(subscription), json.dumps(permission))


def test_enable_and_disable_push_on_this_device(api, web, new_page):
    merchant = signup(api)
    endpoint = f"{web}/push/{uuid.uuid4().hex}"
    page = new_page(session=session_of(merchant))
    page.context.add_init_script(push_stubs(endpoint))
    page.goto("/dashboard/orders")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.locator(".bell-button").click()
    panel = page.locator(".bell-panel .push-panel")
    panel.locator(".push-off").wait_for()
    panel.get_by_role("button", name="Activer sur cet appareil").click()
    panel.locator(".push-on", has_text="Cet appareil reçoit").wait_for()
    asked = page.evaluate("window.__push")
    assert asked["permission"] == 1
    assert asked["subscribe"] == [{"userVisibleOnly": True, "keyBytes": 65}]
    listed = api.get("/v1/push/subscriptions", headers=merchant.headers).json()["items"]
    assert [item["endpoint"] for item in listed] == [endpoint]
    assert json.loads(page.evaluate("localStorage.getItem('dzorders.push.subscription')"))["id"] == listed[0]["id"]

    panel.get_by_role("button", name="Désactiver").click()
    panel.locator(".push-off").wait_for()
    assert api.get("/v1/push/subscriptions", headers=merchant.headers).json()["items"] == []
    assert page.script_errors == []


def test_denied_permission_is_said_readably(api, web, new_page):
    merchant = signup(api)
    page = new_page(session=session_of(merchant))
    page.context.add_init_script(push_stubs(f"{web}/push/{uuid.uuid4().hex}", permission="denied"))
    page.goto("/dashboard/orders")
    page.locator(".bell-button").click()
    page.get_by_role("button", name="Activer sur cet appareil").click()
    page.locator(".push-denied", has_text="bloquées").wait_for()
    assert page.evaluate("window.__push.subscribe") == []
    assert api.get("/v1/push/subscriptions", headers=merchant.headers).json()["items"] == []
