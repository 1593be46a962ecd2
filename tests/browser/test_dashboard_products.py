"""Products: create one with variants, see it listed, edit it, adjust stock."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import session_of, shoot
from tests.e2e.conftest import signup


def test_create_a_product_with_variants_then_edit_and_adjust_stock(api, new_page):
    merchant = signup(api)
    page = new_page(session=session_of(merchant))
    page.goto("/dashboard/products")
    expect(page.locator(".empty")).to_contain_text("Aucun produit")
    page.get_by_role("button", name="+ Nouveau produit").click()
    form = page.locator(".product-form")
    form.locator("#p-name").fill("Jebba kabyle — جبة قبائلية")
    form.locator("#p-description").fill("Brodée à la main.")
    form.locator("#p-price").fill("6500")
    rows = form.locator(".variant-row")
    rows.nth(0).get_by_label("Options").fill("Taille: M, Couleur: Rouge")
    rows.nth(0).get_by_label("SKU").fill("JK-M-R")
    rows.nth(0).get_by_label("Stock").fill("4")
    form.get_by_role("button", name="+ Ajouter une variante").click()
    rows.nth(1).get_by_label("Options").fill("Taille: L, Couleur: Rouge")
    rows.nth(1).get_by_label("Prix (vide = prix du produit)").fill("6900")
    rows.nth(1).get_by_label("Stock").fill("2")
    form.get_by_role("button", name="Enregistrer le produit").click()
    page.locator(".toast", has_text="Produit créé").wait_for()
    [created] = api.get("/v1/products", headers=merchant.headers).json()["items"]
    assert created["name"] == "Jebba kabyle — جبة قبائلية" and created["price"] == 6500 and created["published"] is True
    variants = sorted(created["variants"], key=lambda v: v["options"]["Taille"])
    assert [v["options"] for v in variants] == [{"Taille": "L", "Couleur": "Rouge"}, {"Taille": "M", "Couleur": "Rouge"}]
    assert [(v["price"], v["stock"]) for v in variants] == [(6900, 2), (6500, 4)]
    row = page.locator(f".products-table tr[data-product='{created['id']}']")
    expect(row).to_contain_text("Jebba kabyle")
    expect(row).to_contain_text("Rouge / M")
    expect(row.locator("td").nth(3)).to_have_text("6")
    shoot(page, "products-fr")

    # A 422 lands by its field; then edit and adjust stock with a reason.
    row.get_by_role("button", name="Modifier").click()
    form = page.locator(".product-form")
    form.locator("#p-price").fill("0")
    form.get_by_role("button", name="Enregistrer le produit").click()
    expect(form.locator("[data-field=price] .error")).to_be_visible()
    form.locator("#p-price").fill("6000")
    medium = form.locator(".variant-row", has=page.locator("input[value='JK-M-R']"))
    medium.get_by_role("button", name="Ajuster").click()
    medium.get_by_label("Quantité (+ entrée, − sortie)").fill("6")
    medium.get_by_label("Raison").fill("Réception fournisseur")
    medium.get_by_role("button", name="Appliquer").click()
    page.locator(".toast", has_text="Stock mis à jour : 10").wait_for()
    form.locator("input[name=published]").uncheck()
    form.get_by_role("button", name="Enregistrer le produit").click()
    page.locator(".toast", has_text="Produit enregistré").wait_for()
    after = api.get(f"/v1/products/{created['id']}", headers=merchant.headers).json()
    assert after["price"] == 6000 and after["published"] is False
    assert {v["sku"]: v["stock"] for v in after["variants"]}["JK-M-R"] == 10
    expect(page.locator(f".products-table tr[data-product='{created['id']}']")).to_contain_text("Brouillon")
    assert page.script_errors == []
