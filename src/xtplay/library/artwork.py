"""The artwork cache: channel logos and posters kept on disk, resized, served by xtplay itself.

A picture is fetched the first time a page shows it (never during a sync), turned into a small
WebP by :mod:`thumbnails`, and kept under ``<home>/cache/artwork/`` keyed by a hash of
(profile, source URL, size). So pages load artwork from xtplay's own origin, which works on a
phone on the LAN when the provider hands out ``127.0.0.1`` or plain ``http://`` addresses, and
keeps working when the provider is offline.

The cache only fetches the URL a library row of the profile names (:func:`picture_of`: a
browser never supplies one), through the admitting transport of
:mod:`xtplay.sources.admission` (never a file, this app's own port, or a link-local or cloud
metadata address, redirects included). A download is capped in bytes and time, and a failure
is remembered for :attr:`~xtplay.config.Artwork.failure_secs` (a host that cannot be reached,
for all its pictures), so a dead image host costs one try, not one per page. Past the size cap
the least recently shown files go first; each hit refreshes its file's time, so the order
survives a restart.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from xtplay.config import DEFAULT_USER_AGENT, Settings
from xtplay.errors import NotAnImage, ProviderError, ProviderRefused, ProviderServerError, ProviderTimeout, ProviderUnreachable
from xtplay.i18n import N_, Phrase
from xtplay.library import catalog, details, thumbnails
from xtplay.sources.admission import admitting_transport

log = logging.getLogger(__name__)

#: The pictures a page asks for, each kept at the size of its box in :data:`thumbnails.BOXES`:
#: a channel's logo (also the small picture of a search hit or a list row), an item's poster
#: from the catalog list, the poster its details carry, the backdrop of its details.
PICTURES = {"logo": "logo", "poster": "poster", "cover": "poster", "backdrop": "backdrop"}
#: At most this many failures are remembered (the oldest are forgotten first).
REMEMBERED_FAILURES = 10_000


@dataclass(frozen=True, slots=True)
class Picture:
    """What the library says a picture of an item is: its source URL (None when the provider
    gave none) and the item's name, for the placeholder's initials."""

    url: str | None
    name: str


def picture_of(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str, picture: str) -> Picture | None:
    """The source of an item's picture as the provider named it in the library (None when the
    profile has no such item). ``cover`` falls back to the list's poster, like the page does."""
    item = catalog.get_item(conn, profile_id, type, provider_id)
    if item is None:
        return None
    if picture in ("logo", "poster"):
        return Picture(item.logo or None, item.name)
    info = details.stored_info(conn, profile_id, type, provider_id) if type != "live" else {}
    if picture == "cover":
        return Picture(_text(info.get("poster")) or _text(info.get("cover")) or item.logo or None, item.name)
    backdrops = info.get("backdrop")
    first = backdrops[0] if isinstance(backdrops, list) and backdrops else backdrops
    return Picture(_text(first), item.name)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def cache_key(profile_id: int, url: str, box: str) -> str:
    """The name of a picture's file: which profile (also its folder), which source, which size."""
    return f"{profile_id}-" + hashlib.sha256(f"{profile_id}\n{box}\n{url}".encode()).hexdigest()


def profile_folder(root: Path, profile_id: int) -> Path:
    """Where a profile's pictures are kept: one folder, so deleting the profile deletes them."""
    return root / f"profile-{profile_id}"


def remove_profile_files(settings: Settings, profile_id: int) -> None:
    """Delete every cached picture of a profile (when the profile is deleted)."""
    shutil.rmtree(profile_folder(settings.artwork_dir, profile_id), ignore_errors=True)


def host_of(url: str) -> str:
    """The host a URL names (how errors speak of it)."""
    try:
        return (urlsplit(url).hostname or "the image host").lower()
    except ValueError:
        return "the image host"


def server_of(url: str) -> str:
    """The server a URL is fetched from (host and port), which the dead-host memory keys on:
    one dead port on a host says nothing of the provider's other ports there."""
    try:
        parts = urlsplit(url)
        return f"{(parts.hostname or '').lower()}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    except ValueError:
        return url


class ArtworkCache:
    """One app's artwork on disk, its downloads under way and the failures it remembers.

    Used from the app's event loop only; files are written and scanned on worker threads."""

    def __init__(self, settings: Settings, own_ports: Iterable[int] = ()) -> None:
        self.root = settings.artwork_dir
        self.limits = settings.artwork
        self.own_ports = tuple(own_ports)
        self._client: httpx.AsyncClient | None = None
        self._downloads = asyncio.Semaphore(self.limits.downloads)
        self._pending: dict[str, asyncio.Task[Path]] = {}
        self._failures: OrderedDict[str, tuple[float, ProviderError]] = OrderedDict()
        self._dead_hosts: dict[str, tuple[float, ProviderError]] = {}
        self._files: OrderedDict[str, int] | None = None  #: key → bytes, least recently shown first
        self._total = 0
        self._scan_lock = asyncio.Lock()

    # --- what is there ------------------------------------------------------------------------

    async def lookup(self, profile_id: int, url: str, box: str) -> Path | None:
        """The cached file of a picture (its time refreshed: it was just shown), or None."""
        files = await self._index()
        key = cache_key(profile_id, url, box)
        if key not in files:
            return None
        path = self._path(key)
        try:
            os.utime(path)
        except FileNotFoundError:  # removed behind our back (the cache is safe to delete)
            self._total -= files.pop(key)
            return None
        files.move_to_end(key)
        return path

    def failure(self, profile_id: int, url: str, box: str) -> ProviderError | None:
        """Why this picture (or its host) failed a moment ago; None when it may be tried."""
        now = time.monotonic()
        found = self._failures.get(cache_key(profile_id, url, box))
        if found is not None and found[0] > now:
            return found[1]
        dead = self._dead_hosts.get(server_of(url))
        if dead is not None and dead[0] > now:
            return dead[1]
        return None

    @property
    def total_bytes(self) -> int:
        """Bytes of artwork on disk, as far as this cache knows (0 before its first look)."""
        return self._total

    # --- getting it ---------------------------------------------------------------------------

    async def fetch(self, profile_id: int, url: str, box: str, user_agent: str | None = None) -> Path:
        """The cached file of a picture, downloaded now when missing. One download per picture
        however many ask at once; it goes on when the caller stops waiting (cancelled or timed
        out), so the next view finds it. Raises the :class:`ProviderError` that stopped it."""
        found = await self.lookup(profile_id, url, box)
        if found is not None:
            return found
        failed = self.failure(profile_id, url, box)
        if failed is not None:
            raise failed
        key = cache_key(profile_id, url, box)
        task = self._pending.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._download(key, url, box, user_agent))
            self._pending[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(task)

    def _finished(self, key: str, task: asyncio.Task[Path]) -> None:
        self._pending.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved: whoever waited has it; nobody may be waiting any more

    async def _download(self, key: str, url: str, box: str, user_agent: str | None) -> Path:
        host, server = host_of(url), server_of(url)
        try:
            async with self._downloads:
                dead = self._dead_hosts.get(server)  # a server found dead while this one queued
                if dead is not None and dead[0] > time.monotonic():
                    raise dead[1]
                data = await self._get(url, host, user_agent)
                small = await asyncio.to_thread(thumbnails.shrink, data, thumbnails.BOXES[box],
                                                self.limits.image_pixels, host)
            return await self._keep(key, small)
        except ProviderError as exc:
            self._remember(key, server, exc)
            log.info("artwork from %s not shown: %s", host, exc)
            raise

    async def _get(self, url: str, host: str, user_agent: str | None) -> bytes:
        """The body at ``url``, at most :attr:`~xtplay.config.Artwork.image_bytes` long."""
        cap = self.limits.image_bytes
        try:
            async with self._http().stream("GET", url, headers={"User-Agent": user_agent or DEFAULT_USER_AGENT,
                                                                 "Accept": "image/webp,image/*;q=0.8"}) as response:
                if response.status_code >= 500:
                    raise ProviderServerError(host, response.status_code)
                if response.status_code != 200:
                    raise ProviderRefused(host, response.status_code)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise NotAnImage(host, Phrase(N_("it is larger than %(mb)s MB"), {"mb": cap // (1024 * 1024)}))
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > cap:
                        raise NotAnImage(host, Phrase(N_("it is larger than %(mb)s MB"), {"mb": cap // (1024 * 1024)}))
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.TimeoutException:
            raise ProviderTimeout(host, self.limits.read) from None
        except httpx.TooManyRedirects:
            raise NotAnImage(host, N_("it redirects without end")) from None
        except httpx.ConnectError:
            raise ProviderUnreachable(host, "no connection") from None
        except httpx.HTTPError:
            raise ProviderUnreachable(host, "the connection broke off") from None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            limits = httpx.Limits(max_connections=self.limits.downloads, max_keepalive_connections=self.limits.downloads)
            self._client = httpx.AsyncClient(
                transport=admitting_transport(self.own_ports, limits), follow_redirects=True, max_redirects=4,
                timeout=httpx.Timeout(connect=self.limits.connect, read=self.limits.read, write=self.limits.read,
                                      pool=self.limits.read),
            )
        return self._client

    def _remember(self, key: str, server: str, exc: ProviderError) -> None:
        until = time.monotonic() + self.limits.failure_secs
        self._failures[key] = (until, exc)
        self._failures.move_to_end(key)
        while len(self._failures) > REMEMBERED_FAILURES:
            self._failures.popitem(last=False)
        if isinstance(exc, (ProviderUnreachable, ProviderTimeout)):
            self._dead_hosts[server] = (until, exc)

    # --- the files ----------------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        return profile_folder(self.root, int(key.split("-", 1)[0])) / f"{key}.webp"

    async def forget_profile(self, profile_id: int) -> None:
        """Drop a deleted profile's pictures from the disk and from what this cache counts."""
        files = await self._index()
        prefix = f"{profile_id}-"
        for key in [k for k in files if k.startswith(prefix)]:
            self._total -= files.pop(key)
        for key in [k for k in self._failures if k.startswith(prefix)]:
            del self._failures[key]
        await asyncio.to_thread(shutil.rmtree, profile_folder(self.root, profile_id), True)

    async def _index(self) -> OrderedDict[str, int]:
        """The files on disk, least recently shown first (read from the disk on first use)."""
        if self._files is None:
            async with self._scan_lock:
                if self._files is None:
                    found = await asyncio.to_thread(_scan, self.root)
                    self._total = sum(found.values())
                    self._files = found
        return self._files

    async def _keep(self, key: str, data: bytes) -> Path:
        """Store a picture and make room past the cap (least recently shown files go)."""
        files = await self._index()
        path = self._path(key)
        await asyncio.to_thread(_write, path, data)
        if key in files:
            self._total -= files.pop(key)
        files[key] = len(data)
        self._total += len(data)
        gone = []
        while self._total > self.limits.cache_bytes and len(files) > 1:
            old, size = files.popitem(last=False)
            self._total -= size
            gone.append(self._path(old))
        if gone:
            await asyncio.to_thread(_remove, gone)
        return path

    async def close(self) -> None:
        """Stop the downloads under way and close the connections (when the app stops)."""
        for task in list(self._pending.values()):
            task.cancel()
        for task in list(self._pending.values()):
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _scan(root: Path) -> OrderedDict[str, int]:
    """Every stored picture by the time it was last shown; half-written files are removed."""
    found: list[tuple[int, str, int]] = []
    if root.is_dir():
        for folder in root.iterdir():
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder):
                if entry.name.endswith(".tmp"):
                    Path(entry.path).unlink(missing_ok=True)
                elif entry.name.endswith(".webp") and entry.name.split("-", 1)[0].isdigit():
                    stat = entry.stat()
                    found.append((stat.st_mtime_ns, entry.name[:-5], stat.st_size))
    found.sort()
    return OrderedDict((key, size) for _, key, size in found)


def _write(path: Path, data: bytes) -> None:
    """Write whole or not at all (a crash leaves a ``.tmp`` the next scan removes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_bytes(data)
    os.replace(partial, path)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
