"""The settings page (sync schedule, adult content, time zone, cache statistics, the guide's
sources from :mod:`pages_guide_sources`) and sync controls.

"Sync now" starts a background sync whose progress every page shows (the header region
follows the server-sent events of ``/sync/events``, or polls ``/sync/status`` without them).
"Clear cache" forgets the per-item details fetched on demand (plots, cast, seasons) through
``details.clear``; the synced catalog, favorites and history stay.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from xtplay import db
from xtplay.accounts import profiles
from xtplay.errors import XtplayError
from xtplay.web.deps import get_conn, require_profile
from xtplay.web.settings.guide_sources import guide_state
from xtplay.web.sync_status import event_stream, start_sync, sync_progress
from xtplay.web.templating import render, render_partial

router = APIRouter()

#: The schedule choices offered (hours; 0 = manual only).
SYNC_CHOICES = ((6, "Every 6 hours"), (12, "Every 12 hours"), (24, "Every day"), (48, "Every 2 days"), (0, "Manually"))
_TIMEZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))


def cache_stats(conn: sqlite3.Connection, settings: Any, profile: Any) -> dict[str, Any]:
    """Library file size, items per type, cached details and the last sync of the profile."""
    from xtplay.library import catalog, details, sync

    db_path = Path(settings.db_path)
    size = sum(p.stat().st_size for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists())
    return {"db_bytes": size, "counts": catalog.counts(conn, profile.id), "details": details.count(conn, profile.id),
            "last_sync": sync.last_run(conn, profile.id), "runs": sync.runs(conn, profile.id, 5)}


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


@router.get("/settings")
def settings_page(request: Request, saved: int = 0, cleared: int | None = None, guide: str | None = None,
                  conn: sqlite3.Connection = Depends(get_conn), profile: Any = Depends(require_profile)) -> Response:
    """The settings of the active profile and its cache statistics."""
    return render_settings(request, conn, profile, errors={}, saved=bool(saved), cleared=cleared,
                           guide_note=_GUIDE_NOTES.get(guide or ""))


#: What the guide section says after one of its buttons.
_GUIDE_NOTES = {"refreshing": "Loading the guide in the background; it shows on the Guide page when done.",
                "added": "XMLTV URL added; it loads with the next guide refresh.",
                "removed": "XMLTV URL removed, with its programmes."}


def render_settings(request: Request, conn: sqlite3.Connection, profile: Any, *, errors: dict[str, str],
                    saved: bool = False, cleared: int | None = None, guide_note: str | None = None,
                    status: int = 200) -> Response:
    """The settings page, with form errors by field (``xmltv_url`` for the guide's form)."""
    stats = cache_stats(conn, request.app.state.settings, profile)
    return render(request, "settings.html", status, conn=conn, profile=profile, stats=stats,
                  db_size=_size(stats["db_bytes"]), sync_choices=SYNC_CHOICES, timezones=_TIMEZONES,
                  guide=guide_state(request, conn, profile), guide_note=guide_note,
                  errors=errors, saved=saved, cleared=cleared, nav="settings", page_title="Settings")


@router.post("/settings")
def save_settings(request: Request, sync_interval_hours: str = Form("24"), adult_enabled: str = Form(""),
                  timezone: str = Form(""), conn: sqlite3.Connection = Depends(get_conn),
                  profile: Any = Depends(require_profile)) -> Response:
    """Save the schedule, adult-content switch and time zone of the active profile."""
    try:
        profiles.set_preferences(conn, profile.id, sync_interval_hours=sync_interval_hours,  # type: ignore[arg-type]
                                 adult_enabled=adult_enabled in ("1", "on", "true"), timezone=timezone)
    except XtplayError as exc:
        field = getattr(exc, "field", "form")
        return render_settings(request, conn, profile, errors={field: str(exc)}, status=422)
    return RedirectResponse("/settings?saved=1", status_code=303)


@router.get("/settings/clear-cache")
def clear_cache_page(request: Request, conn: sqlite3.Connection = Depends(get_conn),
                     profile: Any = Depends(require_profile)) -> Response:
    """Ask before clearing."""
    return render(request, "settings_clear.html", conn=conn, profile=profile, nav="settings",
                  page_title="Clear cache")


@router.post("/settings/clear-cache")
def clear_cache(request: Request, confirm: str = Form(""), conn: sqlite3.Connection = Depends(get_conn),
                profile: Any = Depends(require_profile)) -> Response:
    """Clear the details cache (only with the confirmation field)."""
    if confirm != "yes":
        return RedirectResponse("/settings/clear-cache", status_code=303)
    from xtplay.library import details

    removed = details.clear(conn, profile.id)
    return RedirectResponse(f"/settings?cleared={removed}", status_code=303)


@router.get("/sync/status")
def sync_status(request: Request, conn: sqlite3.Connection = Depends(get_conn)) -> Response:
    """The header's sync region (polled while a sync runs)."""
    active = profiles.active_profile(conn)
    job = sync_progress(request.app, active.id) if active else None
    return render_partial(request, "_sync_region.html", sync=job)


@router.get("/sync/events")
async def sync_events(request: Request) -> Response:
    """Server-sent events of the active profile's sync (``text/event-stream``): ``progress``
    events with phase, done and total, then ``done`` with the outcome; ``idle`` when none runs."""
    conn = db.connect(request.app.state.settings.db_path)
    try:
        active = profiles.active_profile(conn)
    finally:
        conn.close()
    if active is None:
        return Response("No active profile.", status_code=404, media_type="text/plain")
    return StreamingResponse(event_stream(request.app, active.id, active.name, request.is_disconnected),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/sync/now")
async def sync_now(request: Request, next: str = Form("/settings"), profile: Any = Depends(require_profile)) -> Response:
    """Start a sync of the active profile; htmx gets the progress region, a form a redirect."""
    job = start_sync(request.app, profile)
    if request.headers.get("hx-request"):
        return render_partial(request, "_sync_region.html", sync=job)
    target = next if next.startswith("/") and not next.startswith("//") else "/settings"
    return RedirectResponse(target, status_code=303)
