"""Catalog syncs started from the web app, their progress, and the offline banner.

A sync runs as a task on the server's event loop with its own DB connection; its latest
progress event is kept in ``app.state.sync_jobs`` so every page can show it (the header
polls ``/sync/status``). Only one sync per profile runs at a time.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

from .. import db

log = logging.getLogger(__name__)


@dataclass
class SyncJob:
    """One sync run as the web app sees it."""

    profile_id: int
    profile_name: str
    phase: str = "starting"
    done: int = 0
    total: int | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None
    status: str | None = None  #: 'ok' | 'partial' | 'failed' once finished
    message: str = ""
    task: asyncio.Task | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return max(0, min(100, int(self.done * 100 / self.total)))


def _jobs(app: Any) -> dict[int, SyncJob]:
    jobs = getattr(app.state, "sync_jobs", None)
    if jobs is None:
        jobs = app.state.sync_jobs = {}
    return jobs


def sync_progress(app: Any, profile_id: int) -> SyncJob | None:
    """The running (or just finished, for 10 s) sync of a profile, or None.

    Covers syncs this app started and those the scheduler runs (via ``sync.progress``)."""
    job = _jobs(app).get(profile_id)
    if job is not None and (job.running or time.time() - (job.finished or 0) <= 10):
        return job
    try:
        from .. import sync
    except ImportError:
        return None
    event = sync.progress(profile_id)
    if event is None:
        return None
    view = SyncJob(profile_id, _profile_name(app, profile_id))
    view.phase, view.done, view.total = event.phase, event.done, event.total
    return view


def _profile_name(app: Any, profile_id: int) -> str:
    from .. import profiles

    conn = db.connect(app.state.settings.db_path)
    try:
        return profiles.get_profile(conn, profile_id).name
    except Exception:
        return "profile"
    finally:
        conn.close()


def start_sync(app: Any, profile: Any) -> SyncJob:
    """Start a sync of the profile in the background unless one is already running.

    Call it from the event loop (an ``async def`` route): the sync is a task of that loop."""
    from .. import sync

    jobs = _jobs(app)
    job = jobs.get(profile.id)
    if job is not None and job.running:
        return job
    if sync.is_running(app.state.settings, profile.id):  # the scheduler (or the CLI) is on it
        return sync_progress(app, profile.id) or SyncJob(profile.id, profile.name)
    job = SyncJob(profile.id, profile.name)
    jobs[profile.id] = job
    job.task = asyncio.get_running_loop().create_task(_run(app, job))
    return job


def is_syncing(app: Any, profile_id: int) -> bool:
    """True while any sync of the profile runs (ours, the scheduler's or another process's)."""
    from .. import sync

    job = _jobs(app).get(profile_id)
    return bool(job and job.running) or sync.is_running(app.state.settings, profile_id)


async def _run(app: Any, job: SyncJob) -> None:
    from .. import profiles, sync

    settings = app.state.settings
    conn = db.connect(settings.db_path)

    def progress(event: Any) -> None:
        job.phase = str(getattr(event, "phase", job.phase))
        job.done = int(getattr(event, "done", 0) or 0)
        total = getattr(event, "total", None)
        job.total = int(total) if total else None

    try:
        vault = app.state.vault
        if vault is None:
            from ..vault import Vault

            vault = app.state.vault = Vault.open(settings)
        profile = profiles.get_profile(conn, job.profile_id)
        try:
            result = await sync.sync_profile(settings, conn, vault, profile, progress=progress)
        except sync.SyncAlreadyRunning:  # the scheduler got there first: follow its run instead
            while sync.is_running(settings, job.profile_id):
                event = sync.progress(job.profile_id)
                if event is not None:
                    progress(event)
                await asyncio.sleep(0.5)
            result = sync.last_run(conn, job.profile_id)
        job.status = getattr(result, "status", None) or "ok"
        errors = getattr(result, "errors", None) or {}
        job.message = "; ".join(f"{k}: {v}" for k, v in errors.items())
    except asyncio.CancelledError:
        job.status, job.message = "failed", "The sync was stopped."
        raise
    except Exception as exc:  # shown in the page; XtplayError messages are fit for a person
        from ..errors import XtplayError

        if not isinstance(exc, XtplayError):
            log.error("sync of profile %s failed", job.profile_id, exc_info=True)
        job.status, job.message = "failed", str(exc) if isinstance(exc, XtplayError) else "unexpected error (see the log)"
    finally:
        job.finished = time.time()
        conn.close()


async def cancel_all(app: Any) -> None:
    """Stop running syncs (at shutdown)."""
    for job in list(_jobs(app).values()):
        if job.task is not None and not job.task.done():
            job.task.cancel()
            try:
                await job.task
            except (asyncio.CancelledError, Exception):
                pass


@dataclass(frozen=True)
class OfflineBanner:
    """What the banner says: whether the provider is failing and how old the data is."""

    offline: bool
    age_seconds: float | None
    synced_at: float | None
    empty: bool
    message: str


def offline_banner(conn: sqlite3.Connection, profile: Any) -> OfflineBanner | None:
    """The offline banner for the profile, or None when the last sync succeeded."""
    from .. import catalog, sync

    state = catalog.offline_state(conn, profile.id)
    last = sync.last_run(conn, profile.id)
    status = _field(last, "status")
    if last is None or status != "failed":
        return None
    error = _field(last, "error") or _field(last, "errors") or ""
    if isinstance(error, dict):
        error = "; ".join(str(v) for v in error.values())
    return OfflineBanner(True, state.age_seconds, state.synced_at, state.empty, str(error))


def _field(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    try:
        return obj[name]
    except (TypeError, KeyError, IndexError):
        return getattr(obj, name, None)
