"""What several page areas show the same way: now/next beside channels, how far each movie and
episode was watched, times in the viewer's zone, running times, and numbers typed into filter forms.

:mod:`templating` registers the formatters as Jinja filters (``clock``, ``day``, ``weekday``,
``runtime``, ``age``, ``duration``, ``decimal``, ``seconds``), so a page and a template format a time alike, in the
language the page speaks (:mod:`locale`).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from fastapi import HTTPException

from xtplay import guide
from xtplay.accounts.profiles import Profile
from xtplay.errors import XtplayError
from xtplay.i18n import N_
from xtplay.library import history
from xtplay.web import locale

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
    """'20:30' in the viewer's zone, as the page's language writes it."""
    if value is None:
        return ""
    return locale.clock(value, tz)


def day(value: date | datetime | None, tz: tzinfo | None = None) -> str:
    """A short day in the page's language: 'Mon 07 Dec', 'lun. 07 déc.'."""
    if value is None:
        return ""
    return locale.day(value, tz)


def weekday(value: datetime | None, tz: tzinfo | None = None) -> str:
    """The abbreviated day of the week in the page's language ('Mon', 'lun.')."""
    return "" if value is None else locale.weekday(value, tz)


def runtime(secs: Any) -> str:
    """A running time as people say it: '22 min', '2 h 07 min'."""
    try:
        minutes = round(int(secs or 0) / 60)
    except (TypeError, ValueError):
        return ""
    hours, minutes = divmod(minutes, 60)
    if hours:
        return locale.gettext("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return locale.gettext("%(minutes)d min") % {"minutes": minutes}


def age(value: Any) -> str:
    """'3 minutes ago' (in the page's language) for a datetime, ISO string or epoch seconds; '' when unknown."""
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
    return locale.ago(datetime.now(UTC) - when)


def decimal(value: Any) -> str:
    """A rating or a number of seconds with one decimal, in the page's language ('7.5', '7,5')."""
    try:
        return locale.decimal(float(value))
    except (TypeError, ValueError):
        return ""


def seconds(value: Any) -> str:
    """'12.3 s' (in French '12,3 s')."""
    text = decimal(value)
    return locale.gettext("%(seconds)s s") % {"seconds": text} if text else ""


#: How a sync or guide run ended, as the Settings and Profiles pages say it.
_RUN_STATUSES = {"ok": N_("ok"), "partial": N_("partial"), "failed": N_("failed"), "running": N_("running"),
                 "interrupted": N_("interrupted"), "error": N_("error")}


def run_status(value: Any) -> str:
    """A run's status word in the page's language ('ok', 'failed' …); an unknown one as it is."""
    text = str(value or "")
    return locale.gettext(_RUN_STATUSES[text]) if text in _RUN_STATUSES else text


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
        raise HTTPException(422, locale.gettext("“%(text)s” is not a number.") % {"text": text}) from None
