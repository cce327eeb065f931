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
from xtplay.i18n import N_
from xtplay.library import catalog, history, tracks
from xtplay.playback import probe
from xtplay.playback.resolve import Target, episode_info, play_path


def live_info(conn: sqlite3.Connection, profile: Profile, target: Target) -> dict[str, Any]:
    """The sources and programme of a live channel (in the page for a fast start, and in /info)."""
    item = catalog.get_item(conn, profile.id, "live", target.item_id)
    if item is None:
        raise ItemNotFound(N_("Channel %(id)s is not in this profile's library; sync and try again."),
                           {"id": target.item_id})
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
        "languages": stream_languages(languages_for(conn, profile.id, target)),
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


def languages_for(conn: sqlite3.Connection, profile_id: int, target: Target) -> tracks.Languages:
    """The languages to start the target with: its channel's or series' last choice, else the
    profile's preference."""
    if target.type in ("live", "catchup"):
        return tracks.preferred(conn, profile_id, channel_id=target.item_id)
    if target.type == "episode":
        info = episode_info(conn, profile_id, target.item_id)
        return tracks.preferred(conn, profile_id, series_id=info["series_id"] if info else None)
    return tracks.preferred(conn, profile_id)


def stream_languages(langs: tracks.Languages) -> dict[str, Any]:
    """For a stream whose tracks only the player sees (a live channel's HLS renditions): the
    codes the audio and subtitle track to start with may carry (any spelling of the language),
    ``"off"`` for subtitles turned off, empty where nothing was chosen."""
    return {"audio": tracks.spellings(langs.audio),
            "subtitle": tracks.OFF if langs.subtitle == tracks.OFF else tracks.spellings(langs.subtitle)}


def start_tracks(langs: tracks.Languages, result: probe.ProbeResult) -> dict[str, int | None]:
    """For a file: the audio stream (index) and subtitle stream (index, -1 for off) to start
    with, None where no preference applies or no track matches."""
    audio = next((t.index for t in result.audio_tracks if tracks.same_language(t.language, langs.audio)), None)
    if langs.subtitle == tracks.OFF:
        subtitle: int | None = -1
    else:
        subtitle = next((t.index for t in result.subtitle_tracks
                         if tracks.same_language(t.language, langs.subtitle)), None)
    return {"audio": audio, "subtitle": subtitle}


def remember_tracks(conn: sqlite3.Connection, profile_id: int, target: Target, audio: str | None,
                    subtitle: str | None) -> tracks.Languages:
    """A track changed in the player: remembered for the channel or the series (a movie's
    change becomes the profile's preference)."""
    if target.type in ("live", "catchup"):
        return tracks.remember(conn, profile_id, "channel", target.item_id, audio=audio, subtitle=subtitle)
    if target.type == "episode":
        info = episode_info(conn, profile_id, target.item_id)
        if info is not None:
            return tracks.remember(conn, profile_id, "series", info["series_id"], audio=audio, subtitle=subtitle)
    return tracks.remember(conn, profile_id, "profile", audio=audio, subtitle=subtitle)
