"""Fixtures for playback tests: the live app's profile id, a loaded guide, and ``video_check``
(a helper that proves a page's ``<video>`` really plays: time advances and both the video and
the audio decoders consume bytes)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

#: Reads the player state in the page.
VIDEO_STATE = """() => { const v = document.querySelector('video'); const m = document.getElementById('message');
  return {t: v.currentTime, vb: v.webkitVideoDecodedByteCount, ab: v.webkitAudioDecodedByteCount, paused: v.paused,
          message: m && !m.hidden ? document.getElementById('message-text').textContent : null}; }"""


def _in_thread(fn) -> Any:
    """Run ``fn`` in a fresh thread (asyncio.run must not share Playwright's sync loop)."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # re-raised in the caller
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    if "error" in out:
        raise out["error"]
    return out.get("value")


@pytest.fixture
def app_http(live_app) -> Iterator[httpx.Client]:
    """An HTTP client of the live app (a viewer on this machine)."""
    with httpx.Client(base_url=live_app.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def play_profile_id(live_app) -> int:
    """The id of the live app's "Demo" profile."""
    from xtplay.accounts import profiles

    conn = live_app.connect()
    try:
        return profiles.get_profile(conn, "Demo").id
    finally:
        conn.close()


@pytest.fixture(scope="session")
def play_guide(live_app, play_profile_id) -> None:
    """The live app's programme guide, loaded from the demo provider (for catch-up and now/next)."""
    from xtplay import guide
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault

    def load() -> Any:
        conn = live_app.connect()
        try:
            profile = profiles.get_profile(conn, play_profile_id)
            return asyncio.run(guide.refresh_guide(live_app.settings, conn, Vault.open(live_app.settings), profile))
        finally:
            conn.close()

    result = _in_thread(load)
    assert result.programmes > 0, result


@pytest.fixture(scope="session")
def in_thread():
    """``in_thread(fn)``: run blocking/async set-up away from Playwright's loop."""
    return _in_thread


class VideoCheck:
    """Waits until the page's video plays for real, or fails with the player's message."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def state(self) -> dict:
        return self.page.evaluate(VIDEO_STATE)

    def started(self, timeout_ms: int = 25_000) -> dict:
        """Wait for decoded frames (or an error message); start playback by a click if autoplay was refused."""
        self.page.wait_for_function(
            "() => { const v = document.querySelector('video'); const m = document.getElementById('message');"
            " return (m && !m.hidden) || (v && v.readyState >= 2) }", timeout=timeout_ms)
        state = self.state()
        assert state["message"] is None, f"the player shows an error: {state['message']}"
        if state["paused"]:
            self.page.click("#btn-play")
        return self.state()

    def plays(self, seconds: float = 1.5, timeout_ms: int = 25_000) -> dict:
        """Assert currentTime advances by ``seconds`` while video and audio decoded bytes both grow."""
        before = self.started(timeout_ms)
        self.page.wait_for_function(
            "([t, vb, ab, dt]) => { const v = document.querySelector('video'); const m = document.getElementById('message');"
            " return (m && !m.hidden) || (v.currentTime > t + dt && v.webkitVideoDecodedByteCount > vb"
            " && v.webkitAudioDecodedByteCount > ab) }",
            arg=[before["t"], before["vb"], before["ab"], seconds], timeout=timeout_ms)
        after = self.state()
        assert after["message"] is None, f"the player shows an error: {after['message']}"
        assert after["t"] > before["t"] + seconds
        assert after["vb"] > before["vb"], "no video decoded"
        assert after["ab"] > before["ab"], "no audio decoded (silent video)"
        return after


@pytest.fixture
def video_check():
    """``video_check(page)`` → :class:`VideoCheck`."""
    return VideoCheck
