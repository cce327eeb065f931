"""Proxy throughput: ≥ 10 concurrent live TS streams at ~8 Mbit/s each through ``/play/`` for
60 s on loopback (app, provider and viewers in three processes); stalls (a gap of more than 1 s between chunks once started), achieved
bitrate per stream, and the app's CPU per stream (the app runs alone in its own process)."""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx

try:
    from ._playback_setup import cpu_seconds, playback_stack
except ImportError:  # run as a script
    from _playback_setup import cpu_seconds, playback_stack

STREAMS = 10
SECONDS = 60.0
#: The demo clip is ~1.16 Mbit/s; the provider paces it this many times faster than real time.
LIVE_SPEED = 7.0
STALL_GAP = 1.0


async def _watch(client: httpx.AsyncClient, url: str, stop_at: float) -> dict:
    got, gaps, first = 0, [], None
    last = None
    async with client.stream("GET", url) as response:
        response.raise_for_status()
        async for chunk in response.aiter_raw(65536):
            now = time.monotonic()
            if first is None:
                first = now
            elif last is not None:
                gaps.append(now - last)
            last = now
            got += len(chunk)
            if now >= stop_at:
                break
    span = (last or 0) - (first or 0)
    return {
        "bytes": got,
        "mbit_s": got * 8 / span / 1e6 if span > 0 else 0.0,
        "max_gap_s": max(gaps) if gaps else None,
        "stalls": sum(1 for g in gaps if g > STALL_GAP),
    }


async def _measure(url: str, profile_id: int, pid: int) -> dict:
    limits = httpx.Limits(max_connections=STREAMS + 2)
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0), limits=limits) as client:
        cpu0, t0 = cpu_seconds(pid), time.monotonic()
        stop_at = t0 + SECONDS
        results = await asyncio.gather(
            *[_watch(client, f"{url}/play/{profile_id}/live/{n}/stream.ts", stop_at) for n in range(1, STREAMS + 1)]
        )
        wall = time.monotonic() - t0
        cpu = cpu_seconds(pid) - cpu0
    return {"results": results, "wall_s": wall, "app_cpu_s": cpu}


def _measure_in_child(url: str, profile_id: int, pid: int) -> dict:
    return asyncio.run(_measure(url, profile_id, pid))


def run() -> dict:
    import multiprocessing

    # The viewers run in their own process: the demo provider's threads in this one must not
    # delay their reads (that would count the provider's pauses against the proxy).
    with (playback_stack(live_speed=LIVE_SPEED, max_connections=STREAMS + 5) as (url, pid, profile_id, _demo),
          multiprocessing.get_context("spawn").Pool(1) as pool):
        measured = pool.apply(_measure_in_child, (url, profile_id, pid))
    results = measured["results"]
    rates = [r["mbit_s"] for r in results]
    stalls = sum(r["stalls"] for r in results)
    cpu_pct = 100 * measured["app_cpu_s"] / measured["wall_s"]
    out = {
        "streams": STREAMS,
        "seconds": round(measured["wall_s"], 1),
        "mbit_s_per_stream_median": round(statistics.median(rates), 2),
        "mbit_s_per_stream_min": round(min(rates), 2),
        "total_mbit_s": round(sum(rates), 1),
        "stalls": stalls,
        "max_gap_s": round(max(r["max_gap_s"] or 0 for r in results), 3),
        "app_cpu_percent_total": round(cpu_pct, 1),
        "app_cpu_percent_per_stream": round(cpu_pct / STREAMS, 2),
    }
    out["markdown"] = (
        "### Playback proxy (live TS through /play/)\n\n"
        f"{STREAMS} concurrent live MPEG-TS streams for {out['seconds']} s through the app's proxy on loopback "
        f"(demo provider paced at {LIVE_SPEED:g}× real time):\n\n"
        "| per stream (median / min) | total | stalls (> 1 s gap) | longest gap | app CPU total | app CPU per stream |\n"
        "|---|---|---|---|---|---|\n"
        f"| {out['mbit_s_per_stream_median']} / {out['mbit_s_per_stream_min']} Mbit/s | {out['total_mbit_s']} Mbit/s "
        f"| {stalls} | {out['max_gap_s']} s | {out['app_cpu_percent_total']} % | {out['app_cpu_percent_per_stream']} % |\n"
    )
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
