"""The demo provider's HTTP surface: an Xtream Codes panel as a raw ASGI app.

Every request is counted, checked against the injected faults, authenticated, then answered
the way an XC 2.x panel answers (``{"user_info":{"auth":0}}`` for wrong credentials, the login
object for unknown actions and for inactive lines). ``/_demo/…`` is the control surface tests
use over HTTP; it is neither counted nor faulted.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

import orjson
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.responses import JSONResponse, Response, StreamingResponse

from xtplay.demo import edge, epg, images, playlist, quirks, streams
from xtplay.demo.catalog import EPOCH, Catalog
from xtplay.demo.delivery import NGINX_403, StreamDelivery, too_many
from xtplay.demo.faults import STREAM_ACTIONS, Fault, Faults, Stats
from xtplay.demo.interrupted import ProviderGone, Watched
from xtplay.demo.line import Line
from xtplay.demo.media import MediaSet, ensure_media
from xtplay.demo.personalities import Personality
from xtplay.demo.personalities import get as personality_named
from xtplay.demo.streams import Receive, Scope, Send, to_int

NUMERIC_ACTIONS = {"200": "get_vod_categories", "201": "get_live_categories", "202": "get_live_streams",
                   "203": "get_vod_streams", "204": "get_series_info", "205": "get_short_epg",
                   "206": "get_series_categories", "207": "get_simple_data_table", "208": "get_series",
                   "209": "get_vod_info"}
LIST_ACTIONS = {"get_live_categories": "live_categories", "get_vod_categories": "vod_categories",
                "get_series_categories": "series_categories", "get_live_streams": "live",
                "get_vod_streams": "vod", "get_series": "series"}
KNOWN_ACTIONS = set(LIST_ACTIONS) | {"get_vod_info", "get_series_info", "get_short_epg", "get_simple_data_table",
                                     "get_simple_date_table"}
#: Where the "redirect" fault sends stream requests: the same path under this prefix, served as is.
REDIRECTED = "/lb/"
NGINX_500 = (b"<html><head><title>500 Internal Server Error</title></head><body><center>"
             b"<h1>500 Internal Server Error</h1></center></body></html>")
CHALLENGE = (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><h1>Checking your browser"
             b" before accessing the site.</h1><p>Please enable JavaScript and cookies to continue.</p></body></html>")


@dataclass(slots=True)
class DemoState:
    """Everything the running provider knows; shared by the app and ``DemoProvider``."""

    catalog: Catalog
    media_dir: Path
    username: str
    password: str
    port: int
    personality: Personality = field(default_factory=personality_named)
    edge_port: int | None = None  #: the load balancer's port (``tokenised`` personality)
    max_connections: int = 4
    live_speed: float = 1.0  #: pace of live/catch-up streams relative to real time
    media: MediaSet | None = None
    line: Line | None = None  #: the line's rate when it is a slow one (every answer is paced)
    faults: Faults = field(default_factory=Faults)
    stats: Stats = field(default_factory=Stats)
    processes: set[Any] = field(default_factory=set)
    stopping: threading.Event = field(default_factory=threading.Event)
    secret: bytes = b"xtplay-demo"
    _media_lock: threading.Lock = field(default_factory=threading.Lock)

    def media_set(self) -> MediaSet:
        """The generated media, made on first need (blocking: call from a thread)."""
        with self._media_lock:
            if self.media is None:
                self.media = ensure_media(self.media_dir)
            return self.media

    def authorised(self, username: str | None, password: str | None) -> bool:
        return username == self.username and password == self.password

    def login_object(self) -> dict[str, Any]:
        """``user_info`` + ``server_info`` in the XC 2.x shapes (numbers as strings), bent by
        the personality."""
        standard = self._login_object()
        return quirks.login(standard) if self.personality.json_quirks else standard

    def _login_object(self) -> dict[str, Any]:
        now = int(time.time())
        status = self.faults.account_status() or "Active"
        day = now - now % 86_400
        exp = day - 86_400 if status == "Expired" else day + 365 * 86_400
        tz = ZoneInfo(epg.SERVER_TZ)
        return {
            "user_info": {"username": self.username, "password": self.password,
                          "message": "Welcome to the xtplay demo provider", "auth": 1, "status": status,
                          "exp_date": str(exp), "is_trial": "0", "active_cons": str(self.stats.open_streams),
                          "created_at": str(EPOCH), "max_connections": str(self.max_connections),
                          "allowed_output_formats": ["m3u8", "ts"]},
            "server_info": {"url": "127.0.0.1", "port": str(self.port), "https_port": "", "server_protocol": "http",
                            "rtmp_port": "", "timezone": epg.SERVER_TZ, "timestamp_now": now,
                            "time_now": datetime.fromtimestamp(now, tz).strftime("%Y-%m-%d %H:%M:%S"), "process": True},
        }


def classify(path: str, params: dict[str, str]) -> str:
    """The name a request is counted under: the API action, or the kind of path."""
    if path == "/player_api.php":
        action = params.get("action", "")
        action = NUMERIC_ACTIONS.get(action, action)
        return action if action in KNOWN_ACTIONS else "login"
    for prefix, name in (("/live/", "live"), ("/movie/", "movie"), ("/series/", "series"),
                         ("/timeshift/", "timeshift"), ("/streaming/timeshift.php", "timeshift"),
                         ("/hls/", "hls"), ("/images/", "images")):
        if path.startswith(prefix):
            return name
    if path in ("/xmltv.php", "/get.php", "/panel_api.php"):
        return path[1:-4]
    if path.startswith(("/keys/", "/fmp4/")):
        return "hls"
    parts = path.strip("/").split("/")
    return "live" if len(parts) == 3 and parts[2].split(".")[0].isdigit() else "other"


def _json(data: Any) -> Response:
    return Response(orjson.dumps(data), media_type="application/json")


class DemoApp(StreamDelivery):
    """The ASGI application of one demo provider."""

    def __init__(self, state: DemoState) -> None:
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        if path.startswith("/_demo/"):
            response = await self.control(scope, receive, path)
            await response(scope, receive, send)
            return
        if self.state.line is not None:
            send = self.state.line.paced(send)
        if scope["method"] == "POST" and path.endswith(".php"):
            params.update(await _form(receive))
        # the still-encoded path, so a "/" inside a percent-encoded password stays inside it
        raw_path = (scope.get("raw_path") or path.encode()).decode("latin-1")
        personality = self.state.personality
        if personality.head_status is not None and scope["method"] == "HEAD":
            await Response(b"", status_code=personality.head_status)(scope, receive, send)
            return
        redirected = path.startswith(REDIRECTED)  # where a "redirect" fault sent a stream request
        if redirected:
            path, raw_path = path[len(REDIRECTED) - 1:], raw_path[len(REDIRECTED) - 1:]
        at_edge = edge.split(raw_path)
        if at_edge is not None:  # the load balancer's tokenised URL
            if not edge.valid(self.state.secret, at_edge[0]):
                await Response(NGINX_403, status_code=403, media_type="text/html")(scope, receive, send)
                return
            raw_path, path = at_edge[1], edge.split(path)[1]  # type: ignore[index]
            redirected = True
        action = classify(raw_path, params)
        self.state.stats.count(action)
        cutoff = False
        for fault in ([] if redirected else self.state.faults.match(path, action)):
            with self.state.stats.lock:
                self.state.stats.faults_fired[fault.kind] += 1
            if fault.kind == "slow":
                await asyncio.sleep(fault.seconds if fault.seconds is not None else 1.5)
                continue
            if fault.kind == "cutoff":  # the real answer starts, and stops half-way
                cutoff = True
                continue
            if fault.kind == "reset":
                if await _reset(receive, send):  # the socket is gone: this answer goes nowhere
                    await Response(b"", status_code=500)(scope, receive, send)
                return
            if fault.kind == "timeout":
                await self._hang(receive, fault)
                await Response(b"", status_code=504)(scope, receive, send)  # dropped if the client left
                return
            response = await self.fault_response(fault, path, params, action, raw_path)
            await response(scope, receive, send)
            return
        if personality.edge_redirect and at_edge is None and action in STREAM_ACTIONS:
            where = f"http://127.0.0.1:{self.state.edge_port}{edge.PREFIX}"
            token = edge.token(self.state.secret, personality.token_seconds)
            query = scope.get("query_string", b"").decode("latin-1")
            location = f"{where}{token}{raw_path}" + (f"?{query}" if query else "")
            await Response(b"", status_code=302, headers={"location": location})(scope, receive, send)
            return
        response = await self.route(scope, path, params, action, raw_path)
        watched = Watched(self.state, receive, send, path, action, cutoff)
        try:
            await response(scope, receive, watched)
        except ProviderGone:
            pass  # the connection is closed: nothing more goes anywhere
        if watched.closed:  # the server sees the connection gone before the answer ends
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(streams.wait_disconnect(receive), 2)

    # ---- control --------------------------------------------------------------------------------
    async def control(self, scope: Scope, receive: Receive, path: str) -> Any:
        method = scope["method"]
        if path == "/_demo/stats" and method == "GET":
            return JSONResponse(self.state.stats.snapshot())
        if path in ("/_demo/catalog", "/_demo/line") and method in ("GET", "POST"):
            return await self.control_catalog(receive, path, method)
        if path == "/_demo/faults" and method == "DELETE":
            self.state.faults.clear()
            return JSONResponse({"faults": []})
        if path == "/_demo/faults" and method == "GET":
            return JSONResponse({"faults": self.state.faults.active()})
        if path == "/_demo/faults" and method == "POST":
            body = await _body(receive)
            try:
                data = orjson.loads(body or b"{}")
                self.state.faults.add(data["kind"], paths=data.get("paths"), count=data.get("count"),
                                      seconds=data.get("seconds"), midstream=bool(data.get("midstream")))
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse({"faults": self.state.faults.active()}, status_code=201)
        return Response(status_code=404)

    async def control_catalog(self, receive: Receive, path: str, method: str) -> Response:
        """``/_demo/catalog``: which revision of the movie list is served (``{"revision": 1}``
        switches, the answer lists its changed, added and removed ids); ``/_demo/line``: the
        line's rate (``{"mbit": 20}``, ``{"mbit": null}`` for an unpaced line)."""
        state = self.state
        try:
            data = orjson.loads(await _body(receive) or b"{}") if method == "POST" else {}
            if path == "/_demo/catalog":
                if method == "POST":
                    await run_in_threadpool(_revise, state.catalog, int(data["revision"]))
                return JSONResponse({"revision": state.catalog.revision, "movies": state.catalog.changes.to_dict()})
            if method == "POST":
                state.line = None if data.get("mbit") is None else Line(float(data["mbit"]))
            return JSONResponse({"mbit": state.line.mbit if state.line else None})
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    # ---- faults ---------------------------------------------------------------------------------
    async def _hang(self, receive: Receive, fault: Fault) -> None:
        """Never answer: wait until the client gives up, the time is over or the provider stops."""
        deadline = time.monotonic() + (fault.seconds if fault.seconds is not None else 3600)
        waiter = asyncio.ensure_future(streams.wait_disconnect(receive))
        try:
            while not waiter.done() and not self.state.stopping.is_set() and time.monotonic() < deadline:
                await asyncio.wait({waiter}, timeout=0.2)
        finally:
            waiter.cancel()

    async def fault_response(self, fault: Fault, path: str, params: dict[str, str], action: str,
                             raw_path: str) -> Response:
        if fault.kind == "too_many_connections":
            return too_many()
        if fault.kind == "redirect":  # as panels behind a load balancer answer stream requests
            query = urlencode({**params, "token": "demo-lb"})
            return Response(b"", status_code=302, headers={"location": f"{REDIRECTED[:-1]}{raw_path}?{query}"})
        if fault.kind == "wrong_password":  # the line's password was changed behind the client's back
            if path in ("/player_api.php", "/panel_api.php"):
                return _json({"user_info": {"auth": 0}})
            return Response(b"", status_code=401)
        if fault.kind == "http500":
            return Response(NGINX_500, status_code=500, media_type="text/html")
        if fault.kind == "http403":
            return Response(NGINX_403, status_code=403, media_type="text/html")
        if fault.kind == "html":
            return Response(CHALLENGE, status_code=200, media_type="text/html")
        # malformed: the real answer, cut in the middle
        if path == "/xmltv.php":
            first = next(epg.xmltv_chunks(self.state.catalog, chunk_size=8192))
            return Response(first[: len(first) // 2], media_type="application/xml; charset=utf-8")
        body = b'{"user_info":{"auth":1,"status":"Act'
        if path == "/player_api.php" and self.state.authorised(params.get("username"), params.get("password")):
            real = await self.api(params, action, {"headers": []})
            if isinstance(real, Response) and len(real.body) > 2:
                body = bytes(real.body[: max(1, len(real.body) // 2)])
        return Response(body, media_type="application/json")

    # ---- routing --------------------------------------------------------------------------------
    async def route(self, scope: Scope, path: str, params: dict[str, str], action: str, raw_path: str) -> Any:
        state = self.state
        if action == "images":
            parts = path.split("/")
            body = images.png(parts[2], to_int(parts[3].split(".")[0]) or 0) if len(parts) == 4 else None
            if body is None:
                return Response(status_code=404)
            return Response(body, media_type="image/png", headers={"cache-control": "max-age=86400"})
        if action == "hls":
            if path.startswith(("/keys/", "/fmp4/")):
                return await self.hls_extra(path)
            return await self.hls_segment(path)
        if path in ("/player_api.php", "/panel_api.php"):
            username, password = params.get("username"), params.get("password")
            if not username or not password:
                return Response(b"", media_type="application/json")  # XC 2.x: empty body
            if not state.authorised(username, password):
                return _json({"user_info": {"auth": 0}})
            if state.faults.account_status() or action == "login" or path == "/panel_api.php":
                return _json(state.login_object())
            return await self.api(params, action, scope)
        if path == "/xmltv.php":
            return self.xmltv(scope, params)
        if path == "/get.php":
            return await self.m3u(params)
        if action in STREAM_ACTIONS:
            return await self.stream(scope, raw_path, params, action)
        return Response(b"", status_code=404)

    async def api(self, params: dict[str, str], action: str, scope: Scope) -> Response:
        catalog = self.state.catalog
        sloppy = self.state.personality.json_quirks
        if action in LIST_ACTIONS:  # with an ETag, as a panel behind a caching proxy answers
            category = params.get("category_id") or None
            body, etag = await run_in_threadpool(catalog.list_answer, LIST_ACTIONS[action], category)
            if sloppy and LIST_ACTIONS[action] == "vod":  # a sloppy panel sends no validators
                return Response(orjson.dumps(quirks.movie_rows(orjson.loads(body))), media_type="application/json")
            if etag in _header(scope, b"if-none-match"):
                self.state.stats.count("not_modified")
                return Response(status_code=304, headers={"etag": etag})
            return Response(body, media_type="application/json", headers={"etag": etag})
        if action == "get_vod_info":
            ident = to_int(params.get("vod_id")) or 0
            answer = catalog.vod_info(ident)
            return _json(quirks.vod_info(ident, answer) if sloppy else answer)
        if action == "get_series_info":
            answer = catalog.series_info(to_int(params.get("series_id")) or 0)
            return _json(quirks.series_info(answer) if sloppy else answer)
        stream_id = to_int(params.get("stream_id")) or 0
        if action == "get_short_epg":
            return _json(epg.short_epg(catalog, stream_id, to_int(params.get("limit"))))
        return _json(epg.simple_data_table(catalog, stream_id))

    def xmltv(self, scope: Scope, params: dict[str, str]) -> Response:
        if not self.state.authorised(params.get("username"), params.get("password")) or self.state.faults.account_status():
            return Response(b"", status_code=401)
        chunks = epg.xmltv_chunks(self.state.catalog)
        accept = dict(scope["headers"]).get(b"accept-encoding", b"").decode("latin-1")
        if params.get("gzip") == "1":  # XC_VM: the .gz file as an attachment
            return StreamingResponse(iterate_in_threadpool(_gzip(chunks)), media_type="application/octet-stream",
                                     headers={"content-disposition": 'attachment; filename="xmltv.xml.gz"'})
        if "gzip" in accept:
            return StreamingResponse(iterate_in_threadpool(_gzip(chunks)), media_type="application/xml; charset=utf-8",
                                     headers={"content-encoding": "gzip", "vary": "Accept-Encoding"})
        return StreamingResponse(iterate_in_threadpool(chunks), media_type="application/xml; charset=utf-8")

    async def m3u(self, params: dict[str, str]) -> Response:
        if not self.state.authorised(params.get("username"), params.get("password")) or self.state.faults.account_status():
            return Response(b"", status_code=404)
        output = {"hls": "m3u8", "mpegts": "ts"}.get(params.get("output", "ts"), params.get("output", "ts"))
        if output not in ("ts", "m3u8"):
            output = "ts"
        plus = params.get("type", "m3u_plus") == "m3u_plus"
        body = await run_in_threadpool(playlist.m3u, self.state, output, plus)
        return Response(body, media_type="audio/x-mpegurl")


def _revise(catalog: Catalog, revision: int) -> None:
    """Switch the catalog's movie list and serialise it now, before a client asks for it."""
    catalog.revise(revision)
    catalog.list_answer("vod")


def _header(scope: Scope, name: bytes) -> str:
    """A request header's value ("" when absent)."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return ""


def _gzip(chunks: Any) -> Any:
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    for chunk in chunks:
        if out := packer.compress(chunk):
            yield out
    yield packer.flush()


async def _body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def _form(receive: Receive) -> dict[str, str]:
    return dict(parse_qsl((await _body(receive)).decode("latin-1"), keep_blank_values=True))


async def _reset(receive: Receive, send: Send) -> bool:
    """Drop the connection without an answer (a TCP reset when the socket is reachable).

    Returns True when the transport was aborted, False when it fell back to a cut-off body."""
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
        transport.abort()
        return True
    # Fallback: promise a body and close before sending it.
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
    await send({"type": "http.response.body", "body": b'{"user_info":', "more_body": True})
    return False

