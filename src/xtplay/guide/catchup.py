"""Catch-up: which past programmes can be watched again, and what to ask the provider for.

A programme is playable when its channel has an archive (``archive_days`` > 0), it has ended,
and it started within the archive window. The provider reads the timeshift START in its own
zone (never the viewer's, never UTC), at minute precision, and wants a duration in minutes;
archives lag live, so a few minutes are added. A programme still on the air can be started
over from its beginning when the channel archives; seeking asks for the archive from a later
minute (``offset_secs`` into the programme). Playback builds the URL from
:class:`TimeshiftRequest` with the profile's stream URLs: ``urls.timeshift(stream_id, start, minutes)``.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from xtplay.accounts.profiles import Profile
from xtplay.errors import GuideError
from xtplay.guide.model import provider_zone
from xtplay.guide.query import programme_at
from xtplay.i18n import N_

#: Extra minutes requested after a programme's end (archives lag live by up to two minutes).
MARGIN_MINUTES = 5


@dataclass(frozen=True, slots=True)
class TimeshiftRequest:
    """The upstream timeshift parameters of one programme."""

    stream_id: int
    start: datetime  #: the programme start in the provider's zone, whole minutes
    minutes: int  #: programme length plus the margin
    title: str
    programme_start: datetime  #: UTC, exactly as stored (names the programme in URLs)
    programme_stop: datetime


def in_archive_window(archive_days: int, start: int, stop: int, now: int | None = None) -> bool:
    """Whether a programme [start, stop) (epoch seconds) is in a channel archive of ``archive_days``."""
    now = int(time.time()) if now is None else now
    return archive_days > 0 and stop <= now and start >= now - archive_days * 86400


def archive_days(conn: sqlite3.Connection, profile_id: int, channel_provider_id: str) -> int:
    """The channel's archive depth in days (0: no catch-up, or not a known live channel)."""
    row = conn.execute("SELECT archive_days FROM items WHERE profile_id=? AND type='live' AND provider_id=?",
                       (profile_id, str(channel_provider_id))).fetchone()
    return int(row[0] or 0) if row else 0


def playable(conn: sqlite3.Connection, profile_id: int, channel_provider_id: str, programme_start: datetime,
             now: datetime | None = None) -> bool:
    """Whether the guide programme starting at ``programme_start`` can be watched again now."""
    prog = programme_at(conn, profile_id, channel_provider_id, programme_start)
    if prog is None:
        return False
    now_ts = int(now.timestamp()) if now else None
    return in_archive_window(archive_days(conn, profile_id, channel_provider_id),
                             int(prog.start.timestamp()), int(prog.stop.timestamp()), now_ts)


def timeshift_request(conn: sqlite3.Connection, profile_id: int, channel_provider_id: str,
                      programme_start: datetime, provider_tz: tzinfo, now: datetime | None = None,
                      offset_secs: int = 0) -> TimeshiftRequest:
    """The timeshift parameters for a past programme, or one on the air now (start over),
    from ``offset_secs`` into it (whole minutes, as panels take them); GuideError when it
    cannot be replayed."""
    prog = programme_at(conn, profile_id, channel_provider_id, programme_start)
    if prog is None:
        raise GuideError(N_("That programme is not in the guide any more."))
    days = archive_days(conn, profile_id, channel_provider_id)
    now_ts = int(now.timestamp()) if now else int(time.time())
    start_ts, stop_ts = int(prog.start.timestamp()), int(prog.stop.timestamp())
    on_air = start_ts <= now_ts < stop_ts
    if not (in_archive_window(days, start_ts, stop_ts, now_ts) or (on_air and days > 0)):
        if days <= 0:
            raise GuideError(N_("This channel has no catch-up archive."))
        raise GuideError(N_("“%(title)s” is not in the channel's archive (it keeps %(days)s days of finished programmes)."),
                         {"title": prog.title, "days": days})
    latest = (now_ts if on_air else stop_ts) - start_ts - 60  # the last whole minute there is to play
    offset = max(0, min(int(offset_secs), max(0, latest)))
    local = (prog.start + timedelta(seconds=offset)).astimezone(provider_tz).replace(second=0, microsecond=0)
    minutes = int((prog.stop - local).total_seconds() + 59) // 60 + MARGIN_MINUTES
    return TimeshiftRequest(
        stream_id=int(channel_provider_id), start=local, minutes=minutes, title=prog.title,
        programme_start=prog.start, programme_stop=prog.stop,
    )


def timeshift_for(conn: sqlite3.Connection, profile: Profile, channel_provider_id: str, programme_start: datetime,
                  now: datetime | None = None, offset_secs: int = 0) -> TimeshiftRequest:
    """:func:`timeshift_request` in the profile's provider zone (from its stored account)."""
    return timeshift_request(conn, profile.id, channel_provider_id, programme_start,
                             provider_zone(profile.account), now, offset_secs)


def offset_of(request: TimeshiftRequest) -> float:
    """Seconds from the programme's start to where the requested archive begins (the player
    counts its clock from there; negative by up to a minute when the programme began mid-minute)."""
    return (request.start - request.programme_start).total_seconds()


def start_param(request: TimeshiftRequest) -> str:
    """START as panels read it (``YYYY-MM-DD:HH-MM`` in the provider's zone)."""
    return request.start.strftime("%Y-%m-%d:%H-%M")


__all__ = [
    "MARGIN_MINUTES",
    "TimeshiftRequest",
    "archive_days",
    "in_archive_window",
    "offset_of",
    "playable",
    "start_param",
    "timeshift_for",
    "timeshift_request",
]
