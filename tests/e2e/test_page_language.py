"""The language of the pages in real Chromium, chosen in Settings by keys alone (the select
changes only after Enter: Enter, arrows, Enter), kept for this browser, and spoken by the
scripts too."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def text(page: Any, selector: str) -> str:
    """The element's text with French no-break spaces as plain ones."""
    return page.inner_text(selector).replace("\u00a0", " ").replace("\u202f", " ")


def test_french_is_chosen_in_settings_by_keys_and_kept_for_this_browser(live_app, browser_page, browser):
    page = browser_page
    page.goto(f"{live_app.url}/settings")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1").startswith("Settings for")
    page.focus("#s-language")  # the select as arrows reach it; its value moves by keys only
    page.keyboard.press("ArrowDown")  # before Enter an arrow moves on and changes nothing
    assert page.eval_on_selector("#s-language", "el => el.value") == ""
    page.focus("#s-language")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")  # Automatic → English
    page.keyboard.press("ArrowDown")  # → Français
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector('html[lang="fr"]')
    assert text(page, "h1").startswith("Réglages de « ")
    assert page.eval_on_selector("#s-language", "el => el.value") == "fr"
    assert text(page, ".form-ok") == "Réglages enregistrés."
    assert "TV en direct" in page.inner_text("#main-nav")

    # The scripts speak it too: the player's sleep timer (Z) says its step in French.
    page.goto(f"{live_app.url}/watch/live/1")
    page.wait_for_selector("#btn-sleep")
    assert text(page, "#btn-sleep") == "Veille : non"
    page.focus("#player")
    page.keyboard.press("z")
    page.wait_for_function("document.getElementById('btn-sleep').textContent.indexOf('15') >= 0")
    assert text(page, "#btn-sleep") == "Veille : 15 min"
    page.wait_for_function("document.getElementById('osd-notice').textContent.indexOf('Mise en veille dans 15') === 0")
    page.keyboard.press("z")  # 30
    for _ in range(3):  # 60, 90, off: leave no timer running
        page.keyboard.press("z")
    assert text(page, "#btn-sleep") == "Veille : non"

    # Another browser on the same app still follows its own (English) Accept-Language.
    other = browser.new_context(locale="en-US")
    try:
        stranger = other.new_page()
        stranger.goto(f"{live_app.url}/settings")
        assert stranger.get_attribute("html", "lang") == "en"
        assert stranger.inner_text("h1").startswith("Settings for")
    finally:
        other.close()

    # Back to Automatic by keys: the page follows the browser (English) again.
    page.goto(f"{live_app.url}/settings")
    page.focus("#s-language")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector('html[lang="en"]')
    assert page.inner_text("h1").startswith("Settings for")
    assert page.js_errors == []
