"""A tolerant M3U/M3U8 playlist reader (``#EXTM3U`` + ``#EXTINF`` lists of streams).

Real playlists are messy: indented lines, CRLF, a second ``#EXTM3U`` half-way, banner lines
(``=====sudan=====``), commas inside quoted attributes and names, ``#EXTGRP``,
``#EXTVLCOPT``/``#KODIPROP`` options, ``url|User-Agent=…`` pipes, placeholders such as
``[NO PUBLIC STREAM]`` instead of a URL, and Latin-1 bytes. Each of these is read here, once,
into :class:`M3UEntry` records; an entry without a usable location is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from sys import intern
from typing import NamedTuple
from urllib.parse import urljoin

_DURATION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)")
_SPACE = re.compile(r"\s")
#: One attribute's key and value: a quoted value (the quotes not kept) or a bare one.
_ATTR_VALUE = re.compile(r'([A-Za-z0-9_:.-]+)\s*=\s*"?((?<=")[^"]*(?=")|(?<!")[^\s"]+)')
#: The options of an entry that has none (shared, never changed).
_NO_OPTIONS: dict[str, str] = {}


class M3UEntry(NamedTuple):
    """One stream of a playlist (a frozen record; a named tuple because a sync makes 100,000
    of them, and a frozen dataclass takes three times as long to make)."""

    name: str
    url: str  #: the location without ``|header`` options (may be relative to the playlist)
    tvg_id: str | None
    tvg_name: str | None
    tvg_logo: str | None
    group: str | None  #: ``group-title``, else ``#EXTGRP``
    attrs: dict[str, str]  #: every ``#EXTINF`` attribute, keys lower-cased
    duration: float = -1  #: seconds; -1 for live
    options: dict[str, str] = _NO_OPTIONS  #: ``#EXTVLCOPT``/``#KODIPROP``/pipe, keys lower-cased; never changed

    @property
    def user_agent(self) -> str | None:
        """The User-Agent the playlist asks players to send for this stream, if any."""
        return (self.options.get("user-agent") or self.options.get("http-user-agent")  # a url|pipe first
                or self.attrs.get("user-agent") or None)

    @property
    def referrer(self) -> str | None:
        return self.options.get("referer") or self.options.get("referrer") or self.options.get("http-referrer")

    @property
    def origin(self) -> str | None:
        """The Origin the playlist asks players to send, if any."""
        return self.options.get("origin") or self.options.get("http-origin") or None

    @property
    def headers(self) -> dict[str, str]:
        """The HTTP headers this stream wants (User-Agent, Referer, Origin), only those given."""
        if not self.options and "user-agent" not in self.attrs:
            return {}  # most entries ask for none: skip building the three lookups, 100,000 times
        wanted = {"User-Agent": self.user_agent, "Referer": self.referrer, "Origin": self.origin}
        return {k: v for k, v in wanted.items() if v}

    @property
    def channel_number(self) -> int | None:
        """``tvg-chno``, the number people zap to, when it is a whole positive number."""
        text = (self.attrs.get("tvg-chno") or self.attrs.get("channel-number") or "").strip()
        return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else None

    @property
    def is_radio(self) -> bool:
        return self.attrs.get("radio", "").lower() in ("true", "1", "yes")

    @property
    def drm(self) -> str | None:
        """The DRM scheme a ``#KODIPROP`` licence names (widevine, clearkey …); such a stream
        needs a decryption module no browser player here has."""
        if not self.options:  # a licence is always given as an option (#KODIPROP or |pipe)
            return None
        kind = self.options.get("inputstream.adaptive.license_type") or self.options.get("inputstream.adaptive.drm")
        if kind:
            lowered = kind.lower()
            known = next((name for name in ("widevine", "playready", "clearkey", "fairplay") if name in lowered), None)
            return known or kind.rsplit(".", 1)[-1] or "DRM"
        if self.options.get("inputstream.adaptive.license_key") or self.options.get("inputstream.adaptive.drm_legacy"):
            return "DRM"
        return None

    @property
    def shift_hours(self) -> float:
        """``tvg-shift``: hours to add to the guide's times for this channel."""
        if "tvg-shift" not in self.attrs:
            return 0.0
        try:
            return float((self.attrs.get("tvg-shift") or "0").replace(",", "."))
        except ValueError:
            return 0.0

    @property
    def catchup(self) -> tuple[str, int, str | None] | None:
        """(type, days, source template) of the entry's catch-up, or ``None`` when it has none.

        ``catchup``/``catchup-type`` name the type (``default``, ``append``, ``shift``,
        ``flussonic``, ``xc``; ``timeshift`` is ``shift``), ``catchup-days`` (or ``timeshift``)
        the days kept, ``catchup-source`` the URL template.
        """
        kind = (self.attrs.get("catchup") or self.attrs.get("catchup-type") or "").strip().lower()
        source = self.attrs.get("catchup-source") or None
        days_text = self.attrs.get("catchup-days") or self.attrs.get("timeshift") or ""
        days = int(days_text) if days_text.strip().isdigit() else 0
        if kind in ("timeshift",):
            kind = "shift"
        if kind in ("flussonic-hls", "flussonic-ts", "fs"):
            kind = "flussonic"
        if not kind and source:
            kind = "default"
        if kind not in ("default", "append", "shift", "flussonic", "xc"):
            return None
        return kind, days or 7, source


@dataclass(frozen=True, slots=True)
class Playlist:
    """A parsed playlist: its header attributes (guide URL …) and its entries."""

    entries: list[M3UEntry]
    attrs: dict[str, str]
    guide_lists: tuple[str, ...] = ()  #: each ``x-tvg-url``/``url-tvg`` value met, in order

    @property
    def guide_urls(self) -> list[str]:
        """XMLTV URLs named by the headers (``x-tvg-url``/``url-tvg``, comma-separated lists,
        every header of a playlist that has several), each once."""
        lists = self.guide_lists or tuple(v for k in ("x-tvg-url", "url-tvg") if (v := self.attrs.get(k)))
        found: list[str] = []
        for raw in lists:
            found.extend(u.strip() for u in raw.split(",") if u.strip() and u.strip() not in found)
        return found


def decode_playlist(data: bytes) -> str:
    """Text of a playlist body: UTF-8 where it is, Windows-1252/Latin-1 line by line where not."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = []
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                lines.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                lines.append(line.decode("latin-1"))
    return "\n".join(lines)


def decode_line(line: bytes) -> str:
    """One line's text: UTF-8 where it is, Windows-1252 (else Latin-1) where not."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return line.decode("cp1252")
        except UnicodeDecodeError:
            return line.decode("latin-1")


def _split_extinf(body: str) -> tuple[str, str]:
    """Split ``-1 key="a, b",Name, with comma`` at the first comma outside quotes."""
    comma = body.find(",")
    while comma >= 0:
        if body.count('"', 0, comma) % 2 == 0:  # an even number of quotes before it: outside any
            return body[:comma], body[comma + 1:]
        comma = body.find(",", comma + 1)
    return body, ""


def _attributes(text: str) -> dict[str, str]:
    # Keys are interned: 100,000 entries share one "group-title" instead of holding one each.
    # The value's one group (quoted, or bare) lets findall hand out (key, value) pairs.
    return {intern(key.lower()): value.strip() for key, value in _ATTR_VALUE.findall(text)}


def _option(text: str) -> tuple[str, str] | None:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        return None
    return key.strip().lower(), value.strip().strip('"').strip()


def _location(line: str) -> tuple[str, dict[str, str]] | None:
    """``url|Key=v&Key2=v2`` → (url, options); ``None`` for a line that is not a location."""
    url, _, pipe = line.partition("|")
    url = url.strip()
    if not url or url.startswith("[") or _SPACE.search(url):
        return None
    if not pipe:
        return url, _NO_OPTIONS
    options = {}
    for part in pipe.split("&"):
        if (option := _option(part)) is not None:
            options[option[0]] = option[1]
    return url, options


class _Pending:
    """An ``#EXTINF`` waiting for its location line."""

    __slots__ = ("attrs", "duration", "extgrp", "name", "options")

    def __init__(self, body: str) -> None:
        head, name = _split_extinf(body)
        match = _DURATION.match(head)
        self.duration = float(match.group(1)) if match else -1.0
        self.attrs = _attributes(head[match.end():] if match else head)
        self.name = name.strip()
        self.options: dict[str, str] | None = None  # made by the first #EXTVLCOPT/#KODIPROP
        self.extgrp: str | None = None

    def finish(self, url: str, pipe_options: dict[str, str]) -> M3UEntry:
        attrs, own = self.attrs, self.options
        options = {**own, **pipe_options} if own else pipe_options  # most entries: the shared empty one
        tvg_name = attrs.get("tvg-name") or None
        return M3UEntry(self.name or tvg_name or url, url, attrs.get("tvg-id") or None, tvg_name,
                        attrs.get("tvg-logo") or None, attrs.get("group-title") or self.extgrp or None,
                        attrs, self.duration, options)


class PlaylistReader:
    """A playlist read a line at a time, so a 200 MB list never sits in memory as one text.

    ``base_url`` is where the playlist came from: relative locations are made absolute
    against it (a file's own path works the same way).
    """

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url
        self.header: dict[str, str] = {}
        self.guide_attrs: list[str] = []  #: every header's guide URL list, in order
        self.saw_header = False
        self.lines = 0
        self._pending: _Pending | None = None

    def feed(self, raw_line: str) -> M3UEntry | None:
        """Read one line; returns the entry it completes, if it completes one."""
        line = raw_line.strip().removeprefix("\ufeff")
        if not line:
            return None
        self.lines += 1
        pending = self._pending
        if line[0] != "#":
            return self._located(line, pending)
        upper = line[:12].upper()
        if upper.startswith("#EXTM3U"):
            self.saw_header = True
            attrs = _attributes(line[7:])
            for key, value in attrs.items():
                self.header.setdefault(key, value)
            for key in ("x-tvg-url", "url-tvg"):
                if attrs.get(key):
                    self.guide_attrs.append(attrs[key])
        elif upper.startswith("#EXTINF:"):
            self._pending = _Pending(line[8:])
        elif upper.startswith("#EXTGRP:"):
            if pending is not None:
                pending.extgrp = line[8:].strip() or None
        elif upper.startswith(("#EXTVLCOPT:", "#KODIPROP:")):
            option = _option(line.split(":", 1)[1])
            if pending is not None and option is not None:
                if pending.options is None:
                    pending.options = {}
                pending.options[option[0]] = option[1]
        return None  # comments, #EXT-X-SESSION-DATA and other tags

    def _located(self, line: str, pending: _Pending | None) -> M3UEntry | None:
        """A location line: it completes the pending ``#EXTINF``, or is an entry of a bare list."""
        location = _location(line)
        absolute = location is not None and "://" in location[0]
        if location is not None and self.base_url and not absolute:
            location = (urljoin(self.base_url, location[0]), location[1])
        if pending is not None:
            self._pending = None  # a placeholder such as "[NO PUBLIC STREAM]" drops the entry
            return pending.finish(*location) if location is not None else None
        if location is not None and absolute:
            return _Pending(",").finish(*location)  # plain list of URLs
        return None

    def read(self, lines: Iterable[str]) -> list[M3UEntry]:
        """Every entry the lines complete, in order."""
        return [entry for line in lines if (entry := self.feed(line)) is not None]

    def playlist(self, entries: list[M3UEntry]) -> Playlist:
        return Playlist(entries, self.header, tuple(self.guide_attrs))


def parse_playlist(text: str | bytes, base_url: str | None = None) -> Playlist:
    """Every playable entry of an M3U text, in order (duplicates kept: the caller decides)."""
    if isinstance(text, bytes):
        text = decode_playlist(text)
    reader = PlaylistReader(base_url)
    return reader.playlist(reader.read(text.removeprefix("\ufeff").splitlines()))


def parse_m3u(text: str | bytes) -> list[M3UEntry]:
    """The entries of a playlist; see :func:`parse_playlist` for the header too."""
    return parse_playlist(text).entries


__all__ = ["M3UEntry", "Playlist", "PlaylistReader", "decode_line", "decode_playlist", "parse_m3u", "parse_playlist"]
