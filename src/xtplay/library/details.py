"""Movie and series details, fetched when opened and kept with a time-to-live.

The catalog lists carry little (a name, a poster); the plot, cast, duration, seasons and
episodes come from ``get_vod_info`` / ``get_series_info`` when a person opens the item. The
answer is stored (``details``, ``episodes``) and reused for :data:`TTL_SECS`; when the provider
cannot be reached the stored copy is served however old, marked ``offline``. Only an item the
library has never opened *and* an unreachable provider is an error.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

import orjson

from xtplay.accounts.profiles import Profile
from xtplay.accounts.source import source_for
from xtplay.accounts.vault import Vault
from xtplay.config import Settings
from xtplay.db import transaction
from xtplay.errors import ItemNotFound, ProviderError

#: How long stored details are fresh (a day: plots and episode lists change rarely).
TTL_SECS = 24 * 3600


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """One episode as stored."""

    episode_id: str
    season: int
    episode_num: int
    title: str
    container: str | None
    plot: str | None
    duration_secs: int | None
    air_date: str | None
    rating: float | None
    image: str | None


@dataclass(frozen=True, slots=True)
class Details:
    """Details of a movie or a series; ``offline`` when served from the store because the
    provider failed (``error`` says how)."""

    type: str
    provider_id: str
    info: dict[str, Any]
    fetched_at: int
    seasons: list[dict[str, Any]] = field(default_factory=list)
    episodes: dict[int, list[EpisodeRow]] = field(default_factory=dict)
    offline: bool = False
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "provider_id": self.provider_id, "info": self.info, "fetched_at": self.fetched_at,
                "seasons": self.seasons, "offline": self.offline, "error": self.error,
                "episodes": {str(s): [dataclasses.asdict(e) for e in eps] for s, eps in self.episodes.items()}}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _stored(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str) -> Details | None:
    row = conn.execute(
        "SELECT fetched_at, data FROM details WHERE profile_id = ? AND type = ? AND provider_id = ?",
        (profile_id, type, provider_id),
    ).fetchone()
    if row is None:
        return None
    data = orjson.loads(row[1])
    episodes: dict[int, list[EpisodeRow]] = {}
    if type == "series":
        for r in conn.execute(
            "SELECT episode_id, season, episode_num, title, container, plot, duration_secs, air_date, rating, image "
            "FROM episodes WHERE profile_id = ? AND series_id = ? ORDER BY season, episode_num",
            (profile_id, provider_id),
        ):
            episodes.setdefault(r[1], []).append(EpisodeRow(*r))
    return Details(type, provider_id, data.get("info", {}), row[0], data.get("seasons", []), episodes)


def _store(conn: sqlite3.Connection, profile_id: int, details: Details) -> None:
    info = details.info
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO details (profile_id, type, provider_id, fetched_at, data) VALUES (?, ?, ?, ?, ?)",
            (profile_id, details.type, details.provider_id, details.fetched_at,
             orjson.dumps({"info": info, "seasons": details.seasons}).decode()),
        )
        # What the details add to the item (plot, cast, genre) becomes searchable too.
        conn.execute(
            'UPDATE items SET plot = coalesce(?, plot), "cast" = coalesce(?, "cast"), genre = coalesce(?, genre) '
            "WHERE profile_id = ? AND type = ? AND provider_id = ?",
            (info.get("plot"), info.get("cast"), info.get("genre"), profile_id, details.type, details.provider_id),
        )
        if details.type == "series":
            conn.execute("DELETE FROM episodes WHERE profile_id = ? AND series_id = ?", (profile_id, details.provider_id))
            conn.executemany(
                "INSERT OR REPLACE INTO episodes (profile_id, series_id, episode_id, season, episode_num, title, container, "
                "plot, duration_secs, air_date, rating, image) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(profile_id, details.provider_id, e.episode_id, e.season, e.episode_num, e.title, e.container, e.plot,
                  e.duration_secs, e.air_date, e.rating, e.image)
                 for eps in details.episodes.values() for e in eps],
            )


def _stored_episodes(conn: sqlite3.Connection, profile_id: int, series_id: str) -> dict[int, list[EpisodeRow]]:
    """A series' episodes as the library kept them (none when it was never opened)."""
    out: dict[int, list[EpisodeRow]] = {}
    for row in conn.execute(
            "SELECT episode_id, season, episode_num, title, container, plot, duration_secs, air_date, rating, image "
            "FROM episodes WHERE profile_id = ? AND series_id = ? ORDER BY season, episode_num", (profile_id, series_id)):
        out.setdefault(int(row[1]), []).append(EpisodeRow(*row))
    return out


async def _get(settings: Settings, conn: sqlite3.Connection, vault: Vault, profile: Profile, type: str,
               provider_id: str | int, refresh: bool) -> Details:
    provider_id = str(provider_id)
    stored = _stored(conn, profile.id, type, provider_id)
    if stored is not None and not refresh and time.time() - stored.fetched_at < TTL_SECS:
        return stored
    try:
        async with source_for(conn, vault, settings, profile) as source:
            if type == "movie":
                info = await source.vod_info(int(provider_id))
                fresh = Details(type, provider_id, _plain(info), int(time.time()))
            else:
                answer = await source.series_info(int(provider_id))
                episodes = {
                    season: [EpisodeRow(str(e.id), e.season, e.episode_num, e.title, e.container_extension, e.plot,
                                        e.duration_secs, e.air_date, e.rating, e.image) for e in eps]
                    for season, eps in answer.episodes.items()
                }
                fresh = Details(type, provider_id, _plain(answer.info), int(time.time()),
                                _plain(answer.seasons), episodes)
    except ItemNotFound:
        raise
    except ProviderError as exc:
        if stored is None:  # never fetched: what the library's own row has, with the note
            return Details(type, provider_id, {}, 0, episodes=_stored_episodes(conn, profile.id, provider_id)
                           if type == "series" else {}, offline=True, error=str(exc))
        return dataclasses.replace(stored, offline=True, error=str(exc))
    _store(conn, profile.id, fresh)
    return fresh


async def movie(settings: Settings, conn: sqlite3.Connection, vault: Vault, profile: Profile, provider_id: str | int,
                refresh: bool = False) -> Details:
    """A movie's details: stored if fresh, else from the provider, else the stored copy offline."""
    return await _get(settings, conn, vault, profile, "movie", provider_id, refresh)


async def series(settings: Settings, conn: sqlite3.Connection, vault: Vault, profile: Profile, provider_id: str | int,
                 refresh: bool = False) -> Details:
    """A series' info, seasons and episodes, with the same store-and-fallback rules as :func:`movie`."""
    return await _get(settings, conn, vault, profile, "series", provider_id, refresh)


def episode(conn: sqlite3.Connection, profile_id: int, episode_id: str | int) -> tuple[str, EpisodeRow] | None:
    """(series id, episode) of a stored episode, for playback and history (None when unknown)."""
    row = conn.execute(
        "SELECT series_id, episode_id, season, episode_num, title, container, plot, duration_secs, air_date, rating, image "
        "FROM episodes WHERE profile_id = ? AND episode_id = ? LIMIT 1",
        (profile_id, str(episode_id)),
    ).fetchone()
    return (row[0], EpisodeRow(*row[1:])) if row else None


def stored_info(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str | int) -> dict[str, Any]:
    """The stored details of a movie or series as they were fetched (``{}`` when never opened),
    for what only they carry, such as the backdrop the artwork cache shows."""
    row = conn.execute("SELECT data FROM details WHERE profile_id = ? AND type = ? AND provider_id = ?",
                       (profile_id, type, str(provider_id))).fetchone()
    if row is None:
        return {}
    info = orjson.loads(row[0]).get("info")
    return info if isinstance(info, dict) else {}


def count(conn: sqlite3.Connection, profile_id: int) -> int:
    """How many movies and series of the profile have stored details (cache statistics)."""
    return conn.execute("SELECT count(*) FROM details WHERE profile_id = ?", (profile_id,)).fetchone()[0]


def clear(conn: sqlite3.Connection, profile_id: int) -> int:
    """Forget the profile's stored movie/series details ("Clear cache"): they are fetched again
    when opened. Stored episodes stay (history and playback resolve episode ids through them;
    the next fetch of their series replaces them). Returns how many items' details went."""
    with transaction(conn):
        return conn.execute("DELETE FROM details WHERE profile_id = ?", (profile_id,)).rowcount

