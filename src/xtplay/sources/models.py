"""Typed records of what an Xtream provider says, built tolerantly from its raw JSON.

Every field of a panel's answer is optional and its type a hint (see §6 of the API notes).
The readers of :mod:`xtplay.sources.values` absorb that, so the rest of xtplay sees frozen,
typed records and never a raw dict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from xtplay.sources import values
from xtplay.sources.values import decode_epg_text, server_zone


@dataclass(frozen=True, slots=True)
class Account:
    """The line's state as the login answer describes it (``user_info`` + ``server_info``)."""

    username: str
    status: str  #: lower case: active, expired, banned, disabled, or what the panel said
    exp_date: datetime | None  #: None = never expires
    is_trial: bool
    active_connections: int | None
    max_connections: int | None
    allowed_output_formats: tuple[str, ...]
    created_at: datetime | None
    server_timezone: str | None
    server_time: datetime | None
    server_url: str | None
    server_tz: tzinfo = UTC  #: resolved zone used for guide strings and catch-up START

    @classmethod
    def from_raw(cls, raw: dict[str, Any], now: datetime | None = None) -> Account:
        user, server = values.mapping(raw.get("user_info")), values.mapping(raw.get("server_info"))
        exp_date = values.timestamp(user.get("exp_date"))
        status = (values.text(user.get("status")) or "active").lower()
        if status == "active" and exp_date is not None and exp_date < (now or datetime.now(UTC)):
            status = "expired"
        return cls(
            username=values.text(user.get("username")) or "",
            status=status,
            exp_date=exp_date,
            is_trial=values.flag(user.get("is_trial")),
            active_connections=values.integer(user.get("active_cons")),
            max_connections=values.integer(user.get("max_connections")),
            allowed_output_formats=tuple(f.lower() for f in values.strings(user.get("allowed_output_formats"))),
            created_at=values.timestamp(user.get("created_at")),
            server_timezone=values.text(server.get("timezone")),
            server_time=values.timestamp(server.get("timestamp_now")),
            server_url=values.text(server.get("url")),
            server_tz=server_zone(server.get("timezone"), server.get("time_now"), server.get("timestamp_now")),
        )

    @staticmethod
    def authenticated(raw: dict[str, Any]) -> bool:
        """Whether a login answer accepts the credentials (``auth`` 1, "1" or true; without
        ``auth``, a ``user_info`` that names the user)."""
        user = values.mapping(raw.get("user_info"))
        return values.flag(user["auth"]) if "auth" in user else bool(user.get("username"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Account:
        """Back from :meth:`to_dict` (a profile's stored account), the zone resolved again."""
        when = lambda v: values.timestamp(v)  # noqa: E731
        return cls(
            username=values.text(data.get("username")) or "",
            status=(values.text(data.get("status")) or "active").lower(),
            exp_date=when(data.get("exp_date")),
            is_trial=values.flag(data.get("is_trial")),
            active_connections=values.integer(data.get("active_connections")),
            max_connections=values.integer(data.get("max_connections")),
            allowed_output_formats=tuple(f.lower() for f in values.strings(data.get("allowed_output_formats"))),
            created_at=when(data.get("created_at")),
            server_timezone=values.text(data.get("server_timezone")),
            server_time=when(data.get("server_time")),
            server_url=values.text(data.get("server_url")),
            server_tz=server_zone(data.get("server_timezone")),
        )

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (dates as ISO strings), for storing beside a profile."""
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "username": self.username,
            "status": self.status,
            "exp_date": iso(self.exp_date),
            "is_trial": self.is_trial,
            "active_connections": self.active_connections,
            "max_connections": self.max_connections,
            "allowed_output_formats": list(self.allowed_output_formats),
            "created_at": iso(self.created_at),
            "server_timezone": self.server_timezone,
            "server_time": iso(self.server_time),
            "server_url": self.server_url,
        }


@dataclass(frozen=True, slots=True)
class Category:
    category_id: str
    name: str
    parent_id: str | None

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> Category:
        category_id = values.text(raw.get("category_id"))
        if category_id is None:
            raise ValueError("category without category_id")
        return cls(
            category_id,
            values.text(raw.get("category_name")) or f"Category {category_id}",
            values.category_ref(raw.get("parent_id")),
        )


def _required_id(raw: dict[str, Any], key: str) -> int:
    value = values.integer(raw.get(key))
    if value is None:
        raise ValueError(f"row without {key}")
    return value


@dataclass(frozen=True, slots=True)
class LiveStream:
    stream_id: int
    num: int | None
    name: str
    icon: str | None
    epg_channel_id: str | None
    category_id: str | None
    added: datetime | None
    tv_archive: bool
    tv_archive_duration: int  #: days of catch-up; 0 without archive
    is_adult: bool
    category_ids: tuple[str, ...] = ()

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> LiveStream:
        stream_id = _required_id(raw, "stream_id")
        days = values.integer(raw.get("tv_archive_duration")) or 0
        return cls(
            stream_id=stream_id,
            num=values.integer(raw.get("num")),
            name=values.text(raw.get("name")) or f"Channel {stream_id}",
            icon=values.text(raw.get("stream_icon")),
            epg_channel_id=values.text(raw.get("epg_channel_id")),
            category_id=values.category_ref(raw.get("category_id")),
            added=values.timestamp(raw.get("added")),
            tv_archive=values.flag(raw.get("tv_archive")) and days > 0,
            tv_archive_duration=max(days, 0),
            is_adult=values.flag(raw.get("is_adult")),
            category_ids=values.strings(raw.get("category_ids")),
        )


@dataclass(frozen=True, slots=True)
class Movie:
    stream_id: int
    num: int | None
    name: str
    icon: str | None
    rating: float | None  #: out of 10
    added: datetime | None
    category_id: str | None
    container_extension: str  #: verbatim (``MKV`` stays upper case: it goes into the URL)
    is_adult: bool
    year: int | None
    genre: str | None
    plot: str | None
    cast: str | None
    category_ids: tuple[str, ...] = ()

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> Movie:
        stream_id = _required_id(raw, "stream_id")
        name = values.text(raw.get("name")) or values.text(raw.get("title")) or f"Movie {stream_id}"
        rating = values.rating(raw.get("rating"))
        if rating is None and (five := values.number(raw.get("rating_5based"))) is not None:
            rating = five * 2
        return cls(
            stream_id=stream_id,
            num=values.integer(raw.get("num")),
            name=name,
            icon=values.text(raw.get("stream_icon")),
            rating=rating,
            added=values.timestamp(raw.get("added")),
            category_id=values.category_ref(raw.get("category_id")),
            container_extension=values.text(raw.get("container_extension")) or "mp4",
            is_adult=values.flag(raw.get("is_adult")),
            year=values.year(raw.get("year"), raw.get("release_date"), name=name),
            genre=values.text(raw.get("genre")),
            plot=values.text(raw.get("plot")),
            cast=values.text(raw.get("cast")),
            category_ids=values.strings(raw.get("category_ids")),
        )


@dataclass(frozen=True, slots=True)
class Series:
    series_id: int
    num: int | None
    name: str
    cover: str | None
    plot: str | None
    cast: str | None
    director: str | None
    genre: str | None
    release_date: str | None
    year: int | None
    rating: float | None
    backdrop: tuple[str, ...]
    youtube_trailer: str | None
    episode_run_time: int | None  #: minutes
    category_id: str | None
    last_modified: datetime | None
    category_ids: tuple[str, ...] = ()

    @classmethod
    def from_raw(cls, raw: dict[str, Any], series_id: int | None = None) -> Series:
        sid = series_id if series_id is not None else _required_id(raw, "series_id")
        name = values.text(raw.get("name")) or values.text(raw.get("title")) or f"Series {sid}"
        release = values.text(raw.get("releaseDate")) or values.text(raw.get("release_date"))
        return cls(
            series_id=sid,
            num=values.integer(raw.get("num")),
            name=name,
            cover=values.text(raw.get("cover")),
            plot=values.text(raw.get("plot")),
            cast=values.text(raw.get("cast")),
            director=values.text(raw.get("director")),
            genre=values.text(raw.get("genre")),
            release_date=release,
            year=values.year(raw.get("year"), release, name=name),
            rating=values.rating(raw.get("rating")),
            backdrop=values.strings(raw.get("backdrop_path")),
            youtube_trailer=values.text(raw.get("youtube_trailer")),
            episode_run_time=values.integer(raw.get("episode_run_time")) or None,
            category_id=values.category_ref(raw.get("category_id")),
            last_modified=values.timestamp(raw.get("last_modified")),
            category_ids=values.strings(raw.get("category_ids")),
        )


@dataclass(frozen=True, slots=True)
class MovieInfo:
    stream_id: int
    name: str
    container_extension: str
    plot: str | None
    cast: str | None
    director: str | None
    genre: str | None
    rating: float | None
    duration_secs: int | None
    release_date: str | None
    year: int | None
    poster: str | None
    backdrop: tuple[str, ...]
    youtube_trailer: str | None
    video_codec: str | None = None
    audio_codec: str | None = None
    category_id: str | None = None

    @classmethod
    def from_raw(cls, raw: dict[str, Any], stream_id: int | None = None) -> MovieInfo:
        """From ``{"info": {...}|[], "movie_data": {...}}``; ``info: []`` keeps the list fields."""
        info, data = values.mapping(raw.get("info")), values.mapping(raw.get("movie_data"))
        sid = values.integer(data.get("stream_id"))
        sid = sid if sid is not None else stream_id
        if sid is None:
            raise ValueError("movie info without stream_id")
        name = (
            values.text(info.get("name"))
            or values.text(data.get("name"))
            or values.text(data.get("title"))
            or f"Movie {sid}"
        )
        release = values.text(info.get("releasedate")) or values.text(info.get("release_date"))
        return cls(
            stream_id=sid,
            name=name,
            container_extension=values.text(data.get("container_extension")) or "mp4",
            plot=values.text(info.get("plot")) or values.text(info.get("description")),
            cast=values.text(info.get("cast")) or values.text(info.get("actors")),
            director=values.text(info.get("director")),
            genre=values.text(info.get("genre")),
            rating=values.rating(info.get("rating")),
            duration_secs=values.duration_secs(info.get("duration_secs"), info.get("duration")),
            release_date=release,
            year=values.year(info.get("year"), data.get("year"), release, name=name),
            poster=values.text(info.get("movie_image")) or values.text(info.get("cover_big")),
            backdrop=values.strings(info.get("backdrop_path")),
            youtube_trailer=values.text(info.get("youtube_trailer")),
            video_codec=values.codec(info.get("video")),
            audio_codec=values.codec(info.get("audio")),
            category_id=values.category_ref(data.get("category_id")),
        )


@dataclass(frozen=True, slots=True)
class Episode:
    id: int  #: the stream id that goes into the episode URL
    episode_num: int
    title: str
    container_extension: str
    season: int
    plot: str | None
    duration_secs: int | None
    air_date: str | None
    rating: float | None
    image: str | None

    @classmethod
    def from_raw(cls, raw: dict[str, Any], season: int | None = None, position: int = 1) -> Episode:
        episode_id = _required_id(raw, "id")
        info = values.mapping(raw.get("info"))
        number = values.integer(raw.get("episode_num"))
        if season is None:  # season 0 is a season: the first number given, not the first true one
            given = (values.integer(raw.get("season")), values.integer(info.get("season")))
            season = next((n for n in given if n is not None), 1)
        return cls(
            id=episode_id,
            episode_num=number if number is not None else position,
            title=values.text(raw.get("title")) or values.text(info.get("name")) or f"Episode {number or position}",
            container_extension=values.text(raw.get("container_extension")) or "mp4",
            season=season,
            plot=values.text(info.get("plot")) or values.text(info.get("overview")),
            duration_secs=values.duration_secs(info.get("duration_secs"), info.get("duration")),
            air_date=values.text(info.get("air_date"))
            or values.text(info.get("releasedate"))
            or values.text(info.get("release_date")),
            rating=values.rating(info.get("rating")),
            image=values.text(info.get("movie_image")) or values.text(info.get("cover_big")),
        )


@dataclass(frozen=True, slots=True)
class Season:
    season_number: int
    name: str
    episode_count: int
    cover: str | None
    air_date: str | None


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    info: Series
    seasons: list[Season]
    episodes: dict[int, list[Episode]]

    @classmethod
    def from_raw(cls, raw: dict[str, Any], series_id: int) -> SeriesInfo:
        """Seasons come from the ``episodes`` keys; the ``seasons`` list only decorates them."""
        episodes = _episode_groups(raw.get("episodes"))
        decor = _season_decor(raw.get("seasons"), set(episodes))
        seasons = []
        for number, items in episodes.items():
            extra = decor.get(number, {})
            seasons.append(
                Season(
                    season_number=number,
                    name=values.text(extra.get("name")) or f"Season {number}",
                    episode_count=len(items),
                    cover=values.text(extra.get("cover_big")) or values.text(extra.get("cover")),
                    air_date=values.text(extra.get("air_date")),
                )
            )
        return cls(Series.from_raw(values.mapping(raw.get("info")), series_id=series_id), seasons, episodes)


def _season_decor(raw: Any, keys: set[int]) -> dict[int, dict[str, Any]]:
    """The ``seasons`` entries by the season they describe.

    Some panels number them from 0 in TMDB's order while ``episodes`` is keyed from 1: when
    the numbers are exactly 0..n-1, the keys exactly 1..n, and season 0 is not an empty
    "Specials", each entry describes the season after its number.
    """
    decor: dict[int, dict[str, Any]] = {}
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and (number := values.integer(item.get("season_number"))) is not None:
            decor.setdefault(number, item)
    count = len(decor)
    if count and set(decor) == set(range(count)) and keys == set(range(1, count + 1)):
        zero = decor[0]
        named_specials = "special" in (values.text(zero.get("name")) or "").lower()
        if not named_specials and values.integer(zero.get("episode_count")) != 0:
            return {number + 1: item for number, item in decor.items()}
    return decor


def _group_season(rows: list[Any], index: int) -> int:
    """The season of one list of a list of lists: the one its episodes all name, else its index
    (PHP sends seasons keyed 0..n-1 as a list; a panel that re-indexed them still names them)."""
    named = {values.integer(row.get("season")) for row in rows if isinstance(row, dict)}
    only = named.pop() if len(named) == 1 else None
    return index if only is None else only


def _episode_groups(raw: Any) -> dict[int, list[Episode]]:
    """``{"1": [...]}``, a list of lists indexed by season, a flat list, or nothing."""
    groups: list[tuple[int | None, list[Any]]] = []
    if isinstance(raw, dict):
        for key, rows in raw.items():
            rows = list(rows.values()) if isinstance(rows, dict) else rows
            groups.append((values.integer(key), rows if isinstance(rows, list) else []))
    elif isinstance(raw, list):
        if all(isinstance(rows, list) for rows in raw):
            groups = [(_group_season(rows, index), rows) for index, rows in enumerate(raw)]
        else:
            groups = [(None, [row for row in raw if isinstance(row, dict)])]
    result: dict[int, list[Episode]] = {}
    for season, rows in groups:
        for position, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                continue
            try:
                episode = Episode.from_raw(row, season=season, position=position)
            except ValueError:
                continue
            result.setdefault(episode.season, []).append(episode)
    return {n: sorted(result[n], key=lambda e: e.episode_num) for n in sorted(result)}


@dataclass(frozen=True, slots=True)
class EpgEntry:
    epg_id: str | None
    title: str
    description: str
    start: datetime  #: tz-aware UTC
    end: datetime  #: tz-aware UTC
    channel_id: str | None
    has_archive: bool

    @classmethod
    def from_raw(cls, raw: dict[str, Any], tz: tzinfo = UTC) -> EpgEntry:
        """Timestamps win over wall-clock strings, which are read in the panel's zone ``tz``;
        in XUI rows ``end`` holds the epoch and ``stop`` the string."""
        start = values.timestamp(raw.get("start_timestamp")) or values.wall_clock(raw.get("start"), tz)
        end = values.timestamp(raw.get("stop_timestamp"))
        if end is None:
            raw_end = values.text(raw.get("end"))
            end = values.timestamp(raw_end) if raw_end and raw_end.isdigit() else None
        end = end or values.wall_clock(raw.get("stop"), tz) or values.wall_clock(raw.get("end"), tz)
        if start is None or end is None:
            raise ValueError("programme without start or end")
        return cls(
            epg_id=values.text(raw.get("id")) or values.text(raw.get("epg_id")),
            title=decode_epg_text(raw.get("title")),
            description=decode_epg_text(raw.get("description")),
            start=start,
            end=end,
            channel_id=values.text(raw.get("channel_id")),
            has_archive=values.flag(raw.get("has_archive")),
        )


__all__ = [
    "Account",
    "Category",
    "EpgEntry",
    "Episode",
    "LiveStream",
    "Movie",
    "MovieInfo",
    "Season",
    "Series",
    "SeriesInfo",
    "decode_epg_text",
    "server_zone",
]
