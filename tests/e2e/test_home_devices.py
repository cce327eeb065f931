"""The home screen and per-device profiles in real Chromium, with keys: the app opens on home,
arrows reach every row's posters; two browsers (two contexts) keep different profiles."""

from __future__ import annotations

import re

import pytest

from tests.plugins.web import run_async

pytestmark = pytest.mark.e2e


def _selected_profile(page) -> str:
    return page.eval_on_selector("#profile-select", "s => s.selectedOptions[0].textContent.trim()")


def _switch_by_keys(page, name: str) -> None:
    """Choose ``name`` in the header's profile selector with the keyboard: Enter opens the
    choice, arrows move in it, Enter again confirms (an arrow alone never switches)."""
    page.focus("#profile-select")
    names = page.eval_on_selector_all("#profile-select option", "os => os.map(o => o.textContent.trim())")
    steps = names.index(name) - names.index(_selected_profile(page))
    page.keyboard.press("Enter")
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_two_browsers_keep_their_own_profile(fresh_app, browser):
    from xtplay import db
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault

    demo, settings = fresh_app.demo, fresh_app.settings
    conn = db.open_library(settings.db_path)
    try:
        vault = Vault.open(settings)
        for name in ("Alpha", "Beta"):
            run_async(profiles.add_profile(conn, vault, settings, name=name, url=demo.url, username=demo.username,
                                           password=demo.password, verify=False))
    finally:
        conn.close()
    living_room, phone = browser.new_context(), browser.new_context()
    try:
        tv, mobile = living_room.new_page(), phone.new_page()
        tv.goto(f"{fresh_app.url}/settings")
        mobile.goto(f"{fresh_app.url}/settings")
        assert _selected_profile(tv) == _selected_profile(mobile) == "Alpha"  # the first one added
        _switch_by_keys(mobile, "Beta")
        mobile.goto(f"{fresh_app.url}/settings")
        tv.reload()
        assert _selected_profile(mobile) == "Beta"
        assert _selected_profile(tv) == "Alpha"  # the phone's switch left the living room alone
        _switch_by_keys(tv, "Beta")
        _switch_by_keys(tv, "Alpha")
        mobile.reload()
        assert _selected_profile(mobile) == "Beta"
        assert "Settings for “Beta”" in (mobile.text_content("main") or "")
    finally:
        living_room.close()
        phone.close()


def test_home_is_where_the_app_opens_and_arrows_reach_each_row(live_app, browser_page, play_profile_id):
    from xtplay.library import favorites, history

    conn = live_app.connect()
    try:
        history.record(conn, play_profile_id, "movie", "3", 60, 120)
        favorites.add(conn, play_profile_id, "movie", "2")
    finally:
        conn.close()
    page = browser_page
    page.goto(f"{live_app.url}/watch/live/2")  # a recent channel of this browser
    page.wait_for_function("() => window.xtplayPlayer && window.xtplayPlayer.info")
    page.goto(live_app.url)
    page.wait_for_url(re.compile(r"/$"))
    rows = page.eval_on_selector_all("[data-row-key]", "els => els.map(e => e.dataset.rowKey)")
    assert rows[:2] == ["continue", "channels"] and "favorites" in rows and rows[-1] == "added"
    assert page.evaluate("document.activeElement.dataset.row") == "0"  # the first poster has the focus
    assert page.is_visible(".home-row progress.poster-progress")
    seen = set()
    for _ in range(len(rows) - 1):
        page.keyboard.press("ArrowDown")
        seen.add(page.evaluate("document.activeElement.dataset.row"))
    assert seen == {str(n) for n in range(1, len(rows))}  # every row reached by keys
    before = page.evaluate("document.activeElement.dataset.col")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.col") == str(int(before) + 1)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/(movies|series)/\d+$"))
