"""The only code that opens SQLite: connections, migrations, and our own errors for its failures.

Migrations are ``migrations/NNNN_name.sql`` applied in order under ``PRAGMA user_version``;
the database file is copied aside before any migration runs, and a file from a newer
xtplay is refused untouched.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from xtplay.config import Settings
from xtplay.errors import DatabaseTooNew, DatabaseUnavailable, StoreError
from xtplay.i18n import N_

_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")
BUSY_TIMEOUT_MS = 10_000


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every bundled migration, in order."""
    found = []
    for entry in resources.files("xtplay.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    return found


def schema_version() -> int:
    """The newest schema this xtplay knows."""
    known = migrations()
    return known[-1][0] if known else 0


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection with WAL, foreign keys, a busy timeout and ``sqlite3.Row`` rows."""
    try:
        if readonly:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn
    except sqlite3.Error as exc:
        raise _translate(exc, path) from exc


def open_library(path: Path | str) -> sqlite3.Connection:
    """Connect and bring the schema up to date (the usual way in)."""
    conn = connect(path)
    try:
        migrate(conn, Path(path))
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def library(settings: Settings) -> Iterator[sqlite3.Connection]:
    """The settings' library file, brought up to date, closed again on leaving (a command's way in)."""
    conn = open_library(settings.db_path)
    try:
        yield conn
    finally:
        conn.close()


def migrate(conn: sqlite3.Connection, path: Path | None = None) -> int:
    """Apply pending migrations; back the file up first. Returns the new version."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    known = migrations()
    latest = known[-1][0] if known else 0
    if current > latest:
        raise DatabaseTooNew(str(path or "?"), current, latest)
    pending = [m for m in known if m[0] > current]
    if not pending:
        return current
    if path is not None and current > 0 and Path(path).exists():
        backup(conn, Path(path).with_name(f"{Path(path).name}.v{current}.{int(time.time())}.bak"))
    for version, name, sql in pending:
        try:
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.rollback()
            raise StoreError(N_("Upgrading the library failed at %(name)s: %(reason)s. The backup beside it is intact."),
                             {"name": name, "reason": str(exc)}) from exc
    return pending[-1][0]


def backup(conn: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy of the live database (safe while WAL is in use)."""
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def attached(conn: sqlite3.Connection) -> dict[str, str]:
    """The connection's databases: schema name → file ('' for one in memory)."""
    return {row[1]: row[2] or "" for row in conn.execute("PRAGMA database_list")}


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error, sqlite errors translated."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise _translate(exc, None) from exc
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    else:
        try:
            conn.commit()
        except sqlite3.Error as exc:
            conn.rollback()
            raise _translate(exc, None) from exc


def _translate(exc: sqlite3.Error, path: Path | str | None) -> StoreError:
    text = str(exc)
    where = f" ({path})" if path else ""
    if "unable to open" in text:
        return DatabaseUnavailable(f"Cannot open the library{where}: check that the folder exists and is writable.")
    if "locked" in text or "busy" in text:
        return DatabaseUnavailable(f"The library{where} is busy in another process; try again.")
    if "disk" in text and ("full" in text or "I/O" in text):
        return DatabaseUnavailable(f"The library{where} cannot be written: {text}. Free some disk space.")
    if "malformed" in text or "not a database" in text:
        return StoreError(f"The library{where} is damaged ({text}). Restore a .bak copy beside it.")
    return StoreError(f"Library error{where}: {text}")


def translate_error(exc: sqlite3.Error, path: Path | str | None = None) -> StoreError:
    """Public form of the sqlite3 → StoreError translation, for code that catches sqlite3 itself."""
    return _translate(exc, path)
