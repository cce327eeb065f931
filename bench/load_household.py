"""A household's load on one ``xtplay serve``: 10 viewers (live channels through the proxy and
movies remuxed by ffmpeg) while 50 clients browse and search, on the big demo library.

Figures: p50/p95 latency of pages and API answers, errors (5xx or a broken connection), the
server's RSS at the start and the end, whether every ffmpeg is gone once the viewers leave, and
the transcode ceiling: how many conversions start at once and what the next one is told. The
floor of the same run is ``/healthz`` under the same load (the least the server can answer).

``XTPLAY_BENCH_SCALE`` scales the 150k library (30k channels, 100k movies, 20k series);
``XTPLAY_LOAD_SECONDS`` (default 300) the length; ``XTPLAY_LOAD_VIEWERS``/``_BROWSERS``.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("XTPLAY_BENCH_SCALE", "1"))
SECONDS = float(os.environ.get("XTPLAY_LOAD_SECONDS", "300"))
VIEWERS = int(os.environ.get("XTPLAY_LOAD_VIEWERS", "10"))
BROWSERS = int(os.environ.get("XTPLAY_LOAD_BROWSERS", "50"))
WORDS = ["news", "sport", "demo", "night", "love", "war", "city", "star", "blue", "king", "café", "hd"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _ffmpeg_children(pid: int) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat.rsplit(")", 1)[1].split()
            if name == "ffmpeg" and int(rest[1]) == pid and rest[0] != "Z":
                count += 1
    return count


def _p(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _browse(client: httpx.AsyncClient, pid: int, stop_at: float, seed: int, out: dict) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        kind = rng.choice(["live", "movies", "series"])
        path = rng.choice([f"/{kind}", f"/{kind}/rows", f"/search?q={rng.choice(WORDS)}",
                           f"/api/search?q={rng.choice(WORDS)}", f"/api/items?type={kind.rstrip('s')}&limit=50",
                           f"/movies/{rng.randint(1, max(4, int(100_000 * SCALE)))}", "/guide", "/favorites"])
        started = time.monotonic()
        try:
            answer = await client.get(path)
            if answer.status_code >= 500:
                out["errors"].append(f"{path.split('?')[0]}: HTTP {answer.status_code}")
            else:
                out["latency"].append(time.monotonic() - started)
        except httpx.HTTPError as exc:
            out["errors"].append(f"{path.split('?')[0]}: {type(exc).__name__}")
        floor_started = time.monotonic()
        try:
            await client.get("/healthz")
            out["floor"].append(time.monotonic() - floor_started)
        except httpx.HTTPError as exc:
            out["errors"].append(f"/healthz: {type(exc).__name__}")


async def _view(client: httpx.AsyncClient, path: str, stop_at: float, out: dict) -> None:
    while time.monotonic() < stop_at:
        try:
            async with client.stream("GET", path) as answer:
                if answer.status_code != 200:
                    out["viewer_errors"].append(answer.status_code)
                    await asyncio.sleep(1)
                    continue
                async for chunk in answer.aiter_bytes():
                    out["viewer_bytes"] += len(chunk)
                    if time.monotonic() >= stop_at:
                        break
        except httpx.HTTPError:
            out["viewer_errors"].append(0)


async def _load(url: str, pid: int, server_pid: int) -> dict:
    out: dict = {"latency": [], "floor": [], "errors": [], "viewer_errors": [], "viewer_bytes": 0}
    limits = httpx.Limits(max_connections=VIEWERS + BROWSERS + 10)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await client.get("/live")  # the session cookie
        for kind in ("movie",):
            await client.get(f"/play/{pid}/{kind}/1/info")
        rss_start = _rss_mb(server_pid)
        stop_at = time.monotonic() + SECONDS
        live = [f"/play/{pid}/live/{n}/stream.ts" for n in range(1, 7)]
        movies = [f"/play/{pid}/movie/{n}/remux.mp4" for n in (1, 2, 4, 5)]
        viewers = [(live + movies)[i % 10] for i in range(VIEWERS)]
        tasks = [asyncio.create_task(_view(client, path, stop_at, out)) for path in viewers]
        tasks += [asyncio.create_task(_browse(client, pid, stop_at, n, out)) for n in range(BROWSERS)]
        await asyncio.sleep(min(10.0, SECONDS / 2))
        during = _ffmpeg_children(server_pid)
        await asyncio.sleep(max(0.0, SECONDS / 4 - 10.0))
        rss_warm = _rss_mb(server_pid)  # a quarter in: caches and pools filled
        await asyncio.gather(*tasks)
        rss_end = _rss_mb(server_pid)
    reaped_at = time.monotonic()
    while _ffmpeg_children(server_pid) and time.monotonic() - reaped_at < 15:
        await asyncio.sleep(0.2)
    left = _ffmpeg_children(server_pid)
    return {"requests": len(out["latency"]), "errors": len(out["errors"]), "error_kinds": sorted(set(out["errors"])),
            "viewer_errors": len(out["viewer_errors"]), "viewer_mb": round(out["viewer_bytes"] / 2**20, 1),
            "p50_ms": round(_p(out["latency"], 0.5), 1), "p95_ms": round(_p(out["latency"], 0.95), 1),
            "floor_p50_ms": round(_p(out["floor"], 0.5), 1), "floor_p95_ms": round(_p(out["floor"], 0.95), 1),
            "p50_ratio": round(statistics.median(out["latency"]) / statistics.median(out["floor"]), 1)
            if out["latency"] and out["floor"] else None,
            "rss_start_mb": round(rss_start, 1), "rss_warm_mb": round(rss_warm, 1), "rss_end_mb": round(rss_end, 1), "ffmpeg_during": during,
            "ffmpeg_left_after": left}


async def _ceiling(url: str, pid: int, server_pid: int, most: int = 4) -> dict:
    """How many transcodes this machine keeps up with: ``k`` = 1…``most`` conversions of the HEVC
    movie (converted, not copied) at once, each one's speed as media seconds per wall second;
    the ceiling is the largest ``k`` whose slowest conversion still runs at 1× or more."""
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        await client.get("/live")
        info = (await client.get(f"/play/{pid}/movie/3/info")).json()
        duration = float(info.get("duration") or 0)

        async def one() -> float:
            started = time.monotonic()
            async with client.stream("GET", f"/play/{pid}/movie/3/remux.mp4") as answer:
                if answer.status_code != 200:
                    return 0.0
                async for _ in answer.aiter_bytes():
                    pass
            return duration / max(1e-6, time.monotonic() - started)

        speeds = {}
        for k in range(1, most + 1):
            speeds[k] = round(min(await asyncio.gather(*(one() for _ in range(k)))), 2)
    ceiling = max((k for k, speed in speeds.items() if speed >= 1.0), default=0)
    return {"mode": info.get("mode"), "media_seconds": duration, "slowest_speed_by_k": speeds, "ceiling": ceiling,
            "ffmpeg_left_after": _ffmpeg_children(server_pid)}


def run() -> dict:
    os.environ.setdefault("XTPLAY_KEYRING", "file")
    sys.path.insert(0, str(ROOT / "src"))
    from xtplay import db
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault
    from xtplay.config import load_settings
    from xtplay.demo import DemoProvider
    from xtplay.library import sync

    sizes = {"live": max(10, int(30_000 * SCALE)), "vod": max(10, int(100_000 * SCALE)),
             "series": max(5, int(20_000 * SCALE))}
    with tempfile.TemporaryDirectory(prefix="xtplay-load-") as home:
        settings = load_settings(home)
        media = load_settings().cache_dir / "demo-media"
        with DemoProvider(**sizes, media_dir=media, max_connections=VIEWERS + 20) as demo:
            conn = db.open_library(settings.db_path)
            vault = Vault.open(settings)

            async def setup() -> int:
                profile = await profiles.add_profile(conn, vault, settings, name="Home", url=demo.url,
                                                     username=demo.username, password=demo.password)
                profiles.use_profile(conn, profile.id)
                assert (await sync.sync_profile(settings, conn, vault, profile)).status == "ok"
                return profile.id

            pid = asyncio.run(setup())
            conn.close()
            port = _free_port()
            log = open(Path(home) / "serve.log", "wb")  # noqa: SIM115 - written by the server until it stops
            proc = subprocess.Popen([sys.executable, "-m", "xtplay.cli", "--home", home, "serve", "--port", str(port),
                                     "--no-browser"], env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
                                    stdout=log, stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("xtplay serve did not start")
                    time.sleep(0.2)
                load = asyncio.run(_load(url, pid, proc.pid))
                ceiling = asyncio.run(_ceiling(url, pid, proc.pid))
            finally:
                proc.terminate()
                proc.wait(15)
                log.close()
    result = {"scale": SCALE, "seconds": SECONDS, "viewers": VIEWERS, "browsers": BROWSERS,
              "library": sum(sizes.values()), **load, "ceiling": ceiling}
    result["markdown"] = _markdown(result)
    return result


def _markdown(r: dict) -> str:
    c = r["ceiling"]
    return (f"## Household load (issue 18)\n\n`bench/load_household.py`: {r['viewers']} viewers (live through the "
            f"proxy and movies remuxed by ffmpeg) and {r['browsers']} clients browsing and searching for "
            f"{r['seconds']:.0f} s against one `xtplay serve` on a library of {r['library']:,} items (scale "
            f"{r['scale']}). Floor: `/healthz` under the same load.\n\n"
            f"| figure | value |\n|---|---|\n"
            f"| page/API answers | {r['requests']:,} |\n"
            f"| errors (5xx or broken) | {r['errors']} {'(' + '; '.join(r['error_kinds']) + ')' if r['errors'] else ''} |\n"
            f"| p50 / p95 latency | {r['p50_ms']} ms / {r['p95_ms']} ms |\n"
            f"| floor p50 / p95 | {r['floor_p50_ms']} ms / {r['floor_p95_ms']} ms (p50 ratio {r['p50_ratio']}) |\n"
            f"| viewers' bytes / viewer errors | {r['viewer_mb']} MB / {r['viewer_errors']} |\n"
            f"| server RSS start → a quarter in → end | {r['rss_start_mb']} MB → {r['rss_warm_mb']} MB → "
            f"{r['rss_end_mb']} MB |\n"
            f"| ffmpeg during / left after viewers left | {r['ffmpeg_during']} / {r['ffmpeg_left_after']} |\n"
            f"| transcodes at once → slowest speed (× real time) | "
            f"{', '.join(f'{k}: {v}×' for k, v in c['slowest_speed_by_k'].items())} |\n"
            f"| transcode ceiling (all at ≥ 1×) | {c['ceiling']} |\n\n"
            f"Past the pool's limit a conversion waits for a slot, so the speed of the last ``k`` counts that "
            f"wait; the machine's speeds below the limit say how much room the limit leaves.\n\n"
            f"Past its limit of concurrent conversions (`playback.remux.DEFAULT_LIMIT`) a new one waits "
            f"up to `SLOT_WAIT` seconds, then is told “3 conversions are already running; stop one and try "
            f"again.” rather than starting to stutter.\n")
