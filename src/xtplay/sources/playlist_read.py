"""Reading an M3U playlist from where a profile says it is: an http(s) address or a local file.

The body is streamed (plain or gzip, over HTTP or from disk) into a temporary file and
digested on the way, then read a line at a time into :class:`~xtplay.sources.m3u.PlaylistReader`,
so a 200 MB playlist is never held as one text, and a body with the digest of the last read
is not parsed at all. An address asked again with the validators of the last read
(``ETag``/``Last-Modified``) may answer 304: then nothing is read at all. What is not a
playlist (a web page, an empty or binary file, a missing file) is a
:class:`~xtplay.errors.NotAPlaylist` that says so in words.
"""

from __future__ import annotations

import hashlib
import tempfile
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from xtplay.config import Settings
from xtplay.errors import MalformedResponse, NotAPlaylist, ProviderRefused
from xtplay.i18n import N_, Phrase
from xtplay.logs import register_secret
from xtplay.sources.http import ProviderHttp, host_of
from xtplay.sources.m3u import M3UEntry, Playlist, PlaylistReader, decode_line
from xtplay.sources.refusals import looks_like_html
from xtplay.sources.source import ListVersion

_GZIP_MAGIC = b"\x1f\x8b"
_FILE_CHUNK = 1 << 20
#: Query keys whose values are credentials (``get.php?…&password=…``, ``?token=…``); a username
#: is not one (masking a short common word would blank it out of every log line).
_SECRET_KEYS = frozenset({"password", "pass", "pwd", "passwd", "token", "auth"})
#: A line longer than this is not M3U (a minified web page, a binary file): reading stops.
MAX_LINE = 1 << 20


@dataclass(frozen=True, slots=True)
class PlaylistRead:
    """One read of a playlist: its entries (``None`` when a 304 said it is unchanged) and version."""

    playlist: Playlist | None
    version: ListVersion


def is_address(location: str) -> bool:
    """Whether a playlist location is an http(s) address (else it is a file path)."""
    return location.strip().lower().startswith(("http://", "https://"))


def shown_location(location: str) -> str:
    """How a location may be shown: a host, or a file's name; never a path's token or a query."""
    if is_address(location):
        return host_of(location.strip())
    return Path(location).name or "the file"


def register_location(location: str) -> None:
    """Mask the location and its credential parts (user-info password, ``password=``/``token=``
    query values) in every log line; stream paths like ``/live/USER/PASS/1.ts`` are masked by
    :func:`xtplay.logs.redact` itself."""
    register_secret(location)
    if not is_address(location):
        return
    parts = urlsplit(location.strip())
    register_secret(parts.password)
    for key, value in parse_qsl(parts.query):
        if key.lower() in _SECRET_KEYS:
            register_secret(value)


async def read_playlist(settings: Settings, location: str, *, user_agent: str | None = None,
                        known: ListVersion | None = None,
                        consume: Callable[[M3UEntry], None] | None = None) -> PlaylistRead:
    """The playlist at ``location``, or ``playlist=None`` when the address answered 304 to the
    ``known`` validators or sent the body of their digest. With ``consume``, each entry is
    handed to it as it is read and the playlist returned holds none (a big list is never held
    whole). Raises :class:`NotAPlaylist` for what is not one, and the
    ``ProviderError`` of an address that cannot be reached."""
    location = location.strip()
    register_location(location)
    if not is_address(location):
        path = Path(location).expanduser()
        where = Phrase(N_("The file %(name)s"), {"name": path.name or location})
        if not path.is_file():
            raise NotAPlaylist(where, N_("%(where)s does not exist.") if not path.exists() else N_("%(where)s is not a file."))
        try:
            with path.open("rb") as handle:
                return await _consume(file_chunks(handle), path.resolve().as_uri(), where,
                                      known.digest if known else None, consume)
        except OSError as exc:
            raise NotAPlaylist(where, N_("%(where)s cannot be read (%(reason)s)."),
                               {"reason": exc.strerror or "error"}) from None
    parts = urlsplit(location)
    where = Phrase(N_("The address at %(host)s"), {"host": host_of(location)})
    headers = {}
    if known is not None and known.etag:
        headers["If-None-Match"] = known.etag
    if known is not None and known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    http = ProviderHttp(f"{parts.scheme}://{parts.netloc}", timeouts=settings.timeouts, retry=settings.retry,
                        limits=settings.limits, user_agent=user_agent)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    try:
        async with http.stream_unless(parts.path.lstrip("/"), query, headers) as (response, chunks):
            etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
            if chunks is None and known is not None:
                return PlaylistRead(None, ListVersion(known.digest, etag or known.etag, modified or known.last_modified))
            assert chunks is not None
            read = await _consume(chunks, str(response.url), where, known.digest if known else None, consume)
            return PlaylistRead(read.playlist, ListVersion(read.version.digest, etag, modified))
    except ProviderRefused as exc:
        if type(exc) is ProviderRefused and exc.status in (404, 410):  # a panel's answer to an ended line too
            raise NotAPlaylist(where, N_("%(where)s has no playlist (HTTP %(status)s): check the address, and that "
                                         "the subscription behind it is still active."), {"status": exc.status}) from None
        raise
    except MalformedResponse as exc:
        if exc.what == "a web page":
            raise NotAPlaylist(where, N_("%(where)s returned a web page, not a playlist.")) from None
        raise NotAPlaylist(where, N_("%(where)s sent %(what)s."), {"what": exc.what}) from None
    finally:
        await http.aclose()


async def file_chunks(handle: Any) -> AsyncIterator[bytes]:
    """The decompressed chunks of an open binary file, plain or gzip (an XMLTV file too)."""
    inflater: Any = None
    first = True
    while chunk := handle.read(_FILE_CHUNK):
        if first and chunk.startswith(_GZIP_MAGIC):
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        first = False
        if inflater is None:
            yield chunk
            continue
        try:
            while chunk:
                yield inflater.decompress(chunk)
                chunk = b""
                if inflater.eof and inflater.unused_data:
                    chunk, inflater = inflater.unused_data, zlib.decompressobj(zlib.MAX_WBITS | 16)
        except zlib.error:
            raise NotAPlaylist(Phrase(N_("The file")), N_("%(where)s is a damaged gzip file.")) from None


async def _consume(chunks: AsyncIterator[bytes], base_url: str, where: str, known: str | None = None,
                   consume: Callable[[M3UEntry], None] | None = None) -> PlaylistRead:
    """Spool the body to a temporary file while digesting it, then read it line by line,
    unless its digest is the ``known`` one (then nothing is parsed: ``playlist=None``).
    Refuses a body that is not a playlist."""
    digest = hashlib.blake2b(digest_size=16)
    first = True
    with tempfile.TemporaryFile(prefix="xtplay-playlist-") as spool:
        async for chunk in chunks:
            if not chunk:
                continue
            if first:
                first = False
                _refuse_noise(chunk, where)
            digest.update(chunk)
            spool.write(chunk)
        if first:
            raise NotAPlaylist(where, N_("%(where)s is empty."))
        version = ListVersion(digest.hexdigest())
        if version.digest == known:
            return PlaylistRead(None, version)
        spool.seek(0)
        reader = PlaylistReader(base_url)
        entries: list[M3UEntry] = []
        feed, add = reader.feed, consume or entries.append
        count = 0
        while line := spool.readline(MAX_LINE + 1):
            if len(line) > MAX_LINE:
                raise NotAPlaylist(where, N_("%(where)s holds something that is not a playlist "
                                             "(a line of over a megabyte)."))
            if (entry := feed(decode_line(line))) is not None:
                add(entry)
                count += 1
    if not count:
        said = (N_("%(where)s has a playlist header but no streams.") if reader.saw_header
                else N_("%(where)s is not an M3U playlist."))
        raise NotAPlaylist(where, said)
    return PlaylistRead(reader.playlist(entries), version)


def _refuse_noise(first: bytes, where: str) -> None:
    head = first.lstrip(b"\xef\xbb\xbf \t\r\n")
    if looks_like_html(head[:1024]):
        raise NotAPlaylist(where, N_("%(where)s holds a web page, not a playlist."))
    if b"\x00" in first[:4096] or head.startswith(_GZIP_MAGIC):
        raise NotAPlaylist(where, N_("%(where)s is a binary file, not a playlist."))


__all__ = ["MAX_LINE", "PlaylistRead", "file_chunks", "is_address", "read_playlist", "register_location", "shown_location"]
