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


def test_a_catchup_entry_plays_a_past_programme(playlist_server, settings, start_app, browser_page, video_check,
                                                _vault_uses_key_file):
    from datetime import UTC, datetime, timedelta

    from tests.plugins.web import run_async
    from xtplay import db, guide
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault

    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    stamp = lambda t: t.strftime("%Y%m%d%H%M%S +0000")  # noqa: E731
    epg = ('<?xml version="1.0"?><tv><channel id="arch"><display-name>Archive</display-name></channel>'
           f'<programme start="{stamp(start)}" stop="{stamp(start + timedelta(hours=1))}" channel="arch">'
           "<title>Yesterday's News</title></programme></tv>")
    guide_url = playlist_server.put("/epg.xml", epg, content_type="text/xml")
    body = (f'#EXTM3U url-tvg="{guide_url}"\n'
            '#EXTINF:-1 tvg-id="arch" catchup="append" catchup-days="2" catchup-source="?utc={utc}&d={duration}",'
            f"Archive\n{playlist_server.base}/media/live.ts\n")
    profile = add_playlist_profile(settings, playlist_server.put("/list.m3u", body))
    conn = db.open_library(settings.db_path)
    try:
        run_async(guide.refresh_guide(settings, conn, Vault.open(settings), profiles.get_profile(conn, profile.id)))
        channel = catalog.items(conn, profile.id, "live").items[0].provider_id
    finally:
        conn.close()
    app = start_app(settings)
    browser_page.goto(f"{app.url}/watch/catchup/{channel}/{int(start.timestamp())}")
    video_check(browser_page).plays()
    asked = [s.path for s in playlist_server.seen("/media/live.ts")]
    assert asked and all(p.startswith(f"/media/live.ts?utc={int(start.timestamp())}&d=") for p in asked)
