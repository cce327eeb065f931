"""Search finds guide programmes in real Chromium, typed with keys: "big match" lists the
programme with its channel and time, and Enter on it plays it (live or catch-up)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def test_typing_a_programme_title_finds_it_and_enter_plays_it(live_app, browser_page, play_guide):
    page = browser_page
    page.goto(f"{live_app.url}/search")
    page.keyboard.type("big match")  # the search box has the focus
    section = page.wait_for_selector("section[data-type=programme]", timeout=15_000)
    first = section.query_selector("li a")
    text = first.text_content() or ""
    assert "The Big Match" in text
    assert re.search(r"\d\d:\d\d–\d\d:\d\d", text)  # its time
    assert re.search(r"on now|upcoming|catch-up", text)
    href = first.get_attribute("href") or ""
    assert re.fullmatch(r"/watch/(live/\d+|catchup/\d+/\d+)", href)
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    page.wait_for_function("() => window.xtplayPlayer && window.xtplayPlayer.info")
