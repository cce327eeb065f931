"""Reading the guide: which channels have one, now/next, a channel's day, one programme, and
programmes by title (search).

Plain functions over a connection, reading only the current run of each source.
"""

from __future__ import annotations

import heapq
import sqlite3
from datetime import date, datetime, timedelta, tzinfo

import orjson

from xtplay.guide.blocks import BLOCKS_SQL, entries, epoch, programme, search_title
from xtplay.guide.model import NowNext, Programme
from xtplay.library.search import fold, words


def resolve_channels(conn: sqlite3.Connection, profile_id: int, provider_ids: list[str]) -> dict[str, tuple[int, str]]:
    """provider id → (run id, guide channel key) for channels that have a current guide."""
    if not provider_ids:
        return {}
    out: dict[str, tuple[int, str]] = {}
    ids = [str(p) for p in provider_ids]
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        marks = ",".join("?" * len(part))
        for pid, run_id, key in conn.execute(
            f"""SELECT i.provider_id, c.run_id, COALESCE(m.channel_key, i.epg_channel_id)
                FROM items i
                LEFT JOIN guide_map m ON m.profile_id = i.profile_id AND m.provider_id = i.provider_id
                JOIN guide_current c ON c.profile_id = i.profile_id AND c.source = COALESCE(m.source, 'xtream')
                WHERE i.profile_id = ? AND i.type = 'live' AND i.provider_id IN ({marks})""",
                [profile_id, *part]):
            if key:
                out[pid] = (run_id, key)
    return out


def shifts(conn: sqlite3.Connection, profile_id: int, provider_ids: list[str]) -> dict[str, int]:
    """provider id → seconds its guide is read shifted by (a playlist's ``tvg-shift``), where not 0."""
    ids = [str(p) for p in provider_ids]
    out: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        marks = ",".join("?" * len(part))
        out.update(conn.execute(f"SELECT provider_id, shift_secs FROM guide_map WHERE profile_id = ? AND shift_secs != 0 "
                                f"AND provider_id IN ({marks})", [profile_id, *part]).fetchall())
    return out


def shifted(channel_id: str, e: list, shift: int) -> Programme:
    """A stored entry as the channel's programme, its times moved by ``shift`` seconds."""
    return programme(channel_id, [e[0] + shift, e[1] + shift, *e[2:]] if shift else e)


def now_next(conn: sqlite3.Connection, profile_id: int, channel_provider_ids: list[str],
             at: datetime | None = None) -> dict[str, NowNext]:
    """For each channel: the programme on at ``at`` (default now) and the one after it.

    Channels without guide data map to ``NowNext(None, None)`` ("no programme information").
    """
    at_ts = epoch(at)
    found = resolve_channels(conn, profile_id, channel_provider_ids)
    moved = shifts(conn, profile_id, list(found))
    result: dict[str, NowNext] = {}
    for pid in map(str, channel_provider_ids):
        where = found.get(pid)
        if where is None:
            result[pid] = NowNext(None, None)
            continue
        shift = moved.get(pid, 0)
        ts = at_ts - shift
        rows = conn.execute(BLOCKS_SQL + "AND last_stop > ? ORDER BY first_start LIMIT 3", (profile_id, *where, ts))
        now = nxt = None
        for e in entries(rows, ts, 2**62):
            if e[0] <= ts:
                now = e
            elif nxt is None:
                nxt = e
        result[pid] = NowNext(shifted(pid, now, shift) if now else None, shifted(pid, nxt, shift) if nxt else None)
    return result


def programmes_between(conn: sqlite3.Connection, profile_id: int, channel_provider_id: str,
                       start: datetime, end: datetime) -> list[Programme]:
    """A channel's programmes overlapping [start, end), in order."""
    pid = str(channel_provider_id)
    where = resolve_channels(conn, profile_id, [pid]).get(pid)
    if where is None:
        return []
    shift = shifts(conn, profile_id, [pid]).get(pid, 0)
    lo, hi = epoch(start) - shift, epoch(end) - shift
    rows = conn.execute(BLOCKS_SQL + "AND first_start < ? AND last_stop > ? ORDER BY first_start", (profile_id, *where, hi, lo))
    return [shifted(pid, e, shift) for e in entries(rows, lo, hi)]


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Midnight to midnight of ``day`` in ``tz`` (23 or 25 hours on a daylight-saving change)."""
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    nxt = day + timedelta(days=1)
    return start, datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz)


def channel_guide(conn: sqlite3.Connection, profile_id: int, channel_provider_id: str, day: date,
                  tz: tzinfo) -> list[Programme]:
    """A channel's programmes for one calendar day in the viewer's zone."""
    start, end = day_bounds(day, tz)
    return programmes_between(conn, profile_id, channel_provider_id, start, end)


def programme_at(conn: sqlite3.Connection, profile_id: int, channel_provider_id: str, start: datetime) -> Programme | None:
    """The channel's programme that starts exactly at ``start`` (how pages name a programme)."""
    pid = str(channel_provider_id)
    where = resolve_channels(conn, profile_id, [pid]).get(pid)
    if where is None:
        return None
    shift = shifts(conn, profile_id, [pid]).get(pid, 0)
    ts = epoch(start) - shift
    rows = conn.execute(BLOCKS_SQL + "AND first_start <= ? AND last_stop > ?", (profile_id, *where, ts, ts))
    for e in entries(rows, ts, ts + 1):
        if e[0] == ts:
            return shifted(pid, e, shift)
    return None


def search_programmes(conn: sqlite3.Connection, profile_id: int, text: str, *, at: datetime | None = None,
                      behind: timedelta = timedelta(hours=24), ahead: timedelta = timedelta(hours=36),
                      limit: int = 30, include_adult: bool = False) -> list[tuple[str, Programme]]:
    """Programmes whose title words start with every word of ``text`` (case and accents ignored), as
    (channel provider id, programme): on the air now first, then upcoming by start, then
    finished ones of channels with an archive (catch-up), latest first. Only blocks of the
    window [at - behind, at + ahead) whose text holds the longest word are decoded, one at a
    time: a common word matches most blocks of a big guide (tens of MB read at once, in each
    of the searches running side by side, was what a busy server's memory grew to). The
    folded titles stored beside accented ones (:func:`~xtplay.guide.blocks.entry`) make that
    LIKE find "Café" for "cafe", and LIKE's own ASCII case-folding finds "Cafe" for "café"."""
    wanted = words(fold(text))
    if not wanted or limit <= 0:
        return []
    ts = epoch(at)
    lo, hi = ts - int(behind.total_seconds()), ts + int(ahead.total_seconds())
    longest = max(wanted, key=len)
    rows = conn.execute(
        """SELECT i.provider_id, i.archive_days, b.data FROM items i
           LEFT JOIN guide_map m ON m.profile_id = i.profile_id AND m.provider_id = i.provider_id
           JOIN guide_current c ON c.profile_id = i.profile_id AND c.source = COALESCE(m.source, 'xtream')
           JOIN programme_blocks b ON b.profile_id = i.profile_id AND b.run_id = c.run_id
                AND b.channel_key = COALESCE(m.channel_key, i.epg_channel_id)
           WHERE i.profile_id = ? AND i.type = 'live' AND (? OR i.is_adult = 0)
                 AND b.first_start < ? AND b.last_stop > ? AND CAST(b.data AS TEXT) LIKE ?
           ORDER BY i.position""",
        (profile_id, int(include_adult), hi, lo, f"%{longest}%"))
    # Only what can still be in the answer is kept: the first ``limit`` on the air (once there
    # are that many, nothing after them can enter), the ``limit`` soonest upcoming and the
    # ``limit`` latest finished (bounded heaps; ``order`` keeps the channel order for ties).
    now: list[tuple[str, list]] = []
    upcoming: list[tuple[int, int, str, list]] = []  # (-start, -order, …): the latest on top
    past: list[tuple[int, int, str, list]] = []  # (start, -order, …): the earliest on top
    seen: set[tuple[str, int]] = set()
    order = 0
    try:
        for pid, archive, data in rows:
            for e in orjson.loads(data):
                if not (e[0] < hi and e[1] > lo) or (pid, e[0]) in seen:
                    continue
                title = words(search_title(e))
                if not all(any(t.startswith(w) for t in title) for w in wanted):  # each word starts a title word
                    continue
                seen.add((pid, e[0]))
                order += 1
                if e[0] <= ts < e[1]:
                    now.append((pid, e))
                    if len(now) >= limit:
                        return [(p, programme(p, x)) for p, x in now]
                elif e[0] > ts:
                    _keep(upcoming, (-e[0], -order, pid, e), limit)
                elif archive and in_archive(int(archive), e[0], e[1], ts):
                    _keep(past, (e[0], -order, pid, e), limit)
    finally:
        rows.close()
    soonest = [(pid, e) for _, _, pid, e in sorted(upcoming, key=lambda x: (-x[0], -x[1]))]
    latest = [(pid, e) for _, _, pid, e in sorted(past, key=lambda x: (-x[0], -x[1]))]
    return [(pid, programme(pid, e)) for pid, e in (now + soonest + latest)[:limit]]


def _keep(heap: list, item: tuple, limit: int) -> None:
    """Push ``item`` on a heap that keeps at most ``limit`` items, dropping the smallest."""
    if len(heap) < limit:
        heapq.heappush(heap, item)
    elif item[:2] > heap[0][:2]:
        heapq.heapreplace(heap, item)


def in_archive(archive_days: int, start: int, stop: int, now: int) -> bool:
    """Whether a finished programme is still in a channel archive of ``archive_days``."""
    return stop <= now and start >= now - archive_days * 86400
