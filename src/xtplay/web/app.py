"""The web application: ``create_app(settings, demo=None)`` assembles the routers.

Pages (Jinja + htmx) and the JSON API share one app. In front of every route sits the
:mod:`guard` middleware (session cookie, login on non-loopback addresses, CSRF), inside the
:mod:`locale` one (the language each request speaks); errors become responses only in :mod:`errors`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles

from xtplay import db, guide
from xtplay.config import Settings
from xtplay.library import schedule as sync_schedule
from xtplay.web import art, auth, errors, health, install, login, sync_status
from xtplay.web.browse import api as browse_api
from xtplay.web.browse import pages as browse_pages
from xtplay.web.browse import search as browse_search
from xtplay.web.guard import Guard
from xtplay.web.guide import pages as guide_pages
from xtplay.web.home import pages as home_pages
from xtplay.web.library import api as library_api
from xtplay.web.library import pages as library_pages
from xtplay.web.locale import Languages
from xtplay.web.play import external as play_external
from xtplay.web.play import pages as play_pages
from xtplay.web.profiles import api as profiles_api
from xtplay.web.profiles import pages as profiles_pages
from xtplay.web.profiles import playlist as profiles_playlist
from xtplay.web.settings import guide_sources as settings_guide_sources
from xtplay.web.settings import pages as settings_pages
from xtplay.web.templating import STATIC_DIR, handler_hashes

log = logging.getLogger(__name__)

#: The modules whose ``router`` the app includes, in this order.
ROUTER_MODULES = (
    login, home_pages, profiles_api, profiles_playlist, profiles_pages, settings_pages, library_api,
    browse_pages, browse_search, library_pages, browse_api, play_pages, play_external, guide_pages,
    settings_guide_sources, health, install, art,
)

#: The Content-Security-Policy: scripts only from our own files (no ``'unsafe-inline'``, no
#: eval; the templates' fixed ``onerror`` handlers by hash), media and hls.js' worker from
#: ``blob:`` (MediaSource), images only from our own origin (provider artwork goes through the
#: artwork cache, :mod:`art`) or ``data:``, nothing framed, no plugins.
CSP_DIRECTIVES = (
    "default-src 'self'", "script-src 'self' 'unsafe-hashes' {handlers}", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:", "media-src 'self' blob:", "worker-src 'self' blob:",
    "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'",
    "form-action 'self'",
)


def content_security_policy() -> str:
    """The policy every response carries (see :data:`CSP_DIRECTIVES`)."""
    return "; ".join(CSP_DIRECTIVES).replace("{handlers}", " ".join(handler_hashes()))


#: Headers on every response: no framing, no MIME sniffing, no referrer leaking ids.
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", content_security_policy().encode()),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def create_app(settings: Settings, *, demo: Any | None = None, require_login: bool | None = None,
               schedulers: bool = False) -> FastAPI:
    """The app for these settings.

    ``require_login`` defaults to "the host is not a loopback address". ``schedulers``
    starts the background sync (and guide) schedulers with the app, as ``xtplay serve`` does.
    """
    conn = db.open_library(settings.db_path)  # migrate once, before any request
    conn.close()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        tasks = _start_schedulers(app) if schedulers else []
        if schedulers:  # as ``xtplay serve``: the active profile syncs now when empty or stale
            await sync_status.activate_at_startup(app)
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass
            await sync_status.cancel_all(app)

    app = FastAPI(title="xtplay", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.demo = demo
    app.state.vault = None  # opened on first use (deps.get_vault)
    app.state.require_login = (not auth.is_loopback(settings.host)) if require_login is None else require_login
    app.state.throttle = auth.LoginThrottle()
    app.state.sync_jobs = {}
    app.state.guide_jobs = {}  #: profile id → the guide refresh started from the settings page

    errors.install(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_middleware(Guard, key=auth.session_key(settings), require_login=app.state.require_login,
                       db_path=settings.db_path)
    app.add_middleware(Languages, db_path=settings.db_path)  # outside the guard: its refusals speak it too
    app.add_middleware(_SecurityHeaders)

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi_json() -> JSONResponse:
        """The OpenAPI schema of the JSON API (behind the same login as every page)."""
        return JSONResponse(api_schema(app))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    for module in ROUTER_MODULES:
        app.include_router(module.router)
    return app


def api_schema(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of the JSON API only (``/api/…``): pages and the byte paths of
    ``/play/`` are for the browser and players, not a contract."""
    full = app.openapi()
    paths = {path: ops for path, ops in full.get("paths", {}).items() if path.startswith("/api/")}
    return {**full, "info": {**full.get("info", {}), "title": "xtplay JSON API"}, "paths": paths}


class _SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    h for h in SECURITY_HEADERS if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_headers)


def _start_schedulers(app: FastAPI) -> list[asyncio.Task]:
    """Start the catalog sync scheduler and the guide refresh scheduler."""
    loop = asyncio.get_running_loop()
    return [loop.create_task(_scheduler(app, "sync", sync_schedule.run_scheduler)),
            loop.create_task(_scheduler(app, "guide", guide.run_scheduler))]


async def _scheduler(app: FastAPI, name: str, runner: Callable[[Settings], Awaitable[None]]) -> None:
    try:
        await runner(app.state.settings)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.error("the %s scheduler stopped", name, exc_info=True)
