"""The long crash-safety run: ``tests/library/test_crash_safety.py`` with 50 seeded SIGKILLs of
``xtplay sync`` and ``xtplay guide refresh`` (CI runs 10). Not a timing benchmark: its figure
is how many kills landed mid-work and that every one left the library whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KILLS = int(os.environ.get("XTPLAY_CRASH_KILLS", "50"))


def run() -> dict:
    report = ROOT / "bench" / "results" / "crash_kills.report.json"
    report.parent.mkdir(exist_ok=True)
    report.unlink(missing_ok=True)
    env = {**os.environ, "XTPLAY_CRASH_KILLS": str(KILLS), "PYTHONPATH": str(ROOT / "src"),
           "XTPLAY_CRASH_REPORT": str(report)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/library/test_crash_safety.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    passed = done.returncode == 0
    mid_work = json.loads(report.read_text())["mid_work"] if report.exists() else None
    return {"kills": KILLS, "mid_work": mid_work, "seed": int(os.environ.get("XTPLAY_CRASH_SEED", "18")), "passed": passed,
            "seconds": round(seconds, 1), "pytest": tail,
            "markdown": f"## Crash safety (issue 18)\n\n`python -m bench crash_kills`: {KILLS} SIGKILLs at seeded "
                        f"random moments of `xtplay sync` and `xtplay guide refresh` (half each), a full disk "
                        f"mid-sync, and a second sync process on the same home. Every kill must leave "
                        f"`integrity_check` ok, each catalog type and the guide wholly old or wholly new, "
                        f"favorites and history untouched.\n\nLast run: **{'all whole' if passed else 'FAILED'}** "
                        f"({tail}); {mid_work} of the {KILLS} kills landed while the process was still working, "
                        f"{seconds:.0f} s."}
