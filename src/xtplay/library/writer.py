"""The writing half of a sync: one thread that stores each type's chunks in one transaction.

Sync reads a list into rows and packs them in chunks (:func:`catalog_store.pack`) on its own
thread; the writer thread takes the chunks in order and stores them, and SQLite releases the
GIL while it updates the indexes. Reading and storing therefore overlap, within a type (the
first chunk of 100,000 movies is being indexed while the rest are still read) and from one
type to the next. Types are stored one after another (one writer per library file), each in
its own transaction, so a failure or a kill at any moment leaves every type either wholly
replaced or untouched.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import sqlite3
from collections.abc import Callable
from typing import Any

from xtplay import db
from xtplay.errors import XtplayError
from xtplay.library import store as catalog_store
from xtplay.library.store import CategoryData

log = logging.getLogger(__name__)

#: Rows per chunk: small enough that storing starts soon after reading does, large enough
#: that the full-text indexes are not flushed too often (FTS5 flushes at every statement).
CHUNK_ROWS = 10_000
#: Packed chunks handed over and not yet stored at most, before the reading side waits
#: (:meth:`Writer.room`): reading keeps ahead of the writer, without every chunk's image of a
#: 100,000-row list (about 25 MB) waiting in memory at once.
BACKLOG = 2

Report = Callable[[str, int, int], Any]


class Writer:
    """Stores what :meth:`begin`, :meth:`put` and :meth:`end` hand it, in that order, on a
    worker thread that owns the connection until :meth:`close`."""

    def __init__(self, conn: sqlite3.Connection, profile_id: int, report: Report | None = None) -> None:
        self._conn = conn
        self._profile_id = profile_id
        self._report = report
        self._inbox: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._open: str | None = None  # the type begun and not yet ended, as the caller sees it
        self._put = 0  # chunks handed over (counted by the caller's thread only)
        self._stored = 0  # chunks stored or dropped (counted by the writer thread only)
        # Each stored type's pages are copied from the WAL into the library by another
        # connection, beside the next type's writing, instead of by SQLite's automatic
        # checkpoint inside the writer's commit (0.3 s of the 100,000-movie commit).
        self._checkpointer = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="xtplay-checkpoint")
        self._thread = asyncio.get_running_loop().run_in_executor(None, self._run)

    def begin(self, type: str, total: int, lean: bool = False) -> None:
        """Start replacing ``type`` (about ``total`` rows, for progress; ``lean`` rows carry
        no texts, see :func:`catalog_store.begin`)."""
        self._open = type
        self._inbox.put(("begin", type, total, lean))

    def put(self, type: str, image: bytes, rows: int) -> None:
        """Store a packed chunk of ``rows`` rows of the type begun."""
        self._put += 1
        self._inbox.put(("chunk", type, image, rows))

    async def room(self) -> None:
        """Wait (without holding the event loop) until fewer than :data:`BACKLOG` chunks wait
        to be stored; at once if the writer thread has stopped."""
        while self._put - self._stored >= BACKLOG and not self._thread.done():
            await asyncio.sleep(0.005)

    def end(self, type: str, categories: list[CategoryData]) -> concurrent.futures.Future[int]:
        """Finish the type: the future gives its number of items, or the error that kept the
        previous catalog of the type."""
        done: concurrent.futures.Future[int] = concurrent.futures.Future()
        self._open = None
        self._inbox.put(("end", type, categories, done))
        return done

    def abandon(self, type: str) -> None:
        """Roll back the type begun: its previous catalog stays as it was."""
        self._open = None
        self._inbox.put(("abandon", type))

    async def close(self) -> None:
        """Roll back a type begun and never ended, then wait for the thread to let go of the
        connection. Safe to call when the sync was cancelled."""
        if self._open is not None:
            self.abandon(self._open)
        self._inbox.put(("stop",))
        await asyncio.shield(self._thread)
        await asyncio.shield(asyncio.to_thread(self._checkpointer.shutdown))

    def _run(self) -> None:
        conn, profile_id = self._conn, self._profile_id
        failed: BaseException | None = None  # what went wrong in the current type
        open_ = False  # a transaction is open on the connection
        done = total = 0
        path, automatic = _library_file(conn), _autocheckpoint(conn)
        if path and automatic:
            _autocheckpoint(conn, 0)
        while True:
            message = self._inbox.get()
            kind, type = message[0], message[1] if len(message) > 1 else ""
            if kind == "stop":
                if path and automatic:
                    _autocheckpoint(conn, automatic)
                return
            try:
                if kind == "begin":
                    failed, done, total = None, 0, message[2]
                    catalog_store.begin(conn, lean=message[3])
                    open_ = True
                elif kind == "chunk":
                    try:
                        if failed is None:
                            catalog_store.store_chunk(conn, profile_id, type, message[2])
                            done += message[3]
                            if self._report:
                                self._report(type, done, max(total, done))
                    finally:
                        self._stored += 1
                elif kind == "end":
                    future: concurrent.futures.Future[int] = message[3]
                    if failed is not None:
                        future.set_exception(failed)
                    else:
                        open_ = False  # finish commits, or rolls back on failure
                        future.set_result(catalog_store.finish(conn, profile_id, type, message[2]))
                        if path and automatic:
                            self._checkpointer.submit(_checkpoint, path)
                elif kind == "abandon" and open_:
                    open_ = False
                    catalog_store.abandon(conn)
            except BaseException as exc:
                if kind == "end":
                    message[3].set_exception(exc)
                else:
                    failed = exc
                if open_:
                    open_ = False
                    try:
                        catalog_store.abandon(conn)
                    except Exception:  # the error above is the one to report
                        log.exception("rolling back the %s catalog failed", type)


def _library_file(conn: sqlite3.Connection) -> str:
    """The file of the connection's main database ('' in memory or when it cannot be told)."""
    try:
        return db.attached(conn).get("main", "")
    except sqlite3.Error:
        return ""


def _autocheckpoint(conn: sqlite3.Connection, pages: int | None = None) -> int:
    """The connection's automatic checkpoint threshold in pages (0: off), set first when given."""
    try:
        if pages is not None:
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
        return int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    except sqlite3.Error as exc:  # left as it was: SQLite checkpoints inside the commits
        log.warning("automatic checkpoints not changed: %s", exc)
        return 0


def _checkpoint(path: str) -> None:
    """Copy what the WAL holds into the library file, without waiting for anyone (PASSIVE)."""
    try:
        conn = db.connect(path)
    except XtplayError as exc:
        log.warning("checkpoint of %s skipped: %s", path, exc)
        return
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error as exc:  # the next automatic checkpoint does it
        log.warning("checkpoint of %s failed: %s", path, exc)
    finally:
        conn.close()
