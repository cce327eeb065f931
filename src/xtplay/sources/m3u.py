"""A tolerant M3U/M3U8 playlist reader (``#EXTM3U`` + ``#EXTINF`` lists of streams).

Real playlists are messy: indented lines, CRLF, a second ``#EXTM3U`` half-way, banner lines
(``=====sudan=====``), commas inside quoted attributes and names, ``#EXTGRP``,
``#EXTVLCOPT``/``#KODIPROP`` options, ``url|User-Agent=…`` pipes, placeholders such as
``[NO PUBLIC STREAM]`` instead of a URL, and Latin-1 bytes. Each of these is read here, once,
into :class:`M3UEntry` records; an entry without a usable location is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ATTR = re.compile(r'([A-Za-z0-9_:.-]+)\s*=\s*(?:"([^"]*)"|([^\s"]+))')
_DURATION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)")


@dataclass(frozen=True, slots=True)
class M3UEntry:
    """One stream of a playlist."""

    name: str
    url: str  #: the location without ``|header`` options (may be relative to the playlist)
    tvg_id: str | None
    tvg_name: str | None
    tvg_logo: str | None
    group: str | None  #: ``group-title``, else ``#EXTGRP``
    attrs: dict[str, str] = field(default_factory=dict)  #: every ``#EXTINF`` attribute, keys lower-cased
    duration: float = -1  #: seconds; -1 for live
    options: dict[str, str] = field(default_factory=dict)  #: ``#EXTVLCOPT``/``#KODIPROP``/pipe, keys lower-cased

    @property
    def user_agent(self) -> str | None:
        """The User-Agent the playlist asks players to send for this stream, if any."""
        return (self.options.get("http-user-agent") or self.options.get("user-agent")
                or self.attrs.get("user-agent") or None)

    @property
    def referrer(self) -> str | None:
        return self.options.get("http-referrer") or self.options.get("referer") or self.options.get("referrer")


@dataclass(frozen=True, slots=True)
class Playlist:
    """A parsed playlist: its header attributes (guide URL …) and its entries."""

    entries: list[M3UEntry]
    attrs: dict[str, str]

    @property
    def guide_urls(self) -> list[str]:
        """XMLTV URLs named by the header (``x-tvg-url``/``url-tvg``, comma-separated lists)."""
        raw = self.attrs.get("x-tvg-url") or self.attrs.get("url-tvg") or ""
        return [u.strip() for u in raw.split(",") if u.strip()]


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


def _split_extinf(body: str) -> tuple[str, str]:
    """Split ``-1 key="a, b",Name, with comma`` at the first comma outside quotes."""
    in_quote = False
    for index, char in enumerate(body):
        if char == '"':
            in_quote = not in_quote
        elif char == "," and not in_quote:
            return body[:index], body[index + 1:]
    return body, ""


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3)).strip()
            for m in _ATTR.finditer(text)}


def _option(text: str) -> tuple[str, str] | None:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        return None
    return key.strip().lower(), value.strip().strip('"').strip()


def _location(line: str) -> tuple[str, dict[str, str]] | None:
    """``url|Key=v&Key2=v2`` → (url, options); ``None`` for a line that is not a location."""
    url, _, pipe = line.partition("|")
    url = url.strip()
    if not url or url.startswith("[") or any(ch.isspace() for ch in url):
        return None
    options = {}
    for part in pipe.split("&") if pipe else ():
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
        self.options: dict[str, str] = {}
        self.extgrp: str | None = None

    def finish(self, url: str, pipe_options: dict[str, str]) -> M3UEntry:
        attrs, options = self.attrs, {**self.options, **pipe_options}
        tvg_name = attrs.get("tvg-name") or None
        return M3UEntry(
            name=self.name or tvg_name or url,
            url=url,
            tvg_id=attrs.get("tvg-id") or None,
            tvg_name=tvg_name,
            tvg_logo=attrs.get("tvg-logo") or None,
            group=attrs.get("group-title") or self.extgrp or None,
            attrs=attrs,
            duration=self.duration,
            options=options,
        )


def parse_playlist(text: str | bytes) -> Playlist:
    """Every playable entry of an M3U text, in order (duplicates kept: the caller decides)."""
    if isinstance(text, bytes):
        text = decode_playlist(text)
    entries: list[M3UEntry] = []
    header: dict[str, str] = {}
    pending: _Pending | None = None
    for raw_line in text.removeprefix("\ufeff").splitlines():
        line = raw_line.strip()
        if not line:
            continue
        upper = line[:12].upper()
        if upper.startswith("#EXTM3U"):
            for key, value in _attributes(line[7:]).items():
                header.setdefault(key, value)
        elif upper.startswith("#EXTINF:"):
            pending = _Pending(line[8:])
        elif upper.startswith("#EXTGRP:"):
            if pending is not None:
                pending.extgrp = line[8:].strip() or None
        elif upper.startswith(("#EXTVLCOPT:", "#KODIPROP:")):
            option = _option(line.split(":", 1)[1])
            if pending is not None and option is not None:
                pending.options[option[0]] = option[1]
        elif line.startswith("#"):
            continue  # comments, #EXT-X-SESSION-DATA and other tags
        else:
            location = _location(line)
            if pending is not None:
                if location is not None:
                    entries.append(pending.finish(*location))
                pending = None  # a placeholder such as "[NO PUBLIC STREAM]" drops the entry
            elif location is not None and "://" in location[0]:
                entries.append(_Pending(",").finish(*location))  # plain list of URLs
    return Playlist(entries, header)


def parse_m3u(text: str | bytes) -> list[M3UEntry]:
    """The entries of a playlist; see :func:`parse_playlist` for the header too."""
    return parse_playlist(text).entries


__all__ = ["M3UEntry", "Playlist", "decode_playlist", "parse_m3u", "parse_playlist"]
