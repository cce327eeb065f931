"""The player in real Chromium against every personality of the demo provider: a channel, a
movie, an episode and a catch-up each really play (time advances, video AND audio decoded),
whatever the provider labels them, wherever it redirects them and whatever it does with Range."""

from __future__ import annotations

import pytest

from tests.plugins.guide import past_programme

pytestmark = pytest.mark.e2e


def test_live_channel_plays(personality_app, browser_page, video_check):
    browser_page.goto(f"{personality_app.url}/watch/live/1")
    video_check(browser_page).plays(seconds=1.0)
    opened = browser_page.evaluate("window.xtplayPlayer.opened")
    assert browser_page.evaluate("window.xtplayPlayer.engine") == opened["engine"]


def test_live_ts_keeps_playing_across_a_capped_connection(personality_app, browser_page, video_check):
    """Asked first for TS: where the provider closes the connection after a few seconds the
    player goes on past that moment."""
    browser_page.goto(f"{personality_app.url}/watch/live/2?fmt=ts")
    check = video_check(browser_page)
    cap = personality_app.demo.personality.live_cap_seconds
    check.plays(seconds=(cap or 0) + 1.0, timeout_ms=40_000)
    check.plays(seconds=1.0)


def test_movie_plays(personality_app, browser_page, video_check):
    browser_page.goto(f"{personality_app.url}/watch/movie/1")
    video_check(browser_page).plays(seconds=1.0)
    assert browser_page.evaluate("window.xtplayPlayer.info.mode") == "direct"


def test_episode_plays(personality_app, browser_page, video_check):
    browser_page.goto(f"{personality_app.url}/watch/episode/1?series=1")
    video_check(browser_page).plays(seconds=1.0)


def test_catchup_plays(personality_app, personality_profile_id, personality_guide, browser_page, video_check):
    programme = past_programme(personality_app, personality_profile_id)
    browser_page.goto(f"{personality_app.url}/watch/catchup/1/{int(programme.start.timestamp())}")
    video_check(browser_page).plays(seconds=1.0)


def test_when_every_format_fails_the_player_says_which_were_tried(live_app, browser_page, demo):
    demo.set_fault("http500", paths=["/live/"])
    browser_page.goto(f"{live_app.url}/watch/live/6")
    browser_page.wait_for_selector("#message:not([hidden])", timeout=20_000)
    text = browser_page.text_content("#message-text")
    assert ".m3u8" in text and ".ts" in text and "HTTP 500" in text
    assert demo.password not in browser_page.content()
