"""ffmpeg remuxing and transcoding into fragmented MP4, with a bound on concurrent processes.

Every ffmpeg runs in its own process group and is killed (the whole group) when the viewer
stops reading (client disconnect cancels the response), when the app shuts down, and at
interpreter exit as a last guard, so none outlives the request that started it. Seeking
restarts ffmpeg with ``-ss`` (the player keeps the offset); a remux starts at the keyframe
at or before the asked time, which the player learns first (``probe.keyframe_before``).
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import math
import os
import re
import shutil
import signal
from collections.abc import AsyncIterator

from xtplay.config import DEFAULT_CONVERSIONS
from xtplay.errors import ConversionsBusy, PlaybackError
from xtplay.i18n import N_
from xtplay.logs import redact

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
#: Concurrent ffmpeg processes (a transcode takes a CPU core; remuxes are cheap); the app's
#: own pool takes ``Settings.conversions``.
DEFAULT_LIMIT = DEFAULT_CONVERSIONS
#: How long a new viewer waits for a free slot before being told to try later.
SLOT_WAIT = 15.0

_running: set[int] = set()  # pids of every ffmpeg we started and have not reaped


def ffmpeg_args(input_url: str, mode: str, start: float = 0.0, audio_codec: str | None = None,
                audio: int = 0) -> list[str]:
    """The ffmpeg command line (without the executable) for ``remux`` or ``transcode``.

    ``audio`` picks the file's audio stream (``0:a:N``, validated by the caller against the
    probe); ``audio_codec`` is that stream's codec (copied when the browser decodes it).
    """
    args = ["-hide_banner", "-nostdin", "-loglevel", "error"]
    if start > 0:
        if mode == "remux":
            # Copied video starts at the keyframe before ``start``; an exact cut of the audio
            # would leave a gap (silence, then a jump) as long as the distance to it.
            args.append("-noaccurate_seek")
        args += ["-ss", f"{start:.3f}"]
    audio_map = f"0:a:{audio}" if audio > 0 else "0:a:0?"
    args += ["-i", input_url, "-map", "0:v:0", "-map", audio_map, "-sn", "-dn"]
    if mode == "transcode":
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-crf", "23",
                 "-pix_fmt", "yuv420p", "-g", "50"]
    else:
        args += ["-c:v", "copy"]
    if audio_codec in ("aac", "mp3") and mode == "remux":
        args += ["-c:a", "copy"]
    else:
        args += ["-c:a", "aac", "-b:a", "160k", "-ac", "2"]
    args += ["-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "pipe:1"]
    return args


class FfmpegPool:
    """At most ``limit`` ffmpeg processes at once; each one's output streamed, then killed."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self._sem: asyncio.Semaphore | None = None
        self._procs: set[asyncio.subprocess.Process] = set()

    @property
    def running(self) -> int:
        """How many ffmpeg processes this pool has alive now."""
        return len(self._procs)

    async def stream(self, args: list[str]) -> AsyncIterator[bytes]:
        """ffmpeg's stdout chunk by chunk; the process dies when the iteration ends for any reason."""
        exe = shutil.which("ffmpeg")
        if exe is None:
            raise PlaybackError(N_("ffmpeg is not installed, so this file cannot be converted; install ffmpeg."))
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.limit)
        try:
            await asyncio.wait_for(self._sem.acquire(), SLOT_WAIT)
        except TimeoutError:
            raise ConversionsBusy(self.limit, retry_after=max(1, math.ceil(SLOT_WAIT))) from None
        proc = None
        stderr_task = None
        try:
            proc = await asyncio.create_subprocess_exec(
                exe, *args, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, start_new_session=True)
            self._procs.add(proc)
            _running.add(proc.pid)
            assert proc.stdout is not None and proc.stderr is not None  # both are pipes
            stderr_task = asyncio.create_task(_drain(proc.stderr))
            sent = 0
            while True:
                chunk = await proc.stdout.read(CHUNK)
                if not chunk:
                    break
                sent += len(chunk)
                yield chunk
            code = await proc.wait()
            tail = await stderr_task
            if code != 0 and sent == 0:
                if tail:
                    raise PlaybackError(N_("ffmpeg could not convert this file (%(reason)s)."), {"reason": tail})
                raise PlaybackError(N_("ffmpeg could not convert this file (exit status %(code)s)."), {"code": code})
        finally:
            if proc is not None:
                _kill(proc.pid)
                self._procs.discard(proc)
                _running.discard(proc.pid)
                try:
                    await asyncio.shield(_finish(proc, stderr_task))
                except asyncio.CancelledError:
                    pass
            self._sem.release()

    async def shutdown(self) -> None:
        """Kill every process of this pool (app shutdown)."""
        for proc in list(self._procs):
            _kill(proc.pid)
        for proc in list(self._procs):
            await _reap(proc)
        self._procs.clear()


async def _drain(stream: asyncio.StreamReader | None) -> str:
    """Keep reading stderr so ffmpeg never blocks on it; return its last line (for the error)."""
    if stream is None:
        return ""
    last = b""
    while True:
        line = await stream.readline()
        if not line:
            break
        if line.strip():
            last = line.strip()
    return redact(last.decode("utf-8", "replace"))[:300]


async def _finish(proc: asyncio.subprocess.Process, stderr_task: asyncio.Task | None) -> None:
    """Wait for the killed process and read its pipes to the end, so nothing is left open."""
    await _reap(proc)
    try:
        if proc.stdout is not None:
            await asyncio.wait_for(proc.stdout.read(), 5)
        if stderr_task is not None:
            await asyncio.wait_for(stderr_task, 5)
    except (TimeoutError, OSError):
        pass


async def _reap(proc: asyncio.subprocess.Process) -> None:
    try:
        await asyncio.wait_for(proc.wait(), 5)
    except (TimeoutError, ProcessLookupError):
        pass


def _kill(pid: int) -> None:
    """SIGKILL the process group ffmpeg leads (it may have helpers); gone already is fine."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def subtitle_args(input_url: str, index: int) -> list[str]:
    """ffmpeg arguments that write text subtitle stream ``0:s:N`` as WebVTT to stdout."""
    return ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", input_url, "-map", f"0:s:{index}",
            "-c:s", "webvtt", "-f", "webvtt", "pipe:1"]


_VTT_TIME = re.compile(r"^((?:\d+:)?\d{2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{2}:\d{2}\.\d{3})(.*)$")


def _vtt_secs(stamp: str) -> float:
    parts = [float(p) for p in stamp.split(":")]
    return sum(p * 60 ** k for k, p in enumerate(reversed(parts)))


def _vtt_stamp(secs: float) -> str:
    ms = round(secs * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def shift_vtt(text: str, start: float) -> str:
    """WebVTT whose cue times count from ``start`` (a remux started there begins at 0).

    ffmpeg's own seeking moves subtitle times by up to a keyframe interval, so the shift is
    done here, exactly; cues that ended before ``start`` are dropped.
    """
    if start <= 0:
        return text
    out, blocks = [], text.replace("\r\n", "\n").split("\n\n")
    for block in blocks:
        lines = block.split("\n")
        timing = next((i for i, line in enumerate(lines) if _VTT_TIME.match(line.strip())), None)
        if timing is None:
            out.append(block)
            continue
        m = _VTT_TIME.match(lines[timing].strip())
        assert m is not None  # the line was found by this very pattern
        a, b = _vtt_secs(m.group(1)) - start, _vtt_secs(m.group(2)) - start
        if b <= 0:
            continue
        lines[timing] = f"{_vtt_stamp(max(0.0, a))} --> {_vtt_stamp(b)}{m.group(3)}"
        out.append("\n".join(lines))
    return "\n\n".join(out)


@atexit.register
def _kill_leftovers() -> None:
    for pid in list(_running):
        _kill(pid)
