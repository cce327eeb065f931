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
import math
import shutil
import sqlite3
from dataclasses import dataclass, field

from xtplay import db
from xtplay.errors import ItemNotFound, PlaybackError
from xtplay.i18n import N_
from xtplay.logs import redact

PROBE_TIMEOUT = 30.0
#: Finding the keyframe a seek lands on; past this the player starts from the asked time.
SEEK_TIMEOUT = 10.0
BROWSER_VIDEO = ("h264",)
BROWSER_AUDIO = ("aac", "mp3")
#: ffprobe's format names that are MP4 to a browser.
MP4_FORMATS = ("mov", "mp4", "m4a", "3gp")
#: Subtitle codecs ffmpeg can turn into WebVTT (text ones; bitmap subtitles cannot be).
TEXT_SUBTITLES = ("subrip", "srt", "ass", "ssa", "webvtt", "mov_text", "text")


@dataclass(frozen=True, slots=True)
class Track:
    """One audio or subtitle stream: ``index`` counts streams of its kind (ffmpeg's ``0:a:N``)."""

    index: int
    codec: str | None
    language: str | None
    title: str | None

    def to_dict(self) -> dict:
        return {"index": self.index, "codec": self.codec, "language": self.language, "title": self.title}

    @classmethod
    def from_dict(cls, d: dict) -> Track:
        return cls(int(d["index"]), d.get("codec"), d.get("language"), d.get("title"))


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """Container and first video/audio codec of a file, its length, and the playback decision."""

    format_name: str
    video_codec: str | None
    audio_codec: str | None
    duration: float | None
    mode: str
    audio_tracks: tuple[Track, ...] = field(default=())
    subtitle_tracks: tuple[Track, ...] = field(default=())

    def to_dict(self) -> dict:
        return {"format": self.format_name, "video": self.video_codec, "audio": self.audio_codec,
                "duration": self.duration, "mode": self.mode}

    def tracks_json(self) -> str:
        return json.dumps({"audio": [t.to_dict() for t in self.audio_tracks],
                           "subtitles": [t.to_dict() for t in self.subtitle_tracks]})

    def audio_track(self, n: int) -> Track:
        """Audio stream ``n``; :class:`PlaybackError` when the file has no such stream."""
        for track in self.audio_tracks:
            if track.index == n:
                return track
        raise ItemNotFound(N_("This file has no audio track %(n)s."), {"n": n})

    def subtitle_track(self, n: int) -> Track:
        """Text subtitle stream ``n``; :class:`PlaybackError` when the file has no such stream."""
        for track in self.subtitle_tracks:
            if track.index == n:
                return track
        raise ItemNotFound(N_("This file has no subtitle track %(n)s."), {"n": n})


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
        raw_duration = fmt.get("duration")
        duration = float(raw_duration) if raw_duration else None
    except ValueError:
        duration = None
    name = fmt.get("format_name") or ""
    if video is None and audio is None:
        raise PlaybackError(N_("The file has neither video nor audio that ffprobe can read."))
    return ProbeResult(name, video, audio, duration, decide(name, video, audio),
                       _tracks(streams, "audio"), _tracks(streams, "subtitle"))


def _tracks(streams: list[dict], kind: str) -> tuple[Track, ...]:
    """Every stream of ``kind`` with its per-kind index; subtitles only when they are text."""
    found = []
    for n, s in enumerate(s for s in streams if s.get("codec_type") == kind):
        tags = {str(k).lower(): v for k, v in (s.get("tags") or {}).items()}
        codec = s.get("codec_name")
        if kind == "subtitle" and codec not in TEXT_SUBTITLES:
            continue
        lang = tags.get("language")
        found.append(Track(n, codec, None if lang in (None, "", "und") else str(lang),
                           str(tags["title"]) if tags.get("title") else None))
    return tuple(found)


async def _ffprobe(args: list[str], timeout: float) -> tuple[int, bytes, bytes]:
    """Run the system's ffprobe; (exit status, stdout, stderr). ``TimeoutError`` past ``timeout``
    and on cancellation the process is killed and reaped, never left behind."""
    exe = shutil.which("ffprobe")
    if exe is None:
        raise PlaybackError(N_("ffprobe is not installed, so this file cannot be checked; install ffmpeg."))
    proc = await asyncio.create_subprocess_exec(
        exe, "-v", "error", *args,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except (TimeoutError, asyncio.CancelledError):
        proc.kill()
        await proc.wait()
        raise
    return proc.returncode or 0, out, err


async def run_ffprobe(url: str, timeout: float = PROBE_TIMEOUT) -> ProbeResult:
    """Probe ``url`` (our own loopback proxy URL) with the system's ffprobe."""
    try:
        status, out, err = await _ffprobe(["-print_format", "json", "-show_format", "-show_streams", url], timeout)
    except TimeoutError:
        raise PlaybackError(N_("Checking the file took longer than %(seconds)s s; try again."),
                            {"seconds": f"{timeout:g}"}) from None
    if status != 0:
        text = err.decode("utf-8", "replace").replace(url, "the file").strip()
        reason = redact(text.splitlines()[-1] if text else "no details")
        raise PlaybackError(N_("ffprobe cannot read this file (%(reason)s)."), {"reason": reason})
    try:
        return parse(json.loads(out))
    except ValueError:
        raise PlaybackError(N_("ffprobe answered something unreadable.")) from None


async def keyframe_before(url: str, at: float, timeout: float = SEEK_TIMEOUT) -> float | None:
    """The time of the video keyframe at or before ``at`` seconds, or None when ffprobe cannot
    tell. A remux copies the video, so it can only start on a keyframe: the player counts its
    clock and subtitles from this one. Rounded up to the millisecond, so that seeking to the
    returned time lands on that keyframe again and not on the one before."""
    try:
        status, out, _ = await _ffprobe(["-select_streams", "v:0", "-read_intervals", f"{at:.3f}%+#1",
                                         "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", url], timeout)
    except (TimeoutError, PlaybackError):
        return None
    first = out.decode("ascii", "replace").split()
    if status != 0 or not first:
        return None
    pts, _, flags = first[0].partition(",")
    try:
        found = float(pts)
    except ValueError:
        return None
    if "K" not in flags or not 0 <= found <= at + 0.001:
        return None
    return math.ceil(found * 1000 - 1e-6) / 1000  # 8.005 * 1000 is 8005.000000000001


def cached(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str) -> ProbeResult | None:
    """The stored decision for an item, if it was probed before."""
    row = conn.execute(
        "SELECT format_name, video_codec, audio_codec, duration, mode, tracks_json FROM playback_probe "
        "WHERE profile_id = ? AND type = ? AND provider_id = ?", (profile_id, type, str(provider_id))).fetchone()
    if row is None or row[5] is None:  # never probed, or probed before tracks were recorded
        return None
    try:
        tracks = json.loads(row[5])
        audio = tuple(Track.from_dict(t) for t in tracks.get("audio") or ())
        subs = tuple(Track.from_dict(t) for t in tracks.get("subtitles") or ())
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return ProbeResult(row[0] or "", row[1], row[2], row[3], row[4], audio, subs)


def store(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str, result: ProbeResult) -> None:
    """Remember the decision (replacing an older one)."""
    with db.transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO playback_probe (profile_id, type, provider_id, format_name, video_codec, "
            "audio_codec, duration, mode, tracks_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (profile_id, type, str(provider_id), result.format_name, result.video_codec, result.audio_codec,
             result.duration, result.mode, result.tracks_json()))


def forget(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str) -> None:
    """Drop a stored decision (the provider replaced the file)."""
    with db.transaction(conn):
        conn.execute("DELETE FROM playback_probe WHERE profile_id = ? AND type = ? AND provider_id = ?",
                     (profile_id, type, str(provider_id)))
