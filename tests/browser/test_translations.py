"""Every text of every screen exists in French, Arabic and English."""
from __future__ import annotations

from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"


def test_every_module_registers_its_texts_in_all_three_languages(new_page):
    modules = sorted("/" + str(path.relative_to(WEB)) for path in WEB.rglob("*.js")
                     if path.name != "sw.js")
    page = new_page()
    page.goto("/dashboard/login")
    page.locator("form.login-card").wait_for()
    missing = page.evaluate("""async (modules) => {
        for (const path of modules) await import(path);
        const i18n = await import('/shared/i18n.js');
        return i18n.missingTranslations();
    }""", modules)
    assert missing == {"fr": [], "ar": [], "en": []}
