"""The player in real Chromium against the real app and demo provider: each kind of source
really plays (time advances, video AND audio decoded), seeking, zapping, errors, catch-up,
and no ffmpeg left behind."""

from __future__ import annotations

import subprocess

import pytest

from tests.plugins.guide import past_programme
from tests.plugins.waiting import wait_until

pytestmark = pytest.mark.e2e


def _watch(page, live_app, path: str) -> None:
    page.goto(f"{live_app.url}{path}")


@pytest.mark.parametrize("fmt", ["hls", "ts"])
def test_live_channel_plays_with_sound(live_app, browser_page, video_check, fmt):
    _watch(browser_page, live_app, f"/watch/live/1?fmt={fmt}")
    video_check(browser_page).plays()
    assert browser_page.evaluate("window.xtplayPlayer.engine") == fmt
    assert "Demo One HD" in browser_page.text_content("#osd-title")


@pytest.mark.parametrize(("movie", "mode"), [(1, "direct"), (2, "remux"), (3, "transcode"), (4, "remux")],
                         ids=["mp4-h264-aac", "mkv-ac3", "hevc", "mkv-h264-aac"])
def test_movie_plays_with_sound(live_app, browser_page, video_check, movie, mode):
    _watch(browser_page, live_app, f"/watch/movie/{movie}")
    video_check(browser_page).plays()
    assert browser_page.evaluate("window.xtplayPlayer.info.mode") == mode


def test_episode_plays_and_offers_the_next_one(live_app, browser_page, video_check):
    _watch(browser_page, live_app, "/watch/episode/1?series=1")
    video_check(browser_page).plays()
    info = browser_page.evaluate("window.xtplayPlayer.info")
    assert info["kind"] == "episode" and info["next"]["id"] == "2"


def test_mkv_episode_with_ac3_plays_with_sound(live_app, browser_page, video_check):
    _watch(browser_page, live_app, "/watch/episode/2?series=1")
    video_check(browser_page).plays()
    assert browser_page.evaluate("window.xtplayPlayer.info.mode") == "remux"


@pytest.mark.parametrize("movie", [1, 2], ids=["direct", "remux"])
def test_seeking_a_movie_jumps_and_keeps_playing(live_app, browser_page, video_check, movie):
    _watch(browser_page, live_app, f"/watch/movie/{movie}")
    video_check(browser_page).started()
    assert not browser_page.is_visible("#btn-ch-up")  # no channel buttons on a movie
    browser_page.evaluate("() => { document.querySelector('video').pause(); }")
    bar = browser_page.locator("#seek")
    bar.evaluate("(el) => { el.value = 125; el.dispatchEvent(new Event('change')); }")  # 12.5 % of 120 s: 15 s
    browser_page.evaluate("() => document.querySelector('video').play()")
    browser_page.wait_for_function(
        "() => { const s = window.xtplayPlayer; const v = document.querySelector('video');"
        " return s.offset + v.currentTime > 14.5 && !v.paused && v.readyState >= 2 }", timeout=20_000)
    position = browser_page.evaluate("window.xtplayPlayer.offset + document.querySelector('video').currentTime")
    assert 13.0 < position < 24.5
    if movie == 2:  # converted: restarted on the keyframe before 15 s, keyframes every 2 s
        assert abs(browser_page.evaluate("window.xtplayPlayer.offset") - 14.005) < 0.01
    video_check(browser_page).plays(seconds=1.0)


def test_zapping_switches_channels_without_reloading(live_app, browser_page, video_check):
    _watch(browser_page, live_app, "/watch/live/1?fmt=ts")
    video_check(browser_page).plays(seconds=1.0)
    assert browser_page.is_visible("#btn-ch-up") and browser_page.is_visible("#btn-ch-last")
    browser_page.evaluate("window.__samePage = true")
    browser_page.keyboard.press("PageUp")
    browser_page.wait_for_function("() => window.xtplayPlayer.id !== '1'")
    new_id = browser_page.evaluate("window.xtplayPlayer.id")
    assert browser_page.url.endswith(f"/watch/live/{new_id}?fmt=ts")
    video_check(browser_page).plays(seconds=1.0)
    assert browser_page.evaluate("window.__samePage") is True  # no reload
    assert browser_page.evaluate("window.xtplayPlayer.lastChannel") == "1"
    browser_page.keyboard.press("l")  # last channel
    browser_page.wait_for_function("() => window.xtplayPlayer.id === '1'")
    video_check(browser_page).plays(seconds=1.0)
    browser_page.keyboard.press("2")
    browser_page.wait_for_function("() => window.xtplayPlayer.id === '2'", timeout=10_000)
    browser_page.wait_for_function("() => document.getElementById('osd-title').textContent.includes('Demo Two')")
    video_check(browser_page).plays(seconds=1.0)
    assert browser_page.evaluate("window.__samePage") is True


def test_too_many_connections_is_shown_with_retry(live_app, browser_page, demo):
    demo.set_fault("too_many_connections")
    _watch(browser_page, live_app, "/watch/live/2?fmt=ts")
    browser_page.wait_for_selector("#message:not([hidden])", timeout=20_000)
    assert "connections" in browser_page.text_content("#message-text")
    assert browser_page.is_visible("#retry")
    assert demo.password not in browser_page.content() and demo.url not in browser_page.content()
    demo.clear_faults()
    browser_page.click("#retry")
    browser_page.wait_for_selector("#message", state="hidden", timeout=20_000)


def test_catchup_of_a_past_programme_plays(live_app, browser_page, play_guide, play_profile_id, video_check):
    programme = past_programme(live_app, play_profile_id)
    _watch(browser_page, live_app, f"/watch/catchup/1/{int(programme.start.timestamp())}")
    video_check(browser_page).plays(seconds=1.0)
    assert programme.title in browser_page.text_content("#osd-now")


def test_resume_position_is_saved_to_history(live_app, browser_page, video_check, play_profile_id):
    from xtplay.library import history

    _watch(browser_page, live_app, "/watch/movie/4")
    video_check(browser_page).plays(seconds=1.0)
    browser_page.evaluate("window.xtplayPlayer.save(false)")
    browser_page.goto("about:blank")  # pagehide also reports
    conn = live_app.connect()
    try:
        entry = history.get(conn, play_profile_id, "movie", "4")
    finally:
        conn.close()
    assert entry is not None and entry.position_secs > 0.5 and entry.duration_secs and entry.duration_secs > 20


def test_no_ffmpeg_is_left_after_the_viewers_leave(live_app, browser_page):
    from xtplay.playback import remux

    _watch(browser_page, live_app, "/watch/movie/3")
    browser_page.wait_for_function("() => document.querySelector('video').readyState >= 2", timeout=25_000)
    assert remux._running, "the HEVC movie should be transcoding"
    browser_page.goto("about:blank")
    wait_until(lambda: not remux._running, 15, "ffmpeg to stop after the viewer left", every=0.2)
    ours = subprocess.run(["pgrep", "-f", "ffmpeg .*/play/"], capture_output=True, text=True).stdout.split()
    assert ours == []


def test_next_episode_countdown_appears_and_can_be_cancelled(live_app, browser_page, video_check):
    _watch(browser_page, live_app, "/watch/episode/1?series=1")
    video_check(browser_page).started()
    browser_page.locator("#seek").evaluate("(el) => { el.value = 950; el.dispatchEvent(new Event('change')); }")
    browser_page.wait_for_selector("#next:not([hidden])", timeout=20_000)
    assert browser_page.text_content("#next-title")
    browser_page.click("#next-cancel")
    browser_page.wait_for_selector("#next", state="hidden")
    browser_page.wait_for_function("() => document.querySelector('video').ended", timeout=20_000)
    assert "/watch/episode/1" in browser_page.url  # cancelled: no jump to episode 2


def test_switching_audio_track_and_enabling_subtitles(live_app, browser_page, video_check):
    """Movie 5 (MKV, English AAC + French AC-3, English SRT): the audio menu restarts the remux at
    the same position with ``audio=1`` and it really plays again; the subtitle menu adds a WebVTT
    track whose cues become active."""
    media = []
    browser_page.on("request", lambda r: media.append(r.url) if "/remux.mp4" in r.url else None)
    _watch(browser_page, live_app, "/watch/movie/5")
    video_check(browser_page).plays(seconds=2.0)
    audio = browser_page.locator("#audio-tracks")
    assert audio.is_visible()
    assert [o.strip() for o in audio.locator("option").all_inner_texts()] == ["English (eng)", "Français (fre)"]
    assert browser_page.locator("#subtitle-tracks").is_visible()
    before = browser_page.evaluate("window.xtplayPlayer.offset + document.querySelector('video').currentTime")
    audio.select_option("1")
    browser_page.wait_for_function("() => window.xtplayPlayer.audio === 1")
    after = video_check(browser_page).plays(seconds=1.0)
    switched = [u for u in media if "audio=1" in u]
    assert switched, media
    start = float(switched[-1].split("start=", 1)[1].split("&", 1)[0])
    assert before - 3.0 <= start <= before + 3.0  # restarted where it was (its keyframe), not from 0
    assert abs(browser_page.evaluate("window.xtplayPlayer.offset") - start) < 0.01
    assert after["t"] > 0
    browser_page.locator("#subtitle-tracks").select_option("0")
    browser_page.wait_for_function(
        "() => { const t = document.querySelector('video').textTracks[0];"
        " return t && t.mode === 'showing' && t.activeCues && t.activeCues.length > 0 }", timeout=15_000)
    cue = browser_page.evaluate("document.querySelector('video').textTracks[0].activeCues[0].text")
    assert cue.startswith("Demo subtitle at ")
    shown_at = int(cue.split()[3])
    position = browser_page.evaluate("window.xtplayPlayer.offset + document.querySelector('video').currentTime")
    assert shown_at - 0.5 <= position <= shown_at + 3.0  # the cue for this moment (cues last 2.5 s)


def test_a_live_stream_the_provider_cuts_for_good_says_why_and_retry_plays_again(live_app, browser_page, demo,
                                                                                 video_check):
    """Mid-stream: the provider cuts the channel and refuses every re-open; once the proxy gives
    up, the player shows the provider's reason, and Retry (Enter) plays again after the fault."""
    _watch(browser_page, live_app, "/watch/live/4?fmt=ts")
    video_check(browser_page).plays()
    demo.set_fault("too_many_connections", paths=["live"], midstream=True)
    browser_page.wait_for_selector("#message:not([hidden])", timeout=30_000)
    assert browser_page.text_content("#message-text").startswith("Too many connections")
    demo.clear_faults()
    browser_page.keyboard.press("Enter")  # Retry has the focus
    browser_page.wait_for_selector("#message", state="hidden", timeout=20_000)
    video_check(browser_page).plays()
