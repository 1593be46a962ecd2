"""Browser fixtures: Debian's Chromium driven by Playwright, against the running app.

The app (API and web pages, one server as under `make run`) runs on the emulated
AWS with the event pump, so what a page does reaches the bell, the couriers and
the timeline as it would for real. Playwright cannot download its own browser
here: the tests drive the system's `chromium` (`make test` installs it).

Screenshots land in test-artifacts/screenshots/ (not committed) for people to
look at; `shoot(page, name)` writes one.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator, List

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}
# Chromium's own calls home are refused by a closed network, and slow every start.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package.")
    return found


@pytest.fixture(scope="session")
def web(api, pump) -> str:
    """The base URL serving both the API and the web apps."""
    return api.base_url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class PageErrors(List[str]):
    """Uncaught script errors of a page: a screen that throws fails its test."""


@pytest.fixture
def new_page(browser, web) -> Iterator[Callable]:
    """new_page(viewport=DESKTOP, session=None, language=None) -> a fresh page in its own
    context (own storage), with `page.script_errors` collecting uncaught errors."""
    contexts = []

    def make(viewport=DESKTOP, session=None, language=None, **options):
        context = browser.new_context(viewport=viewport, base_url=web, **options)
        context.set_default_timeout(10_000)
        init = []
        if session is not None:
            init.append(f"localStorage.setItem('dzorders.session', {json.dumps(json.dumps(session))});")
        if language is not None:
            init.append(f"localStorage.setItem('dzorders.language', {json.dumps(language)});")
        if init:
            # Only before the first document: later reloads keep what the page changed.
            context.add_init_script("if (!sessionStorage.getItem('seeded')) {"
                                    + "".join(init) + "sessionStorage.setItem('seeded', '1');}")
        contexts.append(context)
        page = context.new_page()
        page.script_errors = PageErrors()
        page.on("pageerror", lambda error: page.script_errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


def shoot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def session_of(merchant) -> dict:
    """The dashboard's stored session for a merchant signed up through the API."""
    return {"token": merchant.token, "expires_at": None}


@pytest.fixture
def sandbox_courier(api):
    """sandbox_courier(code, merchant) -> that courier's fake (infra/local/couriers),
    set up as the merchant's account with its callbacks aimed at this server. The
    accounts are removed and the fakes stopped after the test, so no schedule keeps
    polling a courier that is gone."""
    import requests
    from urllib.parse import urlsplit
    from infra.local.couriers import fake_class
    started, configured = {}, []

    def set_up(code, merchant):
        fake = started.get(code) or fake_class(code)().start()
        started[code] = fake
        answer = api.put(f"/v1/couriers/{code}", headers=merchant.headers, json={
            "credentials": dict(fake.SANDBOX_CREDENTIALS),
            "settings": {"base_url": fake.base_url, "sender_wilaya": 16}})
        assert answer.status_code == 200, answer.text
        configured.append((merchant, code))
        callback = answer.json()["callback_url"]
        if callback:
            aimed = requests.post(f"{fake.origin}/_control/webhook", timeout=10, json={
                "url": api.base_url + urlsplit(callback).path,
                "secret": fake.SANDBOX_CREDENTIALS.get("webhook_secret")})
            assert aimed.status_code == 200, aimed.text
        return fake

    yield set_up
    for merchant, code in configured:
        api.delete(f"/v1/couriers/{code}", headers=merchant.headers)
    for fake in started.values():
        fake.stop()
