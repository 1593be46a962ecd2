"""The call-confirm CRM (/dashboard/orders/advanced): the queue, one-tap outcomes,
postponing, confirming, conflicts, duplicates, blocking a fake, roles."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, session_of, shoot
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import checkout, move, product
from tests.e2e.test_team_api import join

OUTCOME_LABELS_FR = ["Confirmée", "Pas de réponse", "Occupé", "Injoignable", "Rappeler plus tard",
                     "Annulée", "Fausse commande", "Mauvais numéro", "Doublon"]


def fresh_phone() -> str:
    return "0555" + str(uuid.uuid4().int)[:6]


def order(api, merchant, item, name="Amina Benali", phone=None, **changes):
    response = checkout(api, merchant, item, quantity=1,
                        customer={"name": name, "phone": phone or fresh_phone()}, **changes)
    assert response.status_code == 201, response.text
    return response.json()


def read(api, merchant, order_id):
    response = api.get(f"/v1/orders/{order_id}", headers=merchant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def queue_ids(api, headers):
    response = api.get("/v1/calls/queue", headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def card(page, order_id):
    return page.locator(f".call-card[data-order-id='{order_id}']")


def open_crm(new_page, merchant, **options):
    page = new_page(session=session_of(merchant), **options)
    page.goto("/dashboard/orders/advanced")
    page.locator(".call-list").wait_for()
    return page


def test_queue_lists_pending_orders_with_phone_place_lines_and_every_outcome(api, new_page):
    merchant = signup(api)
    item = product(api, merchant, stock=20)
    first = order(api, merchant, item, name="Yacine Haddad", phone="0661 22 33 44")
    second = order(api, merchant, item, name="Amina Benali")
    done = order(api, merchant, item, name="Déjà confirmée")
    assert move(api, merchant, done["id"], "confirmed").status_code == 200

    page = open_crm(new_page, merchant)
    expect(card(page, first["id"])).to_be_visible()
    expect(card(page, second["id"])).to_be_visible()
    expect(card(page, done["id"])).to_have_count(0)
    first_card = card(page, first["id"])
    phone = first_card.locator("a.call-phone")
    expect(phone).to_have_attribute("href", "tel:+213661223344")
    expect(phone).to_have_text("0661 22 33 44")
    expect(first_card).to_contain_text("16 Alger")
    expect(first_card).to_contain_text("Bab El Oued")
    expect(first_card.locator(".call-lines li")).to_have_text(re.compile(r"1 ×\s*Jebba.*DZD"))
    expect(first_card.locator(".call-number")).to_have_attribute("href", f"/dashboard/orders/{first['id']}")
    expect(first_card.locator(".risk-slot")).to_contain_text("Nouveau client")
    labels = [text.strip() for text in first_card.locator("button.outcome").all_inner_texts()]
    assert [re.sub(r"^\d\s*", "", label) for label in labels] == OUTCOME_LABELS_FR
    # Oldest first.
    ids = page.locator(".call-card").evaluate_all("cards => cards.map(c => c.dataset.orderId)")
    assert ids.index(first["id"]) < ids.index(second["id"])
    shoot(page, "crm-fr")
    assert page.script_errors == []


def test_no_answer_counts_an_attempt_and_keeps_the_card(api, new_page):
    merchant = signup(api)
    item = product(api, merchant)
    placed = order(api, merchant, item)
    page = open_crm(new_page, merchant)
    target = card(page, placed["id"])
    expect(target.locator(".attempts")).to_have_text("Tentatives : 0")
    target.locator("input[name=note]").fill("Répondeur")
    target.locator("[data-outcome=no_answer]").click()
    expect(card(page, placed["id"]).locator(".attempts")).to_have_text("Tentatives : 1")
    expect(card(page, placed["id"]).locator(".last-outcome")).to_contain_text("Pas de réponse")
    after = read(api, merchant, placed["id"])
    assert after["status"] == "pending"
    assert after["call"]["attempts"] == 1 and after["call"]["last_outcome"] == "no_answer"
    assert after["timeline"][-1]["event"] == "call_logged"
    assert after["timeline"][-1].get("note") == "Répondeur"
    # The keyboard works too: digit 3 is "busy" on the focused card.
    card(page, placed["id"]).focus()
    page.keyboard.press("3")
    expect(card(page, placed["id"]).locator(".attempts")).to_have_text("Tentatives : 2")
    assert read(api, merchant, placed["id"])["call"]["last_outcome"] == "busy"
    assert page.script_errors == []


def test_postponed_needs_a_future_time_and_leaves_the_queue_until_due(api, new_page):
    merchant = signup(api)
    item = product(api, merchant)
    later = order(api, merchant, item)
    other = order(api, merchant, item)
    page = open_crm(new_page, merchant)
    target = card(page, later["id"])
    target.locator("[data-outcome=postponed]").click()
    target.locator("input[name=next_call_at]").fill("2020-01-01T10:00")
    target.get_by_role("button", name="Reporter").click()
    expect(target.locator("[data-field=next_call_at] .error")).to_contain_text("dans le futur")
    assert read(api, merchant, later["id"])["call"]["attempts"] == 0

    target.get_by_role("button", name="Dans 1 h").click()
    expect(card(page, later["id"])).to_have_count(0)
    expect(card(page, other["id"])).to_be_visible()
    after = read(api, merchant, later["id"])
    assert after["call"]["last_outcome"] == "postponed" and after["call"]["next_call_at"]
    assert after["status"] == "pending"
    assert later["id"] not in queue_ids(api, merchant.headers)
    # It waits among the scheduled callbacks, below the queue.
    scheduled = page.locator(".scheduled-calls")
    expect(scheduled.locator("summary")).to_have_text("Rappels prévus (1)")
    scheduled.locator("summary").click()
    expect(scheduled.locator(f"tr[data-order-id='{later['id']}']")).to_contain_text(f"#{later['number']}")
    page.reload()
    expect(card(page, other["id"])).to_be_visible()
    expect(card(page, later["id"])).to_have_count(0)
    expect(page.locator(".scheduled-calls tr[data-order-id]")).to_have_count(1)
    assert page.script_errors == []


def test_confirmed_takes_the_card_out_and_confirms_the_order(api, new_page):
    merchant = signup(api)
    item = product(api, merchant, stock=3)
    placed = order(api, merchant, item)
    page = open_crm(new_page, merchant)
    card(page, placed["id"]).locator("[data-outcome=confirmed]").click()
    expect(card(page, placed["id"])).to_have_count(0)
    page.locator(".toast", has_text="Confirmée").wait_for()
    expect(page.locator(".call-empty-title")).to_be_visible()
    after = read(api, merchant, placed["id"])
    assert after["status"] == "confirmed" and after["call"]["last_outcome"] == "confirmed"
    assert page.script_errors == []


def test_a_call_on_an_order_cancelled_meanwhile_says_why_and_can_be_dismissed(api, new_page):
    merchant = signup(api)
    item = product(api, merchant)
    placed = order(api, merchant, item)
    page = open_crm(new_page, merchant)
    expect(card(page, placed["id"])).to_be_visible()
    assert move(api, merchant, placed["id"], "cancelled").status_code == 200
    target = card(page, placed["id"])
    target.locator("[data-outcome=busy]").click()
    alert = target.locator(".form-error")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Impossible de noter cet appel.")
    expect(alert).to_contain_text("plus en attente")
    alert.get_by_role("button", name="Retirer de la liste").click()
    expect(card(page, placed["id"])).to_have_count(0)
    assert page.script_errors == []


def test_a_possible_duplicate_links_to_the_earlier_order(api, new_page):
    merchant = signup(api)
    item = product(api, merchant)
    phone = fresh_phone()
    earlier = order(api, merchant, item, phone=phone)
    repeat = order(api, merchant, item, phone=phone)
    assert read(api, merchant, repeat["id"])["flags"] == ["possible_duplicate"]
    page = open_crm(new_page, merchant)
    badge = card(page, repeat["id"]).locator("a.dup-badge")
    expect(badge).to_have_text("Doublon possible")
    expect(badge).to_have_attribute("href", f"/dashboard/orders/{earlier['id']}")
    expect(card(page, earlier["id"]).locator("a.dup-badge")).to_have_count(0)
    # The repeat's risk counts the earlier order of the same phone.
    expect(card(page, repeat["id"]).locator(".risk-slot")).to_contain_text("1 cmd")
    card(page, repeat["id"]).locator("[data-outcome=duplicate]").click()
    expect(card(page, repeat["id"])).to_have_count(0)
    assert read(api, merchant, repeat["id"])["status"] == "cancelled"
    assert page.script_errors == []


def test_fake_offers_to_block_the_phone(api, new_page):
    merchant = signup(api)
    item = product(api, merchant)
    placed = order(api, merchant, item, phone="0770 11 22 33")
    page = open_crm(new_page, merchant)
    target = card(page, placed["id"])
    target.locator("[data-outcome=fake]").click()
    offer = target.locator(".block-offer")
    expect(offer).to_contain_text("0770 11 22 33")
    offer.get_by_role("button", name="Bloquer ce numéro").click()
    expect(card(page, placed["id"])).to_have_count(0)
    blocked = api.get("/v1/blacklist", headers=merchant.headers).json()["items"]
    assert [entry["phone"] for entry in blocked] == ["+213770112233"]
    assert read(api, merchant, placed["id"])["status"] == "cancelled"
    assert page.script_errors == []


def test_assign_to_a_member_from_the_card(api, new_page):
    merchant = signup(api)
    item = product(api, merchant)
    operator, _ = join(api, merchant, "operator", name="Sara Opératrice")
    placed = order(api, merchant, item)
    page = open_crm(new_page, merchant)
    select = card(page, placed["id"]).locator("select.assign-select")
    select.select_option(label="Sara Opératrice")
    page.locator(".toast", has_text="Sara Opératrice").wait_for()
    assert read(api, merchant, placed["id"])["call"]["assigned_to"] == operator["id"]
    assert page.script_errors == []


def test_arabic_right_to_left_and_on_a_phone(api, new_page):
    merchant = signup(api)
    item = product(api, merchant, stock=10)
    phone = fresh_phone()
    order(api, merchant, item, name="ياسين حداد", phone=phone)
    order(api, merchant, item, name="ياسين حداد", phone=phone)
    order(api, merchant, item, name="أمينة بن علي")
    page = open_crm(new_page, merchant, language="ar")
    expect(page.locator(".call-card").first.locator("[data-outcome=confirmed]")).to_have_text(re.compile("مؤكد"))
    assert page.evaluate("document.documentElement.dir") == "rtl"
    expect(page.locator("h1")).to_have_text("تأكيد المكالمات")
    shoot(page, "crm-ar")
    phone_page = open_crm(new_page, merchant, viewport=PHONE, language="ar")
    first = phone_page.locator(".call-card").first
    expect(first.locator("a.call-phone")).to_be_visible()
    # The cards fit the screen: every outcome button within 360 px, none cut off.
    widest = phone_page.evaluate("Math.max(...[...document.querySelectorAll('.call-card, .call-card button')]"
                                 ".map(c => c.getBoundingClientRect().width))")
    assert widest <= 360
    assert phone_page.evaluate("document.querySelector('.call-list').scrollWidth") <= 360
    shoot(phone_page, "crm-ar-phone")
    assert page.script_errors == [] and phone_page.script_errors == []


def test_an_operator_works_the_queue_but_not_team_or_couriers_and_readonly_only_looks(api, new_page):
    merchant = signup(api)
    item = product(api, merchant)
    placed = order(api, merchant, item)
    _, operator_headers = join(api, merchant, "operator")
    _, readonly_headers = join(api, merchant, "readonly")

    def session(headers):
        return {"token": headers["Authorization"].split()[1], "expires_at": None}

    page = new_page(session=session(operator_headers))
    page.goto("/dashboard/orders/advanced")
    target = card(page, placed["id"])
    expect(target.locator("[data-outcome=confirmed]")).to_be_visible()
    expect(target.get_by_role("button", name="Me l'attribuer")).to_be_visible()
    target.get_by_role("button", name="Me l'attribuer").click()
    expect(card(page, placed["id"]).get_by_role("button", name="Libérer")).to_be_visible()
    page.goto("/dashboard/settings")
    page.locator(".settings-menu").wait_for()
    sections = page.locator(".settings-menu a").evaluate_all("links => links.map(a => a.dataset.section)")
    assert "team" not in sections and "couriers" not in sections and "webhooks" not in sections
    assert "store" in sections and "blacklist" in sections
    page.goto("/dashboard/settings/team")
    expect(page.locator(".settings-body .notice-warn")).to_be_visible()

    readonly = new_page(session=session(readonly_headers))
    readonly.goto("/dashboard/orders/advanced")
    expect(card(readonly, placed["id"])).to_be_visible()
    expect(readonly.locator("button.outcome")).to_have_count(0)
    expect(readonly.locator(".notice", has_text="Lecture seule")).to_be_visible()
    assert page.script_errors == [] and readonly.script_errors == []
