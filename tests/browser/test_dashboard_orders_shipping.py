"""Shipping from the order page: manual with a tracking number, a sandbox courier (its
fake server) that makes the parcel and its label, and a courier refusal in its own words."""
from __future__ import annotations

import requests

from tests.browser.conftest import session_of
from tests.browser.test_dashboard_orders_list import place
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import move, product


def confirmed_order(api, merchant, **extra):
    order = place(api, merchant, product(api, merchant, stock=5, name="Jebba kabyle"), **extra)
    assert move(api, merchant, order["id"], "confirmed").status_code == 200
    return order


def test_manual_shipment_with_a_tracking_number(api, new_page):
    merchant = signup(api)
    order = confirmed_order(api, merchant)
    page = new_page(session=session_of(merchant))
    page.goto(f"/dashboard/orders/{order['id']}")
    form = page.locator(".ship-form")
    form.locator("select[name=courier] option[value=manual]").wait_for(state="attached")
    # A store with no courier account is offered manual only, and told where to add one.
    assert form.locator("select[name=courier] option").count() == 1
    form.locator("input[name=tracking]").fill("MAN-0042")
    form.get_by_role("button", name="Envoyer au transporteur").click()
    page.locator(".shipping .tracking-number", has_text="MAN-0042").wait_for(timeout=30_000)
    page.locator(".order-head .badge-shipped").wait_for()
    assert page.locator(".label-download").count() == 0           # manual has no label
    page.locator(".timeline li[data-event='shipment_created']").wait_for()
    assert page.script_errors == []


def test_sandbox_courier_makes_the_parcel_and_its_label(api, new_page, sandbox_courier):
    merchant = signup(api)
    fake = sandbox_courier("ecotrack", merchant)
    order = confirmed_order(api, merchant)
    page = new_page(session=session_of(merchant))
    page.goto(f"/dashboard/orders/{order['id']}")
    form = page.locator(".ship-form")
    form.locator("select[name=courier] option[value=ecotrack]").wait_for(state="attached")
    assert form.locator("select[name=courier] option").evaluate_all("(o) => o.map((x) => x.value)") == ["ecotrack", "manual"]
    form.locator("select[name=courier]").select_option("ecotrack")
    assert form.locator("input[name=tracking]").is_hidden()
    form.get_by_role("button", name="Envoyer au transporteur").click()
    tracking = page.locator(".shipping .tracking-number")
    tracking.wait_for(timeout=60_000)
    number = tracking.inner_text().strip()
    assert number and number in fake.parcels
    page.locator(".order-head .badge-shipped").wait_for()
    assert page.locator(".timeline li[data-event='shipment_created'] .what").inner_text() == \
        f"Colis créé chez EcoTrack — suivi {number}"

    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger l'étiquette").click()
    download = info.value
    assert download.suggested_filename == f"label-{order['number']}.pdf"
    assert open(download.path(), "rb").read().startswith(b"%PDF")
    assert page.script_errors == []


def test_a_refused_parcel_shows_the_couriers_words(api, new_page, sandbox_courier):
    merchant = signup(api)
    fake = sandbox_courier("ecotrack", merchant)
    order = confirmed_order(api, merchant)
    page = new_page(session=session_of(merchant))
    page.goto(f"/dashboard/orders/{order['id']}")
    form = page.locator(".ship-form")
    form.locator("select[name=courier] option[value=ecotrack]").wait_for(state="attached")
    # The courier answers the next call with a 422 and its own message.
    answer = requests.post(f"{fake.origin}/_control/faults", json={"fail_next": 1, "status": 422}, timeout=10)
    assert answer.status_code == 200, answer.text
    form.get_by_role("button", name="Envoyer au transporteur").click()
    error = page.locator(".ship-error .courier-words")
    error.wait_for(timeout=60_000)
    assert error.inner_text() == "Service Unavailable"      # the fake's words, as they came
    page.locator(".order-head .badge-confirmed").wait_for()
    # The form is offered again to fix and resend.
    page.locator(".ship-form").wait_for()
    assert page.locator(".timeline li.failed[data-event='shipment_failed']").count() == 1
    assert page.script_errors == []


def test_an_operator_ships_with_the_stores_courier(api, new_page, sandbox_courier):
    """Operators may not read courier accounts, yet they ship: the order page offers
    the couriers the store set up, named by GET /v1/me."""
    from tests.e2e.test_team_api import join
    merchant = signup(api)
    sandbox_courier("ecotrack", merchant)
    order = confirmed_order(api, merchant)
    _, headers = join(api, merchant, "operator", name="Samir")
    assert api.get("/v1/couriers", headers=headers).status_code == 403
    page = new_page(session={"token": headers["Authorization"].split()[1], "expires_at": None})
    page.goto(f"/dashboard/orders/{order['id']}")
    form = page.locator(".ship-form")
    form.locator("select[name=courier] option[value=ecotrack]").wait_for(state="attached")
    form.locator("select[name=courier]").select_option("ecotrack")
    form.get_by_role("button", name="Envoyer au transporteur").click()
    page.locator(".shipping .tracking-number").wait_for(timeout=60_000)
    requested = page.locator(".timeline li[data-event='shipment_requested'] .actor")
    assert requested.inner_text() == "Équipe · Samir"
    assert page.script_errors == []
