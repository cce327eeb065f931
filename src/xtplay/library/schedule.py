"""When a profile's catalog syncs: at activation when empty or stale, on its schedule, and
always off the web server's event loop.

:mod:`xtplay.library.sync` does one sync; this module decides when, and runs it on a worker thread
with its own event loop and connection, so browsing never waits for a sync.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Any

from xtplay import db
from xtplay.accounts import profiles
from xtplay.accounts.vault import Vault
from xtplay.config import Settings
from xtplay.errors import SyncAlreadyRunning, XtplayError
from xtplay.library.catalog import TYPES, is_empty
from xtplay.library.sync import SyncProgress, SyncResult, is_running, last_run, sync_profile

log = logging.getLogger(__name__)

#: After a failed attempt, the scheduler waits this long before trying the provider again.
RETRY_AFTER_FAILURE_SECS = 15 * 60


def is_stale(conn: sqlite3.Connection, profile: profiles.Profile, now: float | None = None) -> bool:
    """Whether the profile's catalog should be synced: never synced, or older than its
    ``sync_interval_hours`` (0 = manual: only an empty library is stale). A run that failed
    recently holds the next try back for :data:`RETRY_AFTER_FAILURE_SECS`."""
    now = time.time() if now is None else now
    last = last_run(conn, profile.id)
    if last is not None and last.status in ("failed", "interrupted") and now - last.started_at < RETRY_AFTER_FAILURE_SECS:
        return False
    if is_empty(conn, profile.id):
        return True
    hours = int(profile.sync_interval_hours or 0)
    if hours <= 0:
        return False
    row = conn.execute(
        "SELECT max(finished_at) FROM sync_runs WHERE profile_id = ? AND status IN ('ok', 'partial')",
        (profile.id,),
    ).fetchone()
    synced = row[0] if row else None
    return synced is None or now - synced >= hours * 3600


def run_blocking(settings: Settings, profile_id: int, progress: Callable[[SyncProgress], Any] | None = None,
                 types: Iterable[str] = TYPES) -> SyncResult:
    """Sync a profile on the calling thread with its own event loop and connection.

    Parsing 100,000 rows is CPU work; run this way (see :func:`sync_in_background`) it never
    holds up the web server's event loop.
    """
    with db.library(settings) as conn:
        profile = profiles.get_profile(conn, profile_id)
        return asyncio.run(sync_profile(settings, conn, Vault.open(settings), profile, progress, types))


async def sync_in_background(settings: Settings, profile_id: int,
                             progress: Callable[[SyncProgress], Any] | None = None) -> SyncResult:
    """Sync a profile on a worker thread; the web layer awaits it or wraps it in a task and
    follows :func:`xtplay.library.sync.subscribe` / :func:`xtplay.library.sync.progress`. Raises :class:`SyncAlreadyRunning`."""
    return await asyncio.to_thread(run_blocking, settings, profile_id, progress)


def sync_if_stale(settings: Settings, conn: sqlite3.Connection, profile: profiles.Profile) -> asyncio.Task[SyncResult] | None:
    """At profile activation: start a background sync when the library is empty or stale and
    none is running; returns the task (None when nothing was started). Call from the loop."""
    if is_running(settings, profile.id) or not is_stale(conn, profile):
        return None
    task = asyncio.get_running_loop().create_task(sync_in_background(settings, profile.id))
    task.add_done_callback(_log_outcome)
    return task


def _log_outcome(task: asyncio.Task[SyncResult]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if isinstance(exc, SyncAlreadyRunning):
        return
    if exc is not None:
        log.warning("background sync failed: %s", exc)


async def run_scheduler(settings: Settings, *, check_every: float = 60.0, stop: asyncio.Event | None = None) -> None:
    """Sync every stale profile, until ``stop`` is set; the web app starts it as a task.

    Each check opens its own connection; syncs run on a worker thread (the event loop keeps
    serving pages); a profile already syncing is skipped; errors are logged and never end
    the loop.
    """
    stop = stop or asyncio.Event()
    while not stop.is_set():
        try:
            with db.library(settings) as conn:
                due = [p for p in profiles.list_profiles(conn)
                       if is_stale(conn, p) and not is_running(settings, p.id)]
            for profile in due:
                if stop.is_set():
                    break
                try:
                    await sync_in_background(settings, profile.id)
                except SyncAlreadyRunning:
                    pass
        except XtplayError as exc:
            log.warning("scheduled sync check failed: %s", exc)
        except Exception:  # the loop must survive anything one check does
            log.exception("scheduled sync check crashed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=check_every)
        except TimeoutError:
            pass
