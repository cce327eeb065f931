"""Preferred languages in real Chromium: a movie starts in the profile's preferred audio
language and subtitles; a track picked by keys in the player is remembered."""

from __future__ import annotations

import pytest

from tests.plugins.waiting import wait_until

pytestmark = pytest.mark.e2e


def _preferred(live_app, profile_id):
    from xtplay.library import tracks

    conn = live_app.connect()
    try:
        return tracks.preferred(conn, profile_id)
    finally:
        conn.close()


def test_preferred_languages_start_the_movie_and_a_change_is_remembered(live_app, browser_page, video_check,
                                                                        play_profile_id):
    page = browser_page
    page.goto(f"{live_app.url}/settings")
    page.select_option("#s-audio", "fr")  # the settings form, saved with Enter below
    page.select_option("#s-subtitle", "en")
    page.focus("#languages-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _preferred(live_app, play_profile_id).audio == "fr"
    remux: list[str] = []
    page.on("request", lambda r: remux.append(r.url) if "/remux.mp4" in r.url else None)
    try:
        page.goto(f"{live_app.url}/watch/movie/5?t=0")  # English AAC + French AC-3, English subtitles
        video_check(page).plays(seconds=1.0)
        assert page.evaluate("window.xtplayPlayer.audio") == 1 and any("audio=1" in u for u in remux)
        assert page.evaluate("window.xtplayPlayer.subtitle") == 0
        page.wait_for_function("() => document.querySelector('video track') !== null")
        page.focus("#audio-tracks")
        for key in ("Enter", "ArrowUp", "Enter"):  # back to English: a select changes only on Enter
            page.keyboard.press(key)
        page.wait_for_function("() => window.xtplayPlayer.audio === 0")
        video_check(page).plays(seconds=1.0)
        wait_until(lambda: _preferred(live_app, play_profile_id).audio == "eng", 5,
                   "the English choice to be remembered (a movie's becomes the profile's preference)")
    finally:
        from xtplay.library import tracks

        conn = live_app.connect()
        try:
            tracks.set_preference(conn, play_profile_id, None, None)  # the shared app's other tests start clean
        finally:
            conn.close()
