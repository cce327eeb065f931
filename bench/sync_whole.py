"""Full catalog sync as a user waits for it: ``xtplay sync`` against the floor, as whole processes.

The demo provider runs in its own process (``xtplay demo-provider``) at 30,000 channels,
100,000 movies and 20,000 series, and every list is fetched once before timing, so it serves
prebuilt bytes and its generation is not timed. Then, in alternating pairs, the floor
(``bench/floor_sync.py``: fetch, parse, insert with one FTS index) and ``xtplay sync`` on a
fresh home each run as a whole process, start-up included. Each process's wall time, CPU
time (user + system, from ``wait4``) and peak RSS are read, and the median of the pairwise
ratios is reported beside the absolute figures. A second ``xtplay sync`` of the unchanged
catalog (the re-sync of every 12 hours) is timed the same way against the same pair's floor,
with the bytes the library file and its WAL grew by. Then the provider switches to the second
version of its movie list (``/_demo/catalog``: 1 % renamed, 1 % added, 1 % removed, built
before the timing) and a third ``xtplay sync`` is timed; the library is then compared with the
one before it (exactly those rows changed?) and searched for the new names
(``bench/_library_changes.py``), and the provider switches back for the next pair.
``XTPLAY_BENCH_SCALE=0.1`` shrinks the sizes; ``XTPLAY_BENCH_PAIRS`` sets the pairs (5).

Targets (issue 15): full sync ≤ 1.4× wall, ≤ 2.0× CPU, peak RSS ≤ the floor's; unchanged
re-sync ≤ 0.5× the floor's wall, writing (almost) nothing; the 1 % re-sync ≤ 0.6× the floor's
wall, changing exactly those rows.
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
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import _library_changes as changes

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZES = {"live": 30_000, "vod": 100_000, "series": 20_000}
USERNAME, PASSWORD = "bench", "bench-pass"
TARGETS = {"wall": 1.4, "cpu": 2.0, "rss": 1.0, "resync_wall": 0.5, "changed_wall": 0.6}


@dataclass(frozen=True)
class Run:
    """One whole process: wall seconds, CPU seconds (user + system), peak RSS in MB."""

    wall: float
    cpu: float
    rss_mb: float
    wal_peak: int = 0  #: the largest the watched WAL file was while the process ran (bytes)


def _bin(name: str) -> str:
    candidate = ROOT / ".venv" / "bin" / name
    return str(candidate) if candidate.exists() else name


def _watch(path: Path, peak: list[int], stop: threading.Event) -> None:
    while not stop.wait(0.01):
        try:
            peak[0] = max(peak[0], path.stat().st_size)
        except FileNotFoundError:
            pass


def timed(argv: list[str], env: dict[str, str], wal: Path | None = None) -> Run:
    """Run a process to its end and read its own resource use (not this process's); with
    ``wal``, also the largest that file was meanwhile (polled every 10 ms: SQLite removes a WAL
    when the last connection closes, so its size after the process says nothing)."""
    peak, stop = [0], threading.Event()
    watcher = threading.Thread(target=_watch, args=(wal, peak, stop), daemon=True) if wal else None
    if watcher:
        watcher.start()
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if watcher:
        stop.set()
        watcher.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed ({proc.returncode}): {err[-1500:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak[0])


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


#: The lists a sync asks for, in its order (after the login).
LIST_ACTIONS = ("get_live_categories", "get_live_streams", "get_vod_categories", "get_vod_streams",
                "get_series_categories", "get_series")


def list_urls(url: str) -> list[str]:
    """The login and every list a sync asks the provider for."""
    query = f"{url}/player_api.php?username={USERNAME}&password={PASSWORD}"
    return [query] + [f"{query}&action={action}" for action in LIST_ACTIONS]


def warm(url: str) -> int:
    """Fetch every list once, so the provider serves them from its serialised cache; returns
    the bytes of the login and the lists."""
    total = 0
    with httpx.Client(timeout=httpx.Timeout(10, read=600)) as client:
        for address in list_urls(url):
            answer = client.get(address)
            answer.raise_for_status()
            total += len(answer.content)
    return total


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


def figures(floors: list[Run], syncs: list[Run], resyncs: list[Run], changed: list[Run] | None = None) -> dict:
    """Median pair ratios of syncs and unchanged re-syncs (and re-syncs of a changed list, when
    measured) to the floor, and each side's medians (the sync benchmarks of every source kind
    report the same figures)."""
    ratios = {"wall": _ratio(syncs, floors, "wall"), "cpu": _ratio(syncs, floors, "cpu"),
              "rss": _ratio(syncs, floors, "rss_mb"), "resync_wall": _ratio(resyncs, floors, "wall")}
    sides = [("floor", floors), ("sync", syncs), ("resync", resyncs)]
    if changed:
        ratios["changed_wall"] = _ratio(changed, floors, "wall")
        ratios["changed_cpu"] = _ratio(changed, floors, "cpu")
        sides.append(("changed", changed))
    return {
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        **{name: {f: round(_median(runs, f), 3) for f in ("wall", "cpu", "rss_mb")} for name, runs in sides},
        "pair_walls": [{"floor": round(f.wall, 2), "sync": round(s.wall, 2)} for f, s in zip(floors, syncs, strict=True)],
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
""" + (f"""| 1 % changed, added, removed: re-sync, wall seconds | {f["wall"]:.2f} | {r["changed"]["wall"]:.2f} | \
{ratio["changed_wall"]:.2f}× | {target("changed_wall")}
| 1 % re-sync, CPU seconds | {f["cpu"]:.2f} | {r["changed"]["cpu"]:.2f} | {ratio["changed_cpu"]:.2f}× | | |
""" if "changed" in r else "") + _pairs_line(r)


def _pairs_line(r: dict) -> str:
    """Each pair's wall seconds: the median ratio is of these pairs, not of the two medians."""
    pairs = r.get("pair_walls") or []
    if not pairs:
        return ""
    shown = ", ".join(f"{p['floor']:.2f} → {p['sync']:.2f} ({p['sync'] / p['floor']:.2f}×)" for p in pairs)
    return f"\nWall seconds of each pair, floor → xtplay sync: {shown}.\n"


def stop_provider(provider: subprocess.Popen[str], home: Path) -> None:
    """Stop the provider process (Ctrl-C, then a kill) and remove its home."""
    provider.send_signal(signal.SIGINT)
    try:
        provider.wait(timeout=30)
    except subprocess.TimeoutExpired:
        provider.kill()
        provider.wait()
    shutil.rmtree(home, ignore_errors=True)


def revise(url: str, revision: int) -> dict[str, list[int]]:
    """Have the provider serve ``revision`` of its movie list (built before it answers); returns
    the ids it changed, added and removed."""
    answer = httpx.post(f"{url}/_demo/catalog", json={"revision": revision}, timeout=600)
    answer.raise_for_status()
    movies: dict[str, list[int]] = answer.json()["movies"]
    return movies


def floor_run(url: str, env: dict[str, str]) -> Run:
    """One floor process on a fresh database."""
    with tempfile.TemporaryDirectory(prefix="xtplay-bench-floor-") as tmp:
        return timed([_bin("python"), str(HERE / "floor_sync.py"), url, USERNAME, PASSWORD,
                      str(Path(tmp) / "floor.db")], env)


def _median_of(items: list[dict[str, int]], key: str) -> int:
    return int(statistics.median(item[key] for item in items))


def run() -> dict:
    scale = float(os.environ.get("XTPLAY_BENCH_SCALE", "1"))
    pairs = int(os.environ.get("XTPLAY_BENCH_PAIRS", "5"))
    base_env = {**os.environ, "XTPLAY_KEYRING": "file"}
    provider_home = Path(tempfile.mkdtemp(prefix="xtplay-bench-provider-"))
    provider, url = start_provider(scale, provider_home)
    floors: list[Run] = []
    syncs: list[Run] = []
    resyncs: list[Run] = []
    changed: list[Run] = []
    grew: dict[str, list[dict[str, int]]] = {"unchanged": [], "changed": []}
    checks: list[dict] = []
    try:
        warm(url)
        for i in range(pairs):
            for who in (("floor", "xtplay") if i % 2 == 0 else ("xtplay", "floor")):
                if who == "floor":
                    floors.append(floor_run(url, base_env))
                    continue
                home, env = new_home(url, base_env)
                library = home / "xtplay.db"
                try:
                    syncs.append(timed([_bin("xtplay"), "sync", "Bench"], env))
                    before = changes.sizes(library)
                    resyncs.append(timed([_bin("xtplay"), "sync", "Bench"], env, changes.wal(library)))
                    grew["unchanged"].append(changes.growth(before, changes.sizes(library), resyncs[-1].wal_peak))
                    rows = changes.movie_rows(library)
                    expected = revise(url, 1)  # not timed: the provider builds the revised list
                    before = changes.sizes(library)
                    changed.append(timed([_bin("xtplay"), "sync", "Bench"], env, changes.wal(library)))
                    grew["changed"].append(changes.growth(before, changes.sizes(library), changed[-1].wal_peak))
                    after = changes.movie_rows(library)
                    checks.append({**changes.compare(rows, after, expected),
                                   **changes.found_by_search(library, after, expected)})
                finally:
                    revise(url, 0)
                    shutil.rmtree(home, ignore_errors=True)
    finally:
        stop_provider(provider, provider_home)

    result = {"scale": scale, "pairs": pairs, **figures(floors, syncs, resyncs, changed),
              "growth": {k: {f: _median_of(v, f) for f in ("db_bytes", "wal_bytes", "wal_before")} for k, v in grew.items()},
              "changed_rows": checks, "load_average": os.getloadavg()}
    result["markdown"] = _markdown(result)
    return result


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n >= 1024 or n == 0 else f"{n} B"


def _markdown(r: dict) -> str:
    g, c = r["growth"], r["changed_rows"]
    exact = all(x["exact"] for x in c)
    first = c[0]
    found = sum(x["added_found"] + x["changed_found"] for x in c)
    searched = sum(x["added_searched"] + x["changed_searched"] for x in c)
    return f"""## Full sync as whole processes (`python -m bench sync_whole`)

Run {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, scale {r["scale"]}, {r["pairs"]} alternating pairs,
provider in its own process serving prebuilt lists; load average at the end {r["load_average"][0]:.2f}.
Ratios are medians of the pairwise ratios (xtplay ÷ floor of the same pair). The 1 % re-sync
follows the unchanged one in the same home, after the provider switched to the second version
of its movie list (1 % of the movies renamed, 1 % added, 1 % removed; the other lists unchanged).

{figures_table(r, TARGETS)}
| what a re-sync wrote (median) | library file grew by | its WAL grew by | target |
|---|---|---|---|
| unchanged re-sync | {_kb(g["unchanged"]["db_bytes"])} | {_kb(g["unchanged"]["wal_bytes"])} | (almost) nothing |
| 1 % re-sync | {_kb(g["changed"]["db_bytes"])} | {_kb(g["changed"]["wal_bytes"])} | — |

The WAL's growth is from its size before the process ({_kb(g["unchanged"]["wal_before"])}) to the largest it was while
the process ran (polled every 10 ms; SQLite removes it when the last connection closes).

Rows after the 1 % re-sync (first pair): {first["removed"]:,} removed, {first["added"]:,} added,
{first["changed"]:,} changed, {"exactly" if exact else "**not exactly**"} the provider's changes in
{"every pair" if exact else "some pair"}; of the other movies {first["moved_only"]:,} got a new number or
position only ({first["repositioned"]:,} of them a new position; a panel renumbers every item after one it
removed, and the library keeps the number of channels only) and {first["unchanged"]:,} are as they were.
Search right after the sync process ended found
{found} of {searched} new and renamed names searched for.
"""


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2, default=str))
    sys.exit(0)
