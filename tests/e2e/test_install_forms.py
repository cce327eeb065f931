"""Installable and forms that respect the user, in real Chromium with keys: Chromium reads
the manifest without errors and finds its icons; the add-profile form starts on its first
field, Enter submits it, a wrong login says so once next to the password, the rest kept."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_chromium_reads_the_manifest_without_errors(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app.url}/")
    cdp = page.context.new_cdp_session(page)
    answer = cdp.send("Page.getAppManifest")
    assert answer["url"].endswith("/manifest.webmanifest")
    assert answer["errors"] == [], answer["errors"]
    assert '"start_url": "/"' in answer["data"].replace('":"', '": "')
    icon = page.evaluate("fetch('/static/icons/icon-512.png').then(r => r.status)")
    assert icon == 200
    assert page.evaluate("fetch('/favicon.ico').then(r => r.status)") == 200


def test_the_add_form_by_keys_keeps_what_was_typed_and_says_one_error(live_app, browser_page, demo):
    page = browser_page
    page.goto(f"{live_app.url}/profiles/new")
    assert page.evaluate("document.activeElement.id") == "f-name"  # autofocus on the first field
    page.keyboard.type("Kitchen")
    page.keyboard.press("Tab")
    page.keyboard.type(demo.url)
    page.keyboard.press("Tab")
    page.keyboard.type(demo.username)
    page.focus("#f-password")
    page.keyboard.type("not-the-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter submits
    assert page.locator("text=Wrong username or password").count() == 1
    assert page.is_visible("#err-password") and page.evaluate("document.activeElement.id") == "f-password"
    assert (page.input_value("#f-name"), page.input_value("#f-url"), page.input_value("#f-username")) == (
        "Kitchen", demo.url, demo.username)
    assert page.input_value("#f-password") == ""
