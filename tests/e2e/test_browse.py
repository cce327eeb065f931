"""Browsing in the real Chromium against the real app and demo provider: keyboard, infinite
scroll, escaping, and screenshots of the main pages."""

from __future__ import annotations

import re

import pytest

from tests.plugins.web import refresh_live_guide

pytestmark = pytest.mark.e2e


def _live_total(live_app) -> int:
    conn = live_app.connect()
    try:
        from xtplay.accounts import profiles
        from xtplay.library import catalog

        profile = profiles.active_profile(conn)
        return sum(c.count for c in catalog.categories(conn, profile.id, "live"))
    finally:
        conn.close()


def test_live_list_loads_the_next_page_when_scrolled(live_app, browser_page):
    page = browser_page
    total = _live_total(live_app)
    assert total > 50, "the demo catalog must need a second page"
    page.goto(f"{live_app.url}/live")
    rows = page.locator(".channel-row")
    assert rows.count() == 50
    page.locator(".load-more").scroll_into_view_if_needed()
    page.wait_for_function(f"() => document.querySelectorAll('.channel-row').length === {total}")
    assert page.locator(".load-more").count() == 0
    ids = page.eval_on_selector_all(".channel-row a", "els => els.map(e => e.dataset.channelId)")
    assert len(ids) == len(set(ids)) == total
    assert page.js_errors == []


def test_hostile_channel_name_renders_as_text_and_runs_nothing(live_app, browser_page):
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_app.url}/live")
    name = page.locator('.channel-row a[data-channel-id="3"] .channel-name')
    assert name.inner_text() == "<img src=x onerror=alert(1)>"
    assert page.locator(".channel-name img").count() == 0
    page.goto(f"{live_app.url}/search?q=img")
    page.wait_for_timeout(300)
    assert dialogs == []


def test_keyboard_arrows_enter_and_digits(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app.url}/live")
    first = page.evaluate("document.activeElement.dataset.channelId")
    assert first is not None, "focus starts on the first channel"
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.dataset.channelId")
    assert second is not None and second != first
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.dataset.channelId") == first
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/watch/live/{second}$"))
    # Digits jump to a channel number (app.js → /live/number/N → the player).
    page.goto(f"{live_app.url}/live")
    page.keyboard.press("2")
    page.wait_for_url(re.compile(r"/watch/live/\d+$"), timeout=10_000)


def test_slash_opens_search_and_escape_returns(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app.url}/movies")
    page.keyboard.press("/")
    page.wait_for_url(re.compile(r"/search$"))
    box = page.locator("#q")
    assert page.evaluate("document.activeElement.id") == "q"
    box.type("demo", delay=30)
    page.wait_for_selector(".search-group")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/movies$"))


def test_search_as_you_type_with_a_filter_and_no_results(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app.url}/search")
    page.locator("#q").type("sky sports", delay=20)
    page.wait_for_selector('.search-group[data-type="live"]')
    assert "Sky Sports Premier League" in page.locator("#search-results").inner_text()
    page.locator('input[name="type"][value="movie"]').check()
    page.wait_for_selector("#no-results")
    page.locator('input[name="type"][value="movie"]').uncheck()
    page.locator("#q").fill("qqqzzzxxx")
    page.locator("#q").dispatch_event("input")
    page.wait_for_selector("#no-results")
    assert "No results for" in page.locator("#no-results").inner_text()


def test_screenshots_of_the_main_pages(live_app, browser_page, screenshot):
    page = browser_page
    refresh_live_guide(live_app)
    page.goto(f"{live_app.url}/live")
    page.wait_for_selector(".now-next .now")  # the guide's now/next with its progress bar
    screenshot(page, "live")
    page.goto(f"{live_app.url}/movies")
    screenshot(page, "movies")
    page.goto(f"{live_app.url}/movies/1")
    page.wait_for_selector("#movie-details [aria-busy=false]")
    screenshot(page, "movie")
    page.goto(f"{live_app.url}/series/1")
    page.wait_for_selector(".episode-list")
    page.locator('[role="tab"]', has_text="Season 2").click()
    page.wait_for_selector('[role="tab"][aria-selected="true"]:has-text("Season 2")')
    screenshot(page, "series")
    page.goto(f"{live_app.url}/guide")
    page.wait_for_selector(".guide-prog.is-now")
    assert page.locator(".guide-now-line").count() > 0
    screenshot(page, "guide")
    page.goto(f"{live_app.url}/guide/channel/1")
    page.wait_for_selector(".programme-list")
    screenshot(page, "channel-guide")
    page.goto(f"{live_app.url}/search?q=demo")
    screenshot(page, "search")
    assert page.js_errors == []
