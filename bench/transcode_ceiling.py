"""How many transcodes this machine keeps up with, past the app's default pool: ``xtplay serve``
is started with ``XTPLAY_CONVERSIONS`` raised to the most tried, then ``k`` = 1…most viewers
each fetch the whole HEVC demo movie converted at once (ffmpeg transcodes it, nothing copied).
A conversion's speed is media seconds per wall second; the ceiling is the largest ``k`` whose
slowest viewer still gets 1× or more, and the default pool (``DEFAULT_CONVERSIONS``) should stay
at or under it with room, so that the viewer past the pool is told "busy" before any stutters.
``XTPLAY_BENCH_CEILING_MOST`` sets the most tried (default: three times the CPUs, at least 6)."""

from __future__ import annotations

import asyncio
import os
import time

import httpx

try:
    from ._playback_setup import playback_stack
except ImportError:  # run as a script
    from _playback_setup import playback_stack

MOVIE = 3  #: the demo's HEVC movie (the browser cannot decode it: converted, not remuxed)


async def _speeds(url: str, profile_id: int, most: int) -> tuple[dict, float, str]:
    async with httpx.AsyncClient(base_url=url, timeout=600) as client:
        await client.get("/live")  # a session, as a page would have
        info = (await client.get(f"/play/{profile_id}/movie/{MOVIE}/info")).json()
        duration = float(info.get("duration") or 0)
        path = f"/play/{profile_id}/movie/{MOVIE}/remux.mp4"

        async def one() -> float:
            started = time.monotonic()
            async with client.stream("GET", path) as answer:
                if answer.status_code != 200:
                    refused.append(answer.status_code)
                    return 0.0
                async for _ in answer.aiter_bytes():
                    pass
            return duration / max(1e-6, time.monotonic() - started)

        speeds, refused = {}, []
        for k in range(1, most + 1):
            speeds[k] = round(min(await asyncio.gather(*(one() for _ in range(k)))), 2)
    if refused:
        raise RuntimeError(f"viewers were refused (HTTP {sorted(set(refused))}): the ceiling would not be the machine's")
    return speeds, duration, str(info.get("mode"))


def run() -> dict:
    from xtplay.config import CONVERSIONS_ENV, DEFAULT_CONVERSIONS

    ran_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    cpus = os.cpu_count() or 1
    most = int(os.environ.get("XTPLAY_BENCH_CEILING_MOST") or max(6, 3 * cpus))
    os.environ[CONVERSIONS_ENV] = str(most)  # the served app's pool takes every viewer tried
    load_start = round(os.getloadavg()[0], 1)
    try:
        with playback_stack(max_connections=most + 2) as (url, _pid, profile_id, _demo):  # the provider never the limit
            speeds, duration, mode = asyncio.run(_speeds(url, profile_id, most))
    finally:
        del os.environ[CONVERSIONS_ENV]
    ceiling = max((k for k, speed in speeds.items() if speed >= 1.0), default=0)
    result = {"ran_at": ran_at, "cpus": cpus, "mode": mode, "media_seconds": duration, "slowest_speed_by_k": speeds,
              "ceiling": ceiling, "default_pool": DEFAULT_CONVERSIONS,
              "load_average": {"start": load_start, "end": round(os.getloadavg()[0], 1)}}
    result["markdown"] = _markdown(result)
    return result


def _markdown(r: dict) -> str:
    rows = "\n".join(f"| {k} | {speed}× |" for k, speed in r["slowest_speed_by_k"].items())
    within = ("within it: the viewer past the pool is told the conversions are busy (HTTP 503 with "
              "Retry-After) before any running one stutters") if r["default_pool"] <= r["ceiling"] else \
        "**above it: lower the default**, or running conversions fall behind real time before anyone is told busy"
    most = max(r["slowest_speed_by_k"])
    ceiling = f"at least {most} (the most tried, all still at 1× or more)" if r["ceiling"] == most else \
        f"{r['ceiling']} (the most at once with every viewer at 1× or more)"
    return (f"## Transcode ceiling (`python -m bench transcode_ceiling`, run {r['ran_at']})\n\n"
            f"`xtplay serve` with its pool raised to {max(r['slowest_speed_by_k'])} conversions; k viewers at once "
            f"each fetch the {r['media_seconds']:.0f} s HEVC demo movie ({r['mode']}), on this machine's "
            f"{r['cpus']} CPUs (load average {r['load_average']['start']} at the start, {r['load_average']['end']} "
            f"at the end).\n\n| conversions at once | slowest viewer's speed (× real time) |\n|---|---|\n{rows}\n\n"
            f"**Ceiling: {ceiling}.** The demo movie is small (its picture is a test pattern at low "
            f"resolution): a provider's HD or 4K HEVC costs many times more per conversion, which is why the "
            f"default stays low. The default pool, "
            f"{r['default_pool']} (`XTPLAY_CONVERSIONS`), is {within}.\n")
