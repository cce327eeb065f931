"""What several page areas show the same way: now/next beside channels, how far each movie and
episode was watched, times in the viewer's zone, running times, and numbers typed into filter forms.

:mod:`templating` registers the formatters as Jinja filters (``clock``, ``runtime``, ``age``,
``duration``), so a page and a template format a time alike.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, tzinfo
from typing import Any

from fastapi import HTTPException

from xtplay import guide
from xtplay.accounts.profiles import Profile
from xtplay.errors import XtplayError
from xtplay.library import history

# --- now/next beside a list of channels --------------------------------------------------


def now_next_for(conn: sqlite3.Connection, profile_id: int, channels: list[Any],
                 at: datetime | None = None) -> dict[str, dict[str, Any]]:
    """Now/next per channel provider id, with the share of the current programme elapsed.

    When the guide fails (a broken store, an unknown zone), channels show without it.
    """
    if not channels:
        return {}
    at = at or datetime.now(UTC)
    try:
        found = guide.now_next(conn, profile_id, [str(c.provider_id) for c in channels], at=at)
    except (XtplayError, sqlite3.Error):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for pid, pair in found.items():
        now, nxt = pair[0], pair[1]
        progress = None
        if now is not None:
            span = (now.stop - now.start).total_seconds()
            done = (at - now.start).total_seconds()
            progress = max(0, min(100, round(100 * done / span))) if span > 0 else None
        out[str(pid)] = {"now": now, "next": nxt, "progress": progress}
    return out


# --- how far listed movies and episodes were watched -------------------------------------


def percent(fraction: float | None) -> int | None:
    """A watched fraction as the bar's percent: at least 1 once started (a sliver shows)."""
    return None if fraction is None else max(1, min(100, round(100 * fraction)))


def watched_percent(conn: sqlite3.Connection, profile_id: int,
                    keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Percent watched of every started, unfinished movie and episode among ``keys`` ((type,
    provider id)), read now from the history in one query: the bar on each poster or row
    (``_poster_progress.html``). Pages are sent ``no-store`` and reloaded when shown from the
    page cache, so the bars are never older than the last position report."""
    wanted = [(t, str(p)) for t, p in keys if t in history.RESUMABLE]
    found = history.started(conn, profile_id, wanted)
    return {k: p for k, e in found.items() if (p := percent(e.progress)) is not None}


def viewer_tz(profile: Profile) -> tzinfo | None:
    """The profile's display time zone (the guide's rule), else the machine's."""
    try:
        return guide.viewer_zone(profile.timezone)
    except XtplayError:
        return None


# --- formatting --------------------------------------------------------------------------


def clock(value: datetime | None, tz: tzinfo | None = None) -> str:
    """'20:30' in the viewer's zone."""
    if value is None:
        return ""
    return value.astimezone(tz).strftime("%H:%M") if tz else value.astimezone().strftime("%H:%M")


def runtime(secs: Any) -> str:
    """A running time as people say it: '22 min', '2 h 07 min'."""
    try:
        minutes = round(int(secs or 0) / 60)
    except (TypeError, ValueError):
        return ""
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def age(value: Any) -> str:
    """'3 minutes ago' for a datetime, ISO string or epoch seconds; '' when unknown."""
    if value in (None, ""):
        return ""
    try:
        if isinstance(value, (int, float)):
            when = datetime.fromtimestamp(value, tz=UTC)
        elif isinstance(value, str):
            when = datetime.fromisoformat(value)
        else:
            when = value
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    except (ValueError, TypeError, OSError):
        return ""
    secs = int((datetime.now(UTC) - when).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if secs >= size:
            n = secs // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def duration(secs: Any) -> str:
    """'1:02:03' or '12:34' for a number of seconds."""
    try:
        total = int(secs or 0)
    except (TypeError, ValueError):
        return ""
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


# --- filter forms ------------------------------------------------------------------------


#: Words a channel name carries that say nothing of which channel it is.
_NOT_A_NAME = frozenset({"HD", "FHD", "UHD", "SD", "4K", "HEVC", "H265", "TV"})


def initials(name: Any) -> str:
    """Two letters that stand for a channel where its logo is missing or broken ("BBC One HD" →
    "BO"), so a list stays readable at a distance instead of showing empty boxes."""
    words = [w for w in re.findall(r"[^\W_]+", str(name or "")) if w.upper() not in _NOT_A_NAME]
    if not words:
        return "·"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[1][0]).upper()


def form_number(text: str | None, kind: type) -> Any:
    """A number typed into a filter field: None when empty, a 422 when it is not a number."""
    if text in (None, ""):
        return None
    try:
        return kind(text)
    except ValueError:
        raise HTTPException(422, f"“{text}” is not a number.") from None
