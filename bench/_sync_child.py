"""Run by bench/catalog_library.py in its own process: add a profile in HOME, sync it, report
seconds, counts and memory (RSS now, and the peak) as JSON. ``--again`` syncs a second time
(an unchanged catalog) and reports that too."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import resource
import sys
import time


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(home: str, url: str, username: str, password: str, again: bool) -> dict:
    os.environ.setdefault("XTPLAY_KEYRING", "file")
    from xtplay import db
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault
    from xtplay.config import load_settings
    from xtplay.library import sync

    settings = load_settings(home)
    conn = db.open_library(settings.db_path)
    vault = Vault.open(settings)
    try:
        profile = profiles.get_profile(conn, "Bench")
    except Exception:
        profile = profiles.insert_profile(conn, vault, name="Bench", url=url, username=username, password=password)
    before = rss_mb()
    started = time.perf_counter()
    result = asyncio.run(sync.sync_profile(settings, conn, vault, profile))
    seconds = time.perf_counter() - started
    gc.collect()
    out = {"status": result.status, "errors": result.errors, "counts": result.counts, "seconds": seconds,
           "rss_before_mb": before, "rss_after_mb": rss_mb(),
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if again:
        started = time.perf_counter()
        second = asyncio.run(sync.sync_profile(settings, conn, vault, profile))
        out["resync_seconds"] = time.perf_counter() - started
        out["resync_status"] = second.status
        gc.collect()
        out["rss_after_resync_mb"] = rss_mb()
    conn.close()
    return out


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5], again="--again" in sys.argv)))
