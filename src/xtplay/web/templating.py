"""Jinja templates and the one ``render`` that gives every page its common context.

Autoescape is on for every template; provider strings are never marked ``|safe``.
The common context: ``csrf_token``, ``profiles``, ``active_profile``, ``sync`` (a running
sync's progress or None), ``offline`` (the offline banner's data or None), ``demo_mode``,
``require_login`` and ``nav`` (the section the page belongs to, for the header).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from xtplay import db
from xtplay.accounts import profiles
from xtplay.web.sync_status import offline_banner, sync_progress


TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

templates = Jinja2Templates(env=jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                                                   autoescape=True))


def _age(value: Any) -> str:
    """'3 minutes ago' for a datetime, ISO string or epoch seconds; '' when unknown."""
    if value in (None, ""):
        return ""
    try:
        if isinstance(value, (int, float)):
            when = datetime.fromtimestamp(value, tz=timezone.utc)
        elif isinstance(value, str):
            when = datetime.fromisoformat(value)
        else:
            when = value
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
    except (ValueError, TypeError, OSError):
        return ""
    secs = int((datetime.now(timezone.utc) - when).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if secs >= size:
            n = secs // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def _duration(secs: Any) -> str:
    """'1:02:03' or '12:34' for a number of seconds."""
    try:
        total = int(secs or 0)
    except (TypeError, ValueError):
        return ""
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


templates.env.filters["age"] = _age
templates.env.filters["duration"] = _duration


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
    active = profiles.active_profile(conn)
    ctx["active_profile"] = active
    if active is not None:
        ctx["sync"] = sync_progress(request.app, active.id)
        ctx["offline"] = offline_banner(conn, active)
    return ctx


def render(request: Request, name: str, status_code: int = 200, *, conn: sqlite3.Connection | None = None,
           headers: dict[str, str] | None = None, **ctx: Any) -> Response:
    """Render a template with the common context; page values in ``ctx`` win over it."""
    own = conn is None
    if own:
        conn = db.connect(request.app.state.settings.db_path)
    try:
        context = common_context(request, conn)
    finally:
        if own:
            conn.close()
    context.update(ctx)
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=headers)


def render_partial(request: Request, name: str, status_code: int = 200, *,
                   headers: dict[str, str] | None = None, **ctx: Any) -> Response:
    """Render a fragment (for htmx swaps) with only the CSRF token added, no DB access."""
    context = {"csrf_token": getattr(request.state, "csrf_token", "")}
    context.update(ctx)
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=headers)
