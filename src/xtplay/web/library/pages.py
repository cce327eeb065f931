"""The person's own lists: favorites, history and continue watching, and the favorite toggle.

Thin pages over ``favorites`` and ``history``. Entries keep their own copy of the name, so an
item that left the provider still shows (marked unavailable) instead of vanishing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from xtplay.accounts.profiles import Profile
from xtplay.i18n import N_
from xtplay.library import catalog, favorites, history
from xtplay.web.deps import ActiveProfile, Conn
from xtplay.web.locale import gettext as _
from xtplay.web.templating import render, render_partial
from xtplay.web.views import watched_percent

router = APIRouter()

#: Kinds of entry the lists hold (episodes only in history).
_TYPES = ("live", "movie", "series", "episode")
_TYPE_LABELS = {"live": N_("Channels"), "movie": N_("Movies"), "series": N_("Series"), "episode": N_("Episodes")}


def _check_type(type: str) -> None:
    if type not in _TYPES:
        raise HTTPException(404, _("Unknown kind of item “%(type)s”.") % {"type": type})


def _decorate(entries: list[Any]) -> list[dict[str, Any]]:
    """Each entry with its library row (``item``: logo, current name) and whether it is still offered."""
    return [{"entry": e, "item": e.item, "available": e.available if hasattr(e, "available") else
             (e.item is not None or e.type == "episode"),
             "name": (e.item.name if e.item is not None else None) or e.name or f"#{e.provider_id}"}
            for e in entries]


def _progress(conn: sqlite3.Connection, profile: Profile, rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Percent watched of the listed movies and episodes (one query), for the bar on each row."""
    return watched_percent(conn, profile.id, [(r["entry"].type, r["entry"].provider_id) for r in rows])


def _back(request: Request, fallback: str) -> Response:
    """After a plain form post: back to the list (htmx swaps get the partial instead)."""
    return RedirectResponse(fallback, status_code=303)


def _removed(request: Request, remove: Callable[[sqlite3.Connection, int, str, str], bool],
             conn: sqlite3.Connection, profile: Profile, type: str, provider_id: str, page: str) -> Response:
    """Remove one entry of a list: an empty answer for htmx (it removes the row), else back to ``page``."""
    _check_type(type)
    remove(conn, profile.id, type, provider_id)
    if request.headers.get("hx-request"):
        return Response("")
    return _back(request, page)


# --- favorites -------------------------------------------------------------------------


@router.get("/favorites")
def favorites_page(request: Request, conn: Conn, profile: ActiveProfile) -> Response:
    """Every favorite, grouped by kind, each removable."""
    entries = _decorate(favorites.list(conn, profile.id))
    groups = {t: [e for e in entries if e["entry"].type == t] for t in _TYPES}
    return render(request, "library_favorites.html", conn=conn, nav="favorites", page_title=_("Favorites"),
                  groups=groups, labels=_TYPE_LABELS, total=len(entries), progress=_progress(conn, profile, entries))


@router.post("/favorites/{type}/{provider_id}/toggle")
def favorite_toggle(request: Request, type: str, provider_id: str, conn: Conn, profile: ActiveProfile,
                    compact: bool = False) -> Response:
    """Add or remove a favorite; answers the toggle button in its new state (``compact``: the
    star-only button of list rows)."""
    _check_type(type)
    if favorites.is_favorite(conn, profile.id, type, provider_id):
        favorites.remove(conn, profile.id, type, provider_id)
        now = False
    else:
        if type in catalog.TYPES and catalog.get_item(conn, profile.id, type, provider_id) is None:
            raise HTTPException(404, _("This item is not in the library."))
        favorites.add(conn, profile.id, type, provider_id)
        now = True
    return render_partial(request, "_item_favorite.html", favorite=now, fav_type=type, fav_id=provider_id,
                          compact=compact)


@router.post("/favorites/{type}/{provider_id}/remove")
def favorite_remove(request: Request, type: str, provider_id: str, conn: Conn, profile: ActiveProfile) -> Response:
    """Remove one favorite from the list (htmx removes the row)."""
    return _removed(request, favorites.remove, conn, profile, type, provider_id, "/favorites")


# --- history and continue watching -----------------------------------------------------


@router.get("/history")
def history_page(request: Request, conn: Conn, profile: ActiveProfile) -> Response:
    """What was watched, newest first; remove one or clear all."""
    return _history_page(request, conn, profile, history.list(conn, profile.id), "history", _("History"))


@router.get("/continue")
def continue_page(request: Request, conn: Conn, profile: ActiveProfile) -> Response:
    """Movies and episodes stopped part-way, to resume."""
    return _history_page(request, conn, profile, history.continue_watching(conn, profile.id), "continue",
                         _("Continue watching"))


def _history_page(request: Request, conn: sqlite3.Connection, profile: Profile, entries: list[Any], mode: str,
                  title: str) -> Response:
    """History and Continue watching are one template: ``mode`` says which list it shows."""
    rows = _decorate(entries)
    return render(request, "library_history.html", conn=conn, nav="history", page_title=title,
                  entries=rows, mode=mode, progress=_progress(conn, profile, rows))


@router.post("/history/{type}/{provider_id}/remove")
def history_remove(request: Request, type: str, provider_id: str, conn: Conn, profile: ActiveProfile) -> Response:
    """Forget one entry (and its resume position)."""
    return _removed(request, history.remove, conn, profile, type, provider_id, "/history")


@router.post("/history/clear")
def history_clear(request: Request, conn: Conn, profile: ActiveProfile) -> Response:
    """Forget the whole history of the active profile."""
    history.clear(conn, profile.id)
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Refresh": "true"})
    return _back(request, "/history")
