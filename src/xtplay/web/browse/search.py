"""The search page: results as you type, grouped by type, with filters, history and presets.

Typing asks for the results partial (htmx, debounced); pressing Enter or opening a saved
preset loads the whole page and remembers the query. All the work is ``search``'s; this
module only renders what :mod:`.search_form` reads and asks.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from xtplay import guide
from xtplay.accounts.profiles import Profile
from xtplay.i18n import N_
from xtplay.library import catalog, search
from xtplay.web.browse.search_form import SearchForm, run_search
from xtplay.web.deps import ActiveProfile, Conn
from xtplay.web.locale import gettext as _
from xtplay.web.templating import render, render_partial
from xtplay.web.urls import catchup_url, watch_url
from xtplay.web.views import watched_percent

router = APIRouter()

#: Hits per type in the grouped view; "show all" of one type loads :data:`ALL_PAGE` hits at a
#: time, the next page when the "load more" row scrolls into view (infinite scroll).
GROUP_LIMIT = 24
ALL_PAGE = 100
TYPE_LABELS = {"live": N_("Channels"), "movie": N_("Movies"), "series": N_("Series")}
#: Guide programmes shown for a query (on now, upcoming, catch-up).
PROGRAMME_LIMIT = 20


def _all_page(conn: sqlite3.Connection, profile: Profile, form: SearchForm, only: str,
              offset: int) -> tuple[list[search.Hit], str | None]:
    """One page of "show all" of a type, and the URL of the next page (None after the last)."""
    hits = run_search(conn, profile, form, limit=ALL_PAGE + 1, only=only, offset=offset).get(only, [])
    more = None
    if len(hits) > ALL_PAGE:
        hits = hits[:ALL_PAGE]
        more = f"/search/more?{form.query(only=only, offset=offset + ALL_PAGE)}"
    return hits, more


def _programmes(conn: sqlite3.Connection, profile: Profile, form: SearchForm) -> list[dict[str, Any]]:
    """Guide programmes matching the text (now, upcoming, catch-up), each with where it plays."""
    if not form.q or (form.types and "live" not in form.types) or (form.has_filters and not form.types):
        return []
    now = datetime.now(UTC)
    found = guide.search_programmes(conn, profile.id, form.q, at=now, limit=PROGRAMME_LIMIT,
                                    include_adult=bool(profile.adult_enabled))
    channels = catalog.get_items(conn, profile.id, [("live", pid) for pid, _ in found])
    out = []
    for pid, p in found:
        channel = channels.get(("live", pid))
        if p.start <= now < p.stop:
            state, url = "now", watch_url("live", pid)
        elif p.start > now:
            state, url = "upcoming", watch_url("live", pid)
        else:
            state, url = "catchup", catchup_url(pid, int(p.start.timestamp()))
        out.append({"programme": p, "channel": channel.name if channel else pid, "state": state, "url": url})
    return out


def _progress(conn: sqlite3.Connection, profile: Profile, hits: list[search.Hit]) -> dict[tuple[str, str], int]:
    """Percent watched of the movies among the hits (one query), for the bar on their rows."""
    return watched_percent(conn, profile.id, [(h.type, h.provider_id) for h in hits])


def _results_ctx(conn: sqlite3.Connection, profile: Profile, form: SearchForm, only: str | None) -> dict[str, Any]:
    more_url = None
    if not form.q and not form.has_filters:
        results: dict[str, list[search.Hit]] = {}
    elif only:
        hits, more_url = _all_page(conn, profile, form, only, 0)
        results = {only: hits}
    else:
        results = run_search(conn, profile, form, limit=GROUP_LIMIT)
    suggestions = search.suggest(conn, profile.id, form.q) if form.q else []
    programmes = [] if only else _programmes(conn, profile, form)
    return {"form": form, "results": results, "labels": TYPE_LABELS, "only": only, "programmes": programmes,
            "progress": _progress(conn, profile, [h for hits in results.values() for h in hits]),
            "limit": ALL_PAGE if only else GROUP_LIMIT, "more_url": more_url,
            "suggestions": [s for s in suggestions if search.fold(s) != search.fold(form.q)][:6],
            "total": sum(len(v) for v in results.values()) + len(programmes),
            "viewer_zone": guide.viewer_zone(profile.timezone)}


@router.get("/search")
def search_page(request: Request, conn: Conn, profile: ActiveProfile, preset: str | None = None,
                only: str | None = None) -> Response:
    """The search page; with ``q`` it shows results and remembers the query."""
    saved = search.presets(conn, profile.id)
    if preset is not None:
        if preset not in saved:
            raise HTTPException(404, _("No saved search named “%(name)s”.") % {"name": preset})
        return RedirectResponse(f"/search?{SearchForm.from_preset(saved[preset]).query()}", status_code=303)
    form = SearchForm.from_request(request)
    if only is not None and only not in catalog.TYPES:
        raise HTTPException(422, _("Unknown kind “%(kind)s”.") % {"kind": only})
    if form.q:
        search.record(conn, profile.id, form.q)
    return render(request, "search.html", conn=conn, nav="search", page_title=_("Search"),
                  history=search.history(conn, profile.id, limit=12), presets=saved, types=catalog.TYPES,
                  **_results_ctx(conn, profile, form, only))


@router.get("/search/results")
def search_results(request: Request, conn: Conn, profile: ActiveProfile, only: str | None = None) -> Response:
    """The results partial, asked for while typing (not remembered in the history)."""
    form = SearchForm.from_request(request)
    if only is not None and only not in catalog.TYPES:
        raise HTTPException(422, _("Unknown kind “%(kind)s”.") % {"kind": only})
    return render_partial(request, "search_results.html", **_results_ctx(conn, profile, form, only))


@router.get("/search/more")
def search_more(request: Request, only: str, conn: Conn, profile: ActiveProfile, offset: int = 0) -> Response:
    """The next page of "show all" hits of one type (htmx, when the "load more" row is revealed)."""
    form = SearchForm.from_request(request)
    if only not in catalog.TYPES:
        raise HTTPException(422, _("Unknown kind “%(kind)s”.") % {"kind": only})
    if offset < 0:
        raise HTTPException(422, _("The offset cannot be negative."))
    hits, more_url = _all_page(conn, profile, form, only, offset) if form.q or form.has_filters else ([], None)
    return render_partial(request, "_search_hits.html", hits=hits, more_url=more_url, form=form,
                          progress=_progress(conn, profile, hits))


@router.post("/search/history/clear")
def search_history_clear(request: Request, conn: Conn, profile: ActiveProfile,
                         q: str | None = Form(None)) -> Response:
    """Forget one past query, or all of them."""
    search.clear_history(conn, profile.id, q or None)
    return RedirectResponse("/search", status_code=303)


@router.post("/search/presets")
def search_preset_save(request: Request, conn: Conn, profile: ActiveProfile, name: str = Form(...)) -> Response:
    """Save the current query and filters under a name (the form repeats them as fields)."""
    form = SearchForm.from_request(request)
    saved = {"q": form.q or None, **{k: v for k, v in form.filters().items() if v not in (None, [])}}
    search.save_preset(conn, profile.id, name, {k: v for k, v in saved.items() if v is not None})
    return RedirectResponse(f"/search?{form.query()}", status_code=303)


@router.post("/search/presets/delete")
def search_preset_delete(request: Request, conn: Conn, profile: ActiveProfile, name: str = Form(...)) -> Response:
    """Delete a saved preset."""
    search.delete_preset(conn, profile.id, name)
    return RedirectResponse("/search", status_code=303)
