"""The stored form of programmes: JSON blocks of entries, and the codec both ways.

A block is one row of ``programme_blocks``: a channel's programmes starting within a slot,
as entries ``[start, stop, title, description, extra]`` with UTC epoch seconds and the extra
fields (subtitle, category, episode, icon, language) joined by :data:`SEP`. A title that is
not plain ASCII is followed by its folded form (:func:`entry`), the one the programme search
compares: SQLite's LIKE ignores only ASCII case, so the search's pre-filter over the block's
text finds "Café du matin" for "cafe" through that copy. The store writes entries; queries,
the grid and catch-up read them through :func:`entries` and :func:`programme`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson

from xtplay.guide.model import Programme
from xtplay.library.search import fold

#: Separator of the extra fields inside an entry.
SEP = "\x1f"

#: Blocks of one guide channel in one run; callers add their time condition.
BLOCKS_SQL = "SELECT data FROM programme_blocks WHERE profile_id=? AND run_id=? AND channel_key=? "


def utc(ts: int) -> datetime:
    """Epoch seconds as a tz-aware UTC datetime."""
    return datetime.fromtimestamp(ts, UTC)


def epoch(at: datetime | None) -> int:
    """Epoch seconds of a tz-aware datetime (now when None); naive times are a programming error."""
    if at is None:
        return int(time.time())
    if at.tzinfo is None:
        raise ValueError("guide times must be timezone-aware")
    return int(at.timestamp())


def entry(start: int, stop: int, title: str, description: str | None, extra: str | None) -> list[Any]:
    """A stored entry; a title with accents or another script also carries its folded form."""
    if title and not title.isascii():
        return [start, stop, title, description, extra, folded_title(title)]
    return [start, stop, title, description, extra]


@functools.lru_cache(maxsize=8192)
def folded_title(title: str) -> str:
    """The search form of a title (guides repeat their titles: each is folded once)."""
    return fold(title)


def search_title(e: list[Any]) -> str:
    """The folded title of a stored entry (entries written before titles were folded fold now)."""
    return e[5] if len(e) > 5 else folded_title(e[2] or "")


def programme(channel_id: str, e: list[Any]) -> Programme:
    """A stored entry [start, stop, title, description, extra] as a Programme."""
    if e[4]:
        subtitle, category, episode, icon, _lang = (part or None for part in e[4].split(SEP))
    else:
        subtitle = category = episode = icon = None
    return Programme(channel_id, utc(e[0]), utc(e[1]), e[2], subtitle, e[3], category, episode, icon)


def entries(rows: Iterable[tuple[Any, ...]], lo: int, hi: int) -> list[list[Any]]:
    """Entries of the blocks overlapping [lo, hi), by start, duplicates (same start) once."""
    found: dict[int, list[Any]] = {}
    for (data,) in rows:
        for e in orjson.loads(data):
            if e[0] < hi and e[1] > lo:
                found[e[0]] = e
    return [found[k] for k in sorted(found)]
