"""Starting a live channel or a catch-up: which format, what the provider really sent, and
keeping it flowing.

Each format the account allows is asked for in turn (the one that worked last first, see
:mod:`~xtplay.playback.live_formats`) until one starts: an answer whose first bytes are a
stream or a playlist within the start time limit (``StreamTimeouts.start``). The bytes decide how it plays, never the
URL suffix or the content-type. The player learns the result from ``/open`` (JSON); a started
stream is *parked* under a one-time token until the player's engine claims it, so the channel
is opened upstream once. Panels cap a connection after some seconds or megabytes: live
MPEG-TS is then re-opened from the channel's URL and spliced on a packet boundary, so the
player never sees the cut.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from starlette.responses import StreamingResponse

from xtplay.config import StreamTimeouts
from xtplay.errors import AuthError, NoLiveFormatWorked, PlaybackError, TooManyConnections, XtplayError
from xtplay.i18n import N_
from xtplay.playback import hls, proxy
from xtplay.playback.sniff import TS_PACKET, StreamKind, conclusive, kind_of, ts_offset
from xtplay.playback.splice import Splicer

log = logging.getLogger(__name__)

#: Seconds a format may take to send its first bytes before the next one is tried (the
#: default of ``StreamTimeouts.start``, which the app passes).
START_TIMEOUT = StreamTimeouts().start
#: Seconds a started stream waits for the player to claim it before it is closed (it holds one
#: of the account's connections meanwhile; a player claims it within milliseconds).
PARK_SECONDS = 5.0
#: Pauses between attempts to re-open a live TS stream the provider closed.
RECONNECT_DELAYS = (0.2, 1.0, 2.5)
#: A connection that delivered less than this counts as failed when it ends (no endless loops).
GOOD_CONNECTION_BYTES = 64 * 1024
#: How the player plays each kind of stream: mpegts.js, hls.js, or the ``<video>`` itself.
ENGINES = {StreamKind.TS: "ts", StreamKind.FLV: "flv", StreamKind.HLS_MASTER: "hls", StreamKind.HLS_MEDIA: "hls",
           StreamKind.MP4: "native", StreamKind.MATROSKA: "native", StreamKind.AAC: "native", StreamKind.MP3: "native"}
MEDIA_TYPES = {StreamKind.TS: "video/mp2t", StreamKind.FLV: "video/x-flv", StreamKind.MP4: "video/mp4",
               StreamKind.MATROSKA: "video/x-matroska", StreamKind.AAC: "audio/aac", StreamKind.MP3: "audio/mpeg"}


@dataclass(slots=True)
class Started:
    """A format that started: what it is, and its open body (a playlist is read whole)."""

    ext: str
    kind: StreamKind
    origin: str  #: the URL asked for (credentials inside; never leaves the server)
    final_url: str  #: where redirects led
    first: bytes  #: the bytes read to decide; a playlist's whole body
    response: httpx.Response | None = None
    chunks: AsyncIterator[bytes] | None = None
    tried: list[tuple[str, XtplayError]] = field(default_factory=list)

    @property
    def engine(self) -> str:
        return ENGINES[self.kind]

    async def close(self) -> None:
        if self.response is not None:
            await self.response.aclose()


async def start(client: httpx.AsyncClient, ext: str, url: str, label: str,
                timeout: float = START_TIMEOUT) -> Started:
    """Open ``url`` and read until its first bytes say what it is; raise when it is no stream."""
    response = await proxy.open_upstream(client, url, label)
    chunks = response.aiter_bytes()
    first = b""
    deadline = time.monotonic() + timeout
    try:
        while not conclusive(first):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            chunk = await asyncio.wait_for(anext(chunks, None), left)
            if chunk is None:
                break
            first += chunk
    except TimeoutError:
        await response.aclose()
        if first:
            raise PlaybackError(N_("The provider sent only %(bytes)s bytes within %(seconds)s s."),
                                {"bytes": len(first), "seconds": f"{timeout:g}"}) from None
        raise PlaybackError(N_("The provider sent no data within %(seconds)s s."), {"seconds": f"{timeout:g}"}) from None
    except httpx.HTTPError:
        await response.aclose()
        raise PlaybackError(N_("The stream broke off while starting.")) from None
    kind = kind_of(first)
    if kind.is_hls:
        body = first + await hls.read_playlist(response, chunks, len(first))
        return Started(ext, kind_of(body), url, str(response.url), body)
    if kind not in ENGINES:
        await response.aclose()
        raise proxy.not_a_stream(label, first, response.headers)
    return Started(ext, kind, url, str(response.url), first, response, chunks)


async def start_any(client: httpx.AsyncClient, formats: list[str], url_for: Callable[[str], str], label: str,
                    timeout: float = START_TIMEOUT) -> Started:
    """The first of ``formats`` that starts, with the failures before it in ``tried``.

    Errors about the account (wrong login, every connection in use) end the search: another
    format would meet them too. When all fail, :class:`NoLiveFormatWorked` lists each one."""
    tried: list[tuple[str, XtplayError]] = []
    for ext in formats:
        try:
            started = await start(client, ext, url_for(ext), label, timeout)
        except (AuthError, TooManyConnections):
            raise
        except XtplayError as exc:
            log.info("live format .%s did not start: %s", ext, exc)
            tried.append((ext, exc))
            continue
        started.tried = tried
        return started
    if len(tried) == 1:
        raise tried[0][1]
    raise NoLiveFormatWorked(tried)


class Parking:
    """Started streams waiting for the player's engine to claim them, by one-time token."""

    def __init__(self, seconds: float = PARK_SECONDS) -> None:
        self._waiting: dict[str, tuple[float, Started]] = {}
        self._seconds = seconds
        self._lock = threading.Lock()
        self._closing: set[asyncio.Future[None]] = set()  # held so the loop does not drop them half-way

    def park(self, started: Started) -> str:
        """Keep ``started`` for the player; it is closed if not claimed in time."""
        token = secrets.token_urlsafe(12)
        with self._lock:
            self._waiting[token] = (time.monotonic(), started)
        self._sweep()
        asyncio.get_running_loop().call_later(self._seconds + 0.1, self._sweep)
        return token

    async def release(self, token: str | None) -> None:
        """Close a parked stream the player will not claim (it moved on before it could)."""
        found = self.claim(token)
        if found is not None:
            await found.close()

    def claim(self, token: str | None) -> Started | None:
        """The stream parked under ``token`` (once), or None when unknown or too old."""
        self._sweep()
        with self._lock:
            found = self._waiting.pop(token or "", None)
        return found[1] if found else None

    def _sweep(self) -> None:
        now = time.monotonic()
        with self._lock:
            old = [t for t, (when, _) in self._waiting.items() if now - when > self._seconds]
            stale = [self._waiting.pop(t)[1] for t in old]
        for started in stale:
            closing = asyncio.ensure_future(started.close())
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        with self._lock:
            waiting = [s for _, s in self._waiting.values()]
            self._waiting.clear()
        for started in waiting:
            await started.close()


#: Told why a relayed stream stopped (an upstream break or a failed re-open), or None once it
#: flows again: the player's message when its stream ends (see ``ErrorBoard``).
Report = Callable[[XtplayError | httpx.HTTPError | None], None]


async def relay(started: Started, reopen: Callable[[], Awaitable[Started]] | None,
                report: Report | None = None) -> AsyncIterator[bytes]:
    """The stream's bytes; with ``reopen``, a live TS the provider ends is opened again and
    joined on (:mod:`~xtplay.playback.splice`), until re-opening fails :data:`RECONNECT_DELAYS` times.
    ``report`` hears each break and failed re-open, and a re-open that worked."""
    current: Started | None = started
    failures = 0
    splicer = Splicer()
    tell = report or (lambda _: None)
    try:
        while current is not None:
            delivered = 0
            broke: list[httpx.HTTPError] = []
            async for chunk in _packets(current, broke) if current.kind is StreamKind.TS else _as_is(current, broke):
                delivered += len(chunk)
                if current.kind is StreamKind.TS:
                    chunk = splicer.feed(chunk)
                if chunk:
                    yield chunk
            await current.close()
            current = None
            if broke:
                tell(broke[0])
            if reopen is None or started.kind is not StreamKind.TS:
                return
            failures = 0 if delivered >= GOOD_CONNECTION_BYTES else failures + 1
            while current is None and failures < len(RECONNECT_DELAYS):
                await asyncio.sleep(RECONNECT_DELAYS[failures])
                try:
                    current = await reopen()
                except XtplayError as exc:
                    log.info("re-opening a live stream failed: %s", exc)
                    tell(exc)
                    failures += 1
                    continue
                if current.kind is not StreamKind.TS:
                    await current.close()
                    current, failures = None, failures + 1
            if current is None:
                return
            splicer.reconnected()
            tell(None)
            log.info("live stream re-opened after the provider closed it")
    finally:
        if current is not None:
            await current.close()


async def _as_is(started: Started, broke: list[httpx.HTTPError]) -> AsyncIterator[bytes]:
    if started.first:
        yield started.first
    if started.chunks is None:
        return
    try:
        async for chunk in started.chunks:
            yield chunk
    except httpx.HTTPError as exc:
        broke.append(exc)


async def _packets(started: Started, broke: list[httpx.HTTPError]) -> AsyncIterator[bytes]:
    """Whole 188-byte packets only, from the first sync byte: what ends mid-packet is dropped,
    so the next connection's packets follow on a boundary."""
    buffer = started.first[ts_offset(started.first) or 0:]
    try:
        while True:
            whole = len(buffer) - len(buffer) % TS_PACKET
            if whole:
                yield buffer[:whole]
                buffer = buffer[whole:]
            chunk = await anext(started.chunks, None) if started.chunks is not None else None
            if chunk is None:
                return
            buffer += chunk
    except httpx.HTTPError as exc:
        broke.append(exc)


def media_response(started: Started, reopen: Callable[[], Awaitable[Started]] | None = None,
                   report: Report | None = None) -> StreamingResponse:
    """The started stream as the browser's answer (live: no caching, no proxy buffering)."""
    return StreamingResponse(relay(started, reopen, report), media_type=MEDIA_TYPES.get(started.kind, "application/octet-stream"),
                             headers={"cache-control": "no-store", "x-accel-buffering": "no"})


def tried_json(tried: list[tuple[str, XtplayError]]) -> list[dict]:
    """What was tried before the format that started (or before giving up), for the player."""
    return [{"format": ext, "title": error.title, "message": str(error)} for ext, error in tried]
