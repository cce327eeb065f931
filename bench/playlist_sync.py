"""A playlist profile's full sync as whole processes, against the floor (issue 14).

A 100,000-entry playlist (groups, logos, tvg-ids, channel numbers, catch-up attributes; a
fifth of it movies) is written once and served by a plain HTTP server in its own process.
Then, in alternating pairs, the floor (``bench/floor_playlist.py``: stream, parse, insert
with one FTS index) and ``xtplay sync`` of a playlist profile on a fresh home each run as a
whole process, start-up included; wall time, CPU time and peak RSS of each are read and the
median of the pairwise ratios reported. A second ``xtplay sync`` of the unchanged playlist is
timed against the same pair's floor. ``XTPLAY_BENCH_SCALE`` and ``XTPLAY_BENCH_PAIRS`` (5)
as for the other benchmarks.

Targets: full sync ≤ 1.5× the floor's wall, peak RSS ≤ the floor's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.sync_whole import HERE, ROOT, Run, _bin, figures, figures_table, timed

ENTRIES = 100_000
TARGETS = {"wall": 1.5, "rss": 1.0}


def write_playlist(path: Path, entries: int) -> None:
    """A playlist like a big provider's: live channels by group with catch-up, then movies.

    Written a line at a time: a child inherits its parent's peak RSS as the floor of its own
    (``ru_maxrss`` survives the ``vfork`` and ``exec``), so a benchmark process that held the
    whole playlist text (about 120 MB at full size) would report that for every process it times.
    """
    live = entries * 4 // 5
    with path.open("w", encoding="utf-8") as out:
        out.write('#EXTM3U url-tvg="http://guide.invalid/epg.xml.gz"\n')
        for i in range(entries):
            if i < live:
                group = f"Country {i % 40} | Group {i % 300}"
                out.write(f'#EXTINF:-1 tvg-id="ch{i}.tv" tvg-name="Channel {i}" tvg-chno="{i + 1}" '
                          f'tvg-logo="http://logos.invalid/{i}.png" group-title="{group}" catchup="default" '
                          f'catchup-days="3" catchup-source="http://tv.invalid/arch/{i}?utc={{utc}}&d={{duration}}",'
                          f"Channel {i} HD\n")
                out.write(f"http://tv.invalid/live/user/tok3n/{i}.ts\n")
            else:
                out.write(f'#EXTINF:-1 tvg-id="" tvg-logo="http://posters.invalid/{i}.jpg" '
                          f'group-title="VOD | Movies {i % 60}",Movie number {i} ({1970 + i % 55})\n')
                out.write(f"http://tv.invalid/movie/user/tok3n/{i}.mp4\n")


def start_server(folder: Path) -> tuple[subprocess.Popen[str], str]:
    """``python -m http.server`` on a free port, in its own process."""
    proc = subprocess.Popen([_bin("python"), "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                             "--directory", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        found = re.search(r"port (\d+)", line)
        if found:
            return proc, f"http://127.0.0.1:{found.group(1)}/list.m3u"
    proc.kill()
    raise RuntimeError("the playlist server did not start")


def new_home(url: str, base_env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    home = Path(tempfile.mkdtemp(prefix="xtplay-bench-home-"))
    env = {**base_env, "XTPLAY_HOME": str(home)}
    subprocess.run([_bin("xtplay"), "profile", "add", "Bench", "--m3u", url, "--no-verify"],
                   check=True, env=env, cwd=ROOT, capture_output=True)
    return home, env


def run() -> dict:
    scale = float(os.environ.get("XTPLAY_BENCH_SCALE", "1"))
    pairs = int(os.environ.get("XTPLAY_BENCH_PAIRS", "5"))
    entries = max(10, int(ENTRIES * scale))
    base_env = {**os.environ, "XTPLAY_KEYRING": "file"}
    folder = Path(tempfile.mkdtemp(prefix="xtplay-bench-playlist-"))
    write_playlist(folder / "list.m3u", entries)
    server, url = start_server(folder)
    floors: list[Run] = []
    syncs: list[Run] = []
    resyncs: list[Run] = []
    try:
        for i in range(pairs):
            for who in (("floor", "xtplay") if i % 2 == 0 else ("xtplay", "floor")):
                if who == "floor":
                    with tempfile.TemporaryDirectory(prefix="xtplay-bench-floor-") as tmp:
                        floors.append(timed([_bin("python"), str(HERE / "floor_playlist.py"), url,
                                             str(Path(tmp) / "floor.db")], base_env))
                    continue
                home, env = new_home(url, base_env)
                try:
                    syncs.append(timed([_bin("xtplay"), "sync", "Bench"], env))
                    resyncs.append(timed([_bin("xtplay"), "sync", "Bench"], env))
                finally:
                    shutil.rmtree(home, ignore_errors=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    result = {"scale": scale, "pairs": pairs, "entries": entries, **figures(floors, syncs, resyncs),
              "load_average": os.getloadavg()}
    result["markdown"] = _markdown(result)
    return result


def _markdown(r: dict) -> str:
    return f"""## Playlist profile sync as whole processes (`python -m bench playlist_sync`)

Run {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, {r["entries"]:,} entries (scale {r["scale"]}),
{r["pairs"]} alternating pairs, the playlist served by `python -m http.server` in its own process;
load average at the end {r["load_average"][0]:.2f}. Ratios are medians of the pairwise ratios.

{figures_table(r, TARGETS)}"""
