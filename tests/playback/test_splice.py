"""Joining two connections' MPEG-TS into one stream whose clock never goes backwards, on real
TS made by ffmpeg from the demo media: a repeating burst is skipped, a restarted clock shifted."""

from __future__ import annotations

import subprocess
from itertools import pairwise

import pytest

from xtplay.playback.splice import Splicer


def _ts(clip, seconds: float, offset: float, skip: float = 0.0) -> bytes:
    return subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-ss", f"{skip}", "-i", str(clip),
                           "-t", f"{seconds}", "-c", "copy", "-output_ts_offset", f"{offset}", "-f", "mpegts", "pipe:1"],
                          capture_output=True, check=True).stdout


def _times(data: bytes, tmp_path) -> dict[str, list[float]]:
    path = tmp_path / "joined.ts"
    path.write_bytes(data)
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "packet=codec_type,dts_time", "-of", "csv=p=0",
                          str(path)], capture_output=True, check=True, text=True).stdout
    found: dict[str, list[float]] = {}
    for line in out.split():
        kind, _, dts = line.strip(",").partition(",")
        if dts and dts != "N/A":
            found.setdefault(kind, []).append(float(dts))
    return found


def _join(first: bytes, second: bytes) -> bytes:
    splicer = Splicer()
    out = splicer.feed(first[: len(first) - len(first) % 188 - 188 * 3])  # the first one cut off mid-stream
    splicer.reconnected()
    return out + splicer.feed(second)


@pytest.mark.parametrize(("second_offset", "lands_near"), [(104.0, 108.0), (0.0, 108.0)],
                         ids=["same-clock-repeating-a-burst", "restarted-clock"])
def test_joined_connections_keep_time_moving_forward(demo_media_dir, tmp_path, second_offset, lands_near):
    clip = demo_media_dir / "live.ts"
    first = _ts(clip, 6, 100.0)
    second = _ts(clip, 8, second_offset, skip=0 if second_offset == 0 else 4)
    times = _times(_join(first, second), tmp_path)
    for kind in ("video", "audio"):
        assert all(b > a for a, b in pairwise(times[kind])), f"{kind} time goes backwards"
    video = times["video"]
    assert video[0] > 100 and max(video) > lands_near  # the second connection's pictures follow on
    assert max(b - a for a, b in pairwise(video)) < 0.2  # no gap
    assert max(b - a for a, b in pairwise(times["audio"])) < 0.5
