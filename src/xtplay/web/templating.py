"""Jinja templates and the one ``render`` that gives every page its common context.

Autoescape is on for every template; provider strings are never marked ``|safe``.
Templates link with the builders of :mod:`urls` and format with the filters of :mod:`views`.
Every sentence goes through gettext (``{% trans %}``, ``_()``; a message made in Python is shown
with ``|translated``), in the language :mod:`locale` chose for the request.
The common context: ``csrf_token``, ``profiles``, ``active_profile``, ``sync`` (a running
sync's progress or None), ``offline`` (the offline banner's data or None), ``demo_mode``,
``require_login`` and ``nav`` (the section the page belongs to, for the header).

Pages and fragments are sent with ``Cache-Control: no-store``: they show positions, watched
marks and the active profile, which another page or device may have changed since, so Back
fetches them again instead of showing an older copy (``static/js/fresh.js`` does the same
for the browser's page cache).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import sqlite3
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from xtplay import db
from xtplay.accounts import devices, profiles
from xtplay.web import health, locale, urls, views
from xtplay.web.sync_status import sync_progress

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

templates = Jinja2Templates(env=jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                                                   autoescape=True, extensions=["jinja2.ext.i18n"]))
# ``_``, ``gettext`` and ``ngettext`` speak the language of the request being rendered
# (a context variable per request, see :mod:`locale`): one set of callables serves every request.
templates.env.install_gettext_callables(locale.gettext, locale.ngettext, newstyle=True)  # type: ignore[attr-defined]
templates.env.filters.update(initials=views.initials, clock=views.clock, runtime=views.runtime, age=views.age,
                             duration=views.duration, day=views.day, weekday=views.weekday, decimal=views.decimal,
                             seconds=views.seconds, run_status=views.run_status,
                             translated=locale.translated)
templates.env.globals.update(item_url=urls.item_url, watch_url=urls.watch_url, catchup_url=urls.catchup_url,
                             art_url=urls.art_url, item_art_url=urls.item_art_url,
                             current_language=locale.current, script_messages=locale.script_messages)

_HANDLER = re.compile(r"""\son[a-z]+=(?:"([^"]*)"|'([^']*)')""")


def handler_hashes() -> list[str]:
    """CSP sources (``'sha256-…'``) of the fixed inline event handlers our templates carry
    (``onerror`` on a poster …), so the policy allows exactly those and no ``'unsafe-inline'``:
    an attribute injected by hostile data never hashes the same as one of ours."""
    found: set[str] = set()
    for path in sorted(TEMPLATES_DIR.glob("*.html")):
        for match in _HANDLER.finditer(path.read_text(encoding="utf-8")):
            code = html.unescape(match.group(1) if match.group(1) is not None else match.group(2))
            if "{{" in code or "{%" in code:  # filled in per page: cannot be allowed ahead
                continue
            found.add(base64.b64encode(hashlib.sha256(code.encode()).digest()).decode())
    return [f"'sha256-{digest}'" for digest in sorted(found)]


def common_context(request: Request, conn: sqlite3.Connection) -> dict[str, Any]:
    """What base.html and the header need on every page."""
    ctx: dict[str, Any] = {
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "require_login": getattr(request.state, "require_login", False),
        "demo_mode": getattr(request.app.state, "demo", None) is not None,
        "profiles": [],
        "active_profile": None,
        "sync": None,
        "offline": None,
    }
    ctx["profiles"] = profiles.list_profiles(conn)
    device = getattr(getattr(request.state, "session", None), "sid", None)
    active = devices.device_profile(conn, device)
    if active is not None and device and request.headers.get("sec-fetch-mode") == "navigate":
        devices.hold(conn, device, active.id)  # a browser stays on what it was shown (not scripts, no rows for them)
    ctx["active_profile"] = active
    if active is not None:
        ctx["sync"] = sync_progress(request.app, active.id)
        ctx["offline"] = health.banner(request.app, conn, active)
        ctx["health_every"] = health.period(request.app)
    return ctx


def render(request: Request, name: str, status_code: int = 200, *, conn: sqlite3.Connection | None = None,
           headers: dict[str, str] | None = None, **ctx: Any) -> Response:
    """Render a template with the common context; page values in ``ctx`` win over it."""
    used = conn or db.connect(request.app.state.settings.db_path)
    try:
        context = common_context(request, used)
    finally:
        if conn is None:
            used.close()
    context.update(ctx)
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=_fresh(headers))


def _fresh(headers: dict[str, str] | None) -> dict[str, str]:
    """The headers with ``no-store`` unless the caller set its own caching."""
    return {"cache-control": "no-store", **(headers or {})}


def render_partial(request: Request, name: str, status_code: int = 200, *,
                   headers: dict[str, str] | None = None, **ctx: Any) -> Response:
    """Render a fragment (for htmx swaps) with only the CSRF token added, no DB access."""
    context = {"csrf_token": getattr(request.state, "csrf_token", "")}
    context.update(ctx)
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=_fresh(headers))
