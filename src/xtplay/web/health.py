"""Is the provider answering? A light, cached health check behind the one offline banner.

Every page carries one banner (``#offline-banner``), hidden while the provider answers;
``static/js/health.js`` asks ``/health/provider`` every ``health_seconds`` and shows or hides
that same element, so the banner appears as soon as the provider stops answering (not only
when a play fails) and goes as soon as it answers again, without waiting for a sync. The
check is one login call without retries and with short time limits, made at most once per
``HEALTH_TTL`` per profile whatever the number of open pages.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from xtplay.accounts.profiles import Profile
from xtplay.accounts.source import source_for
from xtplay.config import RetryPolicy, Timeouts
from xtplay.errors import AuthError, ProviderError, XtplayError
from xtplay.library import catalog
from xtplay.web import locale
from xtplay.web.deps import Conn, current_profile, get_settings, get_vault
from xtplay.web.sync_status import OfflineBanner, offline_banner

router = APIRouter()

#: How often an open page asks (seconds); ``app.state.health_seconds`` overrides it.
HEALTH_SECONDS = 10.0
#: A check younger than this is answered from the cache (several pages, one provider call).
HEALTH_TTL = 4.0
#: The check's own limits: one try, quick to give up (it runs again soon anyway).
CHECK_TIMEOUTS = Timeouts(connect=3.0, read=5.0, write=5.0, pool=3.0)
CHECK_RETRY = RetryPolicy(attempts=1)


@dataclass(frozen=True, slots=True)
class Health:
    """The last check of one profile's provider: answering or not, and why not in words."""

    ok: bool
    checked_at: float
    title: str = ""
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "title": self.title, "message": self.message}


def _cache(app: Any) -> dict[int, Health]:
    found = getattr(app.state, "provider_health", None)
    if found is None:
        found = app.state.provider_health = {}
    return found


def _lock(app: Any, profile_id: int) -> asyncio.Lock:
    locks = getattr(app.state, "provider_health_locks", None)
    if locks is None:
        locks = app.state.provider_health_locks = {}
    return locks.setdefault(profile_id, asyncio.Lock())


def last_health(app: Any, profile_id: int) -> Health | None:
    """The latest check of the profile (None before the first), for the page's banner."""
    return _cache(app).get(profile_id)


def period(app: Any) -> float:
    """Seconds between two checks of an open page."""
    return float(getattr(app.state, "health_seconds", HEALTH_SECONDS))


async def check(request: Request, conn: sqlite3.Connection, profile: Profile) -> Health:
    """Ask the provider (a login, no retry), or answer a check younger than ``HEALTH_TTL``."""
    app = request.app
    async with _lock(app, profile.id):
        known = last_health(app, profile.id)
        if known is not None and time.time() - known.checked_at < min(HEALTH_TTL, period(app) / 2):
            return known
        settings = dataclasses.replace(get_settings(request), timeouts=CHECK_TIMEOUTS, retry=CHECK_RETRY)
        try:
            async with source_for(conn, get_vault(request), settings, profile) as source:
                await source.login()
            found = Health(True, time.time())
        except AuthError:  # it answered: the account is refused, which its own pages explain
            found = Health(True, time.time())
        except ProviderError as exc:
            found = Health(False, time.time(), exc.title, str(exc))
        except XtplayError as exc:  # e.g. an unreadable password: not a provider outage
            found = Health(True, time.time(), exc.title, str(exc))
        _cache(app)[profile.id] = found
        return found


@router.get("/health/provider")
async def provider_health(request: Request, conn: Conn) -> JSONResponse:
    """``{"ok": …, "title", "message"}`` for this browser's profile (ok when there is none)."""
    profile = current_profile(request, conn)
    if profile is None:
        return JSONResponse({"ok": True, "title": "", "message": ""})
    found = await check(request, conn, profile)
    shown = found.to_dict()  # the check is shared by every browser: its words are translated per reader
    for key in ("title", "message"):
        if isinstance(shown.get(key), str):
            shown[key] = locale.translated(shown[key])
    return JSONResponse(shown, headers={"cache-control": "no-store"})


def banner(app: Any, conn: sqlite3.Connection, profile: Profile) -> OfflineBanner:
    """What the page's banner says at render time: offline by the latest check, or before any
    check by the last sync's failure; the data's age either way (shown once it goes offline)."""
    known = last_health(app, profile.id)
    failed_sync = offline_banner(conn, profile)
    offline = (not known.ok) if known is not None else failed_sync is not None
    message = known.message if known is not None and not known.ok else (failed_sync.message if failed_sync else "")
    state = catalog.offline_state(conn, profile.id)
    return OfflineBanner(offline, state.age_seconds, state.synced_at, state.empty, message)
