"""The /play/ proxy over real sockets (app + demo provider): Range, HLS rewriting, TS, remux,
probe caching, typed upstream errors, and .m3u files without the password."""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Iterator

import httpx
import pytest


def _upstream(live_app, path: str, headers=None) -> httpx.Response:
    demo = live_app.demo
    return httpx.get(f"{demo.url}{path.format(u=demo.username, p=demo.password)}", headers=headers or {}, timeout=30)


def _message(body: dict) -> str:
    """The person-facing message of the web layer's JSON error."""
    return body["message"] if "message" in body else body["error"]["message"]


def test_movie_file_passes_range_through(live_app, app_http, play_profile_id):
    whole = _upstream(live_app, "/movie/{u}/{p}/1.mp4").content
    got = app_http.get(f"/play/{play_profile_id}/movie/1/file", headers={"Range": "bytes=1000-1999"})
    assert got.status_code == 206
    assert got.headers["content-range"] == f"bytes 1000-1999/{len(whole)}"
    assert got.content == whole[1000:2000]
    assert got.headers["content-type"] == "video/mp4"
    tail = app_http.get(f"/play/{play_profile_id}/movie/1/file", headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.content == whole[-500:]
    full = app_http.get(f"/play/{play_profile_id}/movie/1/file")
    assert full.status_code == 200 and full.content == whole


def test_live_hls_playlist_is_rewritten_without_host_or_credentials(live_app, app_http, play_profile_id):
    demo = live_app.demo
    playlist = app_http.get(f"/play/{play_profile_id}/live/1/index.m3u8")
    assert playlist.status_code == 200 and playlist.text.startswith("#EXTM3U")
    text = playlist.text
    host = demo.url.split("//", 1)[1]
    assert demo.password not in text and host not in text and f"/{demo.username}/" not in text
    uris = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert uris and all(u.startswith(f"/play/{play_profile_id}/live/1/hls/") for u in uris)
    segment = app_http.get(uris[-1])
    assert segment.status_code == 200 and segment.content[:1] == b"\x47"  # MPEG-TS sync byte


def test_live_ts_is_streamed(live_app, app_http, play_profile_id):
    with app_http.stream("GET", f"/play/{play_profile_id}/live/2/stream.ts") as response:
        assert response.status_code == 200 and response.headers["content-type"] == "video/mp2t"
        first = next(response.iter_bytes())
    assert first[:1] == b"\x47"


def test_info_probes_once_and_remembers_the_decision(live_app, app_http, play_profile_id):
    from xtplay.playback import probe

    info = app_http.get(f"/play/{play_profile_id}/movie/2/info").json()
    assert info["mode"] == "remux" and info["src"] == f"/play/{play_profile_id}/movie/2/remux.mp4"
    assert info["codecs"]["audio"] == "ac3"
    conn = live_app.connect()
    try:
        assert probe.cached(conn, play_profile_id, "movie", "2").mode == "remux"
    finally:
        conn.close()


def test_remux_gives_h264_and_aac_from_an_offset(live_app, app_http, play_profile_id, tmp_path):
    app_http.get(f"/play/{play_profile_id}/movie/2/info")
    got = app_http.get(f"/play/{play_profile_id}/movie/2/remux.mp4", params={"start": 12})
    assert got.status_code == 200 and got.headers["content-type"] == "video/mp4"
    out = tmp_path / "remux.mp4"
    out.write_bytes(got.content)
    probed = json.loads(subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams",
                                        "-show_format", str(out)], capture_output=True, check=True).stdout)
    assert [s["codec_name"] for s in probed["streams"]] == ["h264", "aac"]
    assert 100 < float(probed["format"]["duration"]) < 112  # ~120 s file from 12 s on


def test_too_many_connections_becomes_a_typed_message(live_app, app_http, play_profile_id, demo):
    demo.set_fault("too_many_connections")
    got = app_http.get(f"/play/{play_profile_id}/live/3/stream.ts", headers={"Accept": "application/json"})
    assert got.status_code in (403, 429)
    assert "connections" in _message(got.json())
    status = app_http.get(f"/play/{play_profile_id}/live/3/status").json()
    assert status["ok"] is False and status["retryable"] is True and "connections" in status["message"]
    assert demo.password not in got.text + json.dumps(status)


def test_unknown_stream_is_not_found(live_app, app_http, play_profile_id):
    got = app_http.get(f"/play/{play_profile_id}/movie/999999/file", headers={"Accept": "application/json"})
    assert got.status_code == 404
    assert live_app.demo.password not in got.text


def test_m3u_downloads_hold_no_password_by_default(live_app, app_http, play_profile_id):
    demo = live_app.demo
    single = app_http.get(f"/play/{play_profile_id}/live/1/playlist.m3u")
    assert single.headers["content-disposition"].startswith("attachment")
    assert single.text.startswith("#EXTM3U") and f"{live_app.url}/play/{play_profile_id}/live/1/stream.ts?k=" in single.text
    assert demo.password not in single.text and demo.url not in single.text
    export = app_http.get(f"/play/{play_profile_id}/export.m3u")
    assert export.text.count("#EXTINF") >= 100 and demo.password not in export.text
    direct = app_http.get(f"/play/{play_profile_id}/live/1/playlist.m3u", params={"direct": 1})
    assert demo.password in direct.text


def test_the_proxy_url_in_an_m3u_plays_with_its_token(live_app, app_http, play_profile_id):
    single = app_http.get(f"/play/{play_profile_id}/movie/1/playlist.m3u").text
    url = single.strip().splitlines()[-1]
    got = httpx.get(url, headers={"Range": "bytes=0-99"}, timeout=30)
    assert got.status_code == 206 and len(got.content) == 100


def test_progress_reports_land_in_history(live_app, app_http, play_profile_id):
    from xtplay.library import history

    got = app_http.post(f"/play/{play_profile_id}/movie/4/progress", json={"position": 115.0, "duration": 120.0})
    assert got.status_code == 200
    conn = live_app.connect()
    try:
        entry = history.get(conn, play_profile_id, "movie", "4")
    finally:
        conn.close()
    assert entry.position_secs == 115.0 and entry.watched  # 95 % and more


def test_player_page_and_info_carry_no_provider_host_or_password(live_app, app_http, play_profile_id):
    demo = live_app.demo
    host = demo.url.split("//", 1)[1]
    for path in ("/watch/live/1", "/watch/movie/2", f"/play/{play_profile_id}/live/1/info",
                 f"/play/{play_profile_id}/movie/2/info"):
        got = app_http.get(path)
        assert got.status_code == 200, path
        assert host not in got.text and demo.password not in got.text, path
    assert f"/play/{play_profile_id}/live/1/index.m3u8" in app_http.get("/watch/live/1").text  # sources in the page


def test_with_login_required_only_the_item_token_opens_a_proxy_url(settings, demo, start_app):
    from tests.plugins.web import add_demo_profile
    from xtplay import db
    from xtplay.playback import external
    from xtplay.playback.resolve import Target

    profile = add_demo_profile(settings, demo, sync=True)
    app = start_app(settings, demo, require_login=True)
    conn = db.connect(settings.db_path)
    try:
        url = external.proxy_url(conn, app.url, Target(profile.id, "movie", "1"))
    finally:
        conn.close()
    assert httpx.get(url, headers={"Range": "bytes=0-99"}, timeout=30).status_code == 206
    bare = httpx.get(url.split("?")[0], headers={"Range": "bytes=0-99"}, timeout=30)
    assert bare.status_code not in (200, 206)
    other = httpx.get(url.replace("/movie/1/", "/movie/2/"), headers={"Range": "bytes=0-99"}, timeout=30)
    assert other.status_code not in (200, 206)


def test_starting_a_channel_puts_it_in_history(live_app, app_http, play_profile_id):
    from xtplay.library import history

    assert app_http.get("/watch/live/5").status_code == 200
    conn = live_app.connect()
    try:
        entry = history.get(conn, play_profile_id, "live", "5")
    finally:
        conn.close()
    assert entry is not None and entry.type == "live"


def test_streams_behind_a_load_balancer_redirect_still_play(live_app, app_http, play_profile_id, demo):
    """Panels often answer a stream request with a 302 to another server: the proxy follows it
    for files (with Range), live TS and HLS, and never hands the redirect to the browser."""
    demo.set_fault("redirect")
    whole = _upstream(live_app, "/movie/{u}/{p}/1.mp4").content  # httpx.get does not follow: the 302 itself
    assert whole == b""
    got = app_http.get(f"/play/{play_profile_id}/movie/1/file", headers={"Range": "bytes=100-199"})
    assert got.status_code == 206 and len(got.content) == 100
    with app_http.stream("GET", f"/play/{play_profile_id}/live/2/stream.ts") as response:
        assert response.status_code == 200 and next(response.iter_bytes())[:1] == b"\x47"
    playlist = app_http.get(f"/play/{play_profile_id}/live/1/index.m3u8")
    assert playlist.status_code == 200 and playlist.text.startswith("#EXTM3U")
    uris = [line for line in playlist.text.splitlines() if line and not line.startswith("#")]
    assert app_http.get(uris[-1]).content[:1] == b"\x47"
    assert demo.stats()["faults_fired"]["redirect"] >= 3


def test_a_file_cut_mid_transfer_tells_the_player_why(live_app, app_http, play_profile_id, demo):
    got = 0
    with app_http.stream("GET", f"/play/{play_profile_id}/movie/3/file", headers={"Range": "bytes=0-"}) as response:
        chunks = response.iter_bytes()
        got += len(next(chunks))
        demo.set_fault("http500", paths=["movie"], midstream=True)
        try:
            for chunk in chunks:
                got += len(chunk)
        except httpx.HTTPError:
            pass
        whole = int(response.headers["content-length"])
    assert got < whole
    status = app_http.get(f"/play/{play_profile_id}/movie/3/status").json()
    assert status["ok"] is False and "connection was closed" in status["message"]


@pytest.fixture
def server_log(caplog) -> Iterator[pytest.LogCaptureFixture]:
    """``caplog``, also catching the ASGI server's records (its logger does not reach the root's)."""
    server = logging.getLogger("uvicorn.error")
    server.addHandler(caplog.handler)
    caplog.set_level(logging.INFO)
    try:
        yield caplog
    finally:
        server.removeHandler(caplog.handler)


def test_a_movie_the_provider_stops_mid_transfer_is_told_without_a_traceback(live_app, app_http, play_profile_id,
                                                                              demo, server_log):
    with app_http.stream("GET", f"/play/{play_profile_id}/movie/4/file", headers={"Range": "bytes=0-"}) as response:
        chunks = response.iter_bytes()
        got = len(next(chunks))
        demo.set_fault("cutoff", paths=["movie"], midstream=True)  # the provider goes away mid-file
        with pytest.raises(httpx.HTTPError):  # the viewer's answer is broken, not ended as if whole
            for chunk in chunks:
                got += len(chunk)
        assert got < int(response.headers["content-length"])
    status = app_http.get(f"/play/{play_profile_id}/movie/4/status").json()
    assert status["ok"] is False and "connection was closed" in status["message"]
    failures = [r for r in server_log.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not failures, [f"{r.name}: {r.getMessage()}" for r in failures]
    assert "Traceback" not in server_log.text
    assert any("viewer's connection is closed" in r.getMessage() for r in server_log.records)


def test_an_hls_segment_the_provider_stops_mid_transfer_leaves_no_traceback(live_app, app_http, play_profile_id,
                                                                             demo, server_log):
    playlist = app_http.get(f"/play/{play_profile_id}/live/1/index.m3u8")
    segment = next(line for line in playlist.text.splitlines() if line and not line.startswith("#"))
    demo.set_fault("cutoff", paths=["hls"])
    with pytest.raises(httpx.HTTPError):  # broken, not ended as if whole: hls.js asks again
        app_http.get(segment)
    failures = [r for r in server_log.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not failures, [f"{r.name}: {r.getMessage()}" for r in failures]
    assert "Traceback" not in server_log.text


def test_a_live_stream_that_cannot_be_reopened_tells_the_player_why(live_app, app_http, play_profile_id, demo):
    with app_http.stream("GET", f"/play/{play_profile_id}/live/3/stream.ts") as response:
        chunks = response.iter_bytes()
        assert next(chunks)[:1] == b"\x47"
        demo.set_fault("too_many_connections", paths=["live"], midstream=True)
        for _ in chunks:  # the proxy tries to re-open the channel, then ends the answer
            pass
    status = app_http.get(f"/play/{play_profile_id}/live/3/status").json()
    assert status["ok"] is False and status["message"].startswith("Too many connections")


def test_a_page_answering_a_range_from_the_middle_is_refused_not_passed_on(live_app, app_http, play_profile_id, demo):
    demo.set_fault("html", paths=["movie"])
    got = app_http.get(f"/play/{play_profile_id}/movie/3/file",
                       headers={"Range": "bytes=5000000-5065535", "Accept": "application/json"})
    assert got.status_code >= 400 and "web page" in _message(got.json())
    status = app_http.get(f"/play/{play_profile_id}/movie/3/status").json()
    assert status["ok"] is False and "web page" in status["message"]


def test_a_page_instead_of_a_movie_is_said_of_the_file_not_of_a_channel(live_app, app_http, play_profile_id, demo):
    demo.set_fault("html", paths=["movie"])
    got = app_http.get(f"/play/{play_profile_id}/movie/1/file", headers={"Accept": "application/json"})
    said = _message(got.json())
    assert got.status_code >= 400 and "instead of the file" in said and "channel" not in said
    demo.clear_faults()
    demo.set_fault("html", paths=["live"])
    opened = app_http.get(f"/play/{play_profile_id}/live/1/open", params={"fmt": "ts"},
                          headers={"Accept": "application/json"})
    assert "The channel may be off-air" in _message(opened.json())
