"""A full sync over a slow line: ``xtplay sync`` against the pure transfer of the same lists.

The demo provider runs in its own process at the size of ``bench/sync_whole.py``, builds its
lists before the timing, then paces every answer to 20 Mbit/s (``/_demo/line``: one token
bucket for the whole line). In alternating pairs, ``curl`` fetches the login and the six lists
a sync asks for, one after another on one connection, into ``/dev/null`` (the pure transfer
time), and ``xtplay sync`` copies them into a fresh library. If parsing and storing overlap
the download, the sync takes little more than the transfer.
``XTPLAY_BENCH_SCALE`` shrinks the sizes; ``XTPLAY_BENCH_SLOW_PAIRS`` sets the pairs (2: at
full size one transfer is about 21 s); ``XTPLAY_BENCH_LINE_MBIT`` the rate (20).

Target (issue 15): the sync ≤ 1.05× the transfer's wall time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.sync_whole import Run, _bin, list_urls, new_home, start_provider, stop_provider, timed, warm

TARGET = 1.05


def transfer(url: str, env: dict[str, str]) -> Run:
    """curl fetching what a sync fetches, in its order, on one connection, into /dev/null."""
    argv = ["curl", "--silent", "--show-error", "--fail"]
    for address in list_urls(url):
        argv += ["--output", "/dev/null", address]
    return timed(argv, env)


def run() -> dict:
    scale = float(os.environ.get("XTPLAY_BENCH_SCALE", "1"))
    pairs = int(os.environ.get("XTPLAY_BENCH_SLOW_PAIRS", "2"))
    mbit = float(os.environ.get("XTPLAY_BENCH_LINE_MBIT", "20"))
    base_env = {**os.environ, "XTPLAY_KEYRING": "file"}
    provider_home = Path(tempfile.mkdtemp(prefix="xtplay-bench-provider-"))
    provider, url = start_provider(scale, provider_home)
    transfers: list[Run] = []
    syncs: list[Run] = []
    try:
        size = warm(url)  # at full speed: the lists are built and serialised before the line slows
        httpx.post(f"{url}/_demo/line", json={"mbit": mbit}, timeout=10).raise_for_status()
        for i in range(pairs):
            for who in (("transfer", "xtplay") if i % 2 == 0 else ("xtplay", "transfer")):
                if who == "transfer":
                    transfers.append(transfer(url, base_env))
                    continue
                home, env = new_home(url, base_env)
                try:
                    syncs.append(timed([_bin("xtplay"), "sync", "Bench"], env))
                finally:
                    shutil.rmtree(home, ignore_errors=True)
    finally:
        stop_provider(provider, provider_home)
    ratio = statistics.median(s.wall / t.wall for s, t in zip(syncs, transfers, strict=True))
    result = {
        "scale": scale, "pairs": pairs, "line_mbit": mbit, "bytes": size,
        "line_seconds": round(size * 8 / (mbit * 1_000_000), 3),
        "transfer": {"wall": round(statistics.median(t.wall for t in transfers), 3),
                     "cpu": round(statistics.median(t.cpu for t in transfers), 3),
                     "runs": [round(t.wall, 3) for t in transfers]},
        "sync": {"wall": round(statistics.median(s.wall for s in syncs), 3),
                 "cpu": round(statistics.median(s.cpu for s in syncs), 3),
                 "rss_mb": round(statistics.median(s.rss_mb for s in syncs), 1),
                 "runs": [round(s.wall, 3) for s in syncs]},
        "ratio": round(ratio, 3), "load_average": os.getloadavg(),
    }
    result["markdown"] = _markdown(result)
    return result


def _markdown(r: dict) -> str:
    t, s = r["transfer"], r["sync"]
    met = "met" if r["ratio"] <= TARGET else "**not met**"
    return f"""## Full sync over a slow line (`python -m bench sync_slow_line`)

Run {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, scale {r["scale"]}, {r["pairs"]} alternating pairs; the demo
provider in its own process paces every answer to {r["line_mbit"]:g} Mbit/s (one token bucket for the line),
{r["bytes"] / 1e6:.1f} MB of login and lists, {r["line_seconds"]:.1f} s at the line's rate. Transfer: `curl` fetching the same
requests in the sync's order on one connection into `/dev/null`. Load average at the end {r["load_average"][0]:.2f}.

| figure | transfer (curl) | xtplay sync | ratio | target | |
|---|---|---|---|---|---|
| wall seconds | {t["wall"]:.2f} | {s["wall"]:.2f} | {r["ratio"]:.3f}× | ≤ {TARGET}× | {met} |
| CPU seconds (user+sys) | {t["cpu"]:.2f} | {s["cpu"]:.2f} | | | |

Runs: transfer {", ".join(f"{w:.2f}" for w in t["runs"])} s; sync {", ".join(f"{w:.2f}" for w in s["runs"])} s.
"""


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2, default=str))
    sys.exit(0)
