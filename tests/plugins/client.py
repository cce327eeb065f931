"""A scripted provider on a real socket, for the wire quirks the demo provider does not make
(a BOM, Latin-1 bytes, 401/404/458/884, gzip files served raw …). Each test scripts the
answers per action; the server records every request so tests can count retries and read
the headers the client sent. Like httpx's own test server: real HTTP, one behaviour per reply.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from xtplay.config import RetryPolicy, Settings, Timeouts


@dataclass
class Reply:
    """One scripted answer: a status, a body, headers; or ``hang``/``reset`` the connection."""

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0
    reset: bool = False
    delay: float = 0.0
    missing: int = 0  #: bytes promised in Content-Length but never sent (a cut connection)


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]

    @property
    def action(self) -> str:
        return self.query.get("action", "login") if self.path.endswith("player_api.php") else self.path.strip("/")


class ScriptedProvider:
    """Answers each action with its queued replies; the last one repeats."""

    def __init__(self) -> None:
        self._replies: dict[str, deque[Reply]] = defaultdict(deque)
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                seen = Seen(parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}, dict(self.headers))
                reply = outer._next(seen)
                if reply.hang:
                    time.sleep(reply.hang)
                    self.close_connection = True
                    return
                if reply.reset:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    return
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body.encode() if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body) + reply.missing))
                self.end_headers()
                self.wfile.write(body)
                if reply.missing:
                    self.wfile.flush()
                    self.close_connection = True

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def on(self, action: str, *replies: Reply | str | bytes) -> None:
        """Script ``action`` (``login``, ``get_live_streams``, ``xmltv.php`` …)."""
        with self._lock:
            self._replies[action] = deque(r if isinstance(r, Reply) else Reply(r) for r in replies)

    def _next(self, seen: Seen) -> Reply:
        with self._lock:
            self.requests.append(seen)
            queue = self._replies.get(seen.action)
            if not queue:
                return Reply(b"not scripted", status=599)
            return queue.popleft() if len(queue) > 1 else queue[0]

    def count(self, action: str) -> int:
        return sum(1 for r in self.requests if r.action == action)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def scripted():
    provider = ScriptedProvider()
    yield provider
    provider.close()


@pytest.fixture
def fast_settings(tmp_path) -> Settings:
    """Short timeouts and near-instant backoff so fault tests stay quick."""
    return Settings(
        home=tmp_path,
        timeouts=Timeouts(connect=1.0, read=0.3, list_read=3.0, write=1.0, pool=1.0),
        retry=RetryPolicy(attempts=3, initial=0.01, maximum=0.05, jitter=0.01),
    )
