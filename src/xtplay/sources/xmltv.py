"""Streaming XMLTV reader: channels and programmes from a guide of any size, in bounded memory.

A guide arrives as bytes (a file, or chunks from an HTTP stream), plain or gzip (detected by
its magic bytes, whatever the headers say). lxml's pull parser is fed chunk by chunk and every
``<channel>``/``<programme>`` element is dropped once read, so a 250 MB guide costs no more
memory than a small one. Times become UTC epoch seconds: the offset in each time is honoured,
and a time without one is read in ``default_tz``. A truncated or broken guide raises
``GuideError`` *after* everything readable was yielded, so callers can decide to keep the
previous guide.
"""

from __future__ import annotations

import calendar
import zlib
from collections.abc import AsyncIterable, Iterable, Iterator
from datetime import UTC, datetime, tzinfo
from typing import IO, NamedTuple

from lxml import etree

from xtplay.errors import GuideError
from xtplay.i18n import N_

GZIP_MAGIC = b"\x1f\x8b"
CHUNK_SIZE = 256 * 1024


class XmltvChannel(NamedTuple):
    """A ``<channel>``: its id, every display name (first is preferred) and icon URL."""

    id: str
    display_names: tuple[str, ...]
    icon: str | None


class XmltvProgramme(NamedTuple):
    """A ``<programme>``; ``start``/``stop`` are UTC epoch seconds (``stop`` may be unknown)."""

    channel: str
    start: int
    stop: int | None
    title: str
    subtitle: str | None
    description: str | None
    category: str | None
    episode_num: str | None
    icon: str | None
    lang: str | None

    @property
    def start_utc(self) -> datetime:
        return datetime.fromtimestamp(self.start, UTC)

    @property
    def stop_utc(self) -> datetime | None:
        return None if self.stop is None else datetime.fromtimestamp(self.stop, UTC)


class XmltvTimeParser:
    """XMLTV time strings → UTC epoch seconds, memoised (guides repeat the same slot times)."""

    def __init__(self, default_tz: tzinfo | None = None) -> None:
        self.default_tz = default_tz or UTC
        self._cache: dict[str, int | None] = {}

    def __call__(self, text: str | None) -> int | None:
        if not text:
            return None
        try:
            return self._cache[text]
        except KeyError:
            value = self._cache[text] = self._parse(text)
            if len(self._cache) > 200_000:
                self._cache.clear()
            return value

    def _parse(self, text: str) -> int | None:
        text = text.strip()
        digits = ""
        for ch in text:
            if ch.isdigit():
                digits += ch
            else:
                break
        rest = text[len(digits):].strip()
        if len(digits) < 8:
            return None
        digits = (digits + "000000")[:14]
        try:
            year, month, day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
            hour, minute, second = int(digits[8:10]), int(digits[10:12]), int(digits[12:14])
            if second == 60:
                second = 59
            naive = datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
        offset = 0 if rest.upper() in ("Z", "UTC", "GMT") else _parse_offset(rest)
        if offset is not None:
            return calendar.timegm(naive.timetuple()) - offset
        return int(naive.replace(tzinfo=self.default_tz).timestamp())


def _parse_offset(rest: str) -> int | None:
    """``+0100``, ``-03:00``, ``+05`` → seconds east of UTC; None when there is no offset."""
    if not rest or rest[0] not in "+-":
        return None
    sign = -1 if rest[0] == "-" else 1
    body = rest[1:].replace(":", "")
    if not body.isdigit() or len(body) not in (2, 4):
        return None
    hours, minutes = int(body[:2]), int(body[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return sign * (hours * 3600 + minutes * 60)


def _episode(elem: etree._Element) -> str | None:
    """The on-screen episode number, else the xmltv_ns one as ``S1 E2``, else any given."""
    found: dict[str, str] = {}
    for num in elem.iterfind("episode-num"):
        if num.text and num.text.strip():
            found.setdefault(num.get("system") or "", num.text.strip())
    if "onscreen" in found:
        return found["onscreen"]
    if "xmltv_ns" in found:
        parts = [p.split("/")[0].strip() for p in found["xmltv_ns"].split(".")]
        label = []
        for prefix, part in zip(("S", "E"), parts, strict=False):  # "S.E" or "S.E.P"
            if part.isdigit():
                label.append(f"{prefix}{int(part) + 1}")
        if label:
            return " ".join(label)
    return next(iter(found.values()), None)


class XmltvReader:
    """Incremental reader: ``feed(bytes)`` returns what became complete, ``close()`` the rest.

    Used directly by async code (feed chunks as they arrive); :func:`iter_xmltv` wraps it.
    """

    def __init__(self, default_tz: tzinfo | None = None) -> None:
        self.times = XmltvTimeParser(default_tz)
        self._parser = etree.XMLPullParser(
            events=("end",), tag=("channel", "programme", "tv"), recover=True, huge_tree=True,
            resolve_entities=False, no_network=True,
        )
        self._inflate: zlib._Decompress | None = None
        self._sniffed = b""
        self._started = False
        self._ended = False
        self._truncated: str | None = None
        self._closing = False
        self.bytes_read = 0
        self.skipped = 0  #: programmes without a channel or a readable start
        self.error: GuideError | None = None  #: set by close() when the guide was incomplete

    def feed(self, chunk: bytes) -> list[XmltvChannel | XmltvProgramme]:
        """Parse one more chunk of the raw (possibly gzipped) guide."""
        if not chunk:
            return []
        self.bytes_read += len(chunk)
        if not self._started:
            self._sniffed += chunk
            if len(self._sniffed) < 2:
                return []
            chunk, self._sniffed, self._started = self._sniffed, b"", True
            if chunk[:2] == GZIP_MAGIC:
                self._inflate = zlib.decompressobj(wbits=31)
        if self._inflate is not None:
            try:
                chunk = self._inflate.decompress(chunk)
            except zlib.error as exc:
                raise GuideError(N_("The guide is not valid gzip data (%(reason)s)."), {"reason": str(exc)}) from exc
        return self._parse(chunk)

    def close(self) -> list[XmltvChannel | XmltvProgramme]:
        """Finish; raises GuideError when the guide ended early or was not XMLTV at all."""
        items: list[XmltvChannel | XmltvProgramme] = []
        if not self._started and self._sniffed:
            self._started = True
            items += self._parse(self._sniffed)
        if self._inflate is not None and not self._inflate.eof:
            items += self._parse(self._inflate.flush())
            self._truncated = "The guide's gzip data is truncated"
        self._closing = True  # end events from here on are lxml closing what the guide left open
        try:
            self._parser.close()
        except etree.XMLSyntaxError:
            pass  # recover mode: judged below by whether </tv> was seen
        items += self._drain()
        if self._truncated or not self._ended:
            self.error = GuideError(
                f"{self._truncated or 'The guide is truncated or is not XMLTV'} "
                f"(read {self.bytes_read:,} bytes)."
            )
        return items

    def _parse(self, data: bytes) -> list[XmltvChannel | XmltvProgramme]:
        if data:
            try:
                self._parser.feed(data)
            except etree.XMLSyntaxError as exc:
                raise GuideError(N_("The guide is not readable XML (%(reason)s)."), {"reason": str(exc)}) from exc
        return self._drain()

    def _drain(self) -> list[XmltvChannel | XmltvProgramme]:
        out: list[XmltvChannel | XmltvProgramme] = []
        append = out.append
        for _event, elem in self._parser.read_events():
            tag = elem.tag
            if self._closing and tag != "tv":
                continue  # cut off mid-element by a truncated guide: incomplete, not yielded
            if tag == "programme":
                item = self._programme(elem)
                if item is None:
                    self.skipped += 1
                else:
                    append(item)
            elif tag == "channel":
                cid = (elem.get("id") or "").strip()
                if cid:
                    names = tuple(n.text.strip() for n in elem.iterfind("display-name") if n.text and n.text.strip())
                    icon = elem.find("icon")
                    append(XmltvChannel(cid, names, icon.get("src") if icon is not None else None))
            elif tag == "tv":
                self._ended = self._ended or not self._closing
                continue
            else:
                continue
            elem.clear()
            parent = elem.getparent()
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]
        return out

    def _programme(self, elem: etree._Element) -> XmltvProgramme | None:
        channel = elem.get("channel")
        start = self.times(elem.get("start"))
        if not channel or start is None:
            return None
        title = subtitle = desc = category = icon = lang = episode = None
        # One pass over the children: much cheaper than a find() per field on big guides.
        for child in elem:
            tag = child.tag
            if tag == "title":
                if title is None:
                    title, lang = child.text, child.get("lang")
            elif tag == "desc":
                if desc is None:
                    desc = child.text
            elif tag == "sub-title":
                if subtitle is None:
                    subtitle = child.text
            elif tag == "category":
                if category is None:
                    category = child.text
            elif tag == "icon":
                if icon is None:
                    icon = child.get("src")
            elif tag == "episode-num" and episode is None:
                episode = _episode(elem)
        # (inlined strip-or-None: this runs half a million times on a big guide)
        return XmltvProgramme(
            channel.strip(), start, self.times(elem.get("stop")),
            title.strip() if title else "",
            (subtitle.strip() or None) if subtitle else None,
            (desc.strip() or None) if desc else None,
            (category.strip() or None) if category else None,
            episode, icon, lang,
        )


def iter_xmltv(
    source: IO[bytes] | Iterable[bytes] | bytes, default_tz: tzinfo | None = None
) -> Iterator[XmltvChannel | XmltvProgramme]:
    """Every channel and programme of a guide, in document order, read as a stream.

    ``source`` is a binary file, an iterable of byte chunks, or bytes. Raises GuideError after
    the last readable item when the guide is truncated or unreadable.
    """
    reader = XmltvReader(default_tz)
    for chunk in chunks(source):
        yield from reader.feed(chunk)
    yield from reader.close()
    if reader.error is not None:
        raise reader.error


async def aiter_xmltv(
    chunks: AsyncIterable[bytes], default_tz: tzinfo | None = None
) -> AsyncIterable[list[XmltvChannel | XmltvProgramme]]:
    """Async form for HTTP streams: yields the items completed by each chunk, in batches."""
    reader = XmltvReader(default_tz)
    async for chunk in chunks:
        items = reader.feed(chunk)
        if items:
            yield items
    tail = reader.close()
    if tail:
        yield tail
    if reader.error is not None:
        raise reader.error


def chunks(source: IO[bytes] | Iterable[bytes] | bytes) -> Iterator[bytes]:
    """A guide given as bytes, a file or an iterable of byte chunks, as chunks of bytes."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        yield bytes(source)
        return
    read = getattr(source, "read", None)
    if read is not None:
        while True:
            chunk = read(CHUNK_SIZE)
            if not chunk:
                return
            yield chunk
    else:
        yield from source


__all__ = ["XmltvChannel", "XmltvProgramme", "XmltvReader", "XmltvTimeParser", "aiter_xmltv", "chunks", "iter_xmltv"]
