"""From (profile, type, id) to the provider's stream URL, and to our own opaque ``/play/`` path.

The upstream URL carries the account's password, so it is built here, used by the proxy or
our ffmpeg, and never sent to a browser. The browser only ever sees :func:`play_path`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from xtplay.accounts.profiles import Profile
from xtplay.accounts.source import stream_urls_for
from xtplay.accounts.vault import Vault
from xtplay.errors import ConfigError, ItemNotFound
from xtplay.guide import catchup
from xtplay.guide.catchup import TimeshiftRequest
from xtplay.i18n import N_
from xtplay.library import catalog, details
from xtplay.playback.proxy import StreamHeaders
from xtplay.sources.source import StreamUrlBuilder

#: What the browser may ask to play.
PLAYABLE_TYPES = ("live", "movie", "episode")


@dataclass(frozen=True, slots=True)
class Target:
    """One playable thing of one profile; ``start`` (unix seconds) only for catch-up, which
    names the programme, and ``at``: seconds into it where the archive should begin (a seek)."""

    profile_id: int
    type: str
    item_id: str
    start: int | None = None
    at: int = 0

    def __post_init__(self) -> None:
        if self.type not in (*PLAYABLE_TYPES, "catchup"):
            raise ConfigError(N_("Cannot play items of type “%(type)s”."), {"type": self.type})
        if (self.type == "catchup") != (self.start is not None):
            raise ConfigError(N_("A catch-up needs a start time, and only a catch-up has one."))
        if self.at and self.type != "catchup":
            raise ConfigError(N_("Only a catch-up starts part-way by the provider's clock."))

    @property
    def base_path(self) -> str:
        """The opaque prefix of every proxy URL for this target (no host, no credential)."""
        if self.type == "catchup":
            return f"/play/{self.profile_id}/catchup/{self.item_id}/{self.start}"
        return f"/play/{self.profile_id}/{self.type}/{self.item_id}"

    @property
    def is_file(self) -> bool:
        """Movies and episodes are files (Range, probing, remux); live and catch-up are streams."""
        return self.type in ("movie", "episode")


def play_path(target: Target, leaf: str) -> str:
    """``/play/{profile}/{type}/{id}/{leaf}``: what a browser or external player receives."""
    return f"{target.base_path}/{leaf}"


def upstream_url(conn: sqlite3.Connection, vault: Vault, profile: Profile, target: Target, *, ext: str | None = None,
                 urls: StreamUrlBuilder | None = None, headers: StreamHeaders | None = None) -> str:
    """The provider's URL for the target, with credentials: for the proxy and ffmpeg only.

    A playlist entry may ask for its own headers (User-Agent, Referer, Origin): they are
    registered in ``headers`` for the URL's host, so the proxy's client sends them there."""
    urls = urls or stream_urls_for(conn, vault, profile)
    url = _upstream_url(conn, profile, target, ext, urls)
    asked = getattr(urls, "headers_for", None)
    if headers is not None and asked is not None:
        kind = "live" if target.type == "catchup" else target.type
        headers.register(url, asked(kind, _int_id(str(target.item_id))))
    return url


def _upstream_url(conn: sqlite3.Connection, profile: Profile, target: Target, ext: str | None,
                  urls: StreamUrlBuilder) -> str:
    item = str(target.item_id)
    if target.type == "live":
        return urls.live(_int_id(item), ext=ext or "ts")
    if target.type == "movie":
        return urls.movie(_int_id(item), ext or movie_container(conn, profile.id, item))
    if target.type == "episode":
        return urls.episode(_int_id(item), ext or episode_container(conn, profile.id, item))
    request = catchup_request(conn, profile, target)
    return urls.timeshift(request.stream_id, request.start, request.minutes, tz=request.start.tzinfo)


def catchup_request(conn: sqlite3.Connection, profile: Profile, target: Target) -> TimeshiftRequest:
    """The timeshift parameters (programme, provider zone, length + margin) for a catch-up target.

    Raises ``GuideError`` when the programme is unknown or outside the channel's archive.
    """
    start = datetime.fromtimestamp(int(target.start or 0), tz=UTC)
    return catchup.timeshift_for(conn, profile, str(target.item_id), start, offset_secs=target.at)


def movie_container(conn: sqlite3.Connection, profile_id: int, provider_id: str) -> str:
    """The file extension the provider serves a movie with (from the synced catalog)."""
    row = catalog.get_item(conn, profile_id, "movie", provider_id)
    if row is None:
        raise ItemNotFound(N_("Movie %(id)s is not in this profile's library; sync and try again."), {"id": provider_id})
    return (getattr(row, "container", None) or "mp4").lstrip(".")


def episode_container(conn: sqlite3.Connection, profile_id: int, episode_id: str) -> str:
    """The extension of an episode, from the series details the catalog stored."""
    info = episode_info(conn, profile_id, episode_id)
    if info is None:
        raise ItemNotFound(N_("Episode %(id)s is not in the library yet: open its series page first."), {"id": episode_id})
    return (info.get("container") or "mp4").lstrip(".")


def episode_info(conn: sqlite3.Connection, profile_id: int, episode_id: str) -> dict | None:
    """What the library knows about an episode (stored by ``details.series`` when its series was opened)."""
    found = details.episode(conn, profile_id, episode_id)
    if found is None:
        return None
    series_id, row = found
    return {"series_id": series_id, "season": row.season, "episode_num": row.episode_num, "title": row.title,
            "container": row.container, "duration_secs": row.duration_secs}


def next_episode(conn: sqlite3.Connection, profile_id: int, episode_id: str) -> dict | None:
    """The episode after this one (same season, else the next season's first), or None."""
    info = episode_info(conn, profile_id, episode_id)
    if info is None:
        return None
    row = conn.execute(
        "SELECT episode_id, series_id, season, episode_num, title FROM episodes "
        "WHERE profile_id = ? AND series_id = ? AND (season > ? OR (season = ? AND episode_num > ?)) "
        "ORDER BY season, episode_num LIMIT 1",
        (profile_id, info["series_id"], info["season"], info["season"], info["episode_num"])).fetchone()
    return dict(row) if row is not None else None


def _int_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ItemNotFound(N_("“%(value)s” is not a stream id."), {"value": value}) from None
