"""Real, playable, licence-clean test media for the demo provider, made once with ffmpeg.

Everything comes from ffmpeg's own test sources (``testsrc2`` picture, ``sine`` tone), small,
generated into ``media_dir`` on first use and reused while the version stamp matches. The
files are two minutes long, so resume, "watched" and the next episode can be seen in the demo;
to stay cheap, the picture is encoded once as a short clip (H.264, and HEVC) and looped by
stream copy to the full length, and every other file is a remux or an audio re-encode (movie 5
adds a second, French AC-3 audio track and English subtitles; the live loop is also cut as HLS
renditions, its picture alone and one audio track per language, French and English), so the
whole set takes a few seconds.
"""

from __future__ import annotations

import fcntl
import logging
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from xtplay.errors import PlaybackError

log = logging.getLogger(__name__)

#: Bump when the set of files or how they are made changes: older caches are rebuilt.
MEDIA_VERSION = "7"
#: Length of every file; the demo catalog gives this duration to its movies and episodes.
SECONDS = 120
#: The picture is encoded for this long and looped (a whole number of 2 s keyframe intervals).
CLIP_SECONDS = 24
SIZE = "426x240"
FPS = 24
#: Seconds per HLS segment (keyframes every 2 s, so segments cut cleanly).
SEGMENT_SECONDS = 4

#: Media key → file name inside media_dir.
MEDIA_FILES = {
    "h264_aac_mp4": "movie_h264_aac.mp4",
    "h264_aac_mkv": "movie_h264_aac.mkv",
    "h264_ac3_mkv": "movie_h264_ac3.mkv",
    "hevc_aac_mp4": "movie_hevc_aac.mp4",
    "h264_multi_mkv": "movie_h264_multi.mkv",
    "live_ts": "live.ts",
}
HLS_DIR = "hls"
#: The live loop as one fragmented-MP4 file cut by byte ranges (``EXT-X-MAP`` + ``EXT-X-BYTERANGE``).
FMP4_DIR = "hls_fmp4"
FMP4_FILE = "media.m4s"
#: The live loop as HLS renditions cut at the same marks: ``video`` (picture only) and one audio
#: track per language of :data:`LIVE_AUDIO`, each ``NAME.m3u8`` over ``NAME_NNN.ts`` in this folder.
RENDITIONS_DIR = "hls_renditions"
#: Audio renditions of the live loop: (name, language as the playlist says it, title, tone in Hz;
#: the English one is the loop's own 440 Hz track), the first the default.
LIVE_AUDIO = (("fr", "fra", "Français", 660), ("en", "eng", "English", 440))


@dataclass(frozen=True, slots=True)
class MediaSet:
    """The generated files: paths by key, and the HLS segments with their durations."""

    root: Path
    segments: tuple[tuple[Path, float], ...]
    #: The fMP4 loop: init (length, offset) and each fragment's (duration, length, offset).
    fmp4_init: tuple[int, int] = (0, 0)
    fmp4_parts: tuple[tuple[float, int, int], ...] = ()
    #: The live loop's renditions by name (``video``, ``fr``, ``en``): each one's segments.
    renditions: tuple[tuple[str, tuple[tuple[Path, float], ...]], ...] = ()

    def rendition(self, name: str) -> tuple[tuple[Path, float], ...]:
        """The segments of one rendition of the live loop (empty when there is none of that name)."""
        return next((segments for n, segments in self.renditions if n == name), ())

    @property
    def fmp4_path(self) -> Path:
        return self.root / FMP4_DIR / FMP4_FILE

    def path(self, key: str) -> Path:
        return self.root / MEDIA_FILES[key]

    @property
    def loop_seconds(self) -> float:
        return sum(d for _, d in self.segments)


def _run(args: list[str]) -> None:
    cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except FileNotFoundError as exc:
        raise PlaybackError("ffmpeg is not installed; the demo provider needs it to make its test media") from exc
    except subprocess.TimeoutExpired as exc:
        raise PlaybackError("ffmpeg took too long to make the demo media") from exc
    if done.returncode != 0:
        raise PlaybackError(f"ffmpeg could not make the demo media: {done.stderr.strip()[-300:]}")


def _gop() -> list[str]:
    return ["-g", str(FPS * 2), "-keyint_min", str(FPS * 2), "-sc_threshold", "0"]


def _looped(clip: Path, out: Path, video_tag: list[str]) -> None:
    """``clip``'s picture repeated by stream copy to ``SECONDS``, with a freshly encoded tone."""
    _run(["-stream_loop", "-1", "-i", str(clip),
          "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SECONDS}",
          "-map", "0:v", "-map", "1:a", "-t", str(SECONDS), "-c:v", "copy", *video_tag,
          "-c:a", "aac", "-b:a", "96k", "-ac", "2", "-movflags", "+faststart", str(out)])


def _generate(root: Path) -> None:
    picture = f"testsrc2=size={SIZE}:rate={FPS}:duration={CLIP_SECONDS}"
    h264_clip, hevc_clip = root / "clip_h264.mp4", root / "clip_hevc.mp4"
    _run(["-f", "lavfi", "-i", picture, "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "main",
          "-pix_fmt", "yuv420p", *_gop(), "-an", str(h264_clip)])
    _run(["-f", "lavfi", "-i", picture, "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
          "-x265-params", "log-level=error", *_gop(), "-an", str(hevc_clip)])
    mp4 = root / MEDIA_FILES["h264_aac_mp4"]
    _looped(h264_clip, mp4, [])
    _looped(hevc_clip, root / MEDIA_FILES["hevc_aac_mp4"], ["-tag:v", "hvc1"])
    for clip in (h264_clip, hevc_clip):
        clip.unlink()
    _run(["-i", str(mp4), "-c", "copy", str(root / MEDIA_FILES["h264_aac_mkv"])])
    _run(["-i", str(mp4), "-c:v", "copy", "-c:a", "ac3", "-b:a", "128k", str(root / MEDIA_FILES["h264_ac3_mkv"])])
    _multi_track(root, mp4)
    live = root / MEDIA_FILES["live_ts"]
    _run(["-i", str(mp4), "-c", "copy", "-f", "mpegts", str(live)])
    hls = root / HLS_DIR
    hls.mkdir(exist_ok=True)
    _run(["-i", str(live), "-c", "copy", "-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_list_size", "0",
          "-hls_segment_filename", str(hls / "seg_%03d.ts"), str(hls / "index.m3u8")])
    fmp4 = root / FMP4_DIR
    fmp4.mkdir(exist_ok=True)
    _run(["-i", str(live), "-c", "copy", "-bsf:a", "aac_adtstoasc", "-f", "hls", "-hls_time", str(SEGMENT_SECONDS),
          "-hls_list_size", "0", "-hls_segment_type", "fmp4", "-hls_flags", "single_file",
          "-hls_segment_filename", str(fmp4 / FMP4_FILE), str(fmp4 / "index.m3u8")])
    _renditions(root, mp4)


def _renditions(root: Path, mp4: Path) -> None:
    """The live loop with a second language, cut into a picture-only rendition and one audio
    rendition per language. All come from one MPEG-TS so their timestamps agree; the audio
    stops a frame short of the loop (AAC frames overrun it), so every list has as many
    segments as the picture's and a loop ends on all of them at once."""
    both = root / "live_languages.ts"
    tones = [a for a in LIVE_AUDIO if a[3] != 440]
    _run(["-i", str(mp4), *[x for a in tones for x in ("-f", "lavfi", "-i",
                                                         f"sine=frequency={a[3]}:sample_rate=48000:duration={SECONDS}")],
          "-map", "0:v", "-map", "0:a", *[x for n in range(len(tones)) for x in ("-map", f"{n + 1}:a")],
          "-t", str(SECONDS), "-c:v", "copy", "-c:a", "aac", "-b:a", "96k", "-ac", "2", "-c:a:0", "copy",
          "-f", "mpegts", str(both)])
    out = root / RENDITIONS_DIR
    out.mkdir(exist_ok=True)
    streams = {"video": ("0:v", SECONDS), "en": ("0:a:0", SECONDS - 0.05)}
    streams.update({a[0]: (f"0:a:{n + 1}", SECONDS - 0.05) for n, a in enumerate(tones)})
    for name, (pick, length) in streams.items():
        _run(["-i", str(both), "-map", pick, "-t", f"{length:.2f}", "-c", "copy", "-f", "hls",
              "-hls_time", str(SEGMENT_SECONDS), "-hls_list_size", "0",
              "-hls_segment_filename", str(out / f"{name}_%03d.ts"), str(out / f"{name}.m3u8")])
    both.unlink()


#: Subtitle cues of the multi-track movie: (start, end, text), every 3 s over the whole clip.
SUBTITLE_CUES = tuple((t, t + 2.5, f"Demo subtitle at {t} seconds") for t in range(0, SECONDS, 3))


def _srt_time(secs: float) -> str:
    ms = round(secs * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def _multi_track(root: Path, mp4: Path) -> None:
    """MKV with H.264, English AAC (440 Hz), French AC-3 (880 Hz) and English SRT subtitles."""
    srt = root / "subtitles_en.srt"
    srt.write_text("".join(f"{n}\n{_srt_time(a)} --> {_srt_time(b)}\n{text}\n\n"
                           for n, (a, b, text) in enumerate(SUBTITLE_CUES, 1)))
    _run(["-i", str(mp4), "-f", "lavfi", "-i", f"sine=frequency=880:sample_rate=48000:duration={SECONDS}",
          "-i", str(srt), "-map", "0:v:0", "-map", "0:a:0", "-map", "1:a:0", "-map", "2:s:0",
          "-c:v", "copy", "-c:a:0", "copy", "-c:a:1", "ac3", "-b:a:1", "128k", "-ac:a:1", "2", "-c:s", "srt",
          "-metadata:s:a:0", "language=eng", "-metadata:s:a:0", "title=English",
          "-metadata:s:a:1", "language=fre", "-metadata:s:a:1", "title=Français",
          "-metadata:s:s:0", "language=eng", "-metadata:s:s:0", "title=English",
          str(root / MEDIA_FILES["h264_multi_mkv"])])


def _read_segments(folder: Path, playlist: str = "index.m3u8") -> tuple[tuple[Path, float], ...]:
    text = (folder / playlist).read_text()
    found = re.findall(r"#EXTINF:([\d.]+),\s*\n(\S+)", text)
    return tuple((folder / name, float(secs)) for secs, name in found)


def _rendition_names() -> tuple[str, ...]:
    return ("video", *(a[0] for a in LIVE_AUDIO))


def _read_fmp4(root: Path) -> tuple[tuple[int, int], tuple[tuple[float, int, int], ...]]:
    text = (root / FMP4_DIR / "index.m3u8").read_text()
    init = re.search(r'BYTERANGE="(\d+)@(\d+)"', text)
    parts = re.findall(r"#EXTINF:([\d.]+),\s*\n#EXT-X-BYTERANGE:(\d+)@(\d+)", text)
    return ((int(init.group(1)), int(init.group(2))) if init else (0, 0),
            tuple((float(d), int(n), int(o)) for d, n, o in parts))


def _complete(root: Path) -> bool:
    stamp = root / "VERSION"
    return (stamp.is_file() and stamp.read_text().strip() == MEDIA_VERSION
            and all((root / name).is_file() for name in MEDIA_FILES.values())
            and (root / HLS_DIR / "index.m3u8").is_file() and (root / FMP4_DIR / "index.m3u8").is_file()
            and all((root / RENDITIONS_DIR / f"{name}.m3u8").is_file() for name in _rendition_names()))


def ensure_media(media_dir: Path) -> MediaSet:
    """The media set in ``media_dir``, generating it first when missing or outdated.

    A lock file keeps two processes from generating into the same directory at once.
    """
    media_dir.mkdir(parents=True, exist_ok=True)
    with open(media_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _complete(media_dir):
            started = time.monotonic()
            for child in media_dir.iterdir():
                if child.name != ".lock":
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            _generate(media_dir)
            (media_dir / "VERSION").write_text(MEDIA_VERSION)
            log.info("demo media generated in %.1f s", time.monotonic() - started)
    init, parts = _read_fmp4(media_dir)
    renditions = tuple((name, _read_segments(media_dir / RENDITIONS_DIR, f"{name}.m3u8"))
                       for name in _rendition_names())
    return MediaSet(media_dir, _read_segments(media_dir / HLS_DIR), init, parts, renditions)
