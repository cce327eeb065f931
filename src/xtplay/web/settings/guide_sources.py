"""The programme guide's part of the settings page: when the guide was last loaded, a
"Refresh guide now" button, and the XMLTV URLs added to the profile (add, remove).

A refresh started here runs as a task on the app's event loop with its own connection (the
XMLTV stream is parsed chunk by chunk between requests, the final swap on a worker thread),
so the page answers at once; one refresh per profile at a time from this page.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from xtplay import db, guide
from xtplay.accounts import profiles
from xtplay.accounts.vault import Vault
from xtplay.errors import XtplayError
from xtplay.web import locale
from xtplay.web.deps import ActiveProfile, Conn, get_vault
from xtplay.web.settings.view import guide_refreshing, render_settings

log = logging.getLogger(__name__)
router = APIRouter()


async def _refresh(app: FastAPI, profile_id: int, vault: Vault) -> None:
    conn = db.open_library(app.state.settings.db_path)
    try:
        profile = profiles.get_profile(conn, profile_id)
        result = await guide.refresh_guide(app.state.settings, conn, vault, profile)
        log.info("guide of %s refreshed from the settings page: %s", profile.name, result.to_dict())
    except XtplayError as exc:
        log.warning("guide refresh from the settings page failed: %s", exc)
    finally:
        conn.close()


@router.post("/settings/guide/refresh")
async def refresh_now(request: Request, profile: ActiveProfile) -> Response:
    """Load the active profile's guide now, in the background."""
    if not guide_refreshing(request.app, profile.id):
        request.app.state.guide_jobs[profile.id] = asyncio.get_running_loop().create_task(
            _refresh(request.app, profile.id, get_vault(request)))
    return RedirectResponse("/settings?guide=refreshing#guide", status_code=303)


@router.post("/settings/guide/sources")
def add_source(request: Request, conn: Conn, profile: ActiveProfile, url: str = Form("")) -> Response:
    """Add an XMLTV URL (kept encrypted: such URLs often hold the password); it loads with the
    next refresh."""
    try:
        guide.add_source(conn, get_vault(request), profile.id, url)
    except XtplayError as exc:
        return render_settings(request, conn, profile, errors={"xmltv_url": locale.describe(exc)}, status=422)
    return RedirectResponse("/settings?guide=added#guide", status_code=303)


@router.post("/settings/guide/sources/{source_id}/remove")
def remove_source(request: Request, source_id: int, conn: Conn, profile: ActiveProfile) -> Response:
    """Remove an added XMLTV URL and its programmes."""
    guide.remove_source(conn, profile.id, source_id)
    return RedirectResponse("/settings?guide=removed#guide", status_code=303)
