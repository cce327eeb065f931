"""Playback starts in the remembered language, in real Chromium, driven by keys. Live HLS: the
demo's channel 5 has French (default) and English audio renditions; the profile's preference
chooses English at start, the yellow/A key switches to French, which the channel then remembers
and starts in next time. An episode (the demo's S1E3 has English and French audio) starts in
the profile's language until a switch is remembered for its series."""

from __future__ import annotations

import pytest

from tests.plugins.waiting import wait_until
from xtplay.db import transaction
from xtplay.library import tracks

pytestmark = pytest.mark.e2e

#: The hls.js language of the audio track playing now.
PLAYING_LANG = ("() => { const h = window.xtplayPlayer.hls;"
                " return h && h.audioTrack >= 0 ? h.audioTracks[h.audioTrack].lang : null }")


def _with_library(live_app, work):
    conn = live_app.connect()
    try:
        return work(conn)
    finally:
        conn.close()


def _forget(live_app, pid: int) -> None:
    def forget(conn):
        with transaction(conn):
            conn.execute("DELETE FROM track_choices WHERE profile_id = ?", (pid,))
    _with_library(live_app, forget)


def _playing_lang(page, wanted: str) -> None:
    page.wait_for_function(f"() => ({PLAYING_LANG})() === {wanted!r}", timeout=20_000)


def test_live_hls_starts_in_the_preferred_language_and_remembers_a_switch(live_app, browser_page, video_check,
                                                                          play_profile_id):
    page, pid = browser_page, play_profile_id
    _forget(live_app, pid)
    try:
        _with_library(live_app, lambda conn: tracks.set_preference(conn, pid, "en", None))
        page.goto(f"{live_app.url}/watch/live/5?fmt=hls")
        video_check(page).plays(seconds=1.0)
        assert page.evaluate("window.xtplayPlayer.engine") == "hls"
        assert page.evaluate("window.xtplayPlayer.hls.audioTracks.map(t => t.lang)") == ["fra", "eng"]
        _playing_lang(page, "eng")  # the profile's English, not the stream's French default
        assert page.evaluate("document.getElementById('audio-tracks').value") == "1"

        page.focus("#player")
        page.keyboard.press("a")  # the remote's yellow key: the next audio track
        _playing_lang(page, "fra")
        video_check(page).plays(seconds=1.0)  # still plays, with sound, in French
        wait_until(lambda: _with_library(live_app, lambda c: tracks.preferred(c, pid, channel_id="5")).audio == "fra",
                   5, "the French choice to be remembered for the channel")
        assert _with_library(live_app, lambda c: tracks.preferred(c, pid)).audio == "en"  # the profile's kept

        page.goto(f"{live_app.url}/watch/live/5?fmt=hls")  # next time: the channel's own choice wins
        video_check(page).plays(seconds=1.0)
        _playing_lang(page, "fra")
        page.focus("#player")
        page.keyboard.press("a")
        _playing_lang(page, "eng")
        wait_until(lambda: _with_library(live_app, lambda c: tracks.preferred(c, pid, channel_id="5")).audio == "eng",
                   5, "the English choice to be remembered for the channel")
    finally:
        _forget(live_app, pid)  # the shared app's other tests start without choices


def test_zapping_to_the_channel_applies_its_language(live_app, browser_page, video_check, play_profile_id):
    page, pid = browser_page, play_profile_id
    _forget(live_app, pid)
    try:
        _with_library(live_app, lambda conn: tracks.remember(conn, pid, "channel", "5", audio="eng"))
        page.goto(f"{live_app.url}/watch/live/1?fmt=hls")
        video_check(page).started()
        page.focus("#player")
        page.keyboard.press("5")  # channel 5 by its number, in the same page
        page.keyboard.press("Enter")
        page.wait_for_function("() => window.xtplayPlayer.id === '5' && window.xtplayPlayer.hls", timeout=20_000)
        _playing_lang(page, "eng")
        video_check(page).plays(seconds=1.0)
    finally:
        _forget(live_app, pid)


def test_an_episode_starts_in_the_series_choice_over_the_profiles(live_app, browser_page, video_check,
                                                                   play_profile_id):
    page, pid = browser_page, play_profile_id
    _forget(live_app, pid)
    remux: list[str] = []
    page.on("request", lambda r: remux.append(r.url) if "/remux.mp4" in r.url else None)
    try:
        _with_library(live_app, lambda conn: tracks.set_preference(conn, pid, "fr", None))
        page.goto(f"{live_app.url}/watch/episode/3?series=1&t=0")
        video_check(page).plays(seconds=1.0)
        assert page.evaluate("window.xtplayPlayer.audio") == 1 and any("audio=1" in u for u in remux)  # French
        page.focus("#player")
        page.keyboard.press("a")  # English
        page.wait_for_function("() => window.xtplayPlayer.audio === 0")
        video_check(page).plays(seconds=1.0)
        wait_until(lambda: _with_library(live_app, lambda c: tracks.preferred(c, pid, series_id="1")).audio == "eng",
                   5, "the English choice to be remembered for the series")
        assert _with_library(live_app, lambda c: tracks.preferred(c, pid)).audio == "fr"  # the profile's kept
        remux.clear()
        page.goto(f"{live_app.url}/watch/episode/3?series=1&t=0")  # again: the series' English wins
        video_check(page).plays(seconds=1.0)
        assert page.evaluate("window.xtplayPlayer.audio") == 0 and remux and not any("audio=" in u for u in remux)
    finally:
        _forget(live_app, pid)
