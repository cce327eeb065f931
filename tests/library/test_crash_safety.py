"""Crash safety: ``xtplay sync`` and ``xtplay guide refresh`` killed with SIGKILL at seeded random
moments, a disk that fills up mid-sync, and a second process on the same home.

After every kill the library passes ``integrity_check`` (and the search indexes theirs), each
catalog type is wholly the previous one or wholly the new one, the guide's programmes are the
previous run's or the new run's, and favorites, history and resume positions are untouched.
Two servers on one home stay consistent while a third process syncs.
``XTPLAY_CRASH_KILLS`` sets how many kills (default 10, half in each; ``python -m bench
crash_kills`` runs 50), ``XTPLAY_CRASH_SEED`` the seed (default 18)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.plugins.processes import free_port, wait_for_health
from tests.plugins.waiting import wait_until
from xtplay import db, guide
from xtplay.accounts import profiles
from xtplay.accounts.vault import Vault
from xtplay.config import load_settings
from xtplay.demo import DemoProvider
from xtplay.library import favorites, history, sync

KILLS = int(os.environ.get("XTPLAY_CRASH_KILLS", "10"))
SEED = int(os.environ.get("XTPLAY_CRASH_SEED", "18"))
SMALL = {"live": 40, "vod": 60, "series": 10}
BIG = {"live": 1500, "vod": 4000, "series": 500}
SRC = Path(__file__).resolve().parents[2] / "src"
FTS_TABLES = ("live_names", "movie_names", "series_names", "movie_texts", "series_texts")

pytestmark = pytest.mark.timeout(900)


@dataclass
class Home:
    settings: Any
    profile_id: int
    big: DemoProvider

    def connect(self) -> sqlite3.Connection:
        return db.connect(self.settings.db_path)


def _cli(home: Home, *args: str, limit_bytes: int | None = None) -> subprocess.Popen:
    """``xtplay …`` in its own process on the home (with a file-size limit: a disk that is full)."""
    env = {**os.environ, "XTPLAY_HOME": str(home.settings.home), "XTPLAY_KEYRING": "file", "PYTHONPATH": str(SRC)}
    prelude = ""
    if limit_bytes is not None:  # writes past the limit fail with EFBIG instead of killing the process
        prelude = (f"import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
                   f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit_bytes}, {limit_bytes})); ")
    code = prelude + f"import sys; from xtplay.cli import main; sys.exit(main({list(args)!r}))"
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _state(conn: sqlite3.Connection, profile_id: int) -> dict[str, Any]:
    """What must survive: catalog rows per type, the guide's current programmes, and the person's own data."""
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for table in FTS_TABLES:
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    counts = dict(conn.execute("SELECT type, COUNT(*) FROM items WHERE profile_id = ? GROUP BY type", (profile_id,)))
    programmes = conn.execute(
        "SELECT COALESCE(SUM(b.count), 0) FROM programme_blocks b JOIN guide_current c ON c.profile_id = b.profile_id "
        "AND c.run_id = b.run_id WHERE b.profile_id = ? AND c.source = 'xtream'", (profile_id,)).fetchone()[0]
    recorded = conn.execute(  # what the current guide's own run counted when it finished whole
        "SELECT r.programmes FROM guide_runs r JOIN guide_current c ON c.run_id = r.id "
        "WHERE c.profile_id = ? AND c.source = 'xtream' AND r.status = 'ok'", (profile_id,)).fetchone()
    own = {table: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {table} WHERE profile_id = ?", (profile_id,)))
           for table in ("favorites", "history")}
    return {"counts": counts, "programmes": programmes, "recorded": recorded[0] if recorded else None, **own}


@pytest.fixture(scope="module")
def home(demo_media_dir: Path, tmp_path_factory: pytest.TempPathFactory, _vault_uses_key_file: None) -> Iterator[Home]:
    """A library synced (catalog and guide) from a small provider, with favorites, history and a
    resume position; its profile then points at a big provider whose lists answer late."""
    settings = load_settings(tmp_path_factory.mktemp("crash-home"))
    with DemoProvider(**SMALL, seed=2, media_dir=demo_media_dir) as small, \
            DemoProvider(**BIG, seed=2, media_dir=demo_media_dir) as big:
        conn = db.open_library(settings.db_path)
        vault = Vault.open(settings)
        profile = asyncio.run(profiles.add_profile(conn, vault, settings, name="Crash", url=small.url,
                                                   username=small.username, password=small.password))
        assert asyncio.run(sync.sync_profile(settings, conn, vault, profile)).status == "ok"
        asyncio.run(guide.refresh_guide(settings, conn, vault, profile))
        favorites.add(conn, profile.id, "live", 1)
        favorites.add(conn, profile.id, "movie", 2)
        history.record(conn, profile.id, "movie", 1, 1234.5, 5400.0)
        history.record(conn, profile.id, "live", 2, 0)
        with httpx.Client(base_url=big.url, timeout=120) as warm:  # the provider builds its lists once
            for action in ("get_live_streams", "get_vod_streams", "get_series"):
                warm.get("/player_api.php", params={"username": big.username, "password": big.password,
                                                    "action": action})
        asyncio.run(profiles.edit_profile(conn, vault, settings, profile.id, url=big.url, username=big.username,
                                          password=big.password))
        conn.close()
        yield Home(settings, profile.id, big)


def _kill_at(home: Home, args: tuple[str, ...], moment: float, started: Any) -> bool:
    """Start ``xtplay args``, SIGKILL it ``moment`` s after ``started()``; whether it was still running."""
    proc = _cli(home, *args)
    wait_until(lambda: started() or proc.poll() is not None, 60, "the process to start its work", every=0.01)
    time.sleep(moment)
    running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return running


def test_sigkill_at_random_moments_of_sync_and_guide_ingest_loses_nothing(home):
    rng = random.Random(SEED)
    check = home.connect()
    old = _state(check, home.profile_id)
    check.close()
    home.big.set_fault("slow", paths=["get_live_streams", "get_vod_streams", "get_series", "/xmltv.php"], seconds=0.3)
    seen: list[dict[str, Any]] = []
    killed_running = 0
    for n in range(KILLS):
        conn = home.connect()
        runs_before = len(sync.runs(conn, home.profile_id, 10_000))
        guide_before = conn.execute("SELECT COUNT(*) FROM guide_runs").fetchone()[0]
        conn.close()
        if n % 2 == 0:
            def began(before: int = runs_before) -> bool:
                with closing(home.connect()) as c:
                    return len(sync.runs(c, home.profile_id, 10_000)) != before
            killed_running += _kill_at(home, ("sync",), rng.uniform(0.0, 1.6), began)
        else:
            def began_guide(before: int = guide_before) -> bool:
                with closing(home.connect()) as c:
                    return c.execute("SELECT COUNT(*) FROM guide_runs").fetchone()[0] != before
            killed_running += _kill_at(home, ("guide", "refresh"), rng.uniform(0.0, 1.6), began_guide)
        conn = home.connect()
        try:
            seen.append(_state(conn, home.profile_id))
        finally:
            conn.close()
    if os.environ.get("XTPLAY_CRASH_REPORT"):  # for bench/crash_kills.py
        Path(os.environ["XTPLAY_CRASH_REPORT"]).write_text(json.dumps({"kills": KILLS, "mid_work": killed_running}))
    assert killed_running >= KILLS // 2, killed_running  # most kills landed mid-work, not after it

    home.big.clear_faults()  # whole runs now give the new catalog and guide to compare with
    for args in (("sync",), ("guide", "refresh")):
        proc = _cli(home, *args)
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, out.decode()
    conn = home.connect()
    try:
        new = _state(conn, home.profile_id)
        assert "running" not in {r.status for r in sync.runs(conn, home.profile_id, 10_000)}
        names = dict(conn.execute("SELECT provider_id, name FROM items WHERE profile_id = ? AND type = 'movie'",
                                  (home.profile_id,)).fetchall())
    finally:
        conn.close()
    assert new["counts"] == {"live": BIG["live"], "movie": BIG["vod"], "series": BIG["series"]}
    # every movie as the provider sends it: no re-sync after a kill trusted a row it had not stored
    assert names == {str(m["stream_id"]): m["name"] for m in orjson.loads(home.big.catalog.list_bytes("vod"))}
    assert new["programmes"] == new["recorded"] > 0  # a run's own count is what a whole guide holds
    for state in seen:
        for type in ("live", "movie", "series"):
            assert state["counts"].get(type) in (old["counts"][type], new["counts"][type]), state["counts"]
        # the guide is one whole run: the old one, or one that finished (the demo's guide moves
        # with the clock, so a run finished mid-test may hold a few programmes fewer than the last)
        assert state["programmes"] in (old["programmes"], new["programmes"], state["recorded"]), state
        assert state["favorites"] == old["favorites"] and state["history"] == old["history"]


def test_a_full_disk_mid_sync_says_so_and_keeps_the_library(home):
    conn = home.connect()
    asyncio.run(profiles.edit_profile(conn, Vault.open(home.settings), home.settings, home.profile_id,
                                      url=home.big.url, username=home.big.username, password=home.big.password))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _state(conn, home.profile_id)
    conn.close()
    # A different catalog to write (so the sync must write); no file may grow past 1 MB (the WAL
    # fills up first; the log stays far below it).
    with DemoProvider(live=3000, vod=3000, series=300, seed=7, generate_media=False) as other:
        conn = home.connect()
        asyncio.run(profiles.edit_profile(conn, Vault.open(home.settings), home.settings, home.profile_id,
                                          url=other.url, username=other.username, password=other.password))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        assert all(p.stat().st_size < 512 * 1024 for p in home.settings.log_dir.glob("*"))
        proc = _cli(home, "sync", limit_bytes=1024 * 1024)
        out, _ = proc.communicate(timeout=300)
        ingest = _cli(home, "guide", "refresh", limit_bytes=1024 * 1024)
        ingest_out, _ = ingest.communicate(timeout=300)
    said, ingest_said = out.decode(errors="replace"), ingest_out.decode(errors="replace")
    assert ingest.returncode != 0 and ("disk" in ingest_said.lower() or "space" in ingest_said.lower()), ingest_said
    assert "Traceback" not in ingest_said
    assert proc.returncode != 0 or "disk" in said.lower(), said
    assert "disk" in said.lower() or "space" in said.lower(), said
    assert "Traceback" not in said
    conn = home.connect()
    try:
        after = _state(conn, home.profile_id)
    finally:
        conn.close()
    written = {"live": 3000, "movie": 3000, "series": 300}
    for type in ("live", "movie", "series"):  # a type is replaced whole or not at all
        assert after["counts"][type] in (before["counts"][type], written[type]), after["counts"]
    assert after["counts"] != written, "the limit did not bite: nothing was refused"
    assert after["programmes"] == before["programmes"]
    assert after["favorites"] == before["favorites"] and after["history"] == before["history"]



def test_a_second_process_on_the_same_home_is_refused_while_one_syncs(home):
    conn = home.connect()
    asyncio.run(profiles.edit_profile(conn, Vault.open(home.settings), home.settings, home.profile_id,
                                      url=home.big.url, username=home.big.username, password=home.big.password))
    runs_before = len(sync.runs(conn, home.profile_id, 10_000))
    conn.close()
    home.big.set_fault("slow", paths=["get_live_streams", "get_vod_streams", "get_series"], seconds=1.0)
    try:
        first = _cli(home, "sync")

        def began() -> bool:
            with closing(home.connect()) as c:
                return len(sync.runs(c, home.profile_id, 10_000)) != runs_before
        wait_until(lambda: began() or first.poll() is not None, 60, "the first sync to start")
        second = _cli(home, "sync")
        said, _ = second.communicate(timeout=120)
        out, _ = first.communicate(timeout=300)
    finally:
        home.big.clear_faults()
    assert second.returncode != 0 and "being synced" in said.decode(), said.decode()
    assert first.returncode == 0, out.decode()
    conn = home.connect()
    try:
        state = _state(conn, home.profile_id)
    finally:
        conn.close()
    assert state["counts"] == {"live": BIG["live"], "movie": BIG["vod"], "series": BIG["series"]}


def _serve(home: Home) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = _cli(home, "serve", "--port", str(port), "--no-browser")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(proc, url, 60)
    except AssertionError:
        raise AssertionError((proc.stdout.read() if proc.stdout else b"").decode()) from None
    return proc, url


def test_two_servers_and_a_sync_on_one_home_stay_consistent(home):
    """A second ``xtplay serve`` on the same home is safe: while a third process syncs, both
    keep answering from a whole catalog, and both see the new one when it is done."""
    servers = [_serve(home), _serve(home)]
    home.big.set_fault("slow", paths=["get_live_streams", "get_vod_streams", "get_series"], seconds=0.5)
    try:
        syncing = _cli(home, "sync")
        answers: list[int] = []
        while syncing.poll() is None:
            for _, url in servers:
                page = httpx.get(f"{url}/api/items?type=movie&limit=5", timeout=30)
                answers.append(page.status_code)
        out, _ = syncing.communicate()
        assert syncing.returncode == 0, out.decode()
        assert answers and set(answers) == {200}, answers
        for _, url in servers:
            first = httpx.get(f"{url}/api/items?type=live&limit=500", timeout=30).json()
            assert first["items"] and first["next_cursor"], first
    finally:
        home.big.clear_faults()
        for proc, _ in servers:
            proc.terminate()
            proc.wait(15)
    conn = home.connect()
    try:
        assert _state(conn, home.profile_id)["counts"] == {"live": BIG["live"], "movie": BIG["vod"],
                                                          "series": BIG["series"]}
    finally:
        conn.close()
