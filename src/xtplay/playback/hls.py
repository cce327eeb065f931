"""HLS through the proxy, as real panels serve it.

Every URI of a playlist (variants, media renditions, segments, ``EXT-X-KEY`` keys,
``EXT-X-MAP`` init segments; relative or absolute, on whatever host a redirect led to) becomes
``/play/…/hls/{token}``. The token (96 random bits) names a :class:`Link` kept in server
memory only: where the thing is now, which playlist listed it and how to find it there again.
A token is bound to the session (or the item token of an external player) it was minted for:
another session asking for it is told it expired. Every fetch goes through the pooled
client, whose transport admits each URL and redirect (:mod:`xtplay.sources.admission`). Panels hand out
tokenised URLs that expire mid-stream, so when a link answers 403/404/410 it is re-resolved:
a playlist from the channel's original URL, anything else from a fresh copy of the playlist
that listed it. Byte-range segments get exactly their range (:mod:`xtplay.playback.ranges`).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from starlette.responses import Response, StreamingResponse

from xtplay.errors import ItemNotFound, PlaybackError
from xtplay.i18n import N_
from xtplay.playback import proxy, ranges
from xtplay.playback.sniff import SNIFF_BYTES, StreamKind, kind_of

#: Longest playlist we accept (a live playlist is a few kB; this guards against a file).
MAX_PLAYLIST_BYTES = 2 * 1024 * 1024
#: How many upstream URLs the token map remembers (old live segments fall out first).
MAX_TOKENS = 50_000
#: How long a playlist fetched while starting a channel may be served instead of a new fetch.
PREFETCH_FRESH = 3.0
#: Statuses that mean "this tokenised URL is no longer valid" once a stream has worked.
EXPIRED_STATUSES = (403, 404, 410)
_URI_ATTR = re.compile(r'URI="([^"]*)"')
_MEDIA_TYPES = {StreamKind.TS: "video/mp2t", StreamKind.MP4: "video/mp4", StreamKind.AAC: "audio/aac",
                StreamKind.MP3: "audio/mpeg"}

Locator = tuple


@dataclass(slots=True)
class Link:
    """One proxied URL: where it is fetched now and how to find it again when it expires.

    ``origin`` (the channel's own URL, credentials inside) only for the playlist a channel
    starts with; the others have the ``parent`` playlist's token and their ``locator`` in it."""

    profile_id: int
    url: str
    owner: str = ""  #: the session (or external player's item token) it was minted for
    parent: str | None = None
    locator: Locator | None = None
    origin: str | None = None
    prefetched: tuple[float, bytes, str] | None = None  #: (when, body, final URL) read while starting

    @property
    def is_key(self) -> bool:
        return self.locator is not None and self.locator[:2] == ("attr", "EXT-X-KEY")


class TokenMap:
    """Opaque tokens ↔ :class:`Link`, in memory only, bounded (oldest forgotten first)."""

    def __init__(self, limit: int = MAX_TOKENS) -> None:
        self._links: OrderedDict[str, Link] = OrderedDict()
        self._by_url: dict[tuple[str, int, str], str] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def token_for(self, profile_id: int, url: str, parent: str | None = None, locator: Locator | None = None,
                  origin: str | None = None, owner: str = "") -> str:
        """The token of ``url`` for ``owner`` (the same one each time it is listed again)."""
        key = (owner, profile_id, url)
        with self._lock:
            token = self._by_url.get(key)
            if token is None or token not in self._links:
                token = secrets.token_urlsafe(12)
                self._by_url[key] = token
                self._links[token] = Link(profile_id, url, owner, parent, locator, origin)
                while len(self._links) > self._limit:
                    old_token, old = self._links.popitem(last=False)
                    if self._by_url.get((old.owner, old.profile_id, old.url)) == old_token:
                        del self._by_url[(old.owner, old.profile_id, old.url)]
            else:
                link = self._links[token]
                if parent is not None:
                    link.parent, link.locator = parent, locator
                if origin is not None:
                    link.origin = origin
                self._links.move_to_end(token)
            return token

    def link(self, profile_id: int, token: str, owner: str = "") -> Link:
        """The link of ``token``; one minted for another profile or owner is as good as unknown."""
        with self._lock:
            found = self._links.get(token)
        if found is None or found.profile_id != profile_id or not secrets.compare_digest(found.owner, owner):
            raise ItemNotFound(N_("This stream link has expired; reload the player."))
        return found

    def url_for(self, profile_id: int, token: str, owner: str = "") -> str:
        return self.link(profile_id, token, owner).url

    def move(self, token: str, url: str) -> None:
        """The link now lives at ``url`` (a redirect followed, or re-resolved after expiry)."""
        with self._lock:
            link = self._links.get(token)
            if link is None or link.url == url:
                return
            if self._by_url.get((link.owner, link.profile_id, link.url)) == token:
                self._by_url.pop((link.owner, link.profile_id, link.url), None)
            link.url = url
            self._by_url[(link.owner, link.profile_id, url)] = token


def entries(text: str, base_url: str) -> list[tuple[int, str, Locator]]:
    """Every URI of a playlist: (line number, absolute URL, locator).

    Segments are located by media sequence number, variants and renditions by their order,
    keys and init segments by file name: what stays the same when a panel re-issues the
    playlist under a fresh token."""
    found: list[tuple[int, str, Locator]] = []
    master = "#EXT-X-STREAM-INF" in text
    seq, variant = 0, 0
    tags: dict[str, int] = {}
    for n, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if stripped.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            value = stripped.split(":", 1)[1].strip()
            seq = int(value) if value.isdigit() else 0
        elif stripped.startswith("#"):
            for uri in _URI_ATTR.findall(stripped):
                tag = stripped[1:].split(":", 1)[0]
                url = _join(base_url, uri.strip())
                if tag in ("EXT-X-KEY", "EXT-X-MAP", "EXT-X-SESSION-KEY"):
                    found.append((n, url, ("attr", tag, _name(url))))
                else:
                    tags[tag] = tags.get(tag, -1) + 1
                    found.append((n, url, ("attr", tag, tags[tag])))
        elif stripped:
            url = _join(base_url, stripped)
            if master:
                found.append((n, url, ("variant", variant)))
                variant += 1
            else:
                found.append((n, url, ("seq", seq)))
                seq += 1
    return found


def _join(base_url: str, uri: str) -> str:
    """``uri`` made absolute; one no URL parser reads (``http://[x``) becomes one the admission
    check refuses, so a hostile playlist cannot break the rewriting of the others."""
    try:
        return urljoin(base_url, uri)
    except ValueError:
        return "invalid:"


def _name(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1]


def rewrite_playlist(text: str, base_url: str, proxy_prefix: str, token_for: Callable[[str, Locator], str],
                     query: str = "") -> str:
    """The playlist with every URI (lines and ``URI="…"`` attributes) made an opaque proxy URL.

    ``base_url`` is the playlist's final upstream URL (after redirects) to resolve relative
    URIs; ``token_for(url, locator)`` gives the token; ``proxy_prefix`` is ``/play/…/hls``;
    ``query`` (``?k=…`` for an external player) is appended to each."""
    lines = [line.strip() for line in text.splitlines()]
    by_line: dict[int, list[tuple[str, Locator]]] = {}
    for n, url, locator in entries(text, base_url):
        by_line.setdefault(n, []).append((url, locator))
    for n, found in by_line.items():
        tokens = [f"{proxy_prefix}/{token_for(url, locator)}{query}" for url, locator in found]
        if lines[n].startswith("#"):
            lines[n] = _replace_uris(lines[n], tokens)
        else:
            lines[n] = tokens[0]
    return "\n".join(lines) + "\n"


def find(text: str, base_url: str, locator: Locator, old_url: str) -> str | None:
    """Where the thing ``locator`` names is in a fresh copy of its playlist (by file name as
    a last resort), or None when it is gone."""
    listed = entries(text, base_url)
    for _, url, loc in listed:
        if loc == locator:
            return url
    name = _name(old_url)
    return next((url for _, url, _ in listed if _name(url) == name), None)


class Hls:
    """The HLS side of one app: its token map and the pooled upstream client."""

    def __init__(self, tokens: TokenMap, client: httpx.AsyncClient) -> None:
        self.tokens, self.client = tokens, client

    def start(self, profile_id: int, origin: str, body: bytes, final_url: str, owner: str = "") -> str:
        """The token of a channel's first playlist, already fetched while the channel started."""
        token = self.tokens.token_for(profile_id, origin, origin=origin, owner=owner)
        link = self.tokens.link(profile_id, token, owner)
        link.prefetched = (time.monotonic(), body, final_url)
        return token

    async def _open(self, token: str, link: Link, label: str, headers: dict[str, str]) -> httpx.Response:
        """GET the link; once, re-resolve it when the provider says its URL expired."""
        response = await proxy.send(self.client, link.url, label, headers)
        if response.status_code in EXPIRED_STATUSES and (link.parent or (link.origin and link.url != link.origin)):
            await response.aclose()
            if link.parent is not None and link.locator is not None:
                await self._refind(token, link, label)
            else:
                self.tokens.move(token, link.origin or link.url)
            response = await proxy.send(self.client, link.url, label, headers)
        if response.status_code >= 400 and response.status_code != 416:
            raise await proxy.refusal(response, label)
        return response

    async def _refind(self, token: str, link: Link, label: str) -> None:
        parent = self.tokens.link(link.profile_id, link.parent or "", link.owner)
        body, final_url = await self._playlist(link.parent or "", parent, label)
        found = find(body.decode("utf-8", "replace"), final_url, link.locator or (), link.url)
        if found is None:
            raise ItemNotFound(N_("This part of the stream is no longer offered; reload the player."))
        self.tokens.move(token, found)

    async def _playlist(self, token: str, link: Link, label: str) -> tuple[bytes, str]:
        """A fresh copy of a playlist link: (body, final URL)."""
        response = await self._open(token, link, label, {})
        body = await read_playlist(response)
        return body, str(response.url)

    async def serve(self, profile_id: int, token: str, label: str, prefix: str, request_headers,
                    owner: str = "", query: str = "") -> Response:
        """A playlist (rewritten) or a segment, key or init segment (relayed, Range honoured)."""
        link = self.tokens.link(profile_id, token, owner)
        if link.prefetched is not None:
            when, body, final_url = link.prefetched
            link.prefetched = None
            if time.monotonic() - when < PREFETCH_FRESH:
                return self.playlist_response(profile_id, token, body, final_url, prefix, owner, query)
        wanted = ranges.parse(request_headers.get("range"))
        headers = {"range": request_headers["range"]} if wanted is not None else {}
        response = await self._open(token, link, label, headers)
        if link.origin is not None:
            self.tokens.move(token, str(response.url))  # ask the redirected URL until it expires
        chunks = response.aiter_bytes()
        first = b"" if link.is_key else await _first_bytes(chunks, response)
        kind = kind_of(first)
        if kind.is_hls:
            body = first + await read_playlist(response, chunks, len(first))
            return self.playlist_response(profile_id, token, body, str(response.url), prefix, owner, query)
        if not link.is_key and kind in (StreamKind.HTML, StreamKind.JSON, StreamKind.EMPTY):
            await response.aclose()
            raise proxy.not_a_stream(label, first, response.headers)
        cut = ranges.cut_for(response, wanted)
        sent = ranges.cut_body(proxy.prepend(first, chunks), cut)
        return StreamingResponse(proxy.closing(sent, response, promised=proxy.promised_length(cut.headers)),
                                 status_code=cut.status, headers=cut.headers,
                                 media_type=_MEDIA_TYPES.get(kind, "application/octet-stream"))

    def playlist_response(self, profile_id: int, token: str, body: bytes, final_url: str, prefix: str,
                          owner: str = "", query: str = "") -> Response:
        """A playlist answered with each URI an ``owner``-bound token (``query`` appended)."""
        text = body.decode("utf-8-sig", errors="replace")
        rewritten = rewrite_playlist(text, final_url, prefix,
                                     lambda url, loc: self.tokens.token_for(profile_id, url, token, loc, owner=owner),
                                     query)
        return Response(rewritten, media_type="application/vnd.apple.mpegurl", headers={"cache-control": "no-store"})


async def _first_bytes(chunks, response: httpx.Response) -> bytes:
    """Up to ``SNIFF_BYTES`` of the body (fewer when it ends first)."""
    first = b""
    try:
        while len(first) < SNIFF_BYTES:
            chunk = await anext(chunks, None)
            if chunk is None:
                break
            first += chunk
    except httpx.HTTPError:
        await response.aclose()
        raise PlaybackError(N_("The provider stopped sending this part of the stream; try again.")) from None
    return first


async def read_playlist(response: httpx.Response, chunks=None, already: int = 0) -> bytes:
    """The rest of a playlist body (bounded: a "playlist" of many MB is a file)."""
    body = b""
    try:
        async for chunk in chunks if chunks is not None else response.aiter_bytes():
            body += chunk
            if already + len(body) > MAX_PLAYLIST_BYTES:
                raise PlaybackError(N_("The provider sent a playlist too large to be one; it cannot be played."))
    except httpx.HTTPError:
        raise PlaybackError(N_("The playlist download broke off; try again.")) from None
    finally:
        await response.aclose()
    return body


def _replace_uris(line: str, tokens: list[str]) -> str:
    """A tag line with its ``URI="…"`` attributes replaced by ``tokens``, in order."""
    given = iter(tokens)
    return _URI_ATTR.sub(lambda _: f'URI="{next(given)}"', line)
