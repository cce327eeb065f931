"""The programme guide's part of the settings page: when the guide was last loaded, a
"Refresh guide now" button, and the XMLTV URLs added to the profile (add, remove).

A refresh started here runs as a task on the app's event loop with its own connection (the
XMLTV stream is parsed chunk by chunk between requests, the final swap on a worker thread),
so the page answers at once; one refresh per profile at a time from this page.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from xtplay import db, guide
from xtplay.errors import XtplayError
from xtplay.web.deps import get_conn, get_vault, require_profile

log = logging.getLogger(__name__)
router = APIRouter()


def guide_state(request: Request, conn: sqlite3.Connection, profile: Any) -> dict[str, Any]:
    """What the settings page shows of the profile's guide."""
    runs = guide.last_runs(conn, profile.id, 20)
    provider = next((r for r in runs if r["source"] == guide.XTREAM), None)
    return {"last_success": guide.last_success(conn, profile.id), "provider_run": provider,
            "sources": guide.sources(conn, profile.id), "refreshing": _refreshing(request.app, profile.id)}


def _refreshing(app: Any, profile_id: int) -> bool:
    task = app.state.guide_jobs.get(profile_id)
    return task is not None and not task.done()


async def _refresh(app: Any, profile_id: int, vault: Any) -> None:
    from xtplay.accounts import profiles

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
async def refresh_now(request: Request, profile: Any = Depends(require_profile)) -> Response:
    """Load the active profile's guide now, in the background."""
    if not _refreshing(request.app, profile.id):
        request.app.state.guide_jobs[profile.id] = asyncio.get_running_loop().create_task(
            _refresh(request.app, profile.id, get_vault(request)))
    return RedirectResponse("/settings?guide=refreshing#guide", status_code=303)


@router.post("/settings/guide/sources")
def add_source(request: Request, url: str = Form(""), conn: sqlite3.Connection = Depends(get_conn),
               profile: Any = Depends(require_profile)) -> Response:
    """Add an XMLTV URL (kept encrypted: such URLs often hold the password); it loads with the
    next refresh."""
    from xtplay.web.settings.pages import render_settings  # here: pages_settings imports this module

    try:
        guide.add_source(conn, get_vault(request), profile.id, url)
    except XtplayError as exc:
        return render_settings(request, conn, profile, errors={"xmltv_url": str(exc)}, status=422)
    return RedirectResponse("/settings?guide=added#guide", status_code=303)


@router.post("/settings/guide/sources/{source_id}/remove")
def remove_source(request: Request, source_id: int, conn: sqlite3.Connection = Depends(get_conn),
                  profile: Any = Depends(require_profile)) -> Response:
    """Remove an added XMLTV URL and its programmes."""
    guide.remove_source(conn, profile.id, source_id)
    return RedirectResponse("/settings?guide=removed#guide", status_code=303)
