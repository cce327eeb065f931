"""What the player shows about what is playing, and what History keeps of it.

Plain functions over the library (catalog, guide, history); no provider call, nothing secret:
everything here may be sent to the browser.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from xtplay import guide
from xtplay.accounts.profiles import Profile
from xtplay.errors import ItemNotFound, XtplayError
from xtplay.library import catalog, history
from xtplay.playback.resolve import Target, episode_info, play_path


def live_info(conn: sqlite3.Connection, profile: Profile, target: Target) -> dict[str, Any]:
    """The sources and programme of a live channel (in the page for a fast start, and in /info)."""
    item = catalog.get_item(conn, profile.id, "live", target.item_id)
    if item is None:
        raise ItemNotFound(f"Channel {target.item_id} is not in this profile's library; sync and try again.")
    return {
        "kind": "live",
        "title": item.name,
        "status": play_path(target, "status"),
        "m3u": play_path(target, "playlist.m3u"),
        "mode": "live",
        "hls": play_path(target, "index.m3u8"),
        "ts": play_path(target, "stream.ts"),
        "open": play_path(target, "open"),
        "num": item.num,
        "archive_days": item.archive_days,
        "now_next": now_next(conn, profile.id, target.item_id),
    }


def title(conn: sqlite3.Connection, profile: Profile, target: Target) -> str:
    """The name the player shows: channel or movie name, or "Series S01E02 · Episode title"."""
    if target.type in ("live", "catchup", "movie"):
        item = catalog.get_item(conn, profile.id, "movie" if target.type == "movie" else "live", target.item_id)
        return item.name if item else f"#{target.item_id}"
    info = episode_info(conn, profile.id, target.item_id)
    if info is None:
        return f"Episode {target.item_id}"
    series = catalog.get_item(conn, profile.id, "series", info["series_id"])
    name = series.name if series else ""
    return f"{name} S{info['season']:02d}E{info['episode_num']:02d} · {info['title']}".strip(" ·")


def now_next(conn: sqlite3.Connection, profile_id: int, channel_id: str) -> dict | None:
    """The channel's current and next programme for the OSD (None when there is no guide)."""
    try:
        now, nxt = guide.now_next(conn, profile_id, [channel_id]).get(channel_id, (None, None))
    except (XtplayError, sqlite3.Error):
        return None

    def show(p):
        return None if p is None else {"title": p.title, "start": p.start.isoformat(), "stop": p.stop.isoformat()}

    return {"now": show(now), "next": show(nxt)}


def resume(conn: sqlite3.Connection, profile_id: int, type: str, item_id: str) -> float | None:
    """Where to start a movie or episode again (None: from the beginning)."""
    return history.resume_position(conn, profile_id, type, item_id)


def record(
    conn: sqlite3.Connection,
    profile_id: int,
    type: str,
    item_id: str,
    position: float | None,
    duration: float | None,
    name: str | None = None,
    session: str | None = None,
    seq: int = 0,
) -> None:
    """Put what is playing in History (the history service). ``position`` None: only if not there yet.
    ``session``/``seq``: the reporting player and its report's number (a late report loses)."""
    if position is None:
        if history.get(conn, profile_id, type, item_id) is not None:
            return
        position = 0.0
    history.record(conn, profile_id, type, str(item_id), position, duration, name=name, session=session, seq=seq)
