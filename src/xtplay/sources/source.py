"""The ``Source`` protocol: what the library, the guide and playback ask of any provider.

A source is one provider account seen from above: it logs in, lists the catalog of a kind,
gives a movie's or a series' details, the XMLTV guide and the short EPG, and builds the
stream URLs. :class:`xtplay.sources.xtream.XtreamClient` satisfies it as it is (structurally,
without inheriting); :func:`xtplay.accounts.source.source_for` makes the source of a profile,
and nothing above ``accounts/`` names a concrete client.

As in Mopidy's backend providers, each operation says whether a source MUST implement it or
MAY keep the default written here (a source that subclasses :class:`Source` inherits those
defaults; they are safe: empty answers, or the typed error callers already handle). Every
failure is an ``xtplay.errors`` class, never an httpx, sqlite3 or parser error: a
:class:`~xtplay.errors.ProviderError` subclass for what the provider did or did not answer,
an :class:`~xtplay.errors.AuthError` subclass when the account itself is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Protocol, Self, runtime_checkable

import orjson

from xtplay.errors import ItemNotFound
from xtplay.i18n import N_
from xtplay.sources.models import Account, Category, EpgEntry, MovieInfo, SeriesInfo

#: An XMLTV guide without channels or programmes: the default guide of a source that has none.
EMPTY_GUIDE = b'<?xml version="1.0" encoding="UTF-8"?>\n<tv></tv>\n'


@dataclass(frozen=True, slots=True)
class ListVersion:
    """What one list was when it was read: a digest of its bytes, and the provider's validators."""

    digest: str  #: BLAKE2b-128 of the body, hex
    etag: str | None = None
    last_modified: str | None = None


#: One list row a source has already read into values, instead of a raw JSON object: (id,
#: name, category id, icon, channel number, guide channel id, catch-up days, container
#: extension). A source that parses its own format (a playlist) gives these, so the library
#: need not read a panel-shaped object back field by field.
ListRecord = tuple[int, str, str, str | None, int | None, str | None, int, str | None]


@dataclass(frozen=True, slots=True)
class ListAnswer:
    """A list asked for again: its rows (raw JSON objects, or ``records`` already read), or
    neither when it is the ``known`` version still."""

    rows: list[dict[str, Any]] | None
    version: ListVersion
    records: list[ListRecord] | None = None

    @property
    def unchanged(self) -> bool:
        return self.rows is None and self.records is None


def digest_of(body: bytes) -> str:
    """The digest a :class:`ListVersion` carries (about 1 GB/s: 50 ms for 100,000 movies)."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()


@runtime_checkable
class StreamUrlBuilder(Protocol):
    """The playable URLs of one account. They may carry its password: playback only, never a browser.

    A source MUST implement every method; each returns an absolute URL the proxy or ffmpeg
    fetches, and raises nothing but :class:`ValueError` for an impossible argument or a
    :class:`~xtplay.errors.ProviderRefused` for a format the account may not request.
    """

    def live(self, stream_id: int, ext: str | None = None) -> str:
        """A live channel; ``ext`` None picks the format the account prefers."""
        ...

    def movie(self, stream_id: int, ext: str = "mp4") -> str:
        """A movie file, with its container extension kept as the catalog gave it."""
        ...

    def episode(self, episode_id: int, ext: str = "mp4") -> str:
        """An episode file, by the episode's own id."""
        ...

    def timeshift(self, stream_id: int, start: datetime, minutes: int, ext: str = "ts",
                  tz: tzinfo | None = None) -> str:
        """A catch-up of ``minutes`` from ``start`` (timezone-aware, else ``ValueError``),
        written in ``tz`` or the provider's own zone."""
        ...


@runtime_checkable
class Source(Protocol):
    """One provider account: catalog, details, guide and stream URLs. Use as ``async with``."""

    @property
    def urls(self) -> StreamUrlBuilder:
        """MUST: the builder of this account's stream URLs (an attribute will do)."""
        ...

    async def __aenter__(self) -> Self:
        """MAY keep: returns the source itself."""
        return self

    async def __aexit__(self, *exc: object) -> None:
        """MAY keep: calls :meth:`aclose`."""
        await self.aclose()

    async def aclose(self) -> None:
        """MAY keep (a source that holds nothing open): release connections. Raises nothing."""

    async def login(self) -> Account:
        """MUST: check the account and return its state (formats, expiry, the provider's zone).

        Raises :class:`~xtplay.errors.WrongCredentials` or
        :class:`~xtplay.errors.AccountInactive` (both ``AuthError``) for a refused account, and
        another :class:`~xtplay.errors.ProviderError` when the provider cannot be asked.
        """
        ...

    async def live_categories(self) -> list[Category]:
        """MUST: the live categories in the provider's order. Raises ``ProviderError``."""
        ...

    async def vod_categories(self) -> list[Category]:
        """MAY keep (a source without movies): the movie categories; the default is none."""
        return []

    async def series_categories(self) -> list[Category]:
        """MAY keep (a source without series): the series categories; the default is none."""
        return []

    async def raw_list(self, action: str, category_id: str | None = None) -> list[dict[str, Any]]:
        """MUST: one kind's whole list (or one category's), as rows of JSON objects.

        ``action`` names the kind in Xtream's words: ``get_live_streams``, ``get_vod_streams``,
        ``get_series`` or one of the three ``get_*_categories``; a source without that kind
        returns ``[]``, and an unknown action is a :class:`ValueError`. The rows carry the keys
        :func:`xtplay.library.store.read_rows` reads (``stream_id`` or ``series_id``, ``name``,
        ``category_id`` …). Raises ``ProviderError`` (``AuthError`` for a refused account).
        """
        ...

    async def changed_list(self, action: str, known: ListVersion | None = None,
                           received: Callable[[], object] | None = None) -> ListAnswer:
        """MAY keep: :meth:`raw_list` of a whole list, unless it is still the ``known`` version.

        A re-sync passes the version it stored last; a source that can tell cheaply (the
        provider's ``ETag``/``Last-Modified`` answered with 304, or the digest of the bytes it
        received) answers ``rows=None`` and saves the parsing and the writing. A source that
        read the list into values itself MAY answer them as ``records`` (:data:`ListRecord`)
        instead of raw rows. ``received`` is called once the list's bytes are in, before they
        are parsed: sync asks for the next list then, so a slow line is not left idle while a
        big list is parsed. The default reads the list and digests its rows. Raises what
        :meth:`raw_list` raises.
        """
        rows = await self.raw_list(action)
        if received is not None:
            received()
        version = ListVersion(digest_of(orjson.dumps(rows)))
        if known is not None and known.digest == version.digest:
            return ListAnswer(None, version)
        return ListAnswer(rows, version)

    async def vod_info(self, vod_id: int) -> MovieInfo:
        """MAY keep (a source without details): one movie's details.

        Raises :class:`~xtplay.errors.ItemNotFound` for an id the provider does not know
        (the default, for every id: the movie page keeps what the catalog has and shows the
        error where the details would be), another ``ProviderError`` when the provider cannot
        be asked.
        """
        raise ItemNotFound(N_("The provider has no details of movie %(id)s."), {"id": vod_id})

    async def series_info(self, series_id: int) -> SeriesInfo:
        """MAY keep (a source without series): one series' seasons and episodes.

        Raises :class:`~xtplay.errors.ItemNotFound` for an unknown id (the default, for
        every id), another ``ProviderError`` when the provider cannot be asked.
        """
        raise ItemNotFound(N_("The provider has no series with id %(id)s."), {"id": series_id})

    async def short_epg(self, stream_id: int, limit: int | None = None) -> list[EpgEntry]:
        """MAY keep (a source without a per-channel guide): the current and next programmes
        of one channel, times aware; the default is none. Raises ``ProviderError``."""
        return []

    async def simple_data_table(self, stream_id: int) -> list[EpgEntry]:
        """MAY keep: every stored programme of one channel, with ``has_archive``; the default
        is none. Raises ``ProviderError``."""
        return []

    def guides(self) -> list[str]:
        """MAY keep (a source whose guide is :meth:`stream_xmltv` alone): further XMLTV guides
        the source names, as http(s) addresses or file paths (a playlist's ``url-tvg`` and the
        guides added to it); the default is none. Raises nothing."""
        return []

    def stream_xmltv(self) -> AbstractAsyncContextManager[AsyncIterator[bytes]]:
        """MAY keep (a source without a guide): an async context manager yielding the whole
        XMLTV guide as byte chunks (plain or gzip), never held in memory at once.

        The default yields :data:`EMPTY_GUIDE`. Raises ``ProviderError`` when the guide cannot
        be fetched; a guide that is not XMLTV is the reader's ``GuideError``.
        """
        return _one_chunk(EMPTY_GUIDE)


@asynccontextmanager
async def _one_chunk(data: bytes) -> AsyncIterator[AsyncIterator[bytes]]:
    async def chunks() -> AsyncIterator[bytes]:
        yield data

    yield chunks()


__all__ = ["EMPTY_GUIDE", "ListAnswer", "ListRecord", "ListVersion", "Source", "StreamUrlBuilder", "digest_of"]
