"""The async client of one Xtream Codes account: login, catalog, guide, playlists, stream URLs.

It speaks ``player_api.php``, ``xmltv.php`` and ``get.php`` (see ../shared/docs/xtream-api.md),
returns the typed records of :mod:`xtplay.sources.models`, and raises only
``xtplay.errors`` classes: wrong credentials, an inactive account, a provider that is
unreachable, slow, failing or not an Xtream server at all. It stores nothing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, tzinfo
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from xtplay.config import Settings
from xtplay.errors import (
    AccountInactive,
    ConfigError,
    ItemNotFound,
    MalformedResponse,
    ProviderRefused,
    ProviderServerError,
    WrongCredentials,
)
from xtplay.i18n import N_, Phrase
from xtplay.logs import register_secret
from xtplay.sources import m3u as m3u_text
from xtplay.sources.http import ProviderHttp
from xtplay.sources.models import Account, Category, EpgEntry, LiveStream, Movie, MovieInfo, Series, SeriesInfo
from xtplay.sources.refusals import error_in_words, looks_like_html
from xtplay.sources.source import ListAnswer, ListVersion, digest_of

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Live formats a line may be limited to, in the order a browser player prefers them.
LIVE_FORMATS = ("m3u8", "ts")


def normalize_base_url(url: str) -> str:
    """``scheme://host[:port][/sub/path]`` from what a user pastes (§1 of the API notes).

    Drops credentials, the query, a trailing ``player_api.php``/``get.php`` segment and
    trailing slashes; adds ``http://`` when no scheme is given; keeps sub-paths.
    """
    text = (url or "").strip()
    if not text:
        raise ConfigError(N_("The server address is empty."))
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(N_("The server address must be an http:// or https:// URL."))
    netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(N_("The server address has an invalid port.")) from exc
    if port:
        netloc += f":{port}"
    path = parts.path.rstrip("/")
    if path.lower().endswith(".php"):
        path = path.rsplit("/", 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, path.rstrip("/"), "", ""))


class StreamUrls:
    """Builds the playable URLs of one account. They embed the password: playback only."""

    def __init__(self, base_url: str, username: str, password: str, allowed_formats: tuple[str, ...] = (),
                 server_tz: tzinfo = UTC) -> None:
        self._base = base_url
        self._user = quote(username, safe="")
        self._password = quote(password, safe="")
        self.allowed_formats = tuple(f.lower() for f in allowed_formats)
        self.server_tz = server_tz

    def __repr__(self) -> str:
        return f"StreamUrls({self._base!r}, user={self._user!r}, password=***)"

    @property
    def live_formats(self) -> tuple[str, ...]:
        """Live extensions this line may request (both when the panel does not say)."""
        allowed = tuple(f for f in LIVE_FORMATS if f in self.allowed_formats)
        return allowed or (LIVE_FORMATS if not self.allowed_formats else ())

    @property
    def preferred_live_format(self) -> str:
        """``m3u8`` if allowed, else ``ts``, else the first listed (IPTVnator's rule)."""
        return (self.live_formats or self.allowed_formats or ("ts",))[0]

    def _prefix(self, kind: str) -> str:
        return f"{self._base}/{kind}/{self._user}/{self._password}"

    def live(self, stream_id: int, ext: str | None = None) -> str:
        """``/live/U/P/ID.ext``; ``ext`` None picks the preferred allowed format.

        Raises :class:`ProviderRefused` (405, as the panel would) for a format the line lacks.
        """
        ext = (ext or self.preferred_live_format).lower()
        if self.allowed_formats and ext not in self.allowed_formats:
            allowed = ", ".join(self.allowed_formats)
            host = urlsplit(self._base).netloc
            raise ProviderRefused(host, 405, N_("This account does not allow .%(ext)s live streams (allowed: %(allowed)s)."),
                                  {"ext": ext, "allowed": allowed})
        return f"{self._prefix('live')}/{int(stream_id)}.{ext}"

    def movie(self, stream_id: int, ext: str = "mp4") -> str:
        """``/movie/U/P/ID.ext`` with the container extension kept verbatim."""
        return f"{self._prefix('movie')}/{int(stream_id)}.{ext}"

    def episode(self, episode_id: int, ext: str = "mp4") -> str:
        """``/series/U/P/EPISODE_ID.ext``."""
        return f"{self._prefix('series')}/{int(episode_id)}.{ext}"

    def timeshift(self, stream_id: int, start: datetime, minutes: int, ext: str = "ts",
                  tz: tzinfo | None = None) -> str:
        """``/timeshift/U/P/MIN/YYYY-MM-DD:HH-MM/ID.ext``, START in the panel's zone (§5.2)."""
        if start.tzinfo is None:
            raise ValueError("timeshift start must be timezone-aware")
        local = start.astimezone(tz or self.server_tz)
        return f"{self._prefix('timeshift')}/{max(1, int(minutes))}/{local:%Y-%m-%d:%H-%M}/{int(stream_id)}.{ext}"


class XtreamClient:
    """One provider account over HTTP. Use as ``async with`` or call :meth:`aclose`."""

    def __init__(self, base_url: str, username: str, password: str, settings: Settings | None = None,
                 user_agent: str | None = None, *, account: Account | None = None) -> None:
        self.base_url = normalize_base_url(base_url)
        self.username = username
        self._password = password
        register_secret(password)
        self._http = ProviderHttp(
            self.base_url,
            timeouts=settings.timeouts if settings else None,
            retry=settings.retry if settings else None,
            limits=settings.limits if settings else None,
            user_agent=user_agent,
        )
        self.host = self._http.host
        self.account: Account | None = None
        self.urls = StreamUrls(self.base_url, username, password)
        if account is not None:
            self._remember(account)

    def __repr__(self) -> str:
        return f"XtreamClient({self.base_url!r}, username={self.username!r})"

    async def __aenter__(self) -> XtreamClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._http.aclose()

    def _remember(self, account: Account) -> None:
        self.account = self._http.account = account
        self.urls = StreamUrls(self.base_url, self.username, self._password,
                               account.allowed_output_formats, account.server_tz)

    @property
    def server_tz(self) -> tzinfo:
        """The panel's zone once logged in (guide strings and catch-up START use it)."""
        return self.account.server_tz if self.account else UTC

    def _auth(self, **params: Any) -> dict[str, Any]:
        query = {"username": self.username, "password": self._password}
        query.update({k: v for k, v in params.items() if v is not None})
        return query

    async def _api(self, action: str | None = None, *, long: bool = False, attempts: int | None = None,
                   **params: Any) -> Any:
        query = self._auth(action=action, **params)
        return await self._http.get_json("player_api.php", query, long=long, attempts=attempts)

    # ---- account ----------------------------------------------------------------------

    async def login(self) -> Account:
        """Check the credentials and read the account; raises for anything but an active line."""
        try:
            data = await self._api()
        except ProviderRefused as exc:
            # XUI answers 404 for wrong, banned and expired lines; a page that named which was read already
            if type(exc) is ProviderRefused and exc.status in (403, 404):
                raise ProviderRefused(
                    self.host, exc.status,
                    N_("The server %(host)s refused the login (HTTP %(status)s). Check the username and "
                       "password, that the account is active, and the server address."),
                    {"host": self.host, "status": exc.status},
                ) from exc
            raise
        if data is None:  # XC 2.x: an empty body when a credential is missing
            raise WrongCredentials(self.host)
        if not isinstance(data, dict) or not isinstance(data.get("user_info"), dict):
            if isinstance(data, dict) and "error" in data:  # Dispatcharr: {"error": "Unauthorized"}
                raise error_in_words(self.host, 200, str(data["error"])) or WrongCredentials(self.host)
            raise MalformedResponse(self.host, N_("an answer without account information"))
        account = self._check_login_object(data)
        self._remember(account)
        return account

    def _check_login_object(self, data: dict[str, Any]) -> Account:
        if not Account.authenticated(data):
            raise WrongCredentials(self.host)
        account = Account.from_raw(data)
        if not account.is_active:
            raise AccountInactive(account.status, account.exp_date)
        return account

    def _rows(self, data: Any, what: str) -> list[dict[str, Any]]:
        """The rows of a list answer, whatever shape "nothing" or "a list" took (§6.4)."""
        if data is None:
            return []
        if isinstance(data, list):
            return [row for row in data if isinstance(row, dict)]
        if isinstance(data, dict):
            if isinstance(data.get("user_info"), dict):
                self._check_login_object(data)  # raises for wrong or inactive lines
                raise MalformedResponse(self.host, Phrase(N_("the login answer where %(what)s was expected"),
                                                          {"what": Phrase(what)}))
            return [row for row in data.values() if isinstance(row, dict)]
        raise MalformedResponse(self.host, Phrase(N_("something other than %(what)s"), {"what": Phrase(what)}))

    def _parse(self, rows: list[dict[str, Any]], build: Callable[[dict[str, Any]], T], what: str) -> list[T]:
        items, skipped = [], 0
        for row in rows:
            try:
                items.append(build(row))
            except ValueError:
                skipped += 1
        if skipped:
            log.info("%s: skipped %d unusable %s rows", self.host, skipped, what)
        return items

    # ---- catalog ----------------------------------------------------------------------

    async def _categories(self, action: str) -> list[Category]:
        rows = self._rows(await self._api(action), N_("a category list"))
        return self._parse(rows, Category.from_raw, "category")

    async def live_categories(self) -> list[Category]:
        return await self._categories("get_live_categories")

    async def vod_categories(self) -> list[Category]:
        return await self._categories("get_vod_categories")

    async def series_categories(self) -> list[Category]:
        return await self._categories("get_series_categories")

    async def live_streams(self, category_id: str | None = None) -> list[LiveStream]:
        """Every live channel (radio and "created live" included), or one category's."""
        data = await self._api("get_live_streams", long=True, category_id=category_id)
        return self._parse(self._rows(data, N_("a channel list")), LiveStream.from_raw, "channel")

    async def vod_streams(self, category_id: str | None = None) -> list[Movie]:
        data = await self._api("get_vod_streams", long=True, category_id=category_id)
        return self._parse(self._rows(data, N_("a movie list")), Movie.from_raw, "movie")

    async def series_list(self, category_id: str | None = None) -> list[Series]:
        data = await self._api("get_series", long=True, category_id=category_id)
        return self._parse(self._rows(data, N_("a series list")), Series.from_raw, "series")

    async def raw_list(self, action: str, category_id: str | None = None) -> list[dict[str, Any]]:
        """The rows of a whole list as the panel sent them (JSON objects, values unread).

        For a full sync, which reads 100,000 rows straight into its own tuples with the readers
        of :mod:`xtplay.sources.values` rather than building a typed record per row first.
        ``action`` is one of the six list actions; errors are those of the typed methods.
        """
        data = await self._api(action, long=not action.endswith("_categories"), category_id=category_id)
        return self._rows(data, _list_what(action))

    async def changed_list(self, action: str, known: ListVersion | None = None,
                           received: Callable[[], object] | None = None) -> ListAnswer:
        """A whole list, or no rows when it is still the ``known`` version.

        Asks with the panel's own validators when it sent some (a 304 costs it nothing), else
        compares the digest of the bytes, so an unchanged list is neither parsed nor stored.
        ``received`` is told when the bytes are in, before the parse.
        """
        what = _list_what(action)
        headers = {}
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        digests: list[str] = []

        def held(response: httpx.Response) -> bool:
            if received is not None:
                received()
            digests.append(digest_of(response.content))
            return known is not None and digests[-1] == known.digest

        response, data = await self._http.get_json_unless(
            "player_api.php", self._auth(action=action), long=not action.endswith("_categories"),
            headers=headers or None, held=held)
        if response.status_code == 304:
            return ListAnswer(None, known or ListVersion(""))
        version = ListVersion(digests[-1], response.headers.get("etag"), response.headers.get("last-modified"))
        return ListAnswer(None if data is None else self._rows(data, what), version)

    async def vod_info(self, vod_id: int) -> MovieInfo:
        """Details of one movie; :class:`ItemNotFound` for ``{"info": []}`` without movie data."""
        data = await self._api("get_vod_info", vod_id=vod_id)
        if isinstance(data, dict) and isinstance(data.get("user_info"), dict):
            self._rows(data, N_("movie details"))
        if not isinstance(data, dict) or not (isinstance(data.get("movie_data"), dict) or data.get("info")):
            raise ItemNotFound(N_("The provider has no movie with id %(id)s."), {"id": vod_id})
        return MovieInfo.from_raw(data, stream_id=int(vod_id))

    async def series_info(self, series_id: int) -> SeriesInfo:
        """Seasons and episodes of one series; :class:`ItemNotFound` for an unknown id."""
        data = await self._api("get_series_info", series_id=series_id)
        if isinstance(data, dict) and isinstance(data.get("user_info"), dict):
            self._rows(data, N_("series details"))
        if not isinstance(data, dict) or not ((isinstance(data.get("info"), dict) and data["info"])
                                              or data.get("episodes")):
            raise ItemNotFound(N_("The provider has no series with id %(id)s."), {"id": series_id})
        return SeriesInfo.from_raw(data, series_id=int(series_id))

    # ---- guide ------------------------------------------------------------------------

    def _listings(self, data: Any) -> list[EpgEntry] | None:
        """Programmes of a guide answer; ``None`` when the panel ignored the action."""
        if isinstance(data, dict) and isinstance(data.get("user_info"), dict):
            self._check_login_object(data)
            return None  # an unknown action falls through to the login answer
        listings = data.get("epg_listings") if isinstance(data, dict) else data
        rows: list[dict[str, Any]] = []
        if isinstance(listings, dict):  # several ids at once: keyed by stream id
            for value in listings.values():
                rows.extend(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict))
        elif isinstance(listings, list):
            rows = [row for row in listings if isinstance(row, dict)]
        tz = self.server_tz
        entries = self._parse(rows, lambda row: EpgEntry.from_raw(row, tz), "programme")
        return sorted(entries, key=lambda e: e.start)

    async def short_epg(self, stream_id: int, limit: int | None = None) -> list[EpgEntry]:
        """The current and next programmes of one channel (text base64-decoded, times UTC).

        Panels fail with a 5xx for a channel they hold no guide for: that is an empty guide,
        asked once (providers ban clients that repeat guide calls, §6.2 of the API notes).
        """
        try:
            data = await self._api("get_short_epg", attempts=1, stream_id=stream_id, limit=limit)
        except ProviderServerError as exc:
            log.info("%s: no short EPG for channel %s (HTTP %s)", self.host, stream_id, exc.status)
            return []
        return self._listings(data) or []

    async def simple_data_table(self, stream_id: int) -> list[EpgEntry]:
        """All stored programmes of one channel, with ``has_archive``; falls back to the
        misspelt ``get_simple_date_table`` that older panels know."""
        entries = self._listings(await self._api("get_simple_data_table", stream_id=stream_id))
        if not entries:
            entries = self._listings(await self._api("get_simple_date_table", stream_id=stream_id)) or []
        return entries

    def guides(self) -> list[str]:
        """No guide besides ``xmltv.php`` (added guides are the guide layer's own)."""
        return []

    @asynccontextmanager
    async def stream_xmltv(self) -> AsyncIterator[AsyncIterator[bytes]]:
        """The whole XMLTV guide as decompressed byte chunks, never held in memory at once."""
        async with self._http.stream("xmltv.php", self._auth()) as chunks:
            yield chunks

    # ---- playlists --------------------------------------------------------------------

    async def m3u(self, output: str = "ts") -> str:
        """The account's ``m3u_plus`` playlist as text (see :func:`xtplay.sources.m3u.parse_m3u`)."""
        response = await self._http.get("get.php", self._auth(type="m3u_plus", output=output), long=True)
        body = response.content
        if looks_like_html(body):
            raise MalformedResponse(self.host, N_("a web page"))
        return m3u_text.decode_playlist(body)


_LIST_WHAT = {"get_live_categories": N_("a category list"), "get_vod_categories": N_("a category list"),
              "get_series_categories": N_("a category list"), "get_live_streams": N_("a channel list"),
              "get_vod_streams": N_("a movie list"), "get_series": N_("a series list")}


def _list_what(action: str) -> str:
    """What a list action's answer is called in messages; ``ValueError`` for another action."""
    what = _LIST_WHAT.get(action)
    if what is None:
        raise ValueError(f"not a list action: {action!r}")
    return what


__all__ = ["LIVE_FORMATS", "StreamUrls", "XtreamClient", "normalize_base_url"]
