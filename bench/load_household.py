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
import signal
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
#: RSS and ffmpeg children are sampled this often; the first ``WARMUP`` of the run is warm-up.
SAMPLE_SECONDS = 5.0
WARMUP = 0.25
#: ``XTPLAY_LOAD_TRACEMALLOC=1`` runs the server under ``bench/_serve_traced.py`` and reports
#: which lines of code hold the memory that grew between the warm snapshot and the last one.
TRACEMALLOC = os.environ.get("XTPLAY_LOAD_TRACEMALLOC", "") not in ("", "0")
WORDS = ["news", "sport", "demo", "night", "love", "war", "city", "star", "blue", "king", "café", "hd"]


def client_keepalive() -> float:
    """How long the clients keep an idle connection for reuse: well under the app's keep-alive.

    httpx's default (5 s) equals uvicorn's, and a request sent on a connection the app closes
    at that moment fails (``ConnectionResetError`` on a reused connection). A browser resends
    such a request by itself; httpx does not, so the bench must not race the app there.
    ``XTPLAY_LOAD_CLIENT_KEEPALIVE=5`` (the app's own value) reproduces the race.
    """
    from xtplay.config import KEEP_ALIVE_SECONDS

    return float(os.environ.get("XTPLAY_LOAD_CLIENT_KEEPALIVE", KEEP_ALIVE_SECONDS * 0.4))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(pid: int) -> dict[str, float]:
    """RSS, its anonymous part (heap: not the mapped library files) in MB, and the thread count."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {"rss": int(fields["VmRSS"].split()[0]) / 1024, "anon": int(fields["RssAnon"].split()[0]) / 1024,
            "threads": int(fields["Threads"])}


def _rss_mb(pid: int) -> float:
    return _status(pid)["rss"]


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


def _tracer() -> tuple[dict, object]:
    """A trace hook that notes whether a request opened its own connection (else it reused one
    kept alive from an earlier answer): the two fail for different reasons."""
    seen = {"new": False}

    async def trace(event: str, info: dict) -> None:
        if event == "connection.connect_tcp.complete":
            seen["new"] = True

    return seen, trace


def _failure(exc: BaseException) -> str:
    """The exception and its deepest cause (``ReadError ← ConnectionResetError``)."""
    names, seen = [type(exc).__name__], exc
    while (seen.__cause__ or seen.__context__) is not None and len(names) < 4:
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
        names.append(type(seen).__name__)
    return " ← ".join(dict.fromkeys(names))


async def _get(client: httpx.AsyncClient, who: str, path: str, out: dict, t0: float) -> float | None:
    """One GET; its latency, or ``None`` after recording the error with what it hit."""
    seen, trace = _tracer()
    started = time.monotonic()
    try:
        answer = await client.get(path, extensions={"trace": trace})
        out["new_connections"] += seen["new"]
    except httpx.HTTPError as exc:
        out["errors"].append({"client": who, "path": path.split("?")[0], "error": _failure(exc),
                              "detail": str(exc)[:120], "connection": "new" if seen["new"] else "reused",
                              "at_s": round(started - t0, 1), "after_s": round(time.monotonic() - started, 3)})
        return None
    if answer.status_code >= 500:
        out["errors"].append({"client": who, "path": path.split("?")[0], "error": f"HTTP {answer.status_code}",
                              "detail": answer.text[:120], "connection": "new" if seen["new"] else "reused",
                              "at_s": round(started - t0, 1), "after_s": round(time.monotonic() - started, 3)})
        return None
    return time.monotonic() - started


async def _browse(client: httpx.AsyncClient, n: int, pid: int, t0: float, stop_at: float, out: dict) -> None:
    rng = random.Random(n)
    who = f"browser {n}"
    while time.monotonic() < stop_at:
        kind = rng.choice(["live", "movies", "series"])
        path = rng.choice([f"/{kind}", f"/{kind}/rows", f"/search?q={rng.choice(WORDS)}",
                           f"/api/search?q={rng.choice(WORDS)}", f"/api/items?type={kind.rstrip('s')}&limit=50",
                           f"/movies/{rng.randint(1, max(4, int(100_000 * SCALE)))}", "/guide", "/favorites"])
        took = await _get(client, who, path, out, t0)
        if took is not None:
            out["latency"].append(took)
        took = await _get(client, who, "/healthz", out, t0)
        if took is not None:
            out["floor"].append(took)


async def _view(client: httpx.AsyncClient, n: int, path: str, t0: float, stop_at: float, out: dict) -> None:
    who = f"viewer {n}"
    while time.monotonic() < stop_at:
        seen, trace = _tracer()
        started = time.monotonic()
        try:
            async with client.stream("GET", path, extensions={"trace": trace}) as answer:
                if answer.status_code != 200:
                    out["viewer_errors"].append({"client": who, "path": path, "error": f"HTTP {answer.status_code}",
                                                 "detail": (await answer.aread())[:120].decode("utf-8", "replace"),
                                                 "at_s": round(started - t0, 1)})
                    await asyncio.sleep(1)
                    continue
                async for chunk in answer.aiter_bytes():
                    out["viewer_bytes"] += len(chunk)
                    if time.monotonic() >= stop_at:
                        break
        except httpx.HTTPError as exc:
            out["viewer_errors"].append({"client": who, "path": path, "error": _failure(exc), "detail": str(exc)[:120],
                                         "connection": "new" if seen["new"] else "reused",
                                         "at_s": round(started - t0, 1)})


async def _sample(server_pid: int, t0: float, stop_at: float, out: dict) -> None:
    """The server's memory, threads and ffmpeg children every ``SAMPLE_SECONDS`` of the run;
    with tracemalloc on, a snapshot once warm and one at the end."""
    warm_at = t0 + WARMUP * (stop_at - t0)
    snapped = False
    while True:
        now = time.monotonic()
        status = _status(server_pid)
        out["samples"].append({"t": round(now - t0, 1), "rss": round(status["rss"], 1), "anon": round(status["anon"], 1),
                               "threads": status["threads"], "ffmpeg": _ffmpeg_children(server_pid)})
        if TRACEMALLOC and not snapped and now >= warm_at:
            os.kill(server_pid, signal.SIGUSR1)
            snapped = True
        if now >= stop_at:
            if TRACEMALLOC:
                os.kill(server_pid, signal.SIGUSR1)
            return
        await asyncio.sleep(min(SAMPLE_SECONDS, max(0.0, stop_at - time.monotonic())))


async def _load(url: str, pid: int, server_pid: int) -> dict:
    out: dict = {"latency": [], "floor": [], "errors": [], "viewer_errors": [], "viewer_bytes": 0, "samples": [],
                 "new_connections": 0}
    limits = httpx.Limits(max_connections=VIEWERS + BROWSERS + 10, keepalive_expiry=client_keepalive())
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await client.get("/live")  # the session cookie
        await client.get(f"/play/{pid}/movie/1/info")
        t0 = time.monotonic()
        stop_at = t0 + SECONDS
        live = [f"/play/{pid}/live/{n}/stream.ts" for n in range(1, 7)]
        movies = [f"/play/{pid}/movie/{n}/remux.mp4" for n in (1, 2, 4, 5)]
        viewers = [(live + movies)[i % 10] for i in range(VIEWERS)]
        tasks = [asyncio.create_task(_sample(server_pid, t0, stop_at, out))]
        tasks += [asyncio.create_task(_view(client, n, path, t0, stop_at, out)) for n, path in enumerate(viewers)]
        tasks += [asyncio.create_task(_browse(client, n, pid, t0, stop_at, out)) for n in range(BROWSERS)]
        await asyncio.gather(*tasks)
    reaped_at = time.monotonic()
    left = await _reaped(server_pid)
    return {"requests": len(out["latency"]), "new_connections": out["new_connections"], "errors": len(out["errors"]), "error_list": out["errors"],
            "error_kinds": _kinds(out["errors"]), "viewer_errors": len(out["viewer_errors"]),
            "viewer_error_list": out["viewer_errors"][:50], "viewer_error_kinds": _kinds(out["viewer_errors"]),
            "viewer_mb": round(out["viewer_bytes"] / 2**20, 1),
            "p50_ms": round(_p(out["latency"], 0.5), 1), "p95_ms": round(_p(out["latency"], 0.95), 1),
            "floor_p50_ms": round(_p(out["floor"], 0.5), 1), "floor_p95_ms": round(_p(out["floor"], 0.95), 1),
            "p50_ratio": round(statistics.median(out["latency"]) / statistics.median(out["floor"]), 1)
            if out["latency"] and out["floor"] else None,
            **_rss_figures(out["samples"]), "ffmpeg_during": max((x["ffmpeg"] for x in out["samples"]), default=0),
            "ffmpeg_left_after": left, "reaped_within_s": round(time.monotonic() - reaped_at, 1)}


def _kinds(errors: list[dict]) -> dict[str, int]:
    """How many errors of each ``client kind · path · error · connection``."""
    counts: dict[str, int] = {}
    for e in errors:
        key = " · ".join([e["client"].split()[0], e["path"], e["error"], e.get("connection", "")]).rstrip(" ·")
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _rss_figures(samples: list[dict]) -> dict:
    """RSS at the start, once warm (``WARMUP`` of the run), at the end, and its slope after warm-up:
    caches, pools and threads fill in the first part; what keeps growing after them is a leak."""
    if not samples:
        return {}
    end_s = samples[-1]["t"]
    warm = [x for x in samples if x["t"] >= WARMUP * end_s]

    def slope(key: str) -> float:
        if len(warm) < 3:
            return float("nan")
        return round(statistics.linear_regression([x["t"] for x in warm], [x[key] for x in warm]).slope * 60, 2)

    return {"rss_start_mb": samples[0]["rss"], "rss_warm_mb": warm[0]["rss"] if warm else None,
            "rss_warm_at_s": warm[0]["t"] if warm else None, "rss_end_mb": samples[-1]["rss"],
            "rss_peak_mb": max(x["rss"] for x in samples), "rss_slope_mb_per_min": slope("rss"),
            "anon_slope_mb_per_min": slope("anon"), "threads_start_end": [samples[0]["threads"], samples[-1]["threads"]],
            "rss_samples": samples}


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
        busy = await _one_too_many(client, f"/play/{pid}/movie/3/remux.mp4")
    ceiling = max((k for k, speed in speeds.items() if speed >= 1.0), default=0)
    return {"mode": info.get("mode"), "media_seconds": duration, "slowest_speed_by_k": speeds, "ceiling": ceiling,
            "one_too_many": busy, "ffmpeg_left_after": await _reaped(server_pid)}


async def _reaped(server_pid: int, within: float = 15.0) -> int:
    """The server's ffmpeg children left once its viewers have gone, waiting up to ``within``
    seconds for them to be killed and reaped (the server does it as it notices each one leave)."""
    deadline = time.monotonic() + within
    while _ffmpeg_children(server_pid) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    return _ffmpeg_children(server_pid)


async def _one_too_many(client: httpx.AsyncClient, path: str) -> dict:
    """What the viewer past the limit is told: the pool's ``DEFAULT_LIMIT`` viewers each hold a
    conversion open (one that reads nothing more, as a paused player, keeps ffmpeg waiting on its
    pipe), and one more asks for the same movie."""
    from xtplay.playback.remux import DEFAULT_LIMIT

    held = [await client.send(client.build_request("GET", path), stream=True) for _ in range(DEFAULT_LIMIT)]
    try:
        started = time.monotonic()
        extra = await client.get(path, headers={"Accept": "application/json"})
        waited = time.monotonic() - started
    finally:
        for answer in held:
            await answer.aclose()
    told = extra.json() if extra.headers.get("content-type", "").startswith("application/json") else {}
    return {"held": [a.status_code for a in held], "status": extra.status_code, "waited_s": round(waited, 1),
            "retry_after": extra.headers.get("retry-after"), "message": told.get("message", extra.text[:200])}


def run() -> dict:
    ran_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())  # the README's table says when
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
            serve = ["--home", home, "serve", "--port", str(port), "--no-browser"]
            snaps = Path(home) / "tracemalloc"
            snaps.mkdir()
            command = ([sys.executable, str(ROOT / "bench" / "_serve_traced.py"), str(snaps), "12", *serve]
                       if TRACEMALLOC else [sys.executable, "-m", "xtplay.cli", *serve])
            proc = subprocess.Popen(command, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
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
                load_start = round(os.getloadavg()[0], 1)
                load = asyncio.run(_load(url, pid, proc.pid))
                ceiling = asyncio.run(_ceiling(url, pid, proc.pid))
            finally:
                proc.terminate()
                proc.wait(15)
                log.close()
                server_log = _log_problems((Path(home) / "serve.log").read_text(errors="replace"))
                grown = _grown(snaps) if TRACEMALLOC else None
    from xtplay.config import KEEP_ALIVE_SECONDS

    result = {"ran_at": ran_at, "scale": SCALE, "seconds": SECONDS, "viewers": VIEWERS, "browsers": BROWSERS,
              "keep_alive_s": {"app": KEEP_ALIVE_SECONDS, "clients": client_keepalive()},
              "library": sum(sizes.values()), **load,
              "load_average": {"start": load_start, "end": round(os.getloadavg()[0], 1)}, "ceiling": ceiling, "server_log": server_log}
    if grown is not None:
        result["tracemalloc"] = grown
    result["markdown"] = _markdown(result)
    return result


def _grown(snaps: Path) -> dict:
    """Where the traced Python heap grew between the warm snapshot and the last one: the top
    lines of code by growth, and the whole call stack of the top few."""
    import tracemalloc

    files = sorted(snaps.glob("*.snap"), key=lambda f: int(f.stem))
    if len(files) < 2:
        return {"error": f"{len(files)} snapshot(s) written"}
    keep = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>")]
    first, last = (tracemalloc.Snapshot.load(str(f)).filter_traces(keep) for f in (files[0], files[-1]))
    by_line = last.compare_to(first, "lineno")
    by_stack = last.compare_to(first, "traceback")
    return {"heaps": [f.with_suffix(".txt").read_text().strip() for f in (files[0], files[-1])],
            "grown_kb": round(sum(d.size_diff for d in by_line) / 1024, 1),
            "top_lines": [f"{d.size_diff / 1024:+.1f} KB ({d.count_diff:+d} blocks) {d.traceback[0]}" for d in by_line[:15]],
            "top_stacks": [[f"{d.size_diff / 1024:+.1f} KB ({d.count_diff:+d})", *map(str, d.traceback.format()[-16:])]
                           for d in by_stack[:4]]}


def _log_problems(text: str) -> dict:
    """What the server itself logged as going wrong: tracebacks and error lines, counted by their
    last line (the exception), with the first few kept whole."""
    lines = text.splitlines()
    problems: dict[str, int] = {}
    for i, line in enumerate(lines):
        if line.startswith("Traceback"):
            end = next((j for j in range(i + 1, len(lines)) if lines[j] and not lines[j].startswith((" ", "Traceback"))),
                       len(lines) - 1)
            problems[lines[end][:160]] = problems.get(lines[end][:160], 0) + 1
        elif " ERROR " in line or line.startswith(("ERROR", "WARNING")):
            problems[line[:160]] = problems.get(line[:160], 0) + 1
    return {"lines": len(lines), "problems": problems, "tail": lines[-15:]}


def _markdown(r: dict) -> str:
    c, busy = r["ceiling"], r["ceiling"].get("one_too_many") or {}
    kinds = "; ".join(f"{n}× {kind}" for kind, n in r["error_kinds"].items())
    told_busy = sum(n for kind, n in r["viewer_error_kinds"].items() if kind.endswith("HTTP 503"))
    viewer_kinds = "; ".join(f"{n}× {kind}" for kind, n in r["viewer_error_kinds"].items() if not kind.endswith("HTTP 503"))
    other = r["viewer_errors"] - told_busy
    samples = r["rss_samples"]
    trace = ", ".join(f"{x['t']:.0f}: {x['rss']:.0f}" for i, x in enumerate(samples) if i % 6 == 0 or i == len(samples) - 1)
    load = r.get("load_average", {})
    return (f"## Household load (issue 18)\n\n`bench/load_household.py`, run {r.get('ran_at', '')}: {r['viewers']} "
            f"viewers (6 live channels through the proxy, 4 movies remuxed or transcoded by ffmpeg) and "
            f"{r['browsers']} clients browsing and searching without pause for {r['seconds']:.0f} s against one "
            f"`xtplay serve` on a library of {r['library']:,} items (scale {r['scale']}), all on this machine's "
            f"2 CPUs with the demo provider (load average {load.get('start', '?')} at the start, "
            f"{load.get('end', '?')} at the end: the machine was shared). Floor: `/healthz` under the same load. "
            f"The clients keep an idle connection {r['keep_alive_s']['clients']:g} s, the app "
            f"{r['keep_alive_s']['app']:g} s (see “Broken connections” below).\n\n"
            f"| figure | value | target |\n|---|---|---|\n"
            f"| page/API answers (new connections) | {r['requests']:,} ({r['new_connections']:,}) | |\n"
            f"| errors (5xx or broken) | {r['errors']}{' (' + kinds + ')' if r['errors'] else ''} | 0 "
            f"{'✅' if r['errors'] == 0 else '**not met**'} |\n"
            f"| p50 / p95 latency | {r['p50_ms']} ms / {r['p95_ms']} ms | |\n"
            f"| floor p50 / p95 | {r['floor_p50_ms']} ms / {r['floor_p95_ms']} ms (p50 ratio {r['p50_ratio']}) | |\n"
            f"| viewers' bytes / viewer errors / told busy | {r['viewer_mb']} MB / {other}"
            f"{' (' + viewer_kinds + ')' if other else ''} / {told_busy} | 0 errors {'✅' if other == 0 else '**not met**'}; "
            f"4 movie viewers for 3 conversion slots: the 4th is told busy |\n"
            f"| server RSS start → warm ({r['rss_warm_at_s']:.0f} s) → end; peak | {r['rss_start_mb']} → "
            f"{r['rss_warm_mb']} → {r['rss_end_mb']} MB; {r['rss_peak_mb']} MB | flat after warm-up |\n"
            f"| RSS slope after warm-up (its anonymous part) | {r['rss_slope_mb_per_min']} MB/min "
            f"({r['anon_slope_mb_per_min']} MB/min) | ≈ 0 |\n"
            f"| server threads start / end | {r['threads_start_end'][0]} / {r['threads_start_end'][1]} | |\n"
            f"| ffmpeg during / left after the viewers left | {r['ffmpeg_during']} / {r['ffmpeg_left_after']} "
            f"(gone within {r['reaped_within_s']} s) | 0 left |\n"
            f"| transcodes at once → slowest speed (× real time) | "
            f"{', '.join(f'{k}: {v}×' if v else f'{k}: one told busy' for k, v in c['slowest_speed_by_k'].items())} | |\n"
            f"| transcode ceiling (all at ≥ 1×) | {c['ceiling']} | |\n"
            f"| one viewer past the limit ({len(busy.get('held', []))} held) | HTTP {busy.get('status')} after "
            f"{busy.get('waited_s')} s (Retry-After {busy.get('retry_after')}): “{busy.get('message')}” | "
            f"a clear busy message |\n\n"
            f"RSS over the run (s: MB): {trace}.\n\n"
            f"Past the pool's limit a conversion waits for a slot, so the speed of the last `k` counts that "
            f"wait. A new conversion waits up to `SLOT_WAIT` seconds for a slot, then is told it is busy "
            f"(`ConversionsBusy`, 503) rather than starting one conversion too many.\n")
