"""The settings page (sync schedule, adult content, time zone, cache statistics, the guide's
sources from :mod:`.guide_sources`) and sync controls.

The language form keeps this browser's choice of language (:mod:`xtplay.web.locale`).
"Sync now" starts a background sync whose progress every page shows (the header region
follows the server-sent events of ``/sync/events``, or polls ``/sync/status`` without them).
"Clear cache" forgets the per-item details fetched on demand (plots, cast, seasons) through
``details.clear``; the synced catalog, favorites and history stay.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from xtplay import db
from xtplay.accounts import devices, profiles
from xtplay.errors import XtplayError
from xtplay.i18n import LANGUAGES, N_
from xtplay.library import details, tracks
from xtplay.web import locale
from xtplay.web.deps import ActiveProfile, Conn, current_profile, device_id
from xtplay.web.settings.view import LANGUAGE_CHOICES, render_settings
from xtplay.web.sync_status import event_stream, start_sync, sync_progress
from xtplay.web.templating import render, render_partial

router = APIRouter()


@router.get("/settings")
def settings_page(request: Request, conn: Conn, profile: ActiveProfile, saved: int = 0, cleared: int | None = None,
                  guide: str | None = None) -> Response:
    """The settings of the active profile and its cache statistics."""
    return render_settings(request, conn, profile, errors={}, saved=bool(saved), cleared=cleared,
                           guide_note=_GUIDE_NOTES.get(guide or ""))


#: What the guide section says after one of its buttons.
_GUIDE_NOTES = {"refreshing": N_("Loading the guide in the background; it shows on the Guide page when done."),
                "added": N_("XMLTV URL added; it loads with the next guide refresh."),
                "removed": N_("XMLTV URL removed, with its programmes.")}


@router.post("/settings")
def save_settings(request: Request, conn: Conn, profile: ActiveProfile, sync_interval_hours: str = Form("24"),
                  adult_enabled: str = Form(""), timezone: str = Form("")) -> Response:
    """Save the schedule, adult-content switch and time zone of the active profile."""
    try:
        profiles.set_preferences(conn, profile.id, sync_interval_hours=sync_interval_hours,  # type: ignore[arg-type]
                                 adult_enabled=adult_enabled in ("1", "on", "true"), timezone=timezone)
    except XtplayError as exc:
        field = getattr(exc, "field", "form")
        return render_settings(request, conn, profile, errors={field: locale.describe(exc)}, status=422)
    return RedirectResponse("/settings?saved=1", status_code=303)


@router.post("/settings/languages")
def save_languages(request: Request, conn: Conn, profile: ActiveProfile, audio: str = Form(""),
                   subtitle: str = Form("")) -> Response:
    """The profile's preferred audio and subtitle languages (what a channel or series started
    with until a different track is chosen there)."""
    known = {code for code, _ in LANGUAGE_CHOICES}
    if audio not in ("", *known) or subtitle not in ("", tracks.OFF, *known):
        return render_settings(request, conn, profile, errors={"languages": N_("Choose a language from the list.")},
                               status=422)
    tracks.set_preference(conn, profile.id, audio or None, subtitle or None)
    return RedirectResponse("/settings?saved=1#languages", status_code=303)


@router.post("/settings/language")
def save_language(request: Request, conn: Conn, language: str = Form("")) -> Response:
    """The language this browser's pages speak ("" follows the browser's Accept-Language);
    other devices keep theirs."""
    device = device_id(request)
    if language not in ("", *LANGUAGES) or not device:
        raise HTTPException(422, locale.gettext("Choose a language from the list."))
    devices.choose_language(conn, device, language or None)
    return RedirectResponse("/settings?saved=1", status_code=303)


@router.get("/settings/clear-cache")
def clear_cache_page(request: Request, conn: Conn, profile: ActiveProfile) -> Response:
    """Ask before clearing."""
    return render(request, "settings_clear.html", conn=conn, profile=profile, nav="settings",
                  page_title=locale.gettext("Clear cache"))


@router.post("/settings/clear-cache")
def clear_cache(request: Request, conn: Conn, profile: ActiveProfile, confirm: str = Form("")) -> Response:
    """Clear the details cache (only with the confirmation field)."""
    if confirm != "yes":
        return RedirectResponse("/settings/clear-cache", status_code=303)
    removed = details.clear(conn, profile.id)
    return RedirectResponse(f"/settings?cleared={removed}", status_code=303)


@router.get("/sync/status")
def sync_status(request: Request, conn: Conn) -> Response:
    """The header's sync region (polled while a sync runs)."""
    active = current_profile(request, conn)
    job = sync_progress(request.app, active.id) if active else None
    return render_partial(request, "_sync_region.html", sync=job)


@router.get("/sync/events")
async def sync_events(request: Request) -> Response:
    """Server-sent events of the active profile's sync (``text/event-stream``): ``progress``
    events with phase, done and total, then ``done`` with the outcome; ``idle`` when none runs."""
    conn = db.connect(request.app.state.settings.db_path)
    try:
        active = current_profile(request, conn)
    finally:
        conn.close()
    if active is None:
        return Response(locale.gettext("No active profile."), status_code=404, media_type="text/plain")
    return StreamingResponse(event_stream(request.app, active.id, active.name, request.is_disconnected),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/sync/now")
async def sync_now(request: Request, profile: ActiveProfile, next: str = Form("/settings")) -> Response:
    """Start a sync of the active profile; htmx gets the progress region, a form a redirect."""
    job = start_sync(request.app, profile)
    if request.headers.get("hx-request"):
        return render_partial(request, "_sync_region.html", sync=job)
    target = next if next.startswith("/") and not next.startswith("//") else "/settings"
    return RedirectResponse(target, status_code=303)
