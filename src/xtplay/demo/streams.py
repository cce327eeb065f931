"""Stream delivery of the demo provider: live MPEG-TS and HLS, files with Range, catch-up.

Live TS is an ffmpeg loop over one clip (``-stream_loop -1 -c copy``) paced here at the clip's byte
rate after an initial burst of a couple of seconds, as real restreaming panels send one so players
start at once (ffmpeg's own ``-readrate`` has no burst in the versions Debian ships); one process
per viewer, killed the moment the viewer leaves or the provider stops, so none outlives its
request. The live HLS playlist is computed from the wall clock over pre-cut segments, so every
viewer sees the same sliding window and the media sequence advances by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from xtplay.demo.epg import SERVER_TZ
from xtplay.demo.media import SECONDS, SEGMENT_SECONDS, MediaSet

# The ASGI shapes, as Starlette names them (its responses are sent through these).
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

#: Segments listed in a live HLS playlist.
HLS_WINDOW = 5
#: Clock origin of the live HLS loop (fixed, so restarts keep the sequence).
HLS_ANCHOR = 1_735_689_600
CHUNK = 64 * 1024
#: Seconds of live TS sent at once when a viewer tunes in, before real-time pacing.
LIVE_BURST_SECONDS = 2.0
#: The live clock starts again every day (MPEG-TS timestamps wrap after 26.5 hours).
LIVE_CLOCK_WRAP = 86_400
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class StreamGuard:
    """Counts one open stream for the duration of a delivery (connection limit, stats)."""

    def __init__(self, state: Any) -> None:
        self.state = state

    def __enter__(self) -> StreamGuard:
        with self.state.stats.lock:
            self.state.stats.open_streams += 1
            self.state.stats.streams_started += 1
        return self

    def __exit__(self, *exc: object) -> None:
        with self.state.stats.lock:
            self.state.stats.open_streams -= 1


async def wait_disconnect(receive: Receive) -> None:
    """Return when the client has gone away."""
    while (await receive())["type"] != "http.disconnect":
        pass


class ProcessStream:
    """An ASGI response that pipes an ffmpeg process to the client and kills it when done."""

    def __init__(self, state: Any, args: list[str], media_type: str = "video/mp2t",
                 pace: tuple[float, float] | None = None, cap_seconds: float | None = None) -> None:
        """``pace`` = (bytes per second, burst bytes): deliver no faster than that after the burst;
        ``cap_seconds``: end the answer after that long, as panels that cap a connection do."""
        self.state, self.args, self.media_type, self.pace = state, args, media_type, pace
        self.cap_seconds = cap_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        proc = await asyncio.create_subprocess_exec(
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", *self.args,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        self.state.processes.add(proc)
        try:
            with StreamGuard(self.state):
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", self.media_type.encode()), (b"cache-control", b"no-store")]})
                if scope["method"] == "HEAD":
                    await send({"type": "http.response.body", "body": b""})
                    return
                pump = asyncio.ensure_future(self._pump(proc, send))
                watch = asyncio.ensure_future(wait_disconnect(receive))
                try:
                    await asyncio.wait({pump, watch}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for task in (pump, watch):
                        task.cancel()
                    for task in (pump, watch):
                        with contextlib.suppress(BaseException):
                            await task
        finally:
            # Reap in a task of its own, so a cancelled request (provider shutdown) cannot cut the
            # reaping short; the provider awaits whatever is still being reaped before its loop ends.
            reaping = reap(proc)
            reaping.add_done_callback(lambda _: self.state.processes.discard(proc))
            await asyncio.shield(reaping)

    async def _pump(self, proc: asyncio.subprocess.Process, send: Send) -> None:
        assert proc.stdout is not None
        started, sent = time.monotonic(), 0
        while chunk := await proc.stdout.read(CHUNK):
            if self.cap_seconds is not None and time.monotonic() - started > self.cap_seconds:
                break
            if self.pace is not None:
                rate, burst = self.pace
                ahead = (sent - burst) / rate - (time.monotonic() - started)
                if ahead > 0:
                    await asyncio.sleep(ahead)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            sent += len(chunk)
        await send({"type": "http.response.body", "body": b""})


_reaping: dict[asyncio.subprocess.Process, asyncio.Task[None]] = {}


def reap(proc: asyncio.subprocess.Process) -> asyncio.Task[None]:
    """Kill ``proc`` if it still runs and wait for it (one task per process, however often asked).

    Its stdout is drained to the end, so the pipe and the subprocess transport are closed on the
    loop that owns them: no zombie, and nothing left to clean up after the loop has closed."""
    task = _reaping.get(proc)
    if task is None:
        task = asyncio.get_running_loop().create_task(_reap(proc))
        _reaping[proc] = task
        task.add_done_callback(lambda _: _reaping.pop(proc, None))
    return task


async def _reap(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    await proc.communicate()


def live_ts(state: Any, media: MediaSet, media_type: str = "video/mp2t",
            cap_seconds: float | None = None) -> ProcessStream:
    """A continuous real-time MPEG-TS loop (timestamps keep increasing across loops).

    Its clock is the wall clock's (minus the burst), as a restreamer's source clock is: a
    viewer who connects again continues the same timeline. ``state.live_speed`` is the pace
    relative to real time (1.0 = live; tests go faster); ``cap_seconds`` closes the
    connection after that long."""
    clip = media.path("live_ts")
    rate = clip.stat().st_size / SECONDS * state.live_speed
    clock = (time.time() - HLS_ANCHOR - LIVE_BURST_SECONDS) % LIVE_CLOCK_WRAP
    return ProcessStream(state, ["-stream_loop", "-1", "-i", str(clip), "-c", "copy",
                                 "-output_ts_offset", f"{clock:.3f}", "-f", "mpegts", "pipe:1"],
                         media_type, pace=(rate, rate * LIVE_BURST_SECONDS), cap_seconds=cap_seconds)


def timeshift_ts(state: Any, media: MediaSet, minutes: int, media_type: str = "video/mp2t") -> ProcessStream:
    """A recording of ``minutes`` length, delivered at live pace like a panel's archive."""
    return ProcessStream(state, ["-readrate", f"{state.live_speed:g}", "-stream_loop", "-1",
                                 "-i", str(media.path("live_ts")), "-t", str(max(1, minutes) * 60),
                                 "-c", "copy", "-f", "mpegts", "pipe:1"], media_type)


def segment_token(secret: bytes, username: str, stream_id: int) -> str:
    """Opaque per-line, per-channel token for segment URLs (the password never appears in them)."""
    return hmac.new(secret, f"{username}:{stream_id}".encode(), hashlib.sha256).hexdigest()[:20]


def hls_playlist(media: MediaSet, token: str, stream_id: int, now: float | None = None) -> str:
    """A live sliding-window playlist: sequence from the clock, a discontinuity at each loop."""
    now = time.time() if now is None else now
    count = len(media.segments)
    current = int((now - HLS_ANCHOR) // SEGMENT_SECONDS)  # the segment "being recorded"
    first = current - HLS_WINDOW
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{SEGMENT_SECONDS}",
             f"#EXT-X-MEDIA-SEQUENCE:{first}", f"#EXT-X-DISCONTINUITY-SEQUENCE:{first // count}"]
    for seq in range(first, current):
        if seq % count == 0 and seq != first:
            lines.append("#EXT-X-DISCONTINUITY")
        lines.append(f"#EXTINF:{media.segments[seq % count][1]:.3f},")
        lines.append(f"/hls/{token}/{stream_id}/{seq}.ts")
    return "\n".join(lines) + "\n"


def recording_playlist(media: MediaSet, token: str, stream_id: int, minutes: int) -> str:
    """A finished (VOD) playlist for a catch-up request: ``minutes`` of the looping clip."""
    count = len(media.segments)
    total = max(1, -(-minutes * 60 // SEGMENT_SECONDS))
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{SEGMENT_SECONDS}",
             "#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-MEDIA-SEQUENCE:0"]
    for seq in range(total):
        if seq and seq % count == 0:
            lines.append("#EXT-X-DISCONTINUITY")
        lines.append(f"#EXTINF:{media.segments[seq % count][1]:.3f},")
        lines.append(f"/hls/{token}/{stream_id}/{seq}.ts")
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def segment_path(media: MediaSet, seq: int) -> Path:
    """The file behind global segment number ``seq``."""
    return media.segments[seq % len(media.segments)][0]


class FileStream:
    """An ASGI file response with single-range support (206), 416 for unsatisfiable ranges."""

    def __init__(self, state: Any, path: Path, media_type: str, count_stream: bool = True,
                 ignore_range: bool = False) -> None:
        """``ignore_range``: answer every request with 200 and the whole file, as some CDNs do."""
        self.state, self.path, self.media_type, self.count_stream = state, path, media_type, count_stream
        self.ignore_range = ignore_range

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        size = os.path.getsize(self.path)
        headers = dict((k.decode().lower(), v.decode("latin-1")) for k, v in scope["headers"])
        start, end, status = 0, size - 1, 200
        wanted = None if self.ignore_range else headers.get("range")
        if wanted:
            parsed = parse_range(wanted, size)
            if parsed is None:
                await send({"type": "http.response.start", "status": 416,
                            "headers": [(b"content-range", f"bytes */{size}".encode()), (b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
            (start, end), status = parsed, 206
        out = [(b"content-type", self.media_type.encode()), (b"content-length", str(end - start + 1).encode())]
        if not self.ignore_range:
            out.append((b"accept-ranges", b"bytes"))
        if status == 206:
            out.append((b"content-range", f"bytes {start}-{end}/{size}".encode()))
        guard = StreamGuard(self.state) if self.count_stream else contextlib.nullcontext()
        with guard:
            await send({"type": "http.response.start", "status": status, "headers": out})
            if scope["method"] == "HEAD":
                await send({"type": "http.response.body", "body": b""})
                return
            with open(self.path, "rb") as fh:
                fh.seek(start)
                left = end - start + 1
                while left > 0:
                    chunk = fh.read(min(CHUNK * 4, left))
                    if not chunk:
                        break
                    left -= len(chunk)
                    await send({"type": "http.response.body", "body": chunk, "more_body": left > 0})
                if left > 0:
                    await send({"type": "http.response.body", "body": b""})


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` byte of a single ``bytes=`` range, or None when unsatisfiable/multiple."""
    match = _RANGE.match(header.strip())
    if not match or size == 0:
        return None
    first, last = match.groups()
    if first == "":
        if last == "":
            return None
        length = min(int(last), size)
        return (size - length, size - 1) if length > 0 else None
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return None
    return start, end


def stream_target(path: str, params: dict[str, str], action: str) -> tuple[str, str, int, str, Any] | None:
    """``(username, password, id, extension, extra)`` of a stream path, or None when malformed."""
    if path.startswith("/streaming/timeshift.php"):
        start = parse_start(params.get("start", ""))
        stream = to_int(params.get("stream"))
        if stream is None:
            return None
        return (params.get("username", ""), params.get("password", ""), stream, params.get("extension", "ts"),
                (to_int(params.get("duration")) or 60, start))
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if action == "timeshift":  # timeshift/U/P/MIN/START/ID.ts
        if len(parts) != 6:
            return None
        name, _, ext = parts[5].partition(".")
        number, minutes = to_int(name), to_int(parts[3])
        if number is None or minutes is None:
            return None
        return parts[1], parts[2], number, ext, (minutes, parse_start(parts[4]))
    if action == "live" and len(parts) == 3:
        parts = ["live", *parts]  # short form /U/P/ID(.ext)
    if len(parts) != 4:
        return None
    name, _, ext = parts[3].partition(".")
    number = to_int(name)
    if number is None:
        return None
    return parts[1], parts[2], number, ext, None


def parse_start(text: str) -> datetime | None:
    """A catch-up START (``YYYY-MM-DD:HH-MM`` and variants) read in the panel's time zone."""
    for fmt in ("%Y-%m-%d:%H-%M", "%Y-%m-%d_%H-%M", "%Y-%m-%d:%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d:%H-%M-%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=ZoneInfo(SERVER_TZ))
        except ValueError:
            continue
    return None


def to_int(value: str | None) -> int | None:
    """An integer query/path value, or None when absent or not a number."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
