"""Viewers who leave in the middle of a stream (a closed tab, a zap, a TV switched off), over
real sockets: the conversion's ffmpeg is killed and reaped, the app logs no error for it, and
the same client goes on browsing over its kept-alive connections."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.plugins.waiting import wait_until
from xtplay.playback import remux


@contextmanager
def _logged_errors() -> Iterator[list[logging.LogRecord]]:
    """Errors logged by the app or by uvicorn while the block runs (uvicorn's loggers do not
    propagate to the root logger, so pytest's ``caplog`` would not see them)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = records.append  # type: ignore[method-assign]
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "uvicorn", "xtplay", "")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _gone(pid: int) -> bool:
    """True once ``pid`` is killed and reaped (a zombie would still answer signal 0)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("movie", ["3", "2"], ids=["transcode", "remux"])
def test_a_viewer_leaving_a_conversion_stops_its_ffmpeg_without_an_error(live_app, play_profile_id, movie):
    with _logged_errors() as errors, httpx.Client(base_url=live_app.url, timeout=30) as client:
        before = set(remux._running)
        with client.stream("GET", f"/play/{play_profile_id}/movie/{movie}/remux.mp4") as answer:
            assert answer.status_code == 200 and answer.headers["content-type"] == "video/mp4"
            body = answer.iter_bytes()
            first = next(body)
            started = set(remux._running) - before
            if not started:  # say how much came, for the record of a conversion that ended at once
                raise AssertionError(f"no ffmpeg converts for this viewer after its first {len(first)} bytes; "
                                     f"{sum(len(chunk) for chunk in body)} more came")
        # Leaving the block closes the connection with the body unread: the viewer has gone.
        (pid,) = started
        wait_until(lambda: _gone(pid) and pid not in remux._running, 15, f"ffmpeg {pid} killed and reaped")
        assert client.get("/movies").status_code == 200
        assert client.get(f"/play/{play_profile_id}/movie/{movie}/info").status_code == 200
    assert not errors, [r.getMessage() for r in errors]


def test_a_viewer_leaving_a_live_channel_logs_no_error_and_browsing_goes_on(live_app, play_profile_id):
    with _logged_errors() as errors, httpx.Client(base_url=live_app.url, timeout=30) as client:
        for channel in ("3", "4"):  # a zap: one channel left for the next
            with client.stream("GET", f"/play/{play_profile_id}/live/{channel}/stream.ts") as answer:
                assert answer.status_code == 200
                got = b"".join(chunk for chunk, _ in zip(answer.iter_bytes(), range(4), strict=False))
                assert got[:1] == b"\x47"  # MPEG-TS sync byte
        assert client.get("/live").status_code == 200
        assert client.get("/api/search", params={"q": "demo"}).status_code == 200
    assert not errors, [r.getMessage() for r in errors]


def test_one_viewer_too_many_is_told_the_conversions_are_busy(live_app, play_profile_id, monkeypatch):
    monkeypatch.setattr(remux, "SLOT_WAIT", 0.5)
    path = f"/play/{play_profile_id}/movie/3/remux.mp4"
    with _logged_errors() as errors, httpx.Client(base_url=live_app.url, timeout=30) as client:
        limit = live_app.settings.conversions  # the app's pool takes the setting
        held = [client.send(client.build_request("GET", path), stream=True) for _ in range(limit)]
        assert live_app.app.state.playback.ffmpeg.limit == limit
        try:
            assert [answer.status_code for answer in held] == [200] * limit
            extra = client.get(path, headers={"Accept": "application/json"})
        finally:
            for answer in held:
                answer.close()
        assert extra.status_code == 503 and extra.headers["retry-after"]
        assert extra.json()["retryable"] and f"{limit} conversions are already running" in extra.json()["message"]
        wait_until(lambda: live_app.app.state.playback.ffmpeg.running == 0, 15, "every held conversion stopped")
        with client.stream("GET", path) as again:  # a slot is free again
            assert again.status_code == 200
    assert not errors, [r.getMessage() for r in errors]
