"""A playlist profile's streams through the proxy, against a real server that records the
headers it receives: live TS, HLS (playlist and segments), a movie with Range, each entry's
own User-Agent/Referer/Origin sent to its host only (redirects followed), DRM refused in words."""

from __future__ import annotations

import httpx
import pytest

from tests.plugins.playlists import add_playlist_profile
from xtplay.library import catalog


@pytest.fixture
def playlist_app(playlist_server, settings, start_app, _vault_uses_key_file):
    base, other = playlist_server.base, f"http://localhost:{playlist_server.port}"
    playlist_server.put("/jump", b"", redirect=f"{other}/media/live.ts?jumped")
    body = f"""#EXTM3U
#EXTINF:-1 tvg-id="one" tvg-chno="1" group-title="Live",With Headers
#EXTVLCOPT:http-user-agent=TestBox/2.0
#EXTVLCOPT:http-referrer=http://referrer.example/
{base}/media/live.ts?one
#EXTINF:-1 tvg-id="two" tvg-chno="2" group-title="Live",Plain Elsewhere
{other}/media/live.ts?two
#EXTINF:-1 tvg-id="three" tvg-chno="3" group-title="Live",Redirected
{base}/jump|User-Agent=Jumper/1.0&Origin=http://origin.example
#EXTINF:-1 tvg-id="four" tvg-chno="4" group-title="Live",HLS
#EXTVLCOPT:http-user-agent=HlsBox/3.0
{other}/media/hls/index.m3u8
#EXTINF:-1 tvg-id="five" tvg-chno="5" group-title="Live",Locked
#KODIPROP:inputstream.adaptive.license_type=com.widevine.alpha
#KODIPROP:inputstream.adaptive.license_key=https://licence.example/
{base}/media/live.ts?locked
#EXTINF:-1 group-title="Movies",A Movie
{base}/media/movie_h264_aac.mp4
#EXTINF:-1 tvg-chno="6" group-title="Live",Tuner
udp://@239.0.0.1:1234
"""
    url = playlist_server.put("/list.m3u", body)
    profile = add_playlist_profile(settings, url)
    app = start_app(settings)
    with httpx.Client(base_url=app.url, timeout=60) as client:
        conn = app.connect()
        try:
            ids = {item.name: item.provider_id for type in ("live", "movie")
                   for item in catalog.items(conn, profile.id, type).items}
        finally:
            conn.close()
        yield client, profile.id, ids


def _first_bytes(client, path):
    with client.stream("GET", path) as response:
        assert response.status_code == 200, response.read()
        return next(response.iter_bytes())


def test_a_live_entry_plays_with_its_own_headers_and_another_host_gets_none(playlist_app, playlist_server):
    client, pid, ids = playlist_app
    assert _first_bytes(client, f"/play/{pid}/live/{ids['With Headers']}/stream.ts")[:1] == b"\x47"
    (asked,) = playlist_server.seen("/media/live.ts?one")
    assert asked.headers["user-agent"] == "TestBox/2.0" and asked.headers["referer"] == "http://referrer.example/"
    assert _first_bytes(client, f"/play/{pid}/live/{ids['Plain Elsewhere']}/stream.ts")[:1] == b"\x47"
    (plain,) = playlist_server.seen("/media/live.ts?two")
    assert plain.headers["user-agent"] != "TestBox/2.0" and "referer" not in plain.headers


def test_pipe_headers_follow_a_redirect(playlist_app, playlist_server):
    client, pid, ids = playlist_app
    assert _first_bytes(client, f"/play/{pid}/live/{ids['Redirected']}/stream.ts")[:1] == b"\x47"
    (hop,) = playlist_server.seen("/jump")
    (landed,) = playlist_server.seen("/media/live.ts?jumped")
    for seen in (hop, landed):
        assert seen.headers["user-agent"] == "Jumper/1.0" and seen.headers["origin"] == "http://origin.example"


def test_hls_playlist_and_segments_carry_the_entry_headers(playlist_app, playlist_server):
    client, pid, ids = playlist_app
    opened = client.get(f"/play/{pid}/live/{ids['HLS']}/open").json()
    assert opened["engine"] == "hls", opened
    text = client.get(opened["src"]).text
    segment = next(line for line in text.splitlines() if line and not line.startswith("#"))
    got = client.get(segment)
    assert got.status_code == 200 and got.content[:1] == b"\x47"
    seen = playlist_server.seen("/media/hls/")
    assert len(seen) >= 2 and all(s.headers["user-agent"] == "HlsBox/3.0" for s in seen)
    assert str(playlist_server.port) not in text and "localhost" not in text


def test_a_movie_entry_serves_the_asked_range(playlist_app):
    client, pid, ids = playlist_app
    got = client.get(f"/play/{pid}/movie/{ids['A Movie']}/file", headers={"Range": "bytes=100-199"})
    assert got.status_code == 206 and len(got.content) == 100


def test_a_drm_entry_is_protected_not_playable_here(playlist_app, playlist_server):
    client, pid, ids = playlist_app
    got = client.get(f"/play/{pid}/live/{ids['Locked']}/open", headers={"Accept": "application/json"})
    assert got.status_code == 403
    assert "protected (widevine DRM), not playable here" in got.text
    assert not playlist_server.seen("/media/live.ts?locked")


def test_a_direct_export_has_the_entries_urls_and_leaves_out_drm(playlist_server, settings, _vault_uses_key_file):
    from xtplay import db
    from xtplay.accounts.vault import Vault
    from xtplay.playback.external import export_profile

    body = ("#EXTM3U\n#EXTINF:-1,Open\nhttp://streams.example/open.ts\n#EXTINF:-1,Locked\n"
            "#KODIPROP:inputstream.adaptive.license_type=com.widevine.alpha\nhttp://streams.example/locked.mpd\n")
    profile = add_playlist_profile(settings, playlist_server.put("/list.m3u", body))
    conn = db.open_library(settings.db_path)
    try:
        text = export_profile(conn, Vault.open(settings), profile, "http://127.0.0.1:8470", direct=True)
        proxied = export_profile(conn, None, profile, "http://127.0.0.1:8470")
    finally:
        conn.close()
    assert "http://streams.example/open.ts" in text and "locked.mpd" not in text
    assert "streams.example" not in proxied and proxied.count("/play/") == 2


def test_a_udp_entry_says_only_an_external_player_opens_it(playlist_app):
    client, pid, ids = playlist_app
    got = client.get(f"/play/{pid}/live/{ids['Tuner']}/open", headers={"Accept": "application/json"})
    assert got.status_code >= 400 and "only an external player such as mpv or VLC can open it" in got.text
