"""Watch history and resume positions, per profile.

Players report the position as they go (``record``); an item counts as watched from 95 %
of its duration on (the credits), and stays watched. Each player numbers its reports, so one
that arrives late (sent on leaving the page, retried) never rolls a newer position back.
"Continue watching" lists movies and episodes started but not finished. The name is copied
so an entry outlives the item at the provider.
"""

from __future__ import annotations

import builtins
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from xtplay.db import transaction
from xtplay.library import catalog
from xtplay.library.favorites import check_type, item_name

#: Watched from this fraction of the duration on: what is left is the credits.
WATCHED_FRACTION = 0.95
#: A position below this is "not started" (no resume offered).
RESUME_MIN_SECS = 30.0
#: Types with a position worth resuming (live TV has none).
RESUMABLE = ("movie", "episode")


@dataclass(frozen=True, slots=True)
class Entry:
    """One history entry; ``item`` is the library's current row (None when gone or an episode)."""

    type: str
    provider_id: str
    name: str
    position_secs: float
    duration_secs: float | None
    watched: bool
    updated_at: str
    item: Any | None = None

    @property
    def progress(self) -> float | None:
        """Fraction watched, 0–1 (None without a duration)."""
        if not self.duration_secs:
            return None
        return max(0.0, min(1.0, self.position_secs / self.duration_secs))

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "provider_id": self.provider_id, "name": self.name,
                "position_secs": self.position_secs, "duration_secs": self.duration_secs,
                "watched": self.watched, "updated_at": self.updated_at, "progress": self.progress,
                "item": self.item.to_dict() if self.item is not None else None}


_COLUMNS = "type, provider_id, name, position_secs, duration_secs, watched, updated_at"


def _entry(row: sqlite3.Row, item: Any | None = None) -> Entry:
    return Entry(row[0], row[1], row[2], float(row[3] or 0), row[4], bool(row[5]), row[6], item)


def record(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str | int,
           position_secs: float = 0.0, duration_secs: float | None = None, name: str | None = None,
           at: datetime | None = None, session: str | None = None, seq: int = 0) -> Entry:
    """Remember that the item was played up to ``position_secs`` (upsert; watched is sticky).

    ``at`` (default now) orders the history; tests pass it rather than waiting for the clock.
    ``session`` and ``seq`` name a player and its report's number: a report numbered at or
    below the last one of the same player is older news and changes nothing."""
    check_type(type)
    pid = str(provider_id)
    position = max(0.0, float(position_secs or 0))
    duration = float(duration_secs) if duration_secs else None
    watched = bool(duration and position >= WATCHED_FRACTION * duration)
    now = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
    with transaction(conn):
        if name is None:
            known = conn.execute("SELECT name FROM history WHERE profile_id = ? AND type = ? AND provider_id = ?",
                                 (profile_id, type, pid)).fetchone()
            name = known[0] if known and known[0] else (item_name(conn, profile_id, type, pid) or f"{type} {pid}")
        conn.execute(
            "INSERT INTO history (profile_id, type, provider_id, name, position_secs, duration_secs, watched,"
            " updated_at, play_session, play_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (profile_id, type, provider_id) DO UPDATE SET"
            " name = excluded.name, position_secs = excluded.position_secs,"
            " duration_secs = coalesce(excluded.duration_secs, history.duration_secs),"
            " watched = max(history.watched, excluded.watched), updated_at = excluded.updated_at,"
            " play_session = excluded.play_session, play_seq = excluded.play_seq"
            " WHERE excluded.play_session IS NULL OR history.play_session IS NOT excluded.play_session"
            " OR excluded.play_seq > history.play_seq",
            (profile_id, type, pid, name, position, duration, int(watched), now, session, int(seq)))
    return get(conn, profile_id, type, pid)  # type: ignore[return-value]


def get(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str | int) -> Entry | None:
    """The entry of one item, or None when never played."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM history WHERE profile_id = ? AND type = ? AND provider_id = ?",
                       (profile_id, type, str(provider_id))).fetchone()
    return _entry(row) if row else None


def resume_position(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str | int) -> float | None:
    """Where to resume (seconds), or None: never started, barely started, or watched."""
    entry = get(conn, profile_id, type, provider_id)
    if entry is None or entry.type not in RESUMABLE or entry.watched or entry.position_secs < RESUME_MIN_SECS:
        return None
    return entry.position_secs


def mark_watched(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str | int,
                 watched: bool = True) -> Entry:
    """Set or clear the watched flag by hand (creates the entry when needed)."""
    check_type(type)
    if get(conn, profile_id, type, provider_id) is None:
        record(conn, profile_id, type, provider_id, 0.0)
    with transaction(conn):
        conn.execute("UPDATE history SET watched = ?, position_secs = CASE WHEN ? THEN position_secs ELSE 0 END "
                     "WHERE profile_id = ? AND type = ? AND provider_id = ?",
                     (int(watched), int(watched), profile_id, type, str(provider_id)))
    return get(conn, profile_id, type, provider_id)  # type: ignore[return-value]


def watched_ids(conn: sqlite3.Connection, profile_id: int, type: str) -> builtins.set[str]:
    """Provider ids of watched items of one type (episode lists mark them)."""
    return {r[0] for r in conn.execute(
        "SELECT provider_id FROM history WHERE profile_id = ? AND type = ? AND watched = 1", (profile_id, type))}


def _with_items(conn: sqlite3.Connection, profile_id: int, rows: builtins.list[sqlite3.Row]) -> builtins.list[Entry]:
    keys = [(r[0], r[1]) for r in rows if r[0] in catalog.TYPES]
    items = catalog.get_items(conn, profile_id, keys) if keys else {}
    return [_entry(r, items.get((r[0], r[1]))) for r in rows]


def list(conn: sqlite3.Connection, profile_id: int, type: str | None = None,
         limit: int = 200) -> builtins.list[Entry]:
    """History, most recent first."""
    if type is not None:
        check_type(type)
    rows = conn.execute(f"SELECT {_COLUMNS} FROM history WHERE profile_id = ? AND (? IS NULL OR type = ?) "
                        "ORDER BY updated_at DESC, rowid DESC LIMIT ?", (profile_id, type, type, limit)).fetchall()
    return _with_items(conn, profile_id, rows)


def continue_watching(conn: sqlite3.Connection, profile_id: int, limit: int = 20) -> builtins.list[Entry]:
    """Movies and episodes started (≥ 30 s) and not watched, most recent first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM history WHERE profile_id = ? AND type IN ('movie', 'episode') "
        "AND watched = 0 AND position_secs >= ? ORDER BY updated_at DESC, rowid DESC LIMIT ?",
        (profile_id, RESUME_MIN_SECS, limit)).fetchall()
    return _with_items(conn, profile_id, rows)


def remove(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str | int) -> bool:
    """Forget one entry; True when there was one."""
    with transaction(conn):
        cur = conn.execute("DELETE FROM history WHERE profile_id = ? AND type = ? AND provider_id = ?",
                           (profile_id, type, str(provider_id)))
    return cur.rowcount > 0


def clear(conn: sqlite3.Connection, profile_id: int) -> int:
    """Forget the whole history of the profile; the number of entries removed."""
    with transaction(conn):
        return conn.execute("DELETE FROM history WHERE profile_id = ?", (profile_id,)).rowcount


def started(conn: sqlite3.Connection, profile_id: int,
            keys: builtins.list[tuple[str, str]]) -> dict[tuple[str, str], Entry]:
    """The entries of the started (≥ 30 s), unfinished items among ``keys`` ((type, provider
    id) pairs), by key: what a page needs for the resume point and progress bar of every movie
    and episode it lists, in one query however many there are."""
    if not keys:
        return {}
    found: dict[tuple[str, str], Entry] = {}
    pairs = builtins.list(dict.fromkeys((t, str(p)) for t, p in keys))
    for at in range(0, len(pairs), 400):  # well under SQLite's limit of bound values
        part = pairs[at:at + 400]
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM history WHERE profile_id = ? AND (type, provider_id) IN"
            f" (VALUES {','.join(['(?, ?)'] * len(part))}) AND watched = 0 AND position_secs >= ?",
            (profile_id, *[v for pair in part for v in pair], RESUME_MIN_SECS)).fetchall()
        found.update({(r[0], r[1]): _entry(r) for r in rows})
    return found


def progress_by_id(conn: sqlite3.Connection, profile_id: int, type: str,
                   provider_ids: builtins.list[str]) -> dict[str, float]:
    """Fraction watched (0–1) of each started, unfinished item among ``provider_ids``, for the
    progress bar on its poster wherever posters are listed (watched and unstarted ones absent)."""
    entries = started(conn, profile_id, [(type, str(p)) for p in provider_ids])
    return {key[1]: e.progress for key, e in entries.items() if e.progress is not None}
