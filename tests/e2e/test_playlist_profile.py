"""A playlist profile in real Chromium: a live entry reached by its tvg-chno number on the
keyboard and a movie entry both really play (time advances, video and audio decoded)."""

from __future__ import annotations

import re

import pytest

from tests.plugins.playlists import add_playlist_profile
from xtplay.library import catalog

pytestmark = pytest.mark.e2e


@pytest.fixture
def playlist_app(playlist_server, settings, start_app, _vault_uses_key_file):
    base = playlist_server.base
    body = f"""#EXTM3U
#EXTINF:-1 tvg-id="news.one" tvg-chno="5" group-title="News",News Five
#EXTVLCOPT:http-user-agent=E2EBox/1.0
{base}/media/live.ts
#EXTINF:-1 group-title="Movies",Test Movie
{base}/media/movie_h264_aac.mp4
"""
    profile = add_playlist_profile(settings, playlist_server.put("/list.m3u", body))
    app = start_app(settings)
    conn = app.connect()
    try:
        movie = catalog.items(conn, profile.id, "movie").items[0].provider_id
        channel = catalog.channel_by_number(conn, profile.id, 5)
    finally:
        conn.close()
    assert channel is not None
    return app, channel.provider_id, movie


def test_a_live_entry_zapped_to_by_its_number_plays(playlist_app, playlist_server, browser_page, video_check):
    app, channel, _movie = playlist_app
    browser_page.goto(f"{app.url}/live")
    browser_page.keyboard.press("5")
    browser_page.wait_for_url(re.compile(rf"/watch/live/{channel}$"), timeout=10_000)
    video_check(browser_page).plays()
    assert "News Five" in browser_page.text_content("#osd-title")
    assert all(s.headers["user-agent"] == "E2EBox/1.0" for s in playlist_server.seen("/media/live.ts"))


def test_a_movie_entry_plays(playlist_app, browser_page, video_check):
    app, _channel, movie = playlist_app
    browser_page.goto(f"{app.url}/watch/movie/{movie}")
    video_check(browser_page).plays()
    assert browser_page.evaluate("window.xtplayPlayer.info.mode") == "direct"
