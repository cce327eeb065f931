"""A playlist profile as a :class:`~xtplay.sources.source.Source`: an M3U list (and its XMLTV guides).

The playlist is read once per sync (:mod:`xtplay.sources.playlist_read`) and sorted into the
library's three kinds: movies (a ``/movie/`` path, a file extension such as ``.mp4``, a
VOD-named group), series (``Show S01E02``-style names, or a ``/series/`` path, grouped by
show, season and episode) and live channels (the rest, by ``group-title``). Each entry's id
is a hash of its kind, ``tvg-id`` and folded name, never of its position or URL, so favorites
and history survive a reordered list, a renamed group or a new token in every URL.

What playback needs later (each entry's URL, headers, catch-up template and DRM mark; a
series' episodes) is a :class:`PlaylistIndex`, which the profile stores encrypted, since
those URLs carry the account's credentials.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from hashlib import blake2b as _blake2b
from typing import Any
from urllib.parse import urlsplit

import orjson

from xtplay.config import Settings
from xtplay.errors import ItemNotFound, StreamProtected
from xtplay.i18n import N_
from xtplay.sources.m3u import M3UEntry, Playlist
from xtplay.sources.models import Account, Category, Episode, Season, Series, SeriesInfo
from xtplay.sources.playlist_read import read_playlist, shown_location
from xtplay.sources.source import EMPTY_GUIDE, ListAnswer, ListRecord, ListVersion, Source

#: The file extensions that make an entry a movie or an episode (looked up, not searched, in a lower-cased path).
_FILE_EXTS = frozenset(("mp4", "mkv", "avi", "mov", "m4v", "webm", "wmv", "flv", "mpg", "mpeg", "divx", "xvid", "3gp"))
_VOD_GROUP = re.compile(r"\b(vod|movies?|films?|filmes|peliculas|cinema|kino|series|shows?|tv shows)\b", re.I)
_EPISODE = re.compile(r"^(?P<show>.*?)[\s._-]*(?:\bS(?P<s>\d{1,3})[\s._-]*E(?P<e>\d{1,4})"
                      r"|\b(?P<s2>\d{1,2})x(?P<e2>\d{1,3}))\b(?P<rest>.*)$", re.I)
#: Ends of a stream URL that is live whatever its group is called (a "Movies" group of channels).
_LIVE_ENDINGS = (".ts", ".m3u8", ".mpd", ".m3u", "/mpegts", "/index.m3u8")
_TAIL = re.compile(r"[\s\-–|:._([]+$")
#: The three list actions of a catalog, in Xtream's words, and the kind each fills.
_LISTS = {"get_live_streams": "live", "get_vod_streams": "movie", "get_series": "series"}
_CATEGORIES = {"get_live_categories": "live", "get_vod_categories": "movie", "get_series_categories": "series"}


def fold(text: str) -> str:
    """Case and accents folded, spaces collapsed: the part of a name identity depends on."""
    if text.isascii():
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).casefold().split())


def stable_id(*parts: str | None) -> int:
    """A positive 48-bit id (safe in JavaScript and SQLite) from the parts that identify an entry."""
    key = "\x1f".join([p or "" for p in parts]).encode("utf-8")
    return int.from_bytes(_blake2b(key, digest_size=6).digest(), "big") or 1


def kind_of(entry: M3UEntry) -> str:
    """``live``, ``movie`` or ``episode``: what a playlist entry is, from its URL, name and group."""
    return _kind(entry, _path(entry.url), bool(_VOD_GROUP.search(entry.group or "")))


def _kind(entry: M3UEntry, path: str, vod_group: bool) -> str:
    """:func:`kind_of` given the entry's lower-cased path and whether its group is VOD-named
    (a playlist repeats a few hundred groups: the builder asks the group's regex once each)."""
    if "/series/" in path:
        return "episode"
    is_file = "/movie/" in path or path.rpartition(".")[2] in _FILE_EXTS
    if not is_file:
        looks_live = "/live/" in path or path.endswith(_LIVE_ENDINGS) or not path.startswith("http")
        if not vod_group or looks_live or entry.channel_number:
            return "live"
    if entry.is_radio:
        return "live"
    return "episode" if _EPISODE.match(entry.name) else "movie"


def episode_parts(name: str) -> tuple[str, int, int, str]:
    """(show, season, episode, title) of a ``Show S01E02 Title`` name; (name, 1, 1, name) otherwise."""
    match = _EPISODE.match(name)
    if match is None:
        return name, 1, 1, name
    show = _TAIL.sub("", match.group("show")).strip() or name
    season = int(match.group("s") or match.group("s2"))
    number = int(match.group("e") or match.group("e2"))
    title = match.group("rest").strip(" -–|:.") or f"Episode {number}"
    return show, season, number, title


def _path(url: str) -> str:
    """The URL without its query or fragment, lower-cased (cheaper than a full split, 100,000 times)."""
    return url.split("?", 1)[0].split("#", 1)[0].lower()


def _extension(path: str, default: str) -> str:
    """The file extension of a lower-cased path (:func:`_path`), else ``default``."""
    ext = path.rpartition(".")[2]
    return ext if ext in _FILE_EXTS else default


def _category_id(kind: str, group: str) -> str:
    return str(stable_id("group", kind, fold(group)))


#: What each list's record holds beyond its id, name, category and icon (see ``ListRecord``),
#: as the keys of the raw rows :meth:`PlaylistIndex.raw_rows` gives back.
_ID_KEYS = {"get_live_streams": "stream_id", "get_vod_streams": "stream_id", "get_series": "series_id"}
_ICON_KEYS = {"get_live_streams": "stream_icon", "get_vod_streams": "stream_icon", "get_series": "cover"}


def _raw_row(action: str, record: ListRecord | list[Any]) -> dict[str, Any]:
    """The Xtream-shaped row of a record (what :meth:`PlaylistSource.raw_list` answers)."""
    pid, name, cid, icon, num, epg, archive, container = record
    row: dict[str, Any] = {_ID_KEYS[action]: pid, "name": name, "category_id": cid, _ICON_KEYS[action]: icon}
    if action == "get_live_streams":
        row.update({"epg_channel_id": epg, "num": num, "tv_archive": 1 if archive else 0,
                    "tv_archive_duration": archive})
    elif action == "get_vod_streams":
        row["container_extension"] = container
    return row


def _record_of(action: str, row: dict[str, Any]) -> ListRecord:
    """The record of a raw row (an index stored before records, which held rows as objects)."""
    archive = int(row.get("tv_archive_duration") or 0) if row.get("tv_archive") else 0
    return (int(row[_ID_KEYS[action]]), row.get("name") or "", row.get("category_id") or "",
            row.get(_ICON_KEYS[action]), row.get("num"), row.get("epg_channel_id"), archive,
            row.get("container_extension"))


#: Entries per part of an index's streams: each part is one compressed JSON object, made as
#: soon as its entries are read, so a big playlist's URLs are never all held as Python lists.
PART_ENTRIES = 10_000


def _pack_part(value: Any) -> bytes:
    """One part of a stored index: compact JSON, compressed (stream URLs repeat their host
    and path, so a part shrinks to about a seventh, and so does what the vault seals)."""
    return zlib.compress(orjson.dumps(value), 1)


def _unpack_part(part: bytes) -> Any:
    return orjson.loads(zlib.decompress(part))


@dataclass(slots=True)
class PlaylistIndex:
    """What a read playlist leaves for later: categories, records per list, and per entry what
    playback needs. Stored encrypted by the profile (the URLs are credentials), in parts
    (:meth:`to_parts`): a summary, the lists, and the streams :data:`PART_ENTRIES` at a time.

    A summary (``complete=False``, :meth:`from_parts` with ``summary=True``) holds only the
    digest, categories, guides, shifts and count: what a sync of an unchanged playlist asks."""

    digest: str
    categories: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  #: kind → [(id, name)]
    records: dict[str, list[ListRecord]] = field(default_factory=dict)  #: list action → records
    series: dict[str, list[list[Any]]] = field(default_factory=dict)  #: series id → [[id, season, ep, title, ext]]
    guides: list[str] = field(default_factory=list)  #: the playlist's own XMLTV addresses
    shifts: dict[str, int] = field(default_factory=dict)  #: live channel id → tvg-shift in seconds
    #: compressed JSON objects "kind:id" → [url, headers, catchup, drm, name] (see :attr:`streams`)
    stream_parts: list[bytes] = field(default_factory=list)
    count: int = 0  #: entries (streams) in all parts
    complete: bool = True
    _streams: dict[str, list[Any]] | None = field(default=None, repr=False, compare=False)

    @property
    def streams(self) -> dict[str, list[Any]]:
        """Every entry's [url, headers, catchup, drm, name] by "kind:id", opened from the parts
        on first use (playback keeps the index, so once per stored playlist)."""
        if self._streams is None:
            found: dict[str, list[Any]] = {}
            for part in self.stream_parts:
                found.update(_unpack_part(part))
            self._streams = found
        return self._streams

    def to_parts(self) -> list[bytes]:
        """The index as compressed parts: summary, lists, then the streams' parts."""
        summary = {"digest": self.digest, "categories": self.categories, "guides": self.guides,
                   "shifts": self.shifts, "count": self.count}
        return [_pack_part(summary), _pack_part({"records": self.records, "series": self.series}),
                *self.stream_parts]

    @classmethod
    def from_parts(cls, parts: list[bytes], summary: bool = False) -> PlaylistIndex:
        """The index of :meth:`to_parts` (only its summary, from the first part alone, when ``summary``)."""
        head = _unpack_part(parts[0])
        index = cls(head["digest"], {k: [tuple(c) for c in v] for k, v in head["categories"].items()},
                    guides=head["guides"], shifts=head["shifts"], count=head["count"], complete=not summary)
        if not summary:
            lists = _unpack_part(parts[1])
            index.records, index.series, index.stream_parts = lists["records"], lists["series"], list(parts[2:])
        return index

    def to_json(self) -> bytes:
        """The whole index as one JSON text (how it was stored before parts)."""
        return orjson.dumps({"digest": self.digest, "categories": self.categories, "records": self.records,
                             "streams": self.streams, "series": self.series, "guides": self.guides,
                             "shifts": self.shifts})

    @classmethod
    def from_json(cls, text: str | bytes) -> PlaylistIndex:
        """An index stored as one JSON text (before parts; before records, its rows were objects)."""
        data = orjson.loads(text)
        records = data.get("records")
        if records is None:  # stored before records: rows as objects
            records = {action: [_record_of(action, row) for row in rows] for action, rows in data["rows"].items()}
        return cls(data["digest"], {k: [tuple(c) for c in v] for k, v in data["categories"].items()},
                   records, data["series"], data["guides"], data.get("shifts") or {},
                   count=len(data["streams"]), _streams=data["streams"])

    def raw_rows(self, action: str) -> list[dict[str, Any]]:
        """One list's records as the raw rows of an Xtream panel (``Source.raw_list``)."""
        return [_raw_row(action, record) for record in self.records.get(action, [])]

    @property
    def entry_count(self) -> int:
        return self.count


class IndexBuilder:
    """Sorts entries into categories, records and streams as they are read (first of a
    duplicate wins), so a big playlist's entries are never all held at once: its streams are
    packed into a part every :data:`PART_ENTRIES` entries."""

    def __init__(self) -> None:
        self.index = PlaylistIndex("")
        self._cats: dict[str, dict[str, str]] = {"live": {}, "movie": {}, "series": {}}
        self._records: dict[str, list[ListRecord]] = {action: [] for action in _LISTS}
        self._series: set[str] = set()
        self._group_ids: dict[tuple[str, str], str] = {}
        self._vod_groups: dict[str, bool] = {}  # group → whether its name says VOD
        self._seen: set[str] = set()  # "kind:id" of every entry indexed
        self._part: dict[str, list[Any]] = {}  # streams not yet packed

    def add(self, entry: M3UEntry) -> None:
        """Index one entry."""
        index, records = self.index, self._records
        path = _path(entry.url)
        group = entry.group or ""
        vod_group = self._vod_groups.get(group)
        if vod_group is None:
            vod_group = self._vod_groups[group] = bool(_VOD_GROUP.search(group))
        kind = _kind(entry, path, vod_group)
        if not group and entry.is_radio:
            group = "Radio"
        type = "series" if kind == "episode" else kind
        cid = ""
        if group:
            cid = self._group_ids.get((type, group)) or ""
            if not cid:
                cid = self._group_ids[(type, group)] = _category_id(type, group)
                self._cats[type].setdefault(cid, group)
        item_id = stable_id(kind, entry.tvg_id, fold(entry.name))
        key = f"{kind}:{item_id}"
        if key in self._seen:
            return  # a duplicate (or a backup URL of the same channel): the first one plays
        self._seen.add(key)
        catchup = entry.catchup
        part = self._part
        part[key] = [entry.url, entry.headers or None, catchup, entry.drm, entry.name]
        if len(part) >= PART_ENTRIES:
            self._pack()
        if kind == "live":
            if entry.shift_hours:
                index.shifts[str(item_id)] = int(entry.shift_hours * 3600)
            records["get_live_streams"].append((item_id, entry.name, cid, entry.tvg_logo, entry.channel_number,
                                                entry.tvg_id or entry.tvg_name, catchup[1] if catchup else 0, None))
        elif kind == "movie":
            records["get_vod_streams"].append((item_id, entry.name, cid, entry.tvg_logo, None, None, 0,
                                               _extension(path, "mp4")))
        else:
            show, season, number, title = episode_parts(entry.name)
            sid = str(stable_id("series", fold(show)))
            if sid not in self._series:
                self._series.add(sid)
                records["get_series"].append((int(sid), show, cid, entry.tvg_logo, None, None, 0, None))
            index.series.setdefault(sid, []).append([item_id, season, number, title, _extension(path, "mp4")])

    def _pack(self) -> None:
        if self._part:
            self.index.stream_parts.append(_pack_part(self._part))
            self.index.count += len(self._part)
            self._part = {}

    def finish(self, digest: str, guides: list[str]) -> PlaylistIndex:
        """The index of every entry added, for the playlist of this digest and guide addresses."""
        self._pack()
        index = self.index
        index.digest, index.guides = digest, guides
        index.categories = {type: list(found.items()) for type, found in self._cats.items()}
        index.records = self._records
        return index


def index_playlist(playlist: Playlist, digest: str) -> PlaylistIndex:
    """Sort a parsed playlist's entries into categories, records and streams (first of a duplicate wins)."""
    builder = IndexBuilder()
    for entry in playlist.entries:
        builder.add(entry)
    return builder.finish(digest, playlist.guide_urls)


def _format(template: str, start: datetime, minutes: int, now: datetime) -> str:
    """A catch-up template with its placeholders filled in (the start in UTC)."""
    end = start + timedelta(minutes=minutes)
    stamp, finish, seconds = int(start.timestamp()), int(end.timestamp()), minutes * 60
    values = {"utc": stamp, "start": stamp, "timestamp": stamp, "end": finish, "utcend": finish,
              "lutc": int(now.timestamp()), "now": int(now.timestamp()), "duration": seconds,
              "offset": max(0, int((now - start).total_seconds())),
              "Y": f"{start:%Y}", "m": f"{start:%m}", "d": f"{start:%d}", "H": f"{start:%H}",
              "M": f"{start:%M}", "S": f"{start:%S}"}

    def fill(match: re.Match[str]) -> str:
        name, fmt = match.group(1), match.group(2)
        if fmt and name in ("utc", "start", "end", "utcend", "lutc", "now", "timestamp"):
            moment = end if name in ("end", "utcend") else start
            return moment.strftime(fmt.replace("YYYY", "%Y").replace("MM", "%m").replace("DD", "%d")
                                   .replace("HH", "%H").replace("mm", "%M").replace("SS", "%S"))
        if name.startswith("duration") and fmt:
            return str(seconds // int(fmt) if fmt.isdigit() and int(fmt) else seconds)
        found = values.get(name)
        return str(found) if found is not None else match.group(0)

    return re.sub(r"\$?\{([A-Za-z]+)(?::([^}]*))?\}", fill, template)


def catchup_url(url: str, catchup: list[Any] | tuple[Any, ...], start: datetime, minutes: int,
                now: datetime | None = None) -> str:
    """The URL of a live entry's recording from ``start`` for ``minutes``, by its catch-up type."""
    kind, _days, source = catchup[0], catchup[1], catchup[2]
    now = now or datetime.now(UTC)
    start = start.astimezone(UTC)
    if kind == "flussonic" and not source:
        parts = urlsplit(url)
        base, _, leaf = parts.path.rpartition("/")
        stamp = int(start.timestamp())
        name = (f"index-{stamp}-{minutes * 60}.m3u8" if leaf.endswith(".m3u8")
                else f"timeshift_abs-{stamp}.ts")
        return parts._replace(path=f"{base}/{name}").geturl()
    if kind == "xc" and not source:
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if segments and segments[0] == "live":
            segments = segments[1:]
        if len(segments) >= 3:
            user, password, leaf = segments[-3], segments[-2], segments[-1]
            stream, _, ext = leaf.partition(".")
            path = f"/timeshift/{user}/{password}/{minutes}/{start:%Y-%m-%d:%H-%M}/{stream}.{ext or 'ts'}"
            return parts._replace(path=path).geturl()
    if kind == "default" and not source and "{" in url:  # the stream URL is its own template
        source = url
    if kind == "shift" and not source:
        source, kind = "?utc={utc}&lutc={lutc}", "append"
    if kind == "append" or (source and "://" not in source):
        filled = _format(source or "", start, minutes, now)
        if filled.startswith("?") and "?" in url:
            filled = "&" + filled[1:]
        elif filled and not filled.startswith(("?", "&", "/")):
            filled = ("&" if "?" in url else "?") + filled
        return url + filled
    if source:
        return _format(source, start, minutes, now)
    raise ItemNotFound(N_("This channel names no catch-up address."))


#: What an unknown entry of each kind is told as (the English of every kind reads "no such <kind>").
_NO_SUCH = {"live": N_("The playlist has no such live; sync and try again."),
            "movie": N_("The playlist has no such movie; sync and try again."),
            "episode": N_("The playlist has no such episode; sync and try again.")}


class PlaylistUrls:
    """The playable URLs of a playlist profile, from its stored index: playback only."""

    def __init__(self, index: PlaylistIndex | None) -> None:
        self._streams = index.streams if index is not None else {}
        self.server_tz: tzinfo = UTC

    def __repr__(self) -> str:
        return f"PlaylistUrls({len(self._streams)} streams)"

    def entry(self, kind: str, stream_id: int) -> list[Any]:
        """The stored entry (url, headers, catchup, drm, name); ``ItemNotFound`` when unknown,
        :class:`StreamProtected` when DRM locks it."""
        found = self._streams.get(f"{kind}:{int(stream_id)}")
        if found is None:
            raise ItemNotFound(_NO_SUCH.get(kind, N_("The playlist has no such %(kind)s; sync and try again.")),
                               {"kind": kind})
        if found[3]:
            raise StreamProtected(found[4], found[3])
        return found

    def headers_for(self, kind: str, stream_id: int) -> dict[str, str]:
        """The headers the playlist asks players to send for this entry (User-Agent, Referer, Origin)."""
        return dict(self.entry(kind, stream_id)[1] or {})

    def live(self, stream_id: int, ext: str | None = None) -> str:
        return str(self.entry("live", stream_id)[0])

    def movie(self, stream_id: int, ext: str = "mp4") -> str:
        return str(self.entry("movie", stream_id)[0])

    def episode(self, episode_id: int, ext: str = "mp4") -> str:
        return str(self.entry("episode", episode_id)[0])

    def timeshift(self, stream_id: int, start: datetime, minutes: int, ext: str = "ts",
                  tz: tzinfo | None = None) -> str:
        if start.tzinfo is None:
            raise ValueError("A catch-up start must be timezone-aware.")
        found = self.entry("live", stream_id)
        if not found[2]:
            raise ItemNotFound(N_("This channel has no catch-up."))
        return catchup_url(str(found[0]), found[2], start, minutes)


class PlaylistSource(Source):
    """One playlist profile's catalog; reads its playlist once (at :meth:`login`)."""

    def __init__(self, location: str, *, settings: Settings, user_agent: str | None = None,
                 known: Callable[[], ListVersion | None] | None = None,
                 stored: Callable[[], PlaylistIndex | None] | None = None,
                 save: Callable[[PlaylistIndex, ListVersion], None] | None = None,
                 extra_guides: tuple[str, ...] = (),
                 summary: Callable[[], PlaylistIndex | None] | None = None) -> None:
        self._location = location
        self._settings = settings
        self._user_agent = user_agent
        self._known = known or (lambda: None)
        self._stored = stored or (lambda: None)
        self._summary = summary or self._stored
        self._save = save or (lambda index, version: None)
        self._extra_guides = extra_guides
        self._index: PlaylistIndex | None = None
        self._version: ListVersion | None = None

    def __repr__(self) -> str:
        return f"PlaylistSource({shown_location(self._location)})"

    @property
    def urls(self) -> PlaylistUrls:
        return PlaylistUrls(self._whole_index())

    def _held_index(self) -> PlaylistIndex | None:
        return self._whole_index()

    def _whole_index(self) -> PlaylistIndex | None:
        """The index with its lists and streams: the one read, else the stored one (opened
        whole only now, when a sync of an unchanged playlist kept just its summary)."""
        if self._index is not None and not self._index.complete:
            whole = self._stored()
            if whole is not None and whole.digest == self._index.digest:
                self._index = whole
            return whole
        return self._index or self._stored()

    async def _lists(self) -> PlaylistIndex:
        """:meth:`load`, with the lists of a stored index opened when only its summary was."""
        index = await self.load()
        if index.complete:
            return index
        whole = self._whole_index()
        if whole is None or whole.digest != index.digest:
            raise ItemNotFound(N_("The stored playlist changed during the sync; sync again."))
        return whole

    async def load(self) -> PlaylistIndex:
        """Read the playlist (asking with the stored validators), indexing entries as they are
        read, and keep its index; when the playlist did not change, only the stored index's
        summary is opened (its categories and digest are what a re-sync compares)."""
        if self._index is not None:
            return self._index
        known = self._known()
        builder = IndexBuilder()
        read = await read_playlist(self._settings, self._location, user_agent=self._user_agent, known=known,
                                   consume=builder.add)
        held = None
        if read.playlist is None and known is not None:
            held = self._summary()
            if held is None:  # unchanged, but the stored index is gone: read it whole again
                read = await read_playlist(self._settings, self._location, user_agent=self._user_agent,
                                           consume=builder.add)
        if held is not None:
            self._index = held
        else:
            assert read.playlist is not None
            self._index = builder.finish(read.version.digest, read.playlist.guide_urls)
        self._version = read.version
        if known != read.version or held is None:
            self._save(self._index, read.version)
        return self._index

    async def aclose(self) -> None:
        """Nothing stays open: each read opens and closes its own connection."""

    async def login(self) -> Account:
        await self.load()
        return Account(username="", status="active", exp_date=None, is_trial=False, active_connections=None,
                       max_connections=None, allowed_output_formats=(), created_at=None, server_timezone=None,
                       server_time=None, server_url=shown_location(self._location))

    async def _categories(self, type: str) -> list[Category]:
        index = await self.load()
        return [Category(category_id=cid, name=name, parent_id=None) for cid, name in index.categories.get(type, [])]

    async def live_categories(self) -> list[Category]:
        return await self._categories("live")

    async def vod_categories(self) -> list[Category]:
        return await self._categories("movie")

    async def series_categories(self) -> list[Category]:
        return await self._categories("series")

    async def raw_list(self, action: str, category_id: str | None = None) -> list[dict[str, Any]]:
        index = await self.load()
        if action in _CATEGORIES:
            return [{"category_id": c, "category_name": n, "parent_id": 0} for c, n in index.categories[_CATEGORIES[action]]]
        if action not in _LISTS:
            raise ValueError(f"unknown list action {action!r}")
        rows = (await self._lists()).raw_rows(action)
        return rows if category_id is None else [r for r in rows if r.get("category_id") == category_id]

    async def changed_list(self, action: str, known: ListVersion | None = None,
                           received: Callable[[], object] | None = None) -> ListAnswer:
        """The list's records as read (the library reads them without raw rows), unless the
        playlist is still the ``known`` version. The one read is done by then: ``received``
        is told at once."""
        index = await self.load()
        if received is not None:
            received()
        assert self._version is not None
        version = ListVersion(index.digest, self._version.etag, self._version.last_modified)
        if known is not None and known.digest == version.digest:
            return ListAnswer(None, version)
        if action not in _LISTS:
            return ListAnswer(await self.raw_list(action), version)
        return ListAnswer(None, version, records=(await self._lists()).records.get(action, []))

    async def series_info(self, series_id: int) -> SeriesInfo:
        index = self._whole_index()
        episodes = (index.series if index else {}).get(str(series_id))
        if not episodes or index is None:
            raise ItemNotFound(N_("The playlist has no series with id %(id)s."), {"id": series_id})
        found = next((r for r in index.records.get("get_series", []) if r[0] == series_id), None)
        row = _raw_row("get_series", found) if found is not None else {}
        by_season: dict[int, list[Episode]] = {}
        for eid, season, number, title, ext in sorted(episodes, key=lambda e: (e[1], e[2])):
            by_season.setdefault(season, []).append(Episode(
                id=eid, episode_num=number, title=title, container_extension=ext, season=season, plot=None,
                duration_secs=None, air_date=None, rating=None, image=None))
        info = Series.from_raw({"series_id": series_id, "name": row.get("name") or f"Series {series_id}",
                                "cover": row.get("cover"), "category_id": row.get("category_id")})
        seasons = [Season(season_number=n, name=f"Season {n}", episode_count=len(eps), cover=None, air_date=None)
                   for n, eps in by_season.items()]
        return SeriesInfo(info=info, seasons=seasons, episodes=by_season)

    def guides(self) -> list[str]:
        """The XMLTV addresses (or files) of this profile: the playlist's own, then those added."""
        index = self._index or self._held_index()
        own = index.guides if index else []
        return [*own, *(g for g in self._extra_guides if g not in own)]


__all__ = [
    "EMPTY_GUIDE",
    "PART_ENTRIES",
    "IndexBuilder",
    "PlaylistIndex",
    "PlaylistSource",
    "PlaylistUrls",
    "catchup_url",
    "episode_parts",
    "fold",
    "index_playlist",
    "kind_of",
    "stable_id",
]
