"""Catalog syncs started from the web app, their progress (polled and server-sent), and the
offline banner.

A sync runs on a worker thread (``sync_schedule.sync_in_background``) with its own event
loop and DB connection, so parsing a big catalog never holds up the server's event loop. The app keeps
one :class:`SyncJob` per profile in ``app.state.sync_jobs`` (its latest progress, then its
outcome for a few seconds) so every page can show it. Progress reaches the browser through
``/sync/events`` (server-sent events from ``sync.subscribe``; :func:`event_stream`), with the
header region's htmx polling of ``/sync/status`` as the fallback. Only one sync per profile
runs at a time (``sync``'s per-profile lock, across processes).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from xtplay import db
from xtplay.accounts import profiles
from xtplay.accounts.profiles import Profile
from xtplay.errors import XtplayError
from xtplay.i18n import N_
from xtplay.library import catalog, sync
from xtplay.library import schedule as sync_schedule
from xtplay.web import locale

log = logging.getLogger(__name__)

#: Seconds a finished sync stays visible (its outcome) in the progress region.
SHOW_FINISHED_SECS = 10
#: Seconds between keep-alive comments of an idle event stream.
KEEPALIVE_SECS = 10.0


@dataclass
class SyncJob:
    """One sync run as the web app sees it."""

    profile_id: int
    profile_name: str
    phase: str = "starting"
    done: int = 0
    total: int | None = None
    fraction: float = 0.0  #: overall, across all lists; only ever grows during a run
    step: str = ""
    eta_seconds: float | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None
    status: str | None = None  #: 'ok' | 'partial' | 'failed' once finished
    message: str = ""
    task: asyncio.Future | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def percent(self) -> int:
        """The whole run's percentage (all lists), which never goes back."""
        return max(0, min(100, int(self.fraction * 100)))

    @property
    def eta_text(self) -> str:
        """The estimated time left in words, '' while unknown or once finished."""
        return sync.time_left(self.eta_seconds) if self.running else ""

    def follow(self, event: Any) -> None:
        """Take a ``sync.SyncProgress`` (called from the sync's worker thread too)."""
        self.phase = str(getattr(event, "phase", self.phase))
        self.done = int(getattr(event, "done", 0) or 0)
        total = getattr(event, "total", None)
        self.total = int(total) if total else None
        self.fraction = max(self.fraction, float(getattr(event, "fraction", 0.0) or 0.0))
        self.step = str(getattr(event, "step", "") or self.step)
        self.eta_seconds = getattr(event, "eta_seconds", None)

    def to_dict(self) -> dict[str, Any]:
        """What the event stream sends: the step, the overall percent and time left, the
        phase's own done/total, and the outcome once finished."""
        return {"profile_id": self.profile_id, "profile": self.profile_name, "phase": self.phase,
                "step": self.step or self.phase, "done": self.done, "total": self.total,
                "percent": self.percent, "eta": self.eta_text,
                "running": self.running, "status": self.status, "message": self.message}


def _jobs(app: Any) -> dict[int, SyncJob]:
    jobs = getattr(app.state, "sync_jobs", None)
    if jobs is None:
        jobs = app.state.sync_jobs = {}
    return jobs


def sync_progress(app: Any, profile_id: int) -> SyncJob | None:
    """The running (or just finished, for :data:`SHOW_FINISHED_SECS`) sync of a profile, or None.

    Covers syncs this app started and those the scheduler runs (via ``sync.progress``)."""
    job = _jobs(app).get(profile_id)
    if job is not None and job.running:
        event = sync.progress(profile_id)
        if event is not None:  # a sync started without our callback (sync_if_stale) reports here
            job.follow(event)
        return job
    if job is not None and time.time() - (job.finished or 0) <= SHOW_FINISHED_SECS:
        return job
    event = sync.progress(profile_id)
    if event is None:
        return None
    view = SyncJob(profile_id, _profile_name(app, profile_id))
    view.follow(event)
    return view


def _profile_name(app: Any, profile_id: int) -> str:
    conn = db.connect(app.state.settings.db_path)
    try:
        return profiles.get_profile(conn, profile_id).name
    except Exception:
        return "profile"
    finally:
        conn.close()


def is_syncing(app: Any, profile_id: int) -> bool:
    """True while any sync of the profile runs (ours, the scheduler's or another process's)."""
    job = _jobs(app).get(profile_id)
    return bool(job and job.running) or sync.is_running(app.state.settings, profile_id)


def start_sync(app: Any, profile: Profile) -> SyncJob:
    """Start a sync of the profile on a worker thread unless one is already running ("Sync now").

    Call it from the event loop (an ``async def`` route)."""
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


def activate(app: Any, conn: sqlite3.Connection, profile: Profile) -> SyncJob | None:
    """At profile activation (switch, add, start-up): sync in the background when the library
    is empty or stale (``sync_schedule.sync_if_stale``). The running job, or None when none runs.

    Call it from the event loop."""
    job = _jobs(app).get(profile.id)
    if job is not None and job.running:
        return job
    task = sync_schedule.sync_if_stale(app.state.settings, conn, profile)
    if task is None:
        return None
    job = SyncJob(profile.id, profile.name)
    job.task = task
    _jobs(app)[profile.id] = job
    task.add_done_callback(lambda t: _settle(app, job, t))
    return job


def _settle(app: Any, job: SyncJob, task: asyncio.Future) -> None:
    """Record the outcome of a sync task started by :func:`activate`."""
    if task.cancelled():
        job.status, job.message = "failed", N_("The sync was stopped.")
    elif isinstance(task.exception(), sync.SyncAlreadyRunning):  # someone else's run: follow that one
        _jobs(app).pop(job.profile_id, None)
    elif (error := task.exception()) is not None:
        job.status, job.message = "failed", _error_text(error)
    else:
        _record(job, task.result())
    job.finished = job.finished or time.time()


def _record(job: SyncJob, result: sync.SyncResult | sync.SyncRun | None) -> None:
    job.status = getattr(result, "status", None) or "ok"
    counts = getattr(result, "counts", None) or {}
    job.phase, job.done = "done", sum(counts.values())
    job.total = job.done
    job.fraction, job.step, job.eta_seconds = 1.0, N_("Done"), None
    errors = getattr(result, "errors", None) or {}
    job.message = "; ".join(f"{k}: {v}" for k, v in errors.items())


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, XtplayError):  # their messages are fit for a person
        return str(exc)
    log.error("sync failed", exc_info=exc)
    return N_("unexpected error (see the log)")


async def _run(app: Any, job: SyncJob) -> None:
    settings = app.state.settings
    try:
        result: sync.SyncResult | sync.SyncRun | None
        try:
            result = await sync_schedule.sync_in_background(settings, job.profile_id, progress=job.follow)
        except sync.SyncAlreadyRunning:  # the scheduler got there first: follow its run instead
            while sync.is_running(settings, job.profile_id):
                event = sync.progress(job.profile_id)
                if event is not None:
                    job.follow(event)
                await asyncio.sleep(0.5)
            conn = db.connect(settings.db_path)
            try:
                result = sync.last_run(conn, job.profile_id)
            finally:
                conn.close()
        _record(job, result)
    except asyncio.CancelledError:
        job.status, job.message = "failed", N_("The sync was stopped.")
        raise
    except Exception as exc:  # shown in the page
        job.status, job.message = "failed", _error_text(exc)
    finally:
        job.finished = time.time()


async def activate_at_startup(app: Any) -> None:
    """Sync the active profile at server start when its library is empty or stale."""
    conn = db.connect(app.state.settings.db_path)
    try:
        profile = profiles.active_profile(conn)
        if profile is not None:
            activate(app, conn, profile)
    except Exception:  # a start-up sync is a convenience: never stop the server for it
        log.warning("start-up sync of the active profile not started", exc_info=True)
    finally:
        conn.close()


async def cancel_all(app: Any) -> None:
    """Stop waiting for running syncs (at shutdown; a sync's worker thread finishes its run)."""
    for job in list(_jobs(app).values()):
        if job.task is not None and not job.task.done():
            job.task.cancel()
            try:
                await job.task
            except (asyncio.CancelledError, Exception):
                pass


# --- server-sent events ----------------------------------------------------------------------


def _sse(event: str, data: dict[str, Any]) -> str:
    """One server-sent event; its words (step, time left, outcome) in the reader's language."""
    shown = {key: locale.translated(value) if key in _WORDS and isinstance(value, str) else value
             for key, value in data.items()}
    return f"event: {event}\ndata: {orjson.dumps(shown).decode()}\n\n"


#: The fields of an event that are sentences for a person.
_WORDS = frozenset({"step", "eta", "message"})


def _outcome(app: Any, profile_id: int, name: str) -> dict[str, Any]:
    """The final event's data: the finished job of this app, else the recorded run."""
    job = _jobs(app).get(profile_id)
    if job is not None and not job.running:
        return {**job.to_dict(), "phase": "done"}
    conn = db.connect(app.state.settings.db_path)
    try:
        run = sync.last_run(conn, profile_id)
    finally:
        conn.close()
    total = sum(run.counts.values()) if run else 0
    message = "; ".join(f"{k}: {v}" for k, v in (run.errors if run else {}).items())
    return {"profile_id": profile_id, "profile": name, "phase": "done", "done": total, "total": total,
            "step": N_("Done"), "percent": 100, "eta": "", "running": False,
            "status": run.status if run else None, "message": message}


async def event_stream(app: Any, profile_id: int, profile_name: str,
                       disconnected: Callable[[], Awaitable[bool]]) -> AsyncIterator[str]:
    """Server-sent events of a profile's sync: ``progress`` events (phase, done, total) while it
    runs, then one ``done`` event with its status, and the stream ends. When no sync runs the
    stream is one ``idle`` event. A slow reader skips stale events, never the last one."""
    queue = sync.subscribe(profile_id)  # before looking, so no event falls between
    try:
        yield "retry: 3000\n\n"
        job = sync_progress(app, profile_id)
        if not is_syncing(app, profile_id):
            if job is not None and not job.running:
                yield _sse("done", {**job.to_dict(), "phase": "done"})
            else:
                yield _sse("idle", {"profile_id": profile_id, "profile": profile_name, "phase": "idle",
                                    "done": 0, "total": None, "running": False})
            return
        if job is not None:
            yield _sse("progress", job.to_dict())
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECS)
            except TimeoutError:
                if await disconnected():
                    return
                if not is_syncing(app, profile_id):
                    break
                yield ": keep-alive\n\n"
                continue
            if event.finished:
                break
            view = sync_progress(app, profile_id)
            if view is not None:
                view.follow(event)  # the job's fraction is the running maximum: never back
                data = view.to_dict()
            else:
                data = {"profile_id": profile_id, "profile": profile_name, "running": True,
                        "phase": event.phase, "step": event.step or event.phase, "done": event.done,
                        "total": event.total, "percent": event.percent,
                        "eta": sync.time_left(event.eta_seconds)}
            yield _sse("progress", data)
        deadline = time.monotonic() + 5  # the worker thread hands its result back to the loop
        while is_syncing(app, profile_id) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        yield _sse("done", _outcome(app, profile_id, profile_name))
    finally:
        sync.unsubscribe(profile_id, queue)


@dataclass(frozen=True)
class OfflineBanner:
    """What the banner says: whether the provider is failing and how old the data is."""

    offline: bool
    age_seconds: float | None
    synced_at: float | None
    empty: bool
    message: str


def offline_banner(conn: sqlite3.Connection, profile: Profile) -> OfflineBanner | None:
    """The offline banner for the profile, or None when the last sync succeeded."""
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
