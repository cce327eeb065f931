"""The programme guide: XMLTV ingest into SQLite, channel matching, and now/next/day/grid queries.

Each guide source of a profile (the provider's ``xmltv.php`` = ``xtream``, every added URL =
``url:<id>``, per-channel short EPG = ``short``) is written under a fresh run id while readers
keep the current run (``guide_current``); only a complete guide is swapped in, in one small
transaction, so a broken or truncated guide keeps the previous one and is reported.
Catalog live channels map onto guide channels by EPG channel id, else by normalised display
name (``guide_map``). Every time stored is UTC epoch seconds; zones apply only on display.

How pages and the player use it (all plain functions over a connection):
- channel lists, player: ``now_next(conn, pid, ids)`` → ``{id: NowNext(now, next)}``;
  ``Programme.progress(at)`` for the bar; ``NowNext(None, None)`` = "no programme information".
  Before rendering, ``await refresh_now_next(settings, conn, vault, profile, ids)`` fills the
  channels no XMLTV covers from the short EPG (rate-limited, never raises).
- a channel's guide: ``channel_guide(conn, pid, id, day, viewer_zone(profile.timezone))``.
- the grid: ``grid(conn, pid, align(now), hours=3, channel_offset=n, channels=50)`` → ``Grid``
  whose rows and cells carry percent offsets, ``is_now`` and ``catchup`` flags.
- catch-up: ``catchup.playable(...)`` and ``catchup.timeshift_for(conn, profile, id, start)``;
  a programme is named by (channel id, ``Programme.start_ts``).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson

log = logging.getLogger(__name__)

SHORT = "short"
XTREAM = "xtream"


@dataclass(frozen=True, slots=True)
class Retention:
    """How much guide to keep: days back (catch-up needs them) and days ahead."""

    days_back: int = 7
    days_ahead: int = 7


@dataclass(frozen=True, slots=True)
class Programme:
    """One programme of a catalog channel (``channel_id`` is the channel's provider id)."""

    channel_id: str
    start: datetime  #: tz-aware UTC
    stop: datetime
    title: str
    subtitle: str | None = None
    description: str | None = None
    category: str | None = None
    episode_num: str | None = None
    icon: str | None = None

    def is_on(self, at: datetime) -> bool:
        return self.start <= at < self.stop

    def progress(self, at: datetime) -> float:
        """Share of the programme elapsed at ``at`` (0..1), for progress bars."""
        total = (self.stop - self.start).total_seconds()
        if total <= 0:
            return 0.0
        return min(1.0, max(0.0, (at - self.start).total_seconds() / total))

    @property
    def start_ts(self) -> int:
        """UTC epoch seconds of the start: with the channel id, names the programme in URLs."""
        return int(self.start.timestamp())

    @property
    def minutes(self) -> int:
        return max(1, round((self.stop - self.start).total_seconds() / 60))

    def to_dict(self, tz: tzinfo | None = None) -> dict[str, Any]:
        """JSON-ready form; times in ISO 8601 in ``tz`` (UTC when not given)."""
        zone = tz or timezone.utc
        return {
            "channel_id": self.channel_id, "start": self.start.astimezone(zone).isoformat(),
            "stop": self.stop.astimezone(zone).isoformat(), "title": self.title, "subtitle": self.subtitle,
            "description": self.description, "category": self.category, "episode_num": self.episode_num,
            "icon": self.icon, "start_ts": self.start_ts,
        }


class NowNext(NamedTuple):
    now: Programme | None
    next: Programme | None


@dataclass(frozen=True, slots=True)
class GuideResult:
    """What a refresh did: programmes stored, channels matched, unmatched channel names, errors by source."""

    programmes: int
    channels_matched: int
    unmatched: list[str]
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def status(self) -> str:
        return "failed" if self.errors and not self.programmes else "partial" if self.errors else "ok"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "programmes": self.programmes, "channels_matched": self.channels_matched,
                "unmatched": self.unmatched, "errors": self.errors, "seconds": round(self.seconds, 2)}


# ----------------------------------------------------------------------------- zones


def provider_zone(account: dict[str, Any] | None) -> tzinfo:
    """The panel's own zone (its guide strings and catch-up START are in it); UTC when unknown."""
    from .sources.models import server_zone

    return server_zone((account or {}).get("server_timezone"))


def viewer_zone(name: str | None = None) -> tzinfo:
    """The zone to display times in: the profile's setting, else this machine's zone."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return datetime.now().astimezone().tzinfo or timezone.utc


def _utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


def _epoch(at: datetime | None) -> int:
    if at is None:
        return int(time.time())
    if at.tzinfo is None:
        raise ValueError("guide times must be timezone-aware")
    return int(at.timestamp())


# ----------------------------------------------------------------------------- queries

_SEP = "\x1f"


def _programme(channel_id: str, e: list) -> Programme:
    """A stored entry [start, stop, title, description, extra] as a Programme."""
    if e[4]:
        subtitle, category, episode, icon, _lang = (part or None for part in e[4].split(_SEP))
    else:
        subtitle = category = episode = icon = None
    return Programme(channel_id, _utc(e[0]), _utc(e[1]), e[2], subtitle, e[3], category, episode, icon)


def _entries(rows: Iterable[tuple], lo: int, hi: int) -> list[list]:
    """Entries of the blocks overlapping [lo, hi), by start, duplicates (same start) once."""
    found: dict[int, list] = {}
    for (data,) in rows:
        for e in orjson.loads(data):
            if e[0] < hi and e[1] > lo:
                found[e[0]] = e
    return [found[k] for k in sorted(found)]


_BLOCKS = "SELECT data FROM programme_blocks WHERE profile_id=? AND run_id=? AND channel_key=? "


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


def now_next(conn: sqlite3.Connection, profile_id: int, channel_provider_ids: list[str],
             at: datetime | None = None) -> dict[str, NowNext]:
    """For each channel: the programme on at ``at`` (default now) and the one after it.

    Channels without guide data map to ``NowNext(None, None)`` ("no programme information").
    """
    ts = _epoch(at)
    found = resolve_channels(conn, profile_id, channel_provider_ids)
    result: dict[str, NowNext] = {}
    for pid in map(str, channel_provider_ids):
        where = found.get(pid)
        if where is None:
            result[pid] = NowNext(None, None)
            continue
        rows = conn.execute(_BLOCKS + "AND last_stop > ? ORDER BY first_start LIMIT 3", (profile_id, *where, ts))
        now = nxt = None
        for e in _entries(rows, ts, 2**62):
            if e[0] <= ts:
                now = e
            elif nxt is None:
                nxt = e
        result[pid] = NowNext(_programme(pid, now) if now else None, _programme(pid, nxt) if nxt else None)
    return result


def programmes_between(conn: sqlite3.Connection, profile_id: int, channel_provider_id: str,
                       start: datetime, end: datetime) -> list[Programme]:
    """A channel's programmes overlapping [start, end), in order."""
    pid = str(channel_provider_id)
    where = resolve_channels(conn, profile_id, [pid]).get(pid)
    if where is None:
        return []
    lo, hi = _epoch(start), _epoch(end)
    rows = conn.execute(_BLOCKS + "AND first_start < ? AND last_stop > ? ORDER BY first_start", (profile_id, *where, hi, lo))
    return [_programme(pid, e) for e in _entries(rows, lo, hi)]


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
    ts = _epoch(start)
    rows = conn.execute(_BLOCKS + "AND first_start <= ? AND last_stop > ?", (profile_id, *where, ts, ts))
    for e in _entries(rows, ts, ts + 1):
        if e[0] == ts:
            return _programme(pid, e)
    return None


from .guide_store import (  # noqa: E402
    DEFAULT_LENGTH, SourceIngest, ingest_stream, ingest_xmltv, normalise_name, programme_count, prune, rematch,
)
from .guide_grid import Grid, GridCell, GridRow, align, grid  # noqa: E402  (re-exported: one import for callers)
from .guide_refresh import (  # noqa: E402
    add_source, last_runs, last_success, load_channel_day, refresh_guide, refresh_now_next, remove_source, run_scheduler,
    sources,
)

__all__ = [
    "Retention", "Programme", "NowNext", "GuideResult", "SourceIngest", "DEFAULT_LENGTH", "Grid", "GridRow", "GridCell",
    "provider_zone", "viewer_zone",
    "ingest_xmltv", "ingest_stream", "prune", "programme_count", "rematch", "normalise_name", "now_next", "channel_guide",
    "programmes_between", "programme_at", "day_bounds", "grid", "align", "refresh_guide", "refresh_now_next",
    "load_channel_day", "add_source", "remove_source", "sources", "last_runs", "last_success", "run_scheduler",
]
