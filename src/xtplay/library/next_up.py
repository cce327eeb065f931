"""What to watch next in a series: resume the episode in progress, or the next one.

Read from History and the episodes the library stored when the series was opened. A series
is "in progress" from its first episode played until its last is watched; the series page
offers "Resume S2 E3" or "Play S2 E4", the home screen's Next up row lists one per series.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from xtplay.library import history


@dataclass(frozen=True, slots=True)
class NextUp:
    """The episode to play next of one series; ``resume`` is where to pick it up (None: the start)."""

    series_id: str
    episode_id: str
    season: int
    episode_num: int
    title: str
    resume: float | None
    duration_secs: float | None = None
    position_secs: float = 0.0

    @property
    def label(self) -> str:
        """``S2 E3``, as buttons say it."""
        return f"S{self.season} E{self.episode_num}"

    @property
    def progress(self) -> float | None:
        """Fraction of the episode watched (None when not started or without a duration)."""
        if not self.resume or not self.duration_secs:
            return None
        return max(0.0, min(1.0, self.position_secs / self.duration_secs))


_LATEST = (
    "SELECT e.series_id, e.episode_id, e.season, e.episode_num, h.watched, h.position_secs, h.duration_secs"
    " FROM history h JOIN episodes e ON e.profile_id = h.profile_id AND e.episode_id = h.provider_id"
    " WHERE h.profile_id = ? AND h.type = 'episode' {where} ORDER BY h.updated_at DESC, h.rowid DESC")


def _after(conn: sqlite3.Connection, profile_id: int, series_id: str, season: int, num: int) -> sqlite3.Row | None:
    """The first episode after (season, num) that is not watched yet."""
    return conn.execute(
        "SELECT e.episode_id, e.season, e.episode_num, e.title, e.duration_secs FROM episodes e"
        " LEFT JOIN history h ON h.profile_id = e.profile_id AND h.type = 'episode' AND h.provider_id = e.episode_id"
        " WHERE e.profile_id = ? AND e.series_id = ? AND (e.season > ? OR (e.season = ? AND e.episode_num > ?))"
        " AND coalesce(h.watched, 0) = 0 ORDER BY e.season, e.episode_num LIMIT 1",
        (profile_id, series_id, season, season, num)).fetchone()


def _from_latest(conn: sqlite3.Connection, profile_id: int, row: sqlite3.Row) -> NextUp | None:
    series_id, episode_id, season, num, watched, position, duration = (row[0], row[1], row[2], row[3],
                                                                       bool(row[4]), float(row[5] or 0), row[6])
    if not watched:
        title = conn.execute("SELECT title FROM episodes WHERE profile_id = ? AND series_id = ? AND episode_id = ?",
                             (profile_id, series_id, episode_id)).fetchone()[0]
        resume = position if position >= history.RESUME_MIN_SECS else None
        return NextUp(series_id, episode_id, season, num, title, resume, duration, position)
    following = _after(conn, profile_id, series_id, season, num)
    if following is None:
        return None
    return NextUp(series_id, following[0], following[1], following[2], following[3], None, following[4])


def for_series(conn: sqlite3.Connection, profile_id: int, series_id: str) -> NextUp | None:
    """The series' next episode from its latest played one; None when none was played or all are done."""
    row = conn.execute(_LATEST.format(where="AND e.series_id = ?") + " LIMIT 1",
                       (profile_id, str(series_id))).fetchone()
    return _from_latest(conn, profile_id, row) if row is not None else None


def in_progress(conn: sqlite3.Connection, profile_id: int, limit: int = 20) -> list[NextUp]:
    """The next unwatched episode of each series whose latest played episode is watched, most
    recently watched series first (the home screen's Next up; episodes in progress are in
    Continue watching)."""
    out: list[NextUp] = []
    seen: set[str] = set()
    for row in conn.execute(_LATEST.format(where=""), (profile_id,)):
        if row[0] in seen:
            continue
        seen.add(row[0])
        if not row[4]:
            continue
        found = _from_latest(conn, profile_id, row)
        if found is not None:
            out.append(found)
            if len(out) >= limit:
                break
    return out
