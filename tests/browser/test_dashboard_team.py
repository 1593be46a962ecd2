"""The team: invite from Settings › Team, accept from the link, logged in as the member."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.browser.conftest import session_of
from tests.e2e.conftest import signup
from tests.e2e.test_team_api import MEMBER_PASSWORD


def test_invite_then_accept_logs_the_new_member_in(api, new_page):
    merchant = signup(api)
    email = f"sara-{uuid.uuid4().hex[:8]}@example.dz"
    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/settings/team")
    page.fill("#invite-email", email)
    page.fill("#invite-name", "Sara")
    page.select_option("#invite-role", "operator")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    link = page.locator(".settings-body .notice .copy-field input").input_value()
    assert "/dashboard/accept?token=dzi_" in link
    row = page.locator(f".team-table tr[data-email='{email}']")
    expect(row).to_contain_text("Invité")
    # The last owner cannot be demoted: the refusal is said, the role stays.
    owner_row = page.locator(".team-table tr", has_text="(vous)")
    owner_row.locator("select").select_option("admin")
    expect(page.locator(".settings-body [role=status] .notice-error")).to_contain_text("au moins un propriétaire")
    expect(owner_row.locator("select")).to_have_value("owner")

    member = new_page()
    member.goto(link)
    member.fill("input[name=password]", "court")
    member.get_by_role("button", name="Rejoindre et me connecter").click()
    expect(member.locator("[data-field=password] .error")).to_be_visible()
    member.fill("input[name=name]", "Sara Benali")
    member.fill("input[name=password]", MEMBER_PASSWORD)
    member.fill("input[name=password_confirm]", MEMBER_PASSWORD)
    member.get_by_role("button", name="Rejoindre et me connecter").click()
    member.wait_for_url("**/dashboard/orders")
    expect(member.locator(".who .badge")).to_have_text("Opérateur")
    stored = member.evaluate("JSON.parse(localStorage.getItem('dzorders.session'))")
    assert stored["token"] and stored["expires_at"]
    me = api.get("/v1/me", headers={"Authorization": f"Bearer {stored['token']}"}).json()
    assert me["member"]["email"] == email and me["member"]["role"] == "operator"
    assert me["member"]["name"] == "Sara Benali"
    page.reload()
    expect(page.locator(f".team-table tr[data-email='{email}']")).to_contain_text("Actif")

    # The link works once; the emailed form of the link (accept-invite#token=) is read too.
    again = new_page()
    again.goto(link.replace("/dashboard/accept?token=", "/dashboard/accept-invite#token="))
    again.fill("input[name=password]", MEMBER_PASSWORD)
    again.fill("input[name=password_confirm]", MEMBER_PASSWORD)
    again.get_by_role("button", name="Rejoindre et me connecter").click()
    expect(again.locator(".form-error")).to_contain_text("déjà utilisée")
    assert page.script_errors == [] and member.script_errors == [] and again.script_errors == []
