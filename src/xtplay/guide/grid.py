"""The guide grid: channels × a time window, laid out ready to render.

Each row is a catalog live channel (provider order), each cell a programme clipped to the
window with its left offset and width in percent, whether it is on now and whether it can be
watched again (catch-up). Two queries serve a whole page: one for the channels, one for all
their programmes in the window.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from xtplay.guide import catchup
from xtplay.guide.blocks import entries, epoch, programme
from xtplay.guide.model import Programme
from xtplay.guide.query import resolve_channels, shifts


@dataclass(frozen=True, slots=True)
class GridCell:
    programme: Programme
    left: float  #: percent of the window before the cell
    width: float  #: percent of the window the cell covers
    is_now: bool
    catchup: bool  #: past, on a channel with archive, within its window


@dataclass(frozen=True, slots=True)
class GridRow:
    channel_id: str
    name: str
    num: int | None
    logo: str | None
    archive_days: int
    cells: list[GridCell]  #: empty: "no programme information"


@dataclass(frozen=True, slots=True)
class Grid:
    start: datetime  #: UTC
    end: datetime
    rows: list[GridRow]
    now_position: float | None  #: percent across the window of the current-time line, None outside
    channel_offset: int
    channels_total: int

    @property
    def earlier(self) -> datetime:
        """Start of the previous window (half a window back)."""
        return self.start - (self.end - self.start) / 2

    @property
    def later(self) -> datetime:
        return self.start + (self.end - self.start) / 2

    @property
    def prev_offset(self) -> int | None:
        return None if self.channel_offset == 0 else max(0, self.channel_offset - max(1, len(self.rows)))

    @property
    def next_offset(self) -> int | None:
        nxt = self.channel_offset + len(self.rows)
        return nxt if nxt < self.channels_total else None

    def ticks(self, every_minutes: int = 30) -> list[tuple[datetime, float]]:
        """(time, percent) of the time-axis labels."""
        step = timedelta(minutes=every_minutes)
        span = (self.end - self.start).total_seconds()
        out, at = [], align(self.start, every_minutes)
        if at < self.start:
            at += step
        while at < self.end:
            out.append((at, 100 * (at - self.start).total_seconds() / span))
            at += step
        return out


def align(at: datetime, minutes: int = 30) -> datetime:
    """``at`` rounded down to a multiple of ``minutes`` (UTC; whole-hour zones stay aligned)."""
    ts = epoch(at)
    return datetime.fromtimestamp(ts - ts % (minutes * 60), UTC)


def grid(conn: sqlite3.Connection, profile_id: int, start: datetime, hours: float = 3, channel_offset: int = 0,
         channels: int = 50, *, category_id: str | None = None, include_adult: bool = False,
         at: datetime | None = None) -> Grid:
    """The grid page: ``channels`` live channels from ``channel_offset``, programmes in [start, start+hours)."""
    lo = epoch(start)
    hi = lo + int(hours * 3600)
    now = epoch(at)
    filters = ["profile_id = ?", "type = 'live'"]
    args: list[Any] = [profile_id]
    if category_id is not None:
        filters.append("category_id = ?")
        args.append(category_id)
    if not include_adult:
        filters.append("is_adult = 0")
    where = " AND ".join(filters)
    total = conn.execute(f"SELECT count(*) FROM items WHERE {where}", args).fetchone()[0]
    chans = conn.execute(f"SELECT provider_id, name, num, logo, archive_days FROM items WHERE {where} "
                         "ORDER BY position LIMIT ? OFFSET ?", [*args, channels, channel_offset]).fetchall()
    located = resolve_channels(conn, profile_id, [c[0] for c in chans])
    moved = shifts(conn, profile_id, list(located))
    reach = max((abs(v) for v in moved.values()), default=0)  # a shifted channel's programmes lie outside [lo, hi)
    by_where: dict[tuple[int, str], list[Programme]] = {}
    groups: dict[int, list[str]] = {}
    for run_id, key in set(located.values()):
        groups.setdefault(run_id, []).append(key)
    for run_id, keys in groups.items():
        marks = ",".join("?" * len(keys))
        blocks: dict[str, list[tuple]] = {}
        for key, data in conn.execute(
                f"SELECT channel_key, data FROM programme_blocks WHERE profile_id=? AND run_id=? "
                f"AND channel_key IN ({marks}) AND first_start < ? AND last_stop > ?",
                (profile_id, run_id, *keys, hi + reach, lo - reach)):
            blocks.setdefault(key, []).append((data,))
        for key, found in blocks.items():
            by_where[(run_id, key)] = [programme("", e) for e in entries(found, lo - reach, hi + reach)]
    span = hi - lo
    rows: list[GridRow] = []
    for pid, name, num, logo, archive_days in chans:
        cells = []
        move = timedelta(seconds=moved.get(str(pid), 0))
        for prog in by_where.get(located.get(pid, (0, "")), []):
            if move:
                prog = dataclasses.replace(prog, start=prog.start + move, stop=prog.stop + move)
            s, e = max(epoch(prog.start), lo), min(epoch(prog.stop), hi)
            if e <= s:
                continue
            p = Programme(pid, prog.start, prog.stop, prog.title, prog.subtitle, prog.description, prog.category,
                          prog.episode_num, prog.icon)
            cells.append(GridCell(
                programme=p, left=100 * (s - lo) / span, width=100 * (e - s) / span,
                is_now=epoch(p.start) <= now < epoch(p.stop),
                catchup=catchup.in_archive_window(archive_days or 0, epoch(p.start), epoch(p.stop), now),
            ))
        rows.append(GridRow(str(pid), name, num, logo, archive_days or 0, cells))
    return Grid(
        start=datetime.fromtimestamp(lo, UTC), end=datetime.fromtimestamp(hi, UTC), rows=rows,
        now_position=100 * (now - lo) / span if lo <= now < hi else None,
        channel_offset=channel_offset, channels_total=total,
    )
