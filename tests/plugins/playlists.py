"""A playlist server for the tests of playlist profiles: real HTTP on a free loopback port.

``playlist_server`` serves the shared M3U fixtures under ``/fixtures/NAME``, any body a test
puts (``put(path, body, ...)``: a content type, gzip, an ETag and Last-Modified answered with
304, a redirect), media files under ``/media/NAME`` (the demo media), and records the headers
of every request it receives, so tests can check what xtplay sent and to which host.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Body:
    data: bytes
    content_type: str = "audio/x-mpegurl"
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    redirect: str | None = None
    status: int = 200


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class PlaylistServer:
    """The running server: ``url(path)``, ``put(path, …)``, and ``requests`` it received."""

    port: int
    fixtures: Path
    media: Path | None
    bodies: dict[str, Body] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, data: bytes | str, **options: Any) -> str:
        """Serve ``data`` at ``path`` from now on; returns its URL."""
        self.bodies[path] = Body(data.encode() if isinstance(data, str) else data, **options)
        return self.url(path)

    def seen(self, path_prefix: str) -> list[Seen]:
        with self.lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
        self.bodies.clear()


def _handler(server: PlaylistServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            with server.lock:
                server.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
            path = self.path.split("?", 1)[0]
            body = server.bodies.get(self.path) or server.bodies.get(path)
            if body is None and path.startswith("/fixtures/"):
                file = server.fixtures / path.removeprefix("/fixtures/")
                body = Body(file.read_bytes()) if file.is_file() else None
            if body is None and path.startswith("/media/") and server.media is not None:
                file = server.media / path.removeprefix("/media/")
                if file.is_file():
                    kind = {".ts": "video/mp2t", ".m3u8": "application/vnd.apple.mpegurl"}.get(file.suffix, "video/mp4")
                    return self._send_file(file, kind)
            if body is None:
                return self._answer(404, b"not found", "text/plain")
            if body.redirect:
                self.send_response(302)
                self.send_header("Location", body.redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if (body.etag and self.headers.get("If-None-Match") == body.etag) or (
                    body.last_modified and self.headers.get("If-Modified-Since") == body.last_modified):
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            extra = {}
            if body.etag:
                extra["ETag"] = body.etag
            if body.last_modified:
                extra["Last-Modified"] = body.last_modified
            data = gzip.compress(body.data) if body.gzip else body.data
            return self._answer(body.status, data, body.content_type, extra)

        def _answer(self, status: int, data: bytes, kind: str, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _send_file(self, file: Path, kind: str) -> None:
            data = file.read_bytes()
            wanted = self.headers.get("Range", "")
            start, end = 0, len(data) - 1
            if wanted.startswith("bytes="):
                first, _, last = wanted[6:].partition("-")
                start = int(first or 0)
                end = min(int(last), end) if last else end
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            else:
                self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(end - start + 1))
            self.end_headers()
            try:
                self.wfile.write(data[start:end + 1])
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@pytest.fixture(scope="session")
def playlist_server_session(shared_fixtures: Path, demo_media_dir: Path) -> Iterator[PlaylistServer]:
    state = PlaylistServer(0, shared_fixtures / "m3u", demo_media_dir)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, name="playlist-server", daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def playlist_server(playlist_server_session: PlaylistServer) -> Iterator[PlaylistServer]:
    """The playlist server, with no bodies put and no requests recorded yet."""
    playlist_server_session.clear()
    yield playlist_server_session
    playlist_server_session.clear()


def add_playlist_profile(settings: Any, m3u: str, *, name: str = "Playlist", xmltv: tuple[str, ...] = (),
                         user_agent: str | None = None, sync: bool = True) -> Any:
    """Add (and sync) a playlist profile to the home of ``settings``; returns the profile."""
    from tests.plugins.web import run_async
    from xtplay import db
    from xtplay.accounts import playlists
    from xtplay.accounts.vault import Vault

    conn = db.open_library(settings.db_path)
    try:
        vault = Vault.open(settings)
        profile, _check = run_async(playlists.add_playlist_profile(
            conn, vault, settings, name=name, m3u=m3u, xmltv=xmltv, user_agent=user_agent))
        if sync:
            from xtplay.library import sync as sync_module

            result = run_async(sync_module.sync_profile(settings, conn, vault, profile))
            assert result.status == "ok", result
        return profile
    finally:
        conn.close()
