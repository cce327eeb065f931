"""Guide grid queries over a realistic library: 10,000 channels × 48 hours of programmes.

Measures ``guide.grid`` for 50 channels × 3 hours (the data a grid page renders: channels,
clipped cells, now line, catch-up flags) at random channel offsets and windows, and
``guide.now_next`` for a 50-channel list page. Target: grid p95 ≤ 20 ms.

Run: ``python -m bench guide_grid``. ``XTPLAY_BENCH_SCALE`` scales the channel count.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.guide_ingest import CHANNELS, prepare_library

SAMPLES = 300


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def measure(home: Path, seed: int = 7) -> dict:
    """Grid and now/next timings over the library in ``home`` (profile "Bench", guide loaded)."""
    from xtplay import db, guide
    from xtplay.accounts import profiles
    from xtplay.config import load_settings

    settings = load_settings(home)
    conn = db.connect(settings.db_path)
    profile = profiles.get_profile(conn, "Bench")
    total = conn.execute("SELECT count(*) FROM items WHERE profile_id=? AND type='live'", (profile.id,)).fetchone()[0]
    rng = random.Random(seed)
    now = datetime.now(UTC)
    grid_ms, nn_ms, cells = [], [], 0
    for _ in range(SAMPLES):
        offset = rng.randrange(0, max(1, total - 50))
        start = guide.align(now + timedelta(minutes=rng.randrange(-20 * 60, 18 * 60)))
        t = time.perf_counter()
        g = guide.grid(conn, profile.id, start, hours=3, channel_offset=offset, channels=50, include_adult=True, at=now)
        grid_ms.append((time.perf_counter() - t) * 1000)
        cells += sum(len(r.cells) for r in g.rows)
        ids = [r.channel_id for r in g.rows]
        t = time.perf_counter()
        guide.now_next(conn, profile.id, ids, at=now)
        nn_ms.append((time.perf_counter() - t) * 1000)
    conn.close()
    return {"grid_p95_ms": _p95(grid_ms), "grid_median_ms": statistics.median(grid_ms),
            "now_next_p95_ms": _p95(nn_ms), "now_next_median_ms": statistics.median(nn_ms),
            "samples": SAMPLES, "cells_per_grid": cells / SAMPLES}


def run() -> dict:
    from xtplay import db, guide
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault
    from xtplay.config import load_settings
    from xtplay.demo import DemoProvider

    channels = max(int(CHANNELS * float(os.environ.get("XTPLAY_BENCH_SCALE", "1"))), 60)
    out: dict = {"channels": channels}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        with DemoProvider(live=channels, vod=10, series=10, generate_media=False) as demo:
            prepare_library(home, demo.url, demo.username, demo.password)
            settings = load_settings(home)
            conn = db.open_library(settings.db_path)
            result = asyncio.run(guide.refresh_guide(settings, conn, Vault.open(settings), profiles.get_profile(conn, "Bench")))
            conn.close()
            out["programmes"] = result.programmes
        out |= measure(home)
    out["markdown"] = _markdown(out)
    return out


def _markdown(r: dict) -> str:
    ok = "✅" if r["grid_p95_ms"] <= 20 else "❌"
    return "\n".join([
        f"### Guide: grid and now/next (`bench/guide_grid.py`, run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"{r['channels']:,} channels, {r['programmes']:,} programmes; {r['samples']} random windows "
        f"(channel offset and start time), about {r['cells_per_grid']:.0f} cells per grid; {os.cpu_count()} CPUs.",
        "",
        "| measure | p95 | median | target |",
        "|---|---|---|---|",
        f"| `guide.grid` 50 channels × 3 h | {r['grid_p95_ms']:.1f} ms | {r['grid_median_ms']:.1f} ms | ≤ 20 ms {ok} |",
        f"| `guide.now_next` 50 channels | {r['now_next_p95_ms']:.1f} ms | {r['now_next_median_ms']:.1f} ms | — |",
    ])


if __name__ == "__main__":
    import json

    print(json.dumps({k: v for k, v in run().items() if k != "markdown"}, indent=2))
