"""Atomicity of sync: a SIGKILL at any moment, an empty list, leave the previous catalog whole;
the CLI prints JSON; the scheduler syncs stale profiles."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.plugins.waiting import wait_until
from xtplay import db
from xtplay.accounts import profiles
from xtplay.errors import CatalogError
from xtplay.library import catalog, sync
from xtplay.library import schedule as sync_schedule
from xtplay.library import store as catalog_store

BIG = {"live": 2000, "vod": 6000, "series": 800}


def _snapshot(conn, profile_id):
    return {t: {r[0]: r[1] for r in conn.execute(
        "SELECT provider_id, name FROM items WHERE profile_id = ? AND type = ?", (profile_id, t))}
        for t in catalog.TYPES}


def _run_cli(home, *args, timeout=120):
    env = {**os.environ, "XTPLAY_HOME": str(home), "XTPLAY_KEYRING": "file"}
    return subprocess.run([sys.executable, "-m", "xtplay.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


async def test_sigkill_during_sync_leaves_previous_catalog_whole(synced_profile, demo_media_dir):
    """The profile moves to a bigger provider; `xtplay sync` is killed at several moments of
    the run; each time the database is sound and each type is entirely old or entirely new."""
    from xtplay.demo import DemoProvider

    settings, conn, vault, profile = synced_profile
    old = _snapshot(conn, profile.id)
    with DemoProvider(**BIG, media_dir=demo_media_dir) as big:
        with httpx.Client(base_url=big.url, timeout=120) as warm:  # have the provider build its lists
            for action in ("get_live_streams", "get_vod_streams", "get_series"):
                warm.get("/player_api.php", params={"username": big.username, "password": big.password, "action": action})
        await profiles.edit_profile(conn, vault, settings, profile.id, url=big.url, username=big.username,
                                    password=big.password)
        # Each list answers 0.4 s late, so every run lasts long enough to be killed mid-way.
        big.set_fault("slow", paths=["get_live_streams", "get_vod_streams", "get_series"], seconds=0.4)
        env = {**os.environ, "XTPLAY_HOME": str(settings.home), "XTPLAY_KEYRING": "file"}
        killed_running = 0
        for delay in (0.0, 0.35, 0.7, 1.0, 1.3, 1.7):
            runs_before = len(sync.runs(conn, profile.id, 1000))
            proc = subprocess.Popen([sys.executable, "-m", "xtplay.cli", "sync", "--json"], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            def started(before: int = runs_before, proc: subprocess.Popen = proc) -> bool:
                return len(sync.runs(conn, profile.id, 1000)) != before or proc.poll() is not None

            wait_until(started, 60, "the sync process to start a run or exit", every=0.01)
            time.sleep(delay)
            if proc.poll() is None:
                killed_running += 1
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            check = db.connect(settings.db_path)
            try:
                assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                for table in ("live_names", "movie_names", "series_names", "movie_texts", "series_texts"):
                    check.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
                now = _snapshot(check, profile.id)
            finally:
                check.close()
            for type, count in (("live", BIG["live"]), ("movie", BIG["vod"]), ("series", BIG["series"])):
                assert now[type] == old[type] or len(now[type]) == count, (delay, type, len(now[type]))
        assert killed_running >= 4  # most kills landed mid-run, not after it
        # A run after the kills completes, marks the killed runs as interrupted, and is whole.
        big.clear_faults()
        result = await sync.sync_profile(settings, conn, vault, profiles.get_profile(conn, profile.id))
    assert result.status == "ok" and result.counts == {"live": 2000, "movie": 6000, "series": 800}
    statuses = {r.status for r in sync.runs(conn, profile.id, 1000)}
    assert "running" not in statuses


def test_empty_list_never_wipes_the_catalog(catalog_factory):
    f = catalog_factory
    f.add("movie", "Kept")
    f.save()
    with pytest.raises(CatalogError, match="empty"):
        catalog_store.replace_type(f.conn, f.profile_id, "movie", [], [])
    assert [i.name for i in catalog.items(f.conn, f.profile_id, "movie").items] == ["Kept"]


def test_resync_updates_changed_rows_and_search_follows(catalog_factory):
    f = catalog_factory
    first = f.add("movie", "Old Title")
    f.add("movie", "Stays")
    f.save()
    f.rows["movie"][0]["name"] = "Brand New Title"
    f.save()
    assert catalog.get_item(f.conn, f.profile_id, "movie", first).name == "Brand New Title"
    from xtplay.library import search

    assert search.search(f.conn, f.profile_id, "brand new")["movie"][0].provider_id == str(first)
    assert search.search(f.conn, f.profile_id, "old title")["movie"] == []
    assert f.conn.execute("INSERT INTO movie_names(movie_names) VALUES ('integrity-check')") is not None


async def test_cli_sync_json_and_search_json(demo_profile):
    settings, conn, vault, profile = demo_profile
    proc = await asyncio.to_thread(_run_cli, settings.home, "sync", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "ok" and out["counts"] == {"live": 60, "movie": 120, "series": 30} and out["seconds"] > 0
    proc = await asyncio.to_thread(_run_cli, settings.home, "search", "cafe", "creme", "--json", "--type", "movie")
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert list(hits) == ["movie"] and any(h["name"].startswith("Café Crème") for h in hits["movie"])
    assert {"type", "provider_id", "name"} <= set(hits["movie"][0])
    proc = await asyncio.to_thread(_run_cli, settings.home, "search", "qqqxxxzzz", "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout) == {"live": [], "movie": [], "series": []}


async def test_cli_sync_reports_partial_with_exit_status_1(demo_profile, demo):
    settings, conn, vault, profile = demo_profile
    demo.set_fault("html", paths=["get_series"])
    proc = await asyncio.to_thread(_run_cli, settings.home, "sync")
    assert proc.returncode == 1 and "partial" in proc.stderr and "series" in proc.stderr
    assert catalog.counts(conn, profile.id)["live"] == 60


async def test_scheduler_syncs_a_stale_profile_off_the_loop(demo_profile):
    settings, conn, vault, profile = demo_profile
    stop = asyncio.Event()
    task = asyncio.create_task(sync_schedule.run_scheduler(settings, check_every=0.2, stop=stop))
    ticks = 0
    try:
        for _ in range(600):
            await asyncio.sleep(0.05)
            ticks += 1  # the loop keeps running while the sync works
            run = sync.last_run(conn, profile.id)
            if run is not None and run.status != "running":
                break
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    assert sync.last_run(conn, profile.id).status == "ok"
    assert not sync_schedule.is_stale(conn, profile)
    assert ticks > 1
