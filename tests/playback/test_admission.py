"""No open proxy, no pivot: the stream proxy fetches only what the provider led to, and never a
file, the app itself, or a cloud metadata address, whatever a playlist or a redirect says.

A crafted provider (a small real HTTP server) offers channels whose playlists and redirects
point at each forbidden place; the app must refuse each with its message, before any byte is
asked for, while a segment on another host the provider named still plays."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from xtplay import db
from xtplay.accounts import profiles
from xtplay.accounts.vault import Vault
from xtplay.errors import UnsafeUpstream
from xtplay.sources import admission

TS = b"".join(bytes([0x47, 0x1F, 0xFF, 0x10]) + bytes(184) for _ in range(64))
REFUSED = "does not follow such links"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://panel.example/x.ts", "gopher://127.0.0.1:70/", "data:text/plain,hi",
    "http://169.254.169.254/latest/meta-data/", "http://169.254.170.2/v2/credentials",
    "http://[fd00:ec2::254]/latest/meta-data/", "http://[::ffff:169.254.169.254]/",
    "http://metadata.google.internal/computeMetadata/v1/", "http://100.100.100.200/latest/meta-data/",
    "http://0.0.0.0:8080/", "http://[fe80::1]/", "http:///nohost",
])
def test_forbidden_urls_are_refused_by_their_form(url):
    with pytest.raises(UnsafeUpstream):
        admission.check_url(url, own_ports=(8080,))


def test_loopback_is_fine_except_on_the_apps_own_port():
    admission.check_url("http://127.0.0.1:9001/live/u/p/1.ts", own_ports=(8080,))
    admission.check_url("https://panel.example.com/live/u/p/1.ts", own_ports=(8080,))
    for own in ("http://127.0.0.1:8080/api/profiles", "http://127.9.9.9:8080/", "http://[::1]:8080/"):
        with pytest.raises(UnsafeUpstream, match="itself"):
            admission.check_url(own, own_ports=(8080,))


def test_a_name_is_checked_by_the_addresses_it_resolves_to():
    asyncio.run(admission.admit("http://localhost:9001/x.ts", own_ports=(8080,)))
    with pytest.raises(UnsafeUpstream, match="itself"):
        asyncio.run(admission.admit("http://localhost:8080/x.ts", own_ports=(8080,)))


class _Crafted:
    """A provider whose channels lead where they must not: set ``app_port`` before playing."""

    def __init__(self) -> None:
        self.app_port = 0
        self.hits: list[str] = []
        crafted = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                crafted.hits.append(self.path)
                status, headers, body = crafted.answer(self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        own = f"http://127.0.0.1:{self.app_port}"
        if path.endswith("/1.m3u8"):  # a playlist whose URIs point everywhere they must not
            text = "\n".join([
                "#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:4", "#EXT-X-MEDIA-SEQUENCE:1",
                "#EXTINF:4,", f"http://localhost:{self.port}/seg/good.ts",
                "#EXTINF:4,", f"{own}/api/profiles",
                "#EXTINF:4,", "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "#EXTINF:4,", "file:///etc/passwd",
                "#EXTINF:4,", "/jump/meta",
                "#EXTINF:4,", "/jump/app",
                "#EXTINF:4,", "http://[fd00:ec2::254]/latest/meta-data/",
                "#EXTINF:4,", "http://[unbalanced/seg.ts",
            ]) + "\n"
            return 200, {"content-type": "application/vnd.apple.mpegurl"}, text.encode()
        if path.endswith("/2.m3u8"):  # the channel itself redirects to the app
            return 302, {"location": f"{own}/api/profiles"}, b""
        if path.endswith("/3.m3u8"):  # the channel redirects to a metadata address
            return 302, {"location": "http://169.254.169.254/latest/meta-data/"}, b""
        if path == "/jump/meta":
            return 302, {"location": "http://169.254.169.254/latest/user-data"}, b""
        if path == "/jump/app":
            return 307, {"location": f"{own}/healthz"}, b""
        if path == "/seg/good.ts":
            return 200, {"content-type": "video/mp2t"}, TS
        return 404, {}, b"not here"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def crafted() -> Iterator[_Crafted]:
    provider = _Crafted()
    yield provider
    provider.close()


@pytest.fixture
def crafted_app(crafted, settings, start_app, _vault_uses_key_file):
    conn = db.open_library(settings.db_path)
    try:
        profile = profiles.insert_profile(conn, Vault.open(settings), name="Crafted", url=crafted.url,
                                          username="u", password="crafted-pw-1")
    finally:
        conn.close()
    app = start_app(settings)
    crafted.app_port = int(app.url.rsplit(":", 1)[1])
    return app, profile.id


def _tokens(playlist: str) -> list[str]:
    return [line for line in playlist.splitlines() if line and not line.startswith("#")]


def test_playlist_uris_and_redirects_to_forbidden_places_are_refused(crafted, crafted_app):
    app, pid = crafted_app
    with httpx.Client(base_url=app.url, timeout=30) as viewer:
        opened = viewer.get(f"/play/{pid}/live/1/open?fmt=m3u8")
        assert opened.status_code == 200, opened.text
        playlist = viewer.get(opened.json()["src"])
        assert playlist.status_code == 200
        assert "169.254" not in playlist.text and "file:" not in playlist.text and str(app.url) not in playlist.text
        good, *bad = _tokens(playlist.text)
        assert viewer.get(good).content == TS  # another host the provider named: followed
        for path in bad:
            answer = viewer.get(path, headers={"accept": "application/json"})
            assert answer.status_code == 502, (path, answer.text)
            assert REFUSED in answer.text, answer.text
    assert [h for h in crafted.hits if h.startswith("/jump/")] == ["/jump/meta", "/jump/app"]


@pytest.mark.parametrize("channel", [2, 3])
def test_a_channel_redirected_to_the_app_or_metadata_is_refused(crafted_app, channel):
    app, pid = crafted_app
    with httpx.Client(base_url=app.url, timeout=30) as viewer:
        answer = viewer.get(f"/play/{pid}/live/{channel}/open?fmt=m3u8", headers={"accept": "application/json"})
    assert answer.status_code == 502, answer.text
    assert REFUSED in answer.text


def test_stream_tokens_are_bound_to_the_session_that_got_them(crafted_app):
    app, pid = crafted_app
    with httpx.Client(base_url=app.url, timeout=30) as viewer, httpx.Client(base_url=app.url, timeout=30) as other:
        opened = viewer.get(f"/play/{pid}/live/1/open?fmt=m3u8").json()["src"]
        good = _tokens(viewer.get(opened).text)[0]
        assert viewer.get(good).status_code == 200
        assert other.get(good).status_code == 404  # another browser (no cookie of the first)
        guessed = good.rsplit("/", 1)[0] + "/AAAAAAAAAAAAAAAA"
        assert viewer.get(guessed).status_code == 404
        token = good.rsplit("/", 1)[1]
        assert len(token) >= 16  # 96 random bits


def test_an_external_player_follows_a_playlist_with_its_item_token(crafted, settings, start_app,
                                                                   _vault_uses_key_file):
    """mpv or VLC has no cookie: the playlist it gets carries its item token on every URI, so the
    segments pass the login too, and only for that player's token."""
    from xtplay.playback import external
    from xtplay.playback.resolve import Target
    from xtplay.web import auth

    conn = db.open_library(settings.db_path)
    try:
        pid = profiles.insert_profile(conn, Vault.open(settings), name="Crafted", url=crafted.url, username="u",
                                      password="crafted-pw-1").id
        auth.set_access_password(conn, "Corr3ct-Horse-Battery")
        entry = external.proxy_url(conn, "", Target(pid, "live", "1")).replace("/stream.ts", "/index.m3u8")
    finally:
        conn.close()
    app = start_app(settings, require_login=True)
    crafted.app_port = int(app.url.rsplit(":", 1)[1])
    with httpx.Client(base_url=app.url, timeout=30) as player:
        playlist = player.get(entry)
        assert playlist.status_code == 200, playlist.text
        good = _tokens(playlist.text)[0]
        assert "?k=" in good
        assert player.get(good).content == TS
        assert player.get(good.split("?", 1)[0]).status_code == 401  # without the token: the login


class _Echo(BaseHTTPRequestHandler):
    """Answers with the Host header it was sent."""

    def do_GET(self) -> None:
        body = (self.headers.get("Host") or "").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_the_connection_goes_to_the_address_checked_not_to_a_new_answer_for_the_name():
    """DNS rebinding: the name resolves once per connection, and that answer is both checked and
    connected to, so an answer that changes between check and connection reaches nothing else."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    answers = {"rebind.invalid": ["169.254.169.254"], "panel.invalid": ["127.0.0.1"]}
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[host]

    async def fetch(url: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=admission.admitting_transport(resolver=resolver)) as client:
            return await client.get(url)

    try:
        with pytest.raises(UnsafeUpstream, match="metadata"):
            asyncio.run(fetch(f"http://rebind.invalid:{port}/x.ts"))
        got = asyncio.run(fetch(f"http://panel.invalid:{port}/x.ts"))
        assert got.status_code == 200 and got.text == f"panel.invalid:{port}"  # the name stays in Host
        assert asked == ["rebind.invalid", "panel.invalid"]
    finally:
        server.shutdown()
        server.server_close()
