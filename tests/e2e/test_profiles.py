"""Chromium (headless, /usr/bin/chromium) against the real app and the demo provider:
first run → add profile → loading → profiles → switch → settings → delete; login; CSRF; XSS; keys."""

from __future__ import annotations

import dataclasses
import re

import pytest

from tests.plugins.web import save_screenshot
from xtplay import db
from xtplay.web import auth

pytestmark = pytest.mark.e2e

EVIL = "<img src=x onerror=alert(1)>"


def _fill_profile(page, name, demo, password=None):
    page.fill("#f-name", name)
    page.fill("#f-url", demo.url)
    page.fill("#f-username", demo.username)
    page.fill("#f-password", password or demo.password)


def _wait_home(page, app):
    """After adding/switching: the loading page (if any) ends on the home screen."""
    page.wait_for_url(re.compile(re.escape(app.url) + r"/(profiles(\?.*)?)?$"), timeout=60_000)
    page.wait_for_load_state()


def test_first_run_to_delete(fresh_app, demo, browser_page):
    page, app = browser_page, fresh_app
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(app.url + "/")
    assert page.url == app.url + "/welcome"
    assert page.get_by_role("heading", name="Welcome to xtplay").is_visible()
    save_screenshot(page, "welcome")

    # a wrong password: an inline error, nothing saved, the typed values kept
    _fill_profile(page, "Living room", demo, password="wrong-password")
    page.get_by_role("button", name="Test connection").click()
    page.locator("#test-result .form-error").wait_for()
    assert "Wrong username or password" in page.locator("#test-result").inner_text()
    page.get_by_role("button", name="Add profile").click()
    page.locator("#err-password").wait_for()  # one message, next to the field to retype
    assert "Wrong username or password" in page.locator("#err-password").inner_text()
    assert page.locator("text=Wrong username or password").count() == 1 and page.locator("#form-error").count() == 0
    assert page.input_value("#f-name") == "Living room" and page.input_value("#f-password") == ""
    assert page.evaluate("document.activeElement.id") == "f-password"

    # the right one: Test connection says so, then saving shows the loading page until synced
    page.fill("#f-password", demo.password)
    page.get_by_role("button", name="Test connection").click()
    page.locator("#test-result .form-ok").wait_for()
    page.get_by_role("button", name="Add profile").click()
    _wait_home(page, app)

    page.goto(app.url + "/profiles")
    card = page.locator(".profile-card", has_text="Living room")
    assert card.locator(".badge-ok").first.inner_text() == "active"
    assert "0 of 4 in use" in card.inner_text()
    assert "ok" in card.locator("dt:has-text('Last sync') + dd").inner_text()
    save_screenshot(page, "profiles")

    # a second profile, then switch back with the header selector (auto-submits)
    page.get_by_role("link", name="Add a profile").click()
    _fill_profile(page, EVIL, demo)
    page.get_by_role("button", name="Add profile").click()
    _wait_home(page, app)
    page.goto(app.url + "/profiles")
    assert page.locator("#profile-select option:checked").inner_text() == EVIL  # shown as text
    with page.expect_navigation():  # from /profiles: waiting for the URL alone would match at once
        page.select_option("#profile-select", label="Living room")
    _wait_home(page, app)
    page.goto(app.url + "/profiles")
    assert page.locator("#profile-select option:checked").inner_text() == "Living room"
    assert page.locator(".profile-card.is-active h2").inner_text().startswith("Living room")

    # settings: change the schedule, sync now shows progress then finishes
    page.goto(app.url + "/settings")
    save_screenshot(page, "settings")
    page.select_option("#s-interval", "12")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Settings saved.").wait_for()
    assert page.locator("#s-interval").input_value() == "12"
    page.get_by_role("button", name="Sync now").click()
    page.locator("#sync-status .sync-bar").wait_for()
    page.locator("#sync-status .sync-bar.is-done").wait_for(timeout=60_000)

    # delete the evil-named profile, with its confirmation page
    page.goto(app.url + "/profiles")
    page.locator(".profile-card", has_text=EVIL).get_by_role("link", name="Delete").click()
    assert page.get_by_role("heading").first.inner_text() == f"Delete “{EVIL}”?"
    page.get_by_role("link", name="Cancel").click()
    page.locator(".profile-card").nth(1).wait_for()  # the list again (pages are never from the cache)
    assert page.locator(".profile-card").count() == 2
    page.locator(".profile-card", has_text=EVIL).get_by_role("link", name="Delete").click()
    page.locator("#confirm-delete").click()
    page.wait_for_url(app.url + "/profiles")
    assert page.locator(".profile-card").count() == 1
    assert dialogs == [] and page.js_errors == []


def test_one_click_demo_profile(fresh_app, browser_page):
    page, app = browser_page, fresh_app
    page.goto(app.url + "/welcome")
    page.locator("#demo-profile").click()
    _wait_home(page, app)
    page.goto(app.url + "/profiles")
    assert page.locator(".profile-card h2").first.inner_text().startswith("Demo")


def test_access_password_login_and_throttling(settings, start_app, browser_page, _vault_uses_key_file):
    conn = db.open_library(settings.db_path)
    auth.set_access_password(conn, "Browser-Pa55word")
    conn.close()
    app = start_app(dataclasses.replace(settings, host="0.0.0.0"), require_login=True)
    page = browser_page
    page.goto(app.url + "/welcome")
    assert "/login?next=%2Fwelcome" in page.url
    save_screenshot(page, "login")
    cookie = next(c for c in page.context.cookies() if c["name"] == auth.COOKIE_NAME)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # not readable by scripts

    page.fill("#password", "wrong-one")
    page.get_by_role("button", name="Log in").click()
    assert page.locator(".form-error").inner_text() == "Wrong password."
    page.fill("#password", "Browser-Pa55word")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(app.url + "/welcome")
    assert page.get_by_role("heading", name="Welcome to xtplay").is_visible()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r".*/login$"))

    for _ in range(5):
        page.fill("#password", "still-wrong")
        page.get_by_role("button", name="Log in").click()
        page.locator(".form-error").wait_for()
    page.fill("#password", "Browser-Pa55word")
    page.get_by_role("button", name="Log in").click()
    assert "Too many failed attempts" in page.locator(".form-error").inner_text()
    assert "/login" in page.url


def test_a_form_from_another_site_is_refused(fresh_app, demo, browser_page):
    page, app = browser_page, fresh_app
    page.goto(app.url + "/welcome")  # the browser now holds an xtplay session cookie
    page.set_content(
        f'<form method="post" action="{app.url}/welcome/demo"><button id="go">go</button></form>')
    with page.expect_navigation():
        page.click("#go")
    assert "did not come from xtplay" in page.content()
    with db.connect(app.settings.db_path) as conn:
        assert conn.execute("SELECT count(*) FROM profiles").fetchone()[0] == 0


def test_provider_names_render_as_text(live_app, browser_page):
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_app.url + "/live")
    page.get_by_text(EVIL, exact=True).first.wait_for()
    assert page.locator("img[src='x']").count() == 0
    save_screenshot(page, "live-escaped-names")
    assert dialogs == []


def test_keyboard_moves_focus_and_slash_searches(live_app, browser_page):
    page = browser_page
    page.goto(live_app.url + "/profiles")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.hasAttribute('data-nav')")
    assert first is True
    before = page.evaluate("document.activeElement.outerHTML")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.outerHTML") != before
    focus_style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_style == "solid"  # a visible focus ring
    page.keyboard.press("/")
    page.wait_for_function("() => location.pathname === '/search' || document.activeElement.type === 'search'")
