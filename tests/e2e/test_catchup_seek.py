"""Catch-up and timeshift in real Chromium, with keys: a seek restarts the archive at the new
minute and it really plays there (clock and decoded bytes advance after the seek), the seek
bar spans the programme, "start over" (S) on a live channel with an archive, "live" (L) back."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.e2e


def _past_programme(live_app, profile_id):
    from xtplay import guide

    now = datetime.now(UTC)
    conn = live_app.connect()
    try:
        past = [p for p in guide.programmes_between(conn, profile_id, "1", now - timedelta(hours=8),
                                                    now - timedelta(hours=1))
                if p.stop < now - timedelta(minutes=10) and p.stop - p.start >= timedelta(minutes=5)]
    finally:
        conn.close()
    assert past, "the demo guide has no past programme of 5 minutes or more on channel 1"
    return past[0]


def _position(page) -> float:
    return page.evaluate("window.xtplayPlayer.offset + document.querySelector('video').currentTime")


def test_a_catchup_seek_restarts_the_archive_there_and_plays(live_app, browser_page, play_guide, play_profile_id,
                                                             video_check):
    page = browser_page
    programme = _past_programme(live_app, play_profile_id)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/open" in r.url else None)
    page.goto(f"{live_app.url}/watch/catchup/1/{int(programme.start.timestamp())}")
    video_check(page).plays(seconds=1.0)
    span = page.evaluate("window.xtplayPlayer.duration")
    assert span == (programme.stop - programme.start).total_seconds()  # the bar spans the programme
    assert _position(page) < 60
    page.keyboard.press("ArrowRight")  # forward: the archive again from the next minute
    page.wait_for_function("() => window.xtplayPlayer.offset >= 59 && document.querySelector('video').readyState >= 2",
                           timeout=25_000)
    assert any("at=60" in url for url in asked), asked
    after = video_check(page).plays(seconds=1.0)
    assert after["message"] is None
    assert 60 <= _position(page) < 90
    bar = int(page.eval_on_selector("#seek", "el => el.value"))
    assert bar == round(1000 * _position(page) / span) or abs(bar - 1000 * _position(page) / span) < 5


def test_start_over_a_live_programme_then_back_to_live_with_one_key(live_app, browser_page, play_guide,
                                                                     video_check):
    page = browser_page
    page.goto(f"{live_app.url}/watch/live/1?fmt=ts")
    video_check(page).plays(seconds=1.0)
    page.wait_for_selector("#btn-start-over:not([hidden])")
    page.keyboard.press("s")
    page.wait_for_url(re.compile(r"/watch/catchup/1/\d+$"))
    page.wait_for_function("() => window.xtplayPlayer.type === 'catchup' && window.xtplayPlayer.info")
    video_check(page).plays(seconds=1.0)
    assert page.is_visible("#btn-go-live")
    page.keyboard.press("l")
    page.wait_for_url(re.compile(r"/watch/live/1$"))
    page.wait_for_function("() => window.xtplayPlayer.type === 'live' && window.xtplayPlayer.info")
    video_check(page).plays(seconds=1.0)
