"""Tuning in: from a channel (or a past programme) to a started stream, and the answers that
carry it to the player or to an external player.

The player first asks ``/open``: the stream is started here (see :mod:`~xtplay.playback.live`)
and the answer says which engine plays it and where (a parked stream, or the proxied
playlist). ``stream.ts`` and ``index.m3u8`` answer with whatever the provider really sent,
whatever their name says, for players that sniff (mpv, VLC, ffmpeg).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import httpx
from starlette.responses import Response

from xtplay.accounts.source import stream_urls_for
from xtplay.errors import XtplayError
from xtplay.guide import catchup
from xtplay.playback import live, live_formats
from xtplay.playback.live import Started
from xtplay.playback.resolve import Target, catchup_request, play_path, upstream_url
from xtplay.playback.state import PlaybackState
from xtplay.sources.http import translate_error


def label(profile) -> str:
    """How errors name the provider: the profile's name, never its host."""
    return f"of “{profile.name}”"


def formats(conn: sqlite3.Connection, profile, target: Target, prefer: str | None) -> list[str]:
    """The formats to try for this target, best bet first (a catch-up has only its recording)."""
    if target.type == "catchup" or profile.is_playlist:  # a playlist entry has one URL, whatever its format
        return ["ts"]
    return live_formats.order(conn, profile.id, target.item_id, live_formats.allowed(profile.account), prefer)


async def tune(state: PlaybackState, conn: sqlite3.Connection, vault, profile, target: Target,
               prefer: str | None = None) -> Started:
    """Start the target's stream in the first format that works, and remember that format."""
    urls = stream_urls_for(conn, vault, profile)

    def url_for(ext: str) -> str:
        return upstream_url(conn, vault, profile, target, ext=ext if target.type == "live" else None, urls=urls,
                            headers=state.headers)

    started = await live.start_any(state.http(), formats(conn, profile, target, prefer), url_for, label(profile),
                                   state.timeouts.start)
    state.headers.follow(started.origin, started.final_url)  # a redirect's host serves the same stream
    if target.type == "live":
        live_formats.remember(conn, profile.id, target.item_id, started.ext, started.kind.value)
    return started


async def open_answer(state: PlaybackState, conn: sqlite3.Connection, vault, profile, target: Target,
                      prefer: str | None = None, owner: str = "") -> dict[str, Any]:
    """What the player needs to play the target: engine, source, the format asked and what it was
    (a playlist's tokens bound to ``owner``, the asking session)."""
    started = await tune(state, conn, vault, profile, target, prefer)
    out: dict[str, Any] = {"engine": started.engine, "format": started.ext, "kind": started.kind.value,
                           "tried": live.tried_json(started.tried)}
    if started.kind.is_hls:
        token = state.hls().start(profile.id, started.origin, started.first, started.final_url, owner)
        out["src"] = play_path(target, f"hls/{token}")
    else:
        at = f"&at={target.at}" if target.at else ""
        out["src"] = f"{play_path(target, 'stream.ts')}?park={state.parking.park(started)}{at}"
    if target.type == "catchup":  # where in the programme the archive really begins (whole minutes)
        out["offset"] = catchup.offset_of(catchup_request(conn, profile, target))
    return out


async def stream_answer(state: PlaybackState, conn: sqlite3.Connection, vault, profile, target: Target,
                        prefer: str | None = None, park: str | None = None, owner: str = "",
                        query: str = "") -> Response:
    """The target's stream as it really is: a parked start claimed, or a new one. Live TS is
    re-opened when the provider closes it; a playlist is answered rewritten (tokens bound to
    ``owner``, each URI with ``query`` for an external player's item token)."""
    started = state.parking.claim(park) or await tune(state, conn, vault, profile, target, prefer)
    if started.kind.is_hls:
        proxied = state.hls()
        token = proxied.start(profile.id, started.origin, started.first, started.final_url, owner)
        return await proxied.serve(profile.id, token, label(profile), play_path(target, "hls"), {}, owner, query)
    client, ext, origin, name = state.http(), started.ext, started.origin, label(profile)

    async def reopen() -> Started:
        return await live.start(client, ext, origin, name, state.timeouts.start)

    def report(problem: XtplayError | httpx.HTTPError | None) -> None:
        """Why the stream stopped, for the player's message when it ends (cleared once it flows again)."""
        if problem is None:
            state.errors.clear(target.base_path)
        else:
            state.errors.put(target.base_path, problem if isinstance(problem, XtplayError)
                             else translate_error(problem, name, client.timeout))

    return live.media_response(started, reopen if target.type == "live" else None, report)
