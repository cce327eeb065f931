"""Moving stream bytes from the provider to the browser without exposing the provider.

Files pass through with HTTP Range (so the browser seeks), live MPEG-TS is relayed as it
arrives, and HLS playlists are rewritten so every variant, segment, key and map URI becomes
``/play/…/hls/{token}``; the token maps to the upstream URL in server memory only. Upstream
failures are translated once, here, into ``xtplay.errors`` classes; the last one per target
is kept so the player can show it (a ``<video>`` element cannot read an error body).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from urllib.parse import urljoin, urlsplit

import httpx
from starlette.responses import Response, StreamingResponse

from xtplay.config import DEFAULT_USER_AGENT
from xtplay.errors import (
    ItemNotFound, PlaybackError, ProviderRefused, ProviderServerError, ProviderTimeout, ProviderUnreachable, TooManyConnections, XtplayError,
)

CHUNK = 64 * 1024
#: Longest playlist we accept (a live playlist is a few kB; this guards against a file).
MAX_PLAYLIST_BYTES = 2 * 1024 * 1024
#: How many upstream URLs the token map remembers (old live segments fall out first).
MAX_TOKENS = 50_000
#: Headers of a file answer worth passing on to the browser.
PASSED_HEADERS = ("content-length", "content-range", "accept-ranges", "last-modified", "etag")
CONTENT_TYPES = {"mp4": "video/mp4", "m4v": "video/mp4", "mkv": "video/x-matroska", "webm": "video/webm",
                 "ts": "video/mp2t", "avi": "video/x-msvideo", "mov": "video/quicktime"}
_URI_ATTR = re.compile(r'URI="([^"]*)"')


def make_client() -> httpx.AsyncClient:
    """The pooled client every proxied request uses: redirects followed, player-like agent."""
    return httpx.AsyncClient(
        follow_redirects=True,
        timeout=httpx.Timeout(connect=5.0, read=20.0, write=10.0, pool=10.0),
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=32),
        headers={"User-Agent": DEFAULT_USER_AGENT},
    )


def upstream_error(status: int, label: str) -> XtplayError:
    """The error a person should see for an upstream HTTP status (``label`` names the provider)."""
    if status in (458, 459):
        err = TooManyConnections(label, status)
        err.retryable = True  # once another player stops, the same request works
        return err
    if status == 403:
        err = ProviderRefused(label, status, "The provider refused this stream (HTTP 403): all your account's "
                              "connections may be in use, or it is not in your package. Stop another player and try again.")
        err.retryable = True
        return err
    if status in (404, 410):
        return ItemNotFound(f"The provider has no such stream (HTTP {status}). It may have been removed; sync the catalog.")
    if status >= 500:
        return ProviderServerError(label, status)
    return ProviderRefused(label, status)


async def open_upstream(client: httpx.AsyncClient, url: str, label: str, headers: dict | None = None,
                        ok_statuses: tuple[int, ...] = ()) -> httpx.Response:
    """Open a streamed GET; every failure becomes one of our errors (the URL is never in it)."""
    request = client.build_request("GET", url, headers=headers or {})
    try:
        response = await client.send(request, stream=True)
    except httpx.TimeoutException:
        raise ProviderTimeout(label, client.timeout.connect) from None
    except (httpx.TransportError, httpx.TooManyRedirects) as exc:
        raise ProviderUnreachable(label, type(exc).__name__) from None
    if response.status_code >= 400 and response.status_code not in ok_statuses:
        await response.aclose()
        raise upstream_error(response.status_code, label)
    return response


async def _relay(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body as it arrives (no re-chunking: a live stream must not wait to fill a buffer);
    the upstream connection closes when the viewer goes away."""
    try:
        async for chunk in response.aiter_raw():
            yield chunk
    except httpx.HTTPError:
        return  # upstream dropped mid-stream: end the answer; the player reconnects or reports
    finally:
        await response.aclose()


async def file_response(client: httpx.AsyncClient, url: str, label: str, request_headers, ext: str) -> Response:
    """A movie or episode with Range passed both ways (206 / 416 kept), for seeking."""
    headers = {k: v for k, v in request_headers.items() if k.lower() in ("range", "if-range")}
    response = await open_upstream(client, url, label, headers, ok_statuses=(416,))
    out = {k: v for k, v in response.headers.items() if k.lower() in PASSED_HEADERS}
    out.setdefault("accept-ranges", "bytes")
    media_type = response.headers.get("content-type", "")
    if not media_type.startswith(("video/", "audio/")):
        media_type = CONTENT_TYPES.get(ext, "application/octet-stream")
    return StreamingResponse(_relay(response), status_code=response.status_code, headers=out, media_type=media_type)


async def live_ts_response(client: httpx.AsyncClient, url: str, label: str) -> Response:
    """A live (or catch-up) MPEG-TS stream relayed as it arrives."""
    response = await open_upstream(client, url, label)
    return StreamingResponse(_relay(response), media_type="video/mp2t",
                             headers={"cache-control": "no-store", "x-accel-buffering": "no"})


class TokenMap:
    """Opaque tokens ↔ upstream URLs, in memory only, bounded (oldest forgotten first)."""

    def __init__(self, limit: int = MAX_TOKENS) -> None:
        self._by_token: OrderedDict[str, tuple[int, str]] = OrderedDict()
        self._by_url: dict[tuple[int, str], str] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def token_for(self, profile_id: int, url: str) -> str:
        key = (profile_id, url)
        with self._lock:
            token = self._by_url.get(key)
            if token is None:
                token = secrets.token_urlsafe(12)
                self._by_url[key] = token
                self._by_token[token] = key
                while len(self._by_token) > self._limit:
                    _, old = self._by_token.popitem(last=False)
                    self._by_url.pop(old, None)
            else:
                self._by_token.move_to_end(token)
            return token

    def url_for(self, profile_id: int, token: str) -> str:
        with self._lock:
            key = self._by_token.get(token)
        if key is None or key[0] != profile_id:
            raise ItemNotFound("This stream link has expired; reload the player.")
        return key[1]


def rewrite_playlist(text: str, base_url: str, proxy_prefix: str, token_for) -> str:
    """The playlist with every URI (lines and ``URI="…"`` attributes) made an opaque proxy URL.

    ``base_url`` is the playlist's final upstream URL (after redirects) to resolve relative
    URIs; ``token_for(url)`` gives the token; ``proxy_prefix`` is ``/play/…/hls``.
    """
    def proxied(uri: str) -> str:
        return f"{proxy_prefix}/{token_for(urljoin(base_url, uri.strip()))}"

    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            lines.append("")
        elif stripped.startswith("#"):
            lines.append(_URI_ATTR.sub(lambda m: f'URI="{proxied(m.group(1))}"', stripped))
        else:
            lines.append(proxied(stripped))
    return "\n".join(lines) + "\n"


def _is_playlist(response: httpx.Response, body_start: bytes) -> bool:
    kind = response.headers.get("content-type", "").lower()
    return "mpegurl" in kind or body_start.lstrip().startswith(b"#EXTM3U")


async def hls_response(client: httpx.AsyncClient, url: str, label: str, profile_id: int,
                       tokens: TokenMap, proxy_prefix: str) -> Response:
    """A playlist (rewritten) or a segment/key (relayed), whichever the upstream URL gives."""
    response = await open_upstream(client, url, label)
    path = urlsplit(str(response.url)).path.lower()
    if not (path.endswith((".m3u8", ".m3u")) or "mpegurl" in response.headers.get("content-type", "").lower()):
        first = b""
        iterator = response.aiter_raw()
        try:
            first = await anext(iterator, b"")
        except httpx.HTTPError:
            await response.aclose()
            raise PlaybackError("The stream broke off while starting; try again.") from None
        if not _is_playlist(response, first):
            return StreamingResponse(_prepend(first, iterator, response),
                                     media_type=response.headers.get("content-type") or "video/mp2t",
                                     headers={"cache-control": "no-store"})
        body = first + b"".join([c async for c in iterator])
    else:
        body = b""
        try:
            async for chunk in response.aiter_raw(CHUNK):
                body += chunk
                if len(body) > MAX_PLAYLIST_BYTES:
                    raise PlaybackError("The provider sent a playlist too large to be one; it cannot be played.")
        except httpx.HTTPError:
            raise PlaybackError("The playlist download broke off; try again.") from None
        finally:
            await response.aclose()
    await response.aclose()
    text = body.decode("utf-8", errors="replace")
    rewritten = rewrite_playlist(text, str(response.url), proxy_prefix,
                                 lambda u: tokens.token_for(profile_id, u))
    return Response(rewritten, media_type="application/vnd.apple.mpegurl", headers={"cache-control": "no-store"})


async def _prepend(first: bytes, rest, response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        if first:
            yield first
        async for chunk in rest:
            yield chunk
    except httpx.HTTPError:
        return
    finally:
        await response.aclose()


class ErrorBoard:
    """The last playback error per target path, for the player's message (kept a few minutes)."""

    TTL = 300.0

    def __init__(self) -> None:
        self._errors: dict[str, tuple[float, XtplayError]] = {}
        self._lock = threading.Lock()

    def put(self, key: str, error: XtplayError) -> None:
        with self._lock:
            self._errors[key] = (time.monotonic(), error)
            if len(self._errors) > 1000:
                oldest = sorted(self._errors.items(), key=lambda kv: kv[1][0])[:500]
                for k, _ in oldest:
                    self._errors.pop(k, None)

    def clear(self, key: str) -> None:
        with self._lock:
            self._errors.pop(key, None)

    def get(self, key: str) -> XtplayError | None:
        with self._lock:
            found = self._errors.get(key)
        if found is None or time.monotonic() - found[0] > self.TTL:
            return None
        return found[1]


def error_json(error: XtplayError | None) -> dict:
    """What the player shows: title, message, whether Retry makes sense (never a URL)."""
    if error is None:
        return {"ok": True}
    return {"ok": False, "title": error.title, "message": str(error), "retryable": bool(error.retryable),
            "status": error.status_code}
