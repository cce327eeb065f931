"""Resume that holds, in real Chromium with keys: after Back the details page shows the newest
position (never the one it showed before), playing from it resumes there, and an older
report never rolls it back; the series page offers the episode to resume."""

from __future__ import annotations

import re

import pytest

from tests.plugins.waiting import wait_until

pytestmark = pytest.mark.e2e


def _entry(live_app, profile_id: int, type: str, item_id: str):
    from xtplay.library import history

    conn = live_app.connect()
    try:
        return history.get(conn, profile_id, type, item_id)
    finally:
        conn.close()


def _record(live_app, profile_id: int, type: str, item_id: str, position: float, *, fresh: bool = False) -> None:
    """Put a position in History (``fresh``: forget the item's earlier entry first, watched mark included,
    since other tests of the shared app play the same demo items)."""
    from xtplay.library import history

    conn = live_app.connect()
    try:
        if fresh:
            history.remove(conn, profile_id, type, item_id)
        history.record(conn, profile_id, type, item_id, position, 120.0)
    finally:
        conn.close()


def _forget_series(live_app, profile_id: int, series_id: str) -> None:
    from xtplay.library import history

    conn = live_app.connect()
    try:
        for (episode_id,) in conn.execute("SELECT episode_id FROM episodes WHERE profile_id = ? AND series_id = ?",
                                          (profile_id, series_id)).fetchall():
            history.remove(conn, profile_id, "episode", episode_id)
    finally:
        conn.close()


def _position(page) -> float:
    return page.evaluate("window.xtplayPlayer.offset + document.querySelector('video').currentTime")


def _resume_secs(text: str) -> int:
    found = re.search(r"Resume from (\d+):(\d\d)", text)
    assert found, text
    return int(found.group(1)) * 60 + int(found.group(2))


def _wait_for_focus_on_resume(page) -> None:
    """Wait until the Resume button itself holds focus. The details come in by htmx and take focus
    when they settle, a moment after their text shows; before that, focus is on <body>, whose text
    also says "Resume", and an Enter pressed then is lost."""
    page.wait_for_function("() => { const el = document.activeElement;"
                           " return !!el && el.matches('a.btn-primary') && /Resume from/.test(el.textContent); }")


def test_back_from_the_player_shows_the_newest_position_and_resumes_there(live_app, browser_page, video_check,
                                                                         play_profile_id):
    page = browser_page
    _record(live_app, play_profile_id, "movie", "4", 45.0, fresh=True)
    page.goto(f"{live_app.url}/movies/4")
    page.wait_for_selector("text=Resume from 0:45")
    _wait_for_focus_on_resume(page)
    page.keyboard.press("Enter")  # the focused "Resume" button
    page.wait_for_url(re.compile(r"/watch/movie/4$"))
    video_check(page).started()
    page.wait_for_function("() => window.xtplayPlayer.offset + document.querySelector('video').currentTime > 44")
    page.keyboard.press("ArrowRight")  # +10 s: about 0:55
    page.wait_for_function("() => window.xtplayPlayer.offset + document.querySelector('video').currentTime > 56"
                           " && !document.querySelector('video').paused")
    page.keyboard.press("Escape")  # Back
    page.wait_for_url(re.compile(r"/movies/4$"))
    page.wait_for_selector("text=Resume from")
    shown = _resume_secs(page.text_content("main") or "")
    assert shown >= 56, f"the details page still shows an older position ({shown} s)"
    stored = _entry(live_app, play_profile_id, "movie", "4")
    assert stored is not None and stored.position_secs >= 56

    _wait_for_focus_on_resume(page)
    page.keyboard.press("Enter")  # resume again from the fresh page
    page.wait_for_url(re.compile(r"/watch/movie/4$"))
    video_check(page).started()
    assert _position(page) >= shown - 2.5  # the remux starts on the keyframe before (every 2 s)
    wait_until(lambda: _entry(live_app, play_profile_id, "movie", "4").position_secs >= shown, 5,
               "the stored position to stay at least where it was")


def test_series_page_offers_to_resume_the_episode_in_progress(live_app, browser_page, play_profile_id, in_thread):
    page = browser_page
    page.goto(f"{live_app.url}/series/1")
    page.wait_for_selector("#series-next")  # the episodes are stored now
    _forget_series(live_app, play_profile_id, "1")  # other tests of the shared app play this show
    page.reload()
    page.wait_for_selector("#series-next")  # nothing played: "Play S1 E1"
    assert "Play S1 E1" in page.text_content("#series-next")
    _record(live_app, play_profile_id, "episode", "4", 40.0)  # the demo show's S2 E1
    page.reload()
    page.wait_for_selector("#series-next >> text=Resume S2 E1")
    _record(live_app, play_profile_id, "episode", "4", 119.0)  # watched to the credits
    page.reload()
    page.wait_for_selector("#series-next >> text=Play next: S2 E2")
    page.focus("#series-next a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/watch/episode/5$"))


def test_autoplay_of_the_next_episode_leaves_one_entry_per_episode(live_app, browser_page, video_check,
                                                                     play_profile_id):
    from xtplay.library import history

    page = browser_page
    page.goto(f"{live_app.url}/watch/episode/1002052?series=2&t=112")  # near the end of the 120 s file
    video_check(page).started()
    page.wait_for_selector("#next:not([hidden])", timeout=30_000)  # the countdown to the next episode
    page.wait_for_url(re.compile(r"/watch/episode/1002053$"), timeout=30_000)
    video_check(page).started()
    page.evaluate("window.xtplayPlayer.save(false)")
    conn = live_app.connect()
    try:
        entries = [(e.type, e.provider_id) for e in history.list(conn, play_profile_id, "episode")]
        first = history.get(conn, play_profile_id, "episode", "1002052")
    finally:
        conn.close()
    assert entries.count(("episode", "1002052")) == 1 and entries.count(("episode", "1002053")) == 1
    assert first is not None and first.watched
