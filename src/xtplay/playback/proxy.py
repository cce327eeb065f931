"""Moving stream bytes from the provider to the browser without exposing the provider.

The pooled upstream client, the one translation of upstream failures into ``xtplay.errors``
classes, and files (movies, episodes) with exactly the byte range the browser asked for,
whatever the provider did with the Range header. Live streams are started in
:mod:`~xtplay.playback.live`, HLS is proxied in :mod:`~xtplay.playback.hls`. The last error
per target is kept so the player can show it (a ``<video>`` element cannot read an error body).
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping

import httpx
from starlette.responses import Response, StreamingResponse

from xtplay.config import DEFAULT_USER_AGENT, StreamTimeouts
from xtplay.errors import (
    ItemNotFound,
    NotAStream,
    ProviderRefused,
    ProviderServerError,
    ProviderUnreachable,
    TooManyConnections,
    XtplayError,
)
from xtplay.i18n import N_
from xtplay.playback import ranges
from xtplay.playback.sniff import StreamKind, kind_of, page_title
from xtplay.sources import refusals
from xtplay.sources.admission import admitting_transport
from xtplay.sources.http import translate_error

#: Stream addresses only an external player opens (anything else not http(s), such as
#: ``file:``, is refused by :mod:`xtplay.sources.admission`).
PLAYER_ONLY_SCHEMES = frozenset({"udp", "rtp", "rtmp", "rtmps", "rtmpe", "rtsp", "rtsps", "mms", "mmsh", "srt", "rist"})
#: A file's media type by what its first bytes are, else by its extension.
KIND_TYPES = {StreamKind.MP4: "video/mp4", StreamKind.MATROSKA: "video/x-matroska", StreamKind.TS: "video/mp2t",
              StreamKind.FLV: "video/x-flv", StreamKind.AAC: "audio/aac", StreamKind.MP3: "audio/mpeg"}
#: Content types of an answer that is a page or a message rather than media.
PAGE_TYPES = frozenset({"text/html", "application/json", "application/xhtml+xml"})
CONTENT_TYPES = {"mp4": "video/mp4", "m4v": "video/mp4", "mkv": "video/x-matroska", "webm": "video/webm",
                 "ts": "video/mp2t", "avi": "video/x-msvideo", "mov": "video/quicktime"}


class StreamHeaders:
    """Headers a playlist asks players to send for its streams (User-Agent, Referer, Origin),
    kept by host: every request of the pooled client to that host carries them (the stream,
    its HLS playlists and segments, each redirect hop), and no request to another host does."""

    def __init__(self) -> None:
        self._by_host: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def register(self, url: str, headers: dict[str, str] | None) -> None:
        """Send ``headers`` to ``url``'s host from now on (nothing when there are none)."""
        if headers:
            with self._lock:
                self._by_host[_netloc(url)] = dict(headers)

    def follow(self, url: str, final_url: str) -> None:
        """The stream at ``url`` ended at ``final_url`` (a redirect): its host gets the same headers."""
        with self._lock:
            found = self._by_host.get(_netloc(url))
            if found is not None and final_url:
                self._by_host[_netloc(final_url)] = found

    def for_host(self, netloc: str) -> dict[str, str]:
        with self._lock:
            return dict(self._by_host.get(netloc, {}))

    async def apply(self, request: httpx.Request) -> None:
        """The client's request hook: add the registered headers of the request's host."""
        found = self.for_host(request.url.netloc.decode("ascii", "replace"))
        if found:
            request.headers.update(found)


def _netloc(url: str) -> str:
    return httpx.URL(url).netloc.decode("ascii", "replace")


def make_client(stream_headers: StreamHeaders | None = None, own_ports: Iterable[int] = (),
                timeouts: StreamTimeouts | None = None) -> httpx.AsyncClient:
    """The pooled client every proxied request uses: redirects followed, player-like agent, the
    per-host headers playlists ask for, and each URL and redirect admitted first (never a file,
    a metadata address, or this app on ``own_ports``: see :mod:`xtplay.sources.admission`).

    Answers are asked for uncompressed: the proxy passes a provider's Content-Length and byte
    ranges on, and those of a compressed answer would not match the bytes relayed."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=32)
    t = timeouts or StreamTimeouts()
    return httpx.AsyncClient(
        follow_redirects=True,
        timeout=httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool),
        transport=admitting_transport(own_ports, limits),
        headers={"User-Agent": DEFAULT_USER_AGENT, "Accept-Encoding": "identity"},
        event_hooks={"request": [stream_headers.apply]} if stream_headers is not None else None,
    )


def upstream_error(status: int, label: str) -> XtplayError:
    """The error a person should see for an upstream HTTP status (``label`` names the provider)."""
    err: XtplayError
    if status in (458, 459):
        busy = TooManyConnections(label, status)
        busy.retryable = True  # once another player stops, the same request works
        return busy
    if status == 403:
        err = ProviderRefused(label, status, N_("The provider refused this stream (HTTP 403): all your account's "
                                                "connections may be in use, or it is not in your package. Stop another "
                                                "player and try again."))
        err.retryable = True
        return err
    if status in (404, 410):
        return ItemNotFound(N_("The provider has no such stream (HTTP %(status)s). It may have been removed; sync the catalog."),
                            {"status": status})
    if status >= 500:
        return ProviderServerError(label, status)
    return ProviderRefused(label, status)


async def send(client: httpx.AsyncClient, url: str, label: str, headers: dict | None = None) -> httpx.Response:
    """A streamed GET whatever its status; transport failures become our errors (never the URL)."""
    if url.split(":", 1)[0].lower() in PLAYER_ONLY_SCHEMES:  # a playlist's udp:// or rtmp:// entry
        raise ProviderRefused(label, 0, N_("This stream's address is not an http(s) one (udp://, rtmp:// …): only an "
                                           "external player such as mpv or VLC can open it."))
    request = client.build_request("GET", url, headers=headers or {})
    try:
        return await client.send(request, stream=True)
    except httpx.HTTPError as exc:
        raise translate_error(exc, label, client.timeout) from None


async def open_upstream(client: httpx.AsyncClient, url: str, label: str, headers: dict | None = None,
                        ok_statuses: tuple[int, ...] = ()) -> httpx.Response:
    """Open a streamed GET; every failure becomes one of our errors (the URL is never in it)."""
    response = await send(client, url, label, headers)
    if response.status_code >= 400 and response.status_code not in ok_statuses:
        raise await refusal(response, label)
    return response


async def refusal(response: httpx.Response, label: str) -> XtplayError:
    """The typed error of a refused stream, from its status and the words of its first bytes
    (a 403 page saying "max connections reached" is the connection limit); closes the answer."""
    head = b""
    try:
        async for chunk in response.aiter_bytes():
            head += chunk
            if len(head) >= refusals.HEAD_BYTES:
                break
    except httpx.HTTPError:
        pass
    finally:
        await response.aclose()
    return refusals.error_for_answer(label, response.status_code, head, response.headers) or upstream_error(
        response.status_code, label)


def not_a_stream(label: str, first: bytes, headers: Mapping[str, str] | None = None,
                 file: bool = False) -> XtplayError:
    """What a success answer that is no media says: the login object or a panel's words
    ("Line has expired", "Max connections reached") as their typed error, else :class:`NotAStream`
    (``file``: of a movie or an episode)."""
    said = refusals.error_for_answer(label, 200, first, headers)
    if said is not None and type(said) is not ProviderRefused:
        return said
    kind = kind_of(first)
    return NotAStream(label, kind.described, page_title(first) if kind is StreamKind.HTML else None, file)


async def prepend(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """``first`` (bytes already read to look at them), then the rest of the body."""
    if first:
        yield first
    async for chunk in rest:
        yield chunk


class AnswerCut(Exception):
    """Raised out of a relayed body that stopped short of the length the viewer was promised
    (the provider broke off part-way): raising is the one way an ASGI app has to make the
    server close the viewer's connection, so the browser sees a broken answer (and asks again
    from where it stopped) rather than a whole one, shorter than promised, which the server
    refuses to end. Not a failure of xtplay: the person's message is on the error board, and
    :mod:`xtplay.web.errors` logs this as one line, never as a traceback."""

    def __init__(self, sent: int, promised: int) -> None:
        super().__init__(f"the provider stopped after {sent} of {promised} bytes")
        self.sent, self.promised = sent, promised


def promised_length(headers: Mapping[str, str]) -> int | None:
    """The Content-Length among an answer's ``headers``, or None (a body of no stated length)."""
    found = next((v for k, v in headers.items() if k.lower() == "content-length"), "")
    return int(found) if found.isdigit() else None


async def closing(chunks: AsyncIterator[bytes], response: httpx.Response,
                  on_break: Callable[[httpx.HTTPError], None] | None = None,
                  promised: int | None = None) -> AsyncIterator[bytes]:
    """The chunks as they arrive (no re-chunking: a live stream must not wait to fill a buffer);
    the upstream connection closes when they end or the viewer goes away. An upstream that
    drops mid-stream ends the answer (``on_break`` is told why); the player reconnects or
    reports. With ``promised`` (the length the viewer was told), an answer that ends short of
    it raises :class:`AnswerCut`, so the viewer's connection is closed rather than ended."""
    sent = 0
    try:
        async for chunk in chunks:
            sent += len(chunk)
            yield chunk
    except httpx.HTTPError as exc:
        if on_break is not None:
            on_break(exc)
    finally:
        await response.aclose()
    if promised is not None and sent < promised:
        raise AnswerCut(sent, promised)


def refuse_page(first: bytes, label: str) -> None:
    """Raise :class:`NotAStream` when a body that should be a movie or an episode starts as a
    page or nothing."""
    kind = kind_of(first)
    if kind in (StreamKind.HTML, StreamKind.JSON, StreamKind.EMPTY) or kind.is_hls:
        raise not_a_stream(label, first, file=True)


async def file_response(client: httpx.AsyncClient, url: str, label: str, request_headers, ext: str,
                        on_break: Callable[[XtplayError], None] | None = None) -> Response:
    """A movie or episode with exactly the asked byte range (see :mod:`~xtplay.playback.ranges`):
    the browser seeks with it even where the provider ignores Range. ``on_break`` hears why the
    provider stopped sending part-way (the player's message when the picture stops)."""
    wanted = ranges.parse(request_headers.get("range"))
    headers = {"range": request_headers["range"]} if wanted is not None else {}
    response = await open_upstream(client, url, label, headers, ok_statuses=(416,))
    chunks = response.aiter_bytes()
    first = b""
    media_type = CONTENT_TYPES.get(ext, "application/octet-stream")
    # A page or a message labelled as one is looked at wherever the range starts: a provider that
    # refuses mid-file (an expired line, a challenge page) answers a range with it, status 200.
    labelled_page = response.status_code < 300 and response.headers.get("content-type", "").split(";")[0].strip(
        ).lower() in PAGE_TYPES
    cut = ranges.cut_for(response, wanted)
    from_start = cut.status == 200 or cut.headers.get("content-range", "").startswith("bytes 0-")
    if (from_start and cut.length != 0) or labelled_page:
        try:
            first = await anext(chunks, b"")
        except httpx.HTTPError:
            await response.aclose()
            raise ProviderUnreachable(label, "the answer broke off") from None
        try:
            refuse_page(first, label)
        except NotAStream:
            await response.aclose()
            raise
        if from_start:
            media_type = KIND_TYPES.get(kind_of(first), media_type)
    out = dict(cut.headers, **{"accept-ranges": "bytes"})
    body = ranges.cut_body(prepend(first, chunks), cut)
    def broke(exc: httpx.HTTPError) -> None:
        if on_break is not None:
            on_break(translate_error(exc, label, client.timeout))

    return StreamingResponse(closing(body, response, broke, promised_length(out)), status_code=cut.status,
                             headers=out, media_type=media_type)


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
