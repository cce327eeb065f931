"""Copying a profile's catalog from its provider into the library, atomically, with progress.

For each type (live, movie, series) sync fetches the categories and the whole list (one call
each, never per category), reads the rows in chunks, and a writer thread stores the chunks in
one ``BEGIN IMMEDIATE`` transaction per type (:mod:`xtplay.library.writer`): new items inserted,
changed ones updated, items that left the provider deleted. A failure or a ``kill -9`` at any
moment therefore leaves the previous catalog of that type whole. One type
failing marks the run ``partial`` and keeps the other types. Favorites and history are other
tables and are never touched.

One sync per profile at a time, across processes: an ``flock`` on ``<home>/run/sync-<id>.lock``
(released by the kernel even after ``kill -9``). Progress goes to a callback, to the state
getter :func:`progress` and to :func:`subscribe` queues the web layer turns into server-sent
events.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import fcntl
import gc
import itertools
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from xtplay import db
from xtplay.accounts.profiles import Profile
from xtplay.accounts.source import source_for
from xtplay.accounts.vault import Vault
from xtplay.config import Settings
from xtplay.db import transaction
from xtplay.errors import AuthError, SyncAlreadyRunning, XtplayError
from xtplay.i18n import N_
from xtplay.library import store as catalog_store
from xtplay.library import versions
from xtplay.library import writer as sync_writer
from xtplay.library.catalog import TYPES
from xtplay.library.catalog import counts as catalog_counts
from xtplay.sources.source import ListAnswer, ListVersion, Source, digest_of

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Where a sync is: ``phase`` (login, live, movie, series, saving <type>, indexing, done),
    items ``done`` of ``total`` of that phase (total None while unknown), and for a person the
    whole run: ``fraction`` (0..1 across every list, never lower than the run's previous event),
    ``step`` (the current step in words) and ``eta_seconds`` (None until it can be guessed)."""

    profile_id: int
    phase: str
    done: int = 0
    total: int | None = None
    finished: bool = False
    fraction: float = 0.0
    step: str = ""
    eta_seconds: float | None = None

    @property
    def percent(self) -> int:
        """The overall fraction as a whole percentage (what bars show)."""
        return max(0, min(100, int(self.fraction * 100)))

    def to_dict(self) -> dict[str, Any]:
        return {"profile_id": self.profile_id, "phase": self.phase, "done": self.done,
                "total": self.total, "finished": self.finished, "fraction": self.fraction,
                "percent": self.percent, "step": self.step, "eta_seconds": self.eta_seconds}


@dataclass(frozen=True, slots=True)
class SyncResult:
    """Outcome of one sync: status 'ok' | 'partial' | 'failed', items per type, per-type errors."""

    status: str
    counts: dict[str, int]
    seconds: float
    errors: dict[str, str] = field(default_factory=dict)
    run_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "counts": self.counts, "seconds": round(self.seconds, 3),
                "errors": self.errors, "run_id": self.run_id}


@dataclass(frozen=True, slots=True)
class SyncRun:
    """A recorded sync run."""

    id: int
    profile_id: int
    started_at: int
    finished_at: int | None
    status: str
    counts: dict[str, int]
    errors: dict[str, str]
    seconds: float | None


# ---------------------------------------------------------------- progress for the web layer

_state: dict[int, SyncProgress] = {}
_subscribers: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[SyncProgress]]]] = {}
_publish_lock = threading.RLock()


def progress(profile_id: int) -> SyncProgress | None:
    """The progress of the running sync of a profile in this process, None when none runs."""
    state = _state.get(profile_id)
    return None if state is None or state.finished else state


def subscribe(profile_id: int) -> asyncio.Queue[SyncProgress]:
    """A queue receiving every progress event of the profile's syncs (call from the event loop);
    pair with :func:`unsubscribe`. The last event of a run has ``finished=True``."""
    queue: asyncio.Queue[SyncProgress] = asyncio.Queue(maxsize=1000)
    _subscribers.setdefault(profile_id, set()).add((asyncio.get_running_loop(), queue))
    return queue


def unsubscribe(profile_id: int, queue: asyncio.Queue[SyncProgress]) -> None:
    """Stop delivering events to a queue from :func:`subscribe`."""
    subs = _subscribers.get(profile_id, set())
    for entry in [e for e in subs if e[1] is queue]:
        subs.discard(entry)


def time_left(seconds: float | None) -> str:
    """An estimate of the time left as a person reads it ('about 40 s left'), '' when unknown.

    One wording for the command line and the web app."""
    if seconds is None:
        return ""
    if seconds < 90:
        return N_("about %(seconds)s s left") % {"seconds": max(1, round(seconds))}
    return N_("about %(minutes)s min left") % {"minutes": round(seconds / 60)}


#: Names of the lists in the steps shown to a person (a type not named here shows as itself).
_LABELS = {"live": "live channels", "movie": "movies", "series": "series"}
#: The steps in words, whole sentences so each translates as one (the web shows them translated).
_DOWNLOADING = {"live": N_("Downloading live channels"), "movie": N_("Downloading movies"),
                "series": N_("Downloading series")}
_SAVING = {"live": N_("Saving live channels"), "movie": N_("Saving movies"), "series": N_("Saving series")}


class _Overall:
    """One run's overall progress across all its lists, so a bar only moves forward.

    Each list weighs what the library held of it last time (equal weights on a first sync) and
    is done in two parts: its download (:data:`DOWNLOAD_SHARE` of its weight, complete when the
    list arrived) and its saving (items stored of items read). Login and the final search
    index take fixed slices. Every part only grows and the published fraction is the running
    maximum, computed and published under the publish lock: the writer thread saves one list
    while the loop downloads the next, and no listener may see their events out of order.
    Knows types only as names, so any source's lists fit.
    """

    LOGIN = 0.02
    INDEX = 0.03
    DOWNLOAD_SHARE = 0.3

    def __init__(self, profile_id: int, callback: Callable[[SyncProgress], Any] | None) -> None:
        self.profile_id = profile_id
        self.callback = callback
        self.started = time.monotonic()
        self.weights: dict[str, float] = {}
        self.downloaded: dict[str, float] = {}
        self.saved: dict[str, float] = {}
        self.downloading: str | None = None  # the list being downloaded, if any
        self.logged_in = False
        self.indexed = False
        self.best = 0.0

    def plan(self, types: Iterable[str], expected: dict[str, int]) -> None:
        """Weigh the run's lists by the items the library held of each (its best guess)."""
        types = tuple(types)
        known = [expected.get(t, 0) for t in types if expected.get(t, 0) > 0]
        fallback = sum(known) / len(known) if known else 1.0
        sizes = {t: float(expected.get(t, 0)) or fallback for t in types}
        whole = sum(sizes.values()) or 1.0
        with _publish_lock:
            self.weights = {t: n / whole for t, n in sizes.items()}
            self.logged_in = True

    def _fraction(self) -> float:
        part = 1.0 - self.LOGIN - self.INDEX
        lists = sum(w * (self.DOWNLOAD_SHARE * self.downloaded.get(t, 0.0)
                         + (1 - self.DOWNLOAD_SHARE) * self.saved.get(t, 0.0))
                    for t, w in self.weights.items())
        return (self.LOGIN if self.logged_in else 0.0) + part * lists + (self.INDEX if self.indexed else 0.0)

    def publish(self, phase: str, done: int = 0, total: int | None = None, finished: bool = False) -> None:
        """Account for one event of the run and hand it, with the overall fraction, to listeners."""
        with _publish_lock:
            type = phase.removeprefix("saving ")
            label = _LABELS.get(type, type)
            if phase == "login":
                step = N_("Signing in")
            elif phase.startswith("saving "):
                self.downloaded[type] = 1.0
                if total is not None:  # an empty list is saved at once
                    share = min(1.0, done / total) if total else 1.0
                    self.saved[type] = max(self.saved.get(type, 0.0), share)
                step = _SAVING.get(type, f"Saving {label}")
                if self.downloading == type:
                    self.downloading = None
                elif self.downloading and self.saved.get(type) == 1.0:  # stored; the next list still comes
                    step = _DOWNLOADING.get(self.downloading, f"Downloading {self.downloading}")
            elif phase == "indexing":
                self.downloaded = dict.fromkeys(self.weights, 1.0)
                self.saved = dict.fromkeys(self.weights, 1.0)
                step = N_("Updating the search index")
            elif phase == "done":
                step = N_("Done")
            else:
                step = _DOWNLOADING.get(type, f"Downloading {label}")
                self.downloading = type
            if finished:
                self.best = 1.0
            self.best = max(self.best, min(1.0, self._fraction()))
            elapsed = time.monotonic() - self.started
            eta = None
            if not finished and self.best >= self.LOGIN + 0.02 and elapsed >= 0.5:
                eta = elapsed * (1.0 - self.best) / self.best
            _publish(SyncProgress(self.profile_id, phase, done, total, finished, self.best, step, eta),
                     self.callback)

    def skip(self, type: str) -> None:
        """A list that failed counts as done: the run goes on with the others."""
        with _publish_lock:
            self.downloaded[type] = self.saved[type] = 1.0
            if self.downloading == type:
                self.downloading = None

    def index_done(self) -> None:
        """The search index is rebuilt."""
        with _publish_lock:
            self.indexed = True


def _publish(event: SyncProgress, callback: Callable[[SyncProgress], Any] | None) -> None:
    # Locked: the sync's loop and its writer thread both publish (a type is saved while the
    # next one downloads), and every listener must see the same order.
    with _publish_lock:
        _state[event.profile_id] = event
        for loop, queue in list(_subscribers.get(event.profile_id, ())):
            def put(q: asyncio.Queue[SyncProgress] = queue) -> None:
                if q.full():  # a slow reader loses old events, never the newest
                    q.get_nowait()
                q.put_nowait(event)
            try:
                loop.call_soon_threadsafe(put)
            except RuntimeError:  # that loop is closed
                unsubscribe(event.profile_id, queue)
        if callback is not None:
            callback(event)


# ---------------------------------------------------------------- the per-profile lock

class _ProfileLock:
    """An exclusive ``flock`` per profile; the kernel drops it when the process dies."""

    def __init__(self, settings: Settings, profile_id: int) -> None:
        self.path = settings.home / "run" / f"sync-{profile_id}.lock"
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def is_running(settings: Settings, profile_id: int) -> bool:
    """True when some process is syncing this profile now."""
    lock = _ProfileLock(settings, profile_id)
    if lock.try_acquire():
        lock.release()
        return False
    return True


# ---------------------------------------------------------------- sync runs

def _start_run(conn: sqlite3.Connection, profile_id: int) -> int:
    with transaction(conn):
        # We hold the profile's lock: any run still 'running' was killed mid-way.
        conn.execute("UPDATE sync_runs SET status = 'interrupted' WHERE profile_id = ? AND status = 'running'",
                     (profile_id,))
        cur = conn.execute("INSERT INTO sync_runs (profile_id, started_at, status) VALUES (?, ?, 'running')",
                           (profile_id, int(time.time())))
    assert cur.lastrowid is not None  # an INSERT always has one
    return cur.lastrowid


def _finish_run(conn: sqlite3.Connection, run_id: int, result: SyncResult) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE sync_runs SET finished_at = ?, status = ?, counts = ?, errors = ?, seconds = ? WHERE id = ?",
            (int(time.time()), result.status, orjson.dumps(result.counts).decode(),
             orjson.dumps(result.errors).decode(), result.seconds, run_id),
        )


def _run_from_row(row: sqlite3.Row) -> SyncRun:
    return SyncRun(row["id"], row["profile_id"], row["started_at"], row["finished_at"], row["status"],
                   orjson.loads(row["counts"]), orjson.loads(row["errors"]), row["seconds"])


def runs(conn: sqlite3.Connection, profile_id: int, limit: int = 20) -> list[SyncRun]:
    """The profile's sync runs, newest first."""
    return [_run_from_row(r) for r in conn.execute(
        "SELECT * FROM sync_runs WHERE profile_id = ? ORDER BY id DESC LIMIT ?", (profile_id, limit))]


def last_run(conn: sqlite3.Connection, profile_id: int) -> SyncRun | None:
    """The newest sync run of a profile, whatever its status."""
    found = runs(conn, profile_id, 1)
    return found[0] if found else None


# ---------------------------------------------------------------- the sync itself

#: Per type: the source's category method, and the list actions of its categories and whole catalog.
_SOURCES = {"live": ("live_categories", "get_live_categories", "get_live_streams"),
            "movie": ("vod_categories", "get_vod_categories", "get_vod_streams"),
            "series": ("series_categories", "get_series_categories", "get_series")}


async def _download(client: Source, type: str, known: dict[str, ListVersion], categories: Awaitable[Any],
                    received: Callable[[], object] | None = None
                    ) -> tuple[list[catalog_store.CategoryData], ListAnswer, dict[str, ListVersion]]:
    """Categories and one type's whole list (one call each, never per category), and their versions.

    The list comes back without rows when neither it nor its categories changed since the
    ``known`` versions: the library already holds it. Rows stay as the panel sent them and are
    read straight into tuples by :func:`catalog_store.read_rows`: a typed record per row was
    most of a sync's CPU time."""
    _, categories_action, list_action = _SOURCES[type]
    cats = catalog_store.normalise_categories(await categories)
    cats_version = ListVersion(digest_of(repr(cats).encode()))
    same_categories = known.get(categories_action) == cats_version
    answer = await client.changed_list(list_action, known.get(list_action) if same_categories else None,
                                       received=received)
    return cats, answer, {categories_action: cats_version, list_action: answer.version}


#: Rows read between two turns of the event loop: the next list's download, fetched ahead,
#: takes its bytes off the socket at each turn (a socket left unread stops the provider's
#: sending, and a slow line's time is lost).
_READ_ROWS_PER_TURN = 1_000


async def _read_chunk(rows: Iterator[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The next :data:`sync_writer.CHUNK_ROWS` rows (fewer at the end), read a few at a time."""
    chunk: list[tuple[Any, ...]] = []
    while len(chunk) < sync_writer.CHUNK_ROWS:
        part = list(itertools.islice(rows, min(_READ_ROWS_PER_TURN, sync_writer.CHUNK_ROWS - len(chunk))))
        if not part:
            break
        chunk += part
        await asyncio.sleep(0)
    return chunk


def _released(raw: list[Any]) -> Iterator[dict[str, Any]]:
    """The items of a panel's list, each let go once read: the next list is parsed while this
    one is read, and 100,000 parsed dicts held to the end would be most of a sync's peak memory."""
    for i, item in enumerate(raw):
        raw[i] = None
        yield item


def _held(conn: sqlite3.Connection, profile_id: int, type: str) -> dict[str, catalog_store.Held]:
    """What the library holds of a type's items (positions, numbers, digests), read on a
    connection of its own when the library is a file (the writer thread may be storing the
    previous type on ``conn``)."""
    path = db.attached(conn).get("main", "")
    if not path:
        return catalog_store.held(conn, profile_id, type)
    reader = db.connect(path, readonly=True)
    try:
        return catalog_store.held(reader, profile_id, type)
    finally:
        reader.close()


async def sync_with_client(
    conn: sqlite3.Connection,
    profile_id: int,
    client: Source,
    progress: Callable[[SyncProgress], Any] | None = None,
    types: Iterable[str] = TYPES,
    overall: _Overall | None = None,
) -> tuple[dict[str, int], dict[str, str]]:
    """Fetch and store each type with an open source; returns (counts, errors) per type.

    The caller holds the profile's lock. This coroutine downloads each list, reads it into
    rows and packs them in chunks; a :class:`sync_writer.Writer` thread stores the chunks as
    they come (SQLite releases the GIL while it indexes), so reading and storing overlap, and
    the next list downloads while one is read, so on a slow line the sync costs little more
    than the transfer.
    ``overall`` carries the run's progress on from the caller (login included).
    """
    counts: dict[str, int] = {}
    errors: dict[str, str] = {}
    types = tuple(types)
    pending: list[tuple[str, concurrent.futures.Future[int]]] = []  # types handed to the writer
    present = catalog_counts(conn, profile_id)
    held = versions.known(conn, profile_id, present)
    found: dict[str, dict[str, ListVersion]] = {}  # versions of each type's lists, recorded once stored
    words: dict[str, set[str]] = {}  # typo vocabulary of each type handed to the writer
    overall = overall or _Overall(profile_id, progress)
    overall.plan(types, present)

    def fail(type: str, exc: XtplayError) -> None:
        log.warning("sync of %s failed for profile %s: %s", type, profile_id, exc)
        errors[type] = str(exc)
        overall.skip(type)

    def saved(type: str, done: int, total: int) -> None:
        overall.publish(f"saving {type}", done, total)

    # Every type's categories are asked for first, one after another (they are small), so a
    # list's download is one request, asked for as soon as the list before it is in.
    asked: dict[str, asyncio.Future[Any]] = {}

    async def ask(type: str, before: asyncio.Future[Any] | None) -> Any:
        if before is not None:
            await asyncio.wait([before])  # one at a time; one failing does not stop the next
        return await getattr(client, _SOURCES[type][0])()

    before: asyncio.Future[Any] | None = None
    for type in types:
        asked[type] = before = asyncio.ensure_future(ask(type, before))
    following = dict(itertools.pairwise(types))  # the type after each
    downloads: dict[str, asyncio.Future[Any]] = {}
    started: set[str] = set()  # the downloads are popped once awaited

    def download(type: str) -> asyncio.Future[Any]:
        if type not in started:
            started.add(type)
            after = following.get(type)
            downloads[type] = asyncio.ensure_future(
                _download(client, type, held, asked[type], (lambda: download(after)) if after else None))
        return downloads[type]

    writer = sync_writer.Writer(conn, profile_id, saved)
    try:
        for type in types:
            overall.publish(type)
            try:  # popped: a finished future would hold the list's rows until the sync ends
                cats, answer, found[type] = await download(type)
                downloads.pop(type)
            except XtplayError as exc:
                fail(type, exc)
                if isinstance(exc, AuthError):  # the account itself is refused: the other types would be too
                    for rest in types:
                        if rest not in errors and rest not in (t for t, _ in pending):
                            errors[rest] = str(exc)
                            overall.skip(rest)
                    break
                continue
            raw, records = answer.rows, answer.records
            if answer.unchanged:  # the library holds this very list: nothing to read or write
                counts[type] = present[type]
                saved(type, counts[type], counts[type])
                continue
            if type in following:  # already asked for unless this list's bytes never came (a 304):
                download(following[type])  # the next list comes while this one is read
            total = len(records) if records is not None else len(raw or ())
            saved(type, 0, total)
            writer.begin(type, total, lean=records is not None)  # records carry no genres, plots or casts
            vocabulary: set[str] = set()
            previous = _held(conn, profile_id, type) if present[type] else None
            rows = (catalog_store.read_records(type, records, cats, previous) if records is not None
                    else catalog_store.read_rows(type, _released(raw or []), cats, previous))
            try:
                while chunk := await _read_chunk(rows):
                    await writer.room()
                    writer.put(type, catalog_store.pack(chunk), len(chunk))
                    vocabulary |= catalog_store.vocabulary(chunk)  # while SQLite indexes the chunk
                    await asyncio.sleep(0)
            except XtplayError as exc:
                writer.abandon(type)
                fail(type, exc)
                continue
            words[type] = vocabulary
            pending.append((type, writer.end(type, cats)))
            del raw, records, rows, answer  # freeing 100,000 dicts takes a while: here it overlaps the writing
    finally:
        ahead = [*downloads.values(), *asked.values()]  # fetched ahead of a failure or a cancellation
        for task in ahead:
            task.cancel()
        await asyncio.gather(*ahead, return_exceptions=True)
        await writer.close()  # rolls back a type left half-read (a cancelled sync)
    for type, done in pending:
        try:
            counts[type] = done.result()
        except XtplayError as exc:
            fail(type, exc)
    versions.record(conn, profile_id, found, counts)
    if words.keys() & counts.keys():
        overall.publish("indexing")
        try:  # the words of a type that was not stored come from the library
            stored = {t: w for t, w in words.items() if t in counts}
            await asyncio.to_thread(catalog_store.rebuild_terms, conn, profile_id, stored)
        except XtplayError as exc:  # the catalog is stored; only typo correction lags behind
            log.warning("typo vocabulary of profile %s not refreshed: %s", profile_id, exc)
    overall.index_done()
    return counts, errors


async def sync_profile(
    settings: Settings,
    conn: sqlite3.Connection,
    vault: Vault,
    profile: Profile,
    progress: Callable[[SyncProgress], Any] | None = None,
    types: Iterable[str] = TYPES,
) -> SyncResult:
    """Sync one profile's catalog; raises :class:`SyncAlreadyRunning` if one is in progress.

    Provider failures do not raise: they are the run's per-type errors (status 'partial' when
    some type was stored, 'failed' when none was), recorded in ``sync_runs``.
    """
    types = tuple(types)
    lock = _ProfileLock(settings, profile.id)
    if not lock.try_acquire():
        raise SyncAlreadyRunning(profile.name)
    started = time.monotonic()
    counts: dict[str, int] = {}
    errors: dict[str, str] = {}
    overall = _Overall(profile.id, progress)
    try:
        run_id = _start_run(conn, profile.id)
        overall.publish("login")
        try:
            client = source_for(conn, vault, settings, profile)
            async with client:
                with _cyclic_gc_paused():  # a playlist source reads its whole list at login
                    await client.login()  # an expired or refused account fails here, with its reason
                    counts, errors = await sync_with_client(conn, profile.id, client, progress, types,
                                                            overall)
        except XtplayError as exc:  # login, vault or client creation failed: every type failed
            for type in types:
                errors.setdefault(type, str(exc))
        status = "ok" if not errors else ("partial" if counts else "failed")
        result = SyncResult(status, counts, time.monotonic() - started, errors, run_id)
        _finish_run(conn, run_id, result)
        return result
    finally:
        overall.publish("done", sum(counts.values()), sum(counts.values()), finished=True)
        lock.release()
        _release_memory()


_gc_pauses = 0
_gc_lock = threading.Lock()
_gc_was_enabled = True


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off while a sync builds its lists.

    Parsing a 100,000-row list allocates millions of containers, and every few hundred the
    collector walks them all again: measured, 40 % of the JSON parse and 15 % of reading the
    rows into tuples. Nothing a sync builds is cyclic, so reference counting frees it anyway;
    the collector runs again (and :func:`_release_memory` collects) when the last sync ends.
    Process-wide, hence counted: two profiles may sync at once.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def _release_memory() -> None:
    """Hand the memory of a big sync's parsed lists back to the OS (a server keeps running)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the allocator keeps it for reuse
        pass


def lock_path(settings: Settings, profile_id: int) -> Path:
    """Where the profile's sync lock lives (tests and diagnostics)."""
    return _ProfileLock(settings, profile_id).path
