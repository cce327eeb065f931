"""What is inside a movie or episode, and how the browser gets to play it.

``ffprobe`` reads the container and codecs once per item; the decision is stored in
``playback_probe`` so the next play starts at once:

- ``direct``: MP4 with H.264 (and AAC or MP3, or no audio) — the browser plays the file as is.
- ``remux``: H.264 in another container, or with AC-3/E-AC-3/DTS/… audio — ffmpeg copies the
  video and converts the audio to AAC, into fragmented MP4.
- ``transcode``: any other video codec (HEVC, MPEG-2, …) — ffmpeg re-encodes to H.264.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from dataclasses import dataclass

from .. import db
from ..errors import PlaybackError
from ..logs import redact

PROBE_TIMEOUT = 30.0
BROWSER_VIDEO = ("h264",)
BROWSER_AUDIO = ("aac", "mp3")
#: ffprobe's format names that are MP4 to a browser.
MP4_FORMATS = ("mov", "mp4", "m4a", "3gp")


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """Container and first video/audio codec of a file, its length, and the playback decision."""

    format_name: str
    video_codec: str | None
    audio_codec: str | None
    duration: float | None
    mode: str

    def to_dict(self) -> dict:
        return {"format": self.format_name, "video": self.video_codec, "audio": self.audio_codec,
                "duration": self.duration, "mode": self.mode}


def decide(format_name: str, video_codec: str | None, audio_codec: str | None) -> str:
    """``direct``, ``remux`` or ``transcode`` for these codecs (see the module docstring)."""
    if video_codec is not None and video_codec not in BROWSER_VIDEO:
        return "transcode"
    is_mp4 = any(part in MP4_FORMATS for part in format_name.split(","))
    if is_mp4 and (audio_codec is None or audio_codec in BROWSER_AUDIO):
        return "direct"
    return "remux"


def parse(ffprobe_json: dict) -> ProbeResult:
    """A :class:`ProbeResult` from ``ffprobe -print_format json -show_format -show_streams``."""
    streams = ffprobe_json.get("streams") or []
    video = next((s.get("codec_name") for s in streams if s.get("codec_type") == "video"
                  and not (s.get("disposition") or {}).get("attached_pic")), None)
    audio = next((s.get("codec_name") for s in streams if s.get("codec_type") == "audio"), None)
    fmt = ffprobe_json.get("format") or {}
    try:
        duration = float(fmt.get("duration")) if fmt.get("duration") else None
    except ValueError:
        duration = None
    name = fmt.get("format_name") or ""
    if video is None and audio is None:
        raise PlaybackError("The file has neither video nor audio that ffprobe can read.")
    return ProbeResult(name, video, audio, duration, decide(name, video, audio))


async def run_ffprobe(url: str, timeout: float = PROBE_TIMEOUT) -> ProbeResult:
    """Probe ``url`` (our own loopback proxy URL) with the system's ffprobe."""
    exe = shutil.which("ffprobe")
    if exe is None:
        raise PlaybackError("ffprobe is not installed, so this file cannot be checked; install ffmpeg.")
    proc = await asyncio.create_subprocess_exec(
        exe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", url,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        raise PlaybackError(f"Checking the file took longer than {timeout:g} s; try again.") from None
    except asyncio.CancelledError:
        proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        text = err.decode("utf-8", "replace").replace(url, "the file").strip()
        reason = redact(text.splitlines()[-1] if text else "no details")
        raise PlaybackError(f"ffprobe cannot read this file ({reason}).")
    try:
        return parse(json.loads(out))
    except ValueError:
        raise PlaybackError("ffprobe answered something unreadable.") from None


def cached(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str) -> ProbeResult | None:
    """The stored decision for an item, if it was probed before."""
    row = conn.execute(
        "SELECT format_name, video_codec, audio_codec, duration, mode FROM playback_probe "
        "WHERE profile_id = ? AND type = ? AND provider_id = ?", (profile_id, type, str(provider_id))).fetchone()
    if row is None:
        return None
    return ProbeResult(row[0] or "", row[1], row[2], row[3], row[4])


def store(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str, result: ProbeResult) -> None:
    """Remember the decision (replacing an older one)."""
    with db.transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO playback_probe (profile_id, type, provider_id, format_name, video_codec, "
            "audio_codec, duration, mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (profile_id, type, str(provider_id), result.format_name, result.video_codec, result.audio_codec,
             result.duration, result.mode))


def forget(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str) -> None:
    """Drop a stored decision (the provider replaced the file)."""
    with db.transaction(conn):
        conn.execute("DELETE FROM playback_probe WHERE profile_id = ? AND type = ? AND provider_id = ?",
                     (profile_id, type, str(provider_id)))
