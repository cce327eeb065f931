"""``/art/{type}/{id}/{picture}``: an item's logo, poster or backdrop from xtplay's own origin.

The browser names an item, never an address: the source URL is the one the profile's library
holds (see :mod:`xtplay.library.artwork`). A cached picture is sent with a year's caching when
the page's version tag (``?v=``, from :func:`xtplay.web.urls.art_tag`) matches its source. A
miss waits for its download at most :attr:`~xtplay.config.Artwork.wait` seconds; past that, or
when the host is dead or the image hostile, the answer is a placeholder drawn here with the
item's initials, and the download goes on in the background for the next view. A slow image
host therefore never holds a page, and nothing it sends reaches the browser unless re-encoded.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.from_thread
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from xtplay.accounts.profiles import Profile
from xtplay.errors import ProviderError
from xtplay.library import artwork, catalog
from xtplay.library.artwork import ArtworkCache
from xtplay.web.deps import Conn, current_profile, get_settings
from xtplay.web.urls import art_tag
from xtplay.web.views import initials

log = logging.getLogger(__name__)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    cache = getattr(app.state, "artwork", None)
    if cache is not None:
        await cache.close()


router = APIRouter(lifespan=_lifespan)

#: A cached picture whose tag matches: the address changes when the source does.
KEEP = "private, max-age=31536000, immutable"
#: A cached picture asked for under an old tag: fine now, asked again next time.
CHECK = "private, no-cache"
#: A placeholder while the download runs: the next view must ask again.
PENDING = "no-store"
#: A placeholder for a picture that failed (remembered by the cache for longer than this).
FAILED = "private, max-age=60"
#: A placeholder for an item the provider gave no picture (a sync may bring one).
NO_PICTURE = "private, max-age=3600"
#: Placeholder colours (dark, so white initials read on them).
_COLOURS = ("#1f4e8c", "#5b3a8c", "#8c5a1f", "#2a6b3f", "#8c2a34", "#1f6b7a", "#7a2a63", "#4a5361")
#: The shape of each placeholder, as the page's box (width, height).
_SHAPES = {"logo": (160, 90), "poster": (200, 300), "cover": (200, 300), "backdrop": (640, 360)}


def artwork_cache(request: Request) -> ArtworkCache:
    """The app's artwork cache (made on first use; never fetches from the app's own ports)."""
    cache = getattr(request.app.state, "artwork", None)
    if cache is None:
        server = request.scope.get("server") or (None, None)
        settings = get_settings(request)
        cache = ArtworkCache(settings, {p for p in (server[1], settings.port) if p})
        request.app.state.artwork = cache
    return cache


def forget_profile_art(request: Request, profile_id: int) -> None:
    """Delete a deleted profile's cached pictures (from a sync route: a worker thread)."""
    cache = getattr(request.app.state, "artwork", None)
    if cache is None:
        artwork.remove_profile_files(get_settings(request), profile_id)
    else:
        anyio.from_thread.run(cache.forget_profile, profile_id)


@router.get("/art/{type}/{provider_id}/{picture}", include_in_schema=False)
async def art(request: Request, type: str, provider_id: str, picture: str, conn: Conn, v: str = "") -> Response:
    """An item's picture, resized, from the cache; a placeholder when it cannot be had now."""
    if type not in catalog.TYPES or picture not in artwork.PICTURES:
        raise HTTPException(404, "No such picture.")
    profile, found = await run_in_threadpool(_look_up, request, conn, type, provider_id, picture)
    if found is None or profile is None:
        raise HTTPException(404, "No such item in the library.")
    if not found.url:
        return placeholder(found.name, picture, NO_PICTURE)
    cache, box = artwork_cache(request), artwork.PICTURES[picture]
    path = await cache.lookup(profile.id, found.url, box)
    if path is None and cache.failure(profile.id, found.url, box) is not None:
        return placeholder(found.name, picture, FAILED)
    if path is None:
        try:
            path = await asyncio.wait_for(cache.fetch(profile.id, found.url, box, profile.user_agent),
                                          cache.limits.wait)
        except TimeoutError:
            return placeholder(found.name, picture, PENDING)
        except ProviderError:
            return placeholder(found.name, picture, FAILED)
        except OSError:  # the cache folder cannot be written (disk full …): the picture waits
            log.warning("the artwork cache cannot store pictures in %s", cache.root, exc_info=True)
            return placeholder(found.name, picture, PENDING)
    try:
        body = path.read_bytes()
    except FileNotFoundError:  # evicted between the look and the read
        return placeholder(found.name, picture, PENDING)
    return Response(body, media_type="image/webp",
                    headers={"cache-control": KEEP if v == art_tag(found.url) else CHECK})


def _look_up(request: Request, conn: sqlite3.Connection, type: str, provider_id: str,
             picture: str) -> tuple[Profile | None, artwork.Picture | None]:
    """This browser's profile and what its library says the picture is (off the event loop)."""
    profile = current_profile(request, conn)
    return profile, artwork.picture_of(conn, profile.id, type, provider_id, picture) if profile is not None else None


def placeholder(name: str, picture: str, caching: str) -> Response:
    """An SVG drawn here: the item's initials on a colour of its own (never a black box)."""
    width, height = _SHAPES.get(picture, _SHAPES["poster"])
    colour = _COLOURS[hashlib.sha256(name.encode("utf-8", "replace")).digest()[0] % len(_COLOURS)]
    mark = html.escape(initials(name))
    size = min(width, height) * 2 // 5
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
           f'<rect width="100%" height="100%" fill="{colour}"/>'
           f'<text x="50%" y="50%" fill="#fff" font-family="sans-serif" font-weight="bold" font-size="{size}" '
           f'text-anchor="middle" dominant-baseline="central">{mark}</text></svg>')
    return Response(svg.encode(), media_type="image/svg+xml", headers={"cache-control": caching})
