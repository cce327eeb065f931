"""Full catalog sync as a user waits for it: ``xtplay sync`` against the floor, as whole processes.

The demo provider runs in its own process (``xtplay demo-provider``) at 30,000 channels,
100,000 movies and 20,000 series, and every list is fetched once before timing, so it serves
prebuilt bytes and its generation is not timed. Then, in alternating pairs, the floor
(``bench/floor_sync.py``: fetch, parse, insert with one FTS index) and ``xtplay sync`` on a
fresh home each run as a whole process, start-up included. Each process's wall time, CPU
time (user + system, from ``wait4``) and peak RSS are read, and the median of the pairwise
ratios is reported beside the absolute figures. A second ``xtplay sync`` of the unchanged
catalog (the re-sync of every 12 hours) is timed the same way against the same pair's floor.
``XTPLAY_BENCH_SCALE=0.1`` shrinks the sizes; ``XTPLAY_BENCH_PAIRS`` sets the pairs (5).

Targets (issue 15): full sync ≤ 1.4× wall, ≤ 2.0× CPU, peak RSS ≤ the floor's; unchanged
re-sync ≤ 0.5× the floor's wall.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZES = {"live": 30_000, "vod": 100_000, "series": 20_000}
USERNAME, PASSWORD = "bench", "bench-pass"
TARGETS = {"wall": 1.4, "cpu": 2.0, "rss": 1.0, "resync_wall": 0.5}


@dataclass(frozen=True)
class Run:
    """One whole process: wall seconds, CPU seconds (user + system), peak RSS in MB."""

    wall: float
    cpu: float
    rss_mb: float


def _bin(name: str) -> str:
    candidate = ROOT / ".venv" / "bin" / name
    return str(candidate) if candidate.exists() else name


def timed(argv: list[str], env: dict[str, str]) -> Run:
    """Run a process to its end and read its own resource use (not this process's)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed ({proc.returncode}): {err[-1500:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def start_provider(scale: float, home: Path) -> tuple[subprocess.Popen[str], str]:
    """The demo provider in its own process; returns it and its URL once it answers."""
    sizes = {k: max(5, int(v * scale)) for k, v in SIZES.items()}
    proc = subprocess.Popen(
        [_bin("xtplay"), "--home", str(home), "demo-provider", "--port", "0", "--live", str(sizes["live"]),
         "--vod", str(sizes["vod"]), "--series", str(sizes["series"]), "--username", USERNAME, "--password", PASSWORD],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    assert proc.stdout is not None
    deadline = time.monotonic() + 600
    for line in proc.stdout:
        found = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if found:
            return proc, found.group(1)
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise RuntimeError("the demo provider did not start")


def warm(url: str) -> None:
    """Fetch every list once, so the provider serves them from its serialised cache."""
    with httpx.Client(base_url=url, timeout=httpx.Timeout(10, read=600)) as client:
        for action in ("get_live_categories", "get_vod_categories", "get_series_categories",
                       "get_live_streams", "get_vod_streams", "get_series"):
            client.get(
                "/player_api.php", params={"username": USERNAME, "password": PASSWORD, "action": action}
            ).raise_for_status()


def new_home(url: str, base_env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """A fresh xtplay home with one profile for the provider (set-up, not timed)."""
    home = Path(tempfile.mkdtemp(prefix="xtplay-bench-home-"))
    env = {**base_env, "XTPLAY_HOME": str(home), "XTPLAY_PASSWORD": PASSWORD}
    subprocess.run(
        [_bin("xtplay"), "profile", "add", "Bench", "--url", url, "--username", USERNAME, "--no-verify"],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    return home, env


def _ratio(xs: list[Run], floors: list[Run], field: str) -> float:
    return statistics.median(getattr(x, field) / getattr(f, field) for x, f in zip(xs, floors, strict=True))


def _median(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(r, field) for r in runs)


def figures(floors: list[Run], syncs: list[Run], resyncs: list[Run]) -> dict:
    """Median pair ratios of syncs and unchanged re-syncs to the floor, and each side's medians
    (the sync benchmarks of every source kind report the same figures)."""
    ratios = {"wall": _ratio(syncs, floors, "wall"), "cpu": _ratio(syncs, floors, "cpu"),
              "rss": _ratio(syncs, floors, "rss_mb"), "resync_wall": _ratio(resyncs, floors, "wall")}
    return {
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        **{name: {f: round(_median(runs, f), 3) for f in ("wall", "cpu", "rss_mb")}
           for name, runs in (("floor", floors), ("sync", syncs), ("resync", resyncs))},
    }


def figures_table(r: dict, targets: dict[str, float]) -> str:
    """The Markdown table of :func:`figures`, each ratio beside its target where it has one."""
    def target(key: str) -> str:
        if key not in targets:
            return "| |"
        met = "met" if r["ratios"][key] <= targets[key] else "**not met**"
        return f"≤ {targets[key]}× | {met} |"

    f, s, rs, ratio = r["floor"], r["sync"], r["resync"], r["ratios"]
    return f"""| figure | floor | xtplay sync | ratio | target | |
|---|---|---|---|---|---|
| wall seconds | {f["wall"]:.2f} | {s["wall"]:.2f} | {ratio["wall"]:.2f}× | {target("wall")}
| CPU seconds (user+sys) | {f["cpu"]:.2f} | {s["cpu"]:.2f} | {ratio["cpu"]:.2f}× | {target("cpu")}
| peak RSS, MB | {f["rss_mb"]:.0f} | {s["rss_mb"]:.0f} | {ratio["rss"]:.2f}× | {target("rss")}
| unchanged re-sync, wall seconds | {f["wall"]:.2f} | {rs["wall"]:.2f} | {ratio["resync_wall"]:.2f}× | {target("resync_wall")}
"""


def run() -> dict:
    scale = float(os.environ.get("XTPLAY_BENCH_SCALE", "1"))
    pairs = int(os.environ.get("XTPLAY_BENCH_PAIRS", "5"))
    base_env = {**os.environ, "XTPLAY_KEYRING": "file"}
    provider_home = Path(tempfile.mkdtemp(prefix="xtplay-bench-provider-"))
    provider, url = start_provider(scale, provider_home)
    floors: list[Run] = []
    syncs: list[Run] = []
    resyncs: list[Run] = []
    try:
        warm(url)
        for i in range(pairs):
            order = ("floor", "xtplay") if i % 2 == 0 else ("xtplay", "floor")
            for who in order:
                if who == "floor":
                    with tempfile.TemporaryDirectory(prefix="xtplay-bench-floor-") as tmp:
                        floors.append(
                            timed(
                                [
                                    _bin("python"),
                                    str(HERE / "floor_sync.py"),
                                    url,
                                    USERNAME,
                                    PASSWORD,
                                    str(Path(tmp) / "floor.db"),
                                ],
                                base_env,
                            )
                        )
                else:
                    home, env = new_home(url, base_env)
                    try:
                        syncs.append(timed([_bin("xtplay"), "sync", "Bench"], env))
                        resyncs.append(timed([_bin("xtplay"), "sync", "Bench"], env))
                    finally:
                        shutil.rmtree(home, ignore_errors=True)
    finally:
        provider.send_signal(signal.SIGINT)
        try:
            provider.wait(timeout=30)
        except subprocess.TimeoutExpired:
            provider.kill()
        shutil.rmtree(provider_home, ignore_errors=True)

    result = {"scale": scale, "pairs": pairs, **figures(floors, syncs, resyncs), "load_average": os.getloadavg()}
    result["markdown"] = _markdown(result)
    return result


def _markdown(r: dict) -> str:
    return f"""## Full sync as whole processes (`python -m bench sync_whole`)

Run {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, scale {r["scale"]}, {r["pairs"]} alternating pairs,
provider in its own process serving prebuilt lists; load average at the end {r["load_average"][0]:.2f}.
Ratios are medians of the pairwise ratios (xtplay ÷ floor of the same pair).

{figures_table(r, TARGETS)}"""


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2, default=str))
    sys.exit(0)
