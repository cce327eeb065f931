"""The search page: results as you type, grouped by type, with filters, history and presets.

Typing asks for the results partial (htmx, debounced); pressing Enter or opening a saved
preset loads the whole page and remembers the query. All the work is ``search``'s; this
module only reads the form and renders.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from xtplay.library import catalog, search
from xtplay.web.deps import get_conn, require_profile
from xtplay.web.templating import render, render_partial

router = APIRouter()

#: Hits per type in the grouped view; "show all" of one type loads :data:`ALL_PAGE` hits at a
#: time, the next page when the "load more" row scrolls into view (infinite scroll).
GROUP_LIMIT = 24
ALL_PAGE = 100
TYPE_LABELS = {"live": "Channels", "movie": "Movies", "series": "Series"}


@dataclass
class SearchForm:
    """What the search form says, typed; the same keys as ``search.search``."""

    q: str = ""
    types: list[str] = field(default_factory=list)
    genre: str | None = None
    min_rating: float | None = None
    year_from: int | None = None
    year_to: int | None = None

    @classmethod
    def from_request(cls, request: Request) -> "SearchForm":
        """Read the query string (empty fields are "no filter"; bad numbers are a 422)."""
        qp = request.query_params
        types = [t for t in qp.getlist("type") if t]
        for t in types:
            if t not in catalog.TYPES:
                raise HTTPException(422, f"Unknown kind “{t}”.")
        return cls(q=(qp.get("q") or "").strip()[:200], types=types, genre=(qp.get("genre") or "").strip() or None,
                   min_rating=_number(qp.get("min_rating"), float), year_from=_number(qp.get("year_from"), int),
                   year_to=_number(qp.get("year_to"), int))

    @classmethod
    def from_preset(cls, saved: dict[str, Any]) -> "SearchForm":
        return cls(q=saved.get("q") or "", types=list(saved.get("types") or []), genre=saved.get("genre"),
                   min_rating=saved.get("min_rating"), year_from=saved.get("year_from"), year_to=saved.get("year_to"))

    @property
    def has_filters(self) -> bool:
        return bool(self.types or self.genre or self.min_rating is not None or self.year_from or self.year_to)

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``search.search`` (and a saved preset)."""
        return {"types": self.types or None, "genre": self.genre, "min_rating": self.min_rating,
                "year_from": self.year_from, "year_to": self.year_to}

    def query(self, **changes: Any) -> str:
        """The query string of this form (for links that keep it)."""
        values = {"q": self.q, "type": self.types, "genre": self.genre, "min_rating": self.min_rating,
                  "year_from": self.year_from, "year_to": self.year_to}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in (None, "", [])}, doseq=True)


def _number(text: str | None, kind: type) -> Any:
    if text in (None, ""):
        return None
    try:
        return kind(text)
    except ValueError:
        raise HTTPException(422, f"“{text}” is not a number.") from None


def run_search(conn: sqlite3.Connection, profile: Any, form: SearchForm, limit: int = GROUP_LIMIT,
               only: str | None = None, offset: int = 0) -> dict[str, list[search.Hit]]:
    """Results grouped by type for a form (``only`` narrows to one type, for "show all")."""
    args = form.filters()
    if only:
        args["types"] = [only]
    return search.search(conn, profile.id, form.q, limit=limit, offset=offset,
                         include_adult=bool(getattr(profile, "adult_enabled", False)), **args)


def _all_page(conn: sqlite3.Connection, profile: Any, form: SearchForm, only: str,
              offset: int) -> tuple[list[search.Hit], str | None]:
    """One page of "show all" of a type, and the URL of the next page (None after the last)."""
    hits = run_search(conn, profile, form, limit=ALL_PAGE + 1, only=only, offset=offset).get(only, [])
    more = None
    if len(hits) > ALL_PAGE:
        hits = hits[:ALL_PAGE]
        more = f"/search/more?{form.query(only=only, offset=offset + ALL_PAGE)}"
    return hits, more


def _results_ctx(conn: sqlite3.Connection, profile: Any, form: SearchForm, only: str | None) -> dict[str, Any]:
    more_url = None
    if not form.q:
        results: dict[str, list[search.Hit]] = {}
    elif only:
        hits, more_url = _all_page(conn, profile, form, only, 0)
        results = {only: hits}
    else:
        results = run_search(conn, profile, form, limit=GROUP_LIMIT)
    suggestions = search.suggest(conn, profile.id, form.q) if form.q else []
    return {"form": form, "results": results, "labels": TYPE_LABELS, "only": only,
            "limit": ALL_PAGE if only else GROUP_LIMIT, "more_url": more_url,
            "suggestions": [s for s in suggestions if search.fold(s) != search.fold(form.q)][:6],
            "total": sum(len(v) for v in results.values())}


@router.get("/search")
def search_page(request: Request, preset: str | None = None, only: str | None = None,
                conn: sqlite3.Connection = Depends(get_conn), profile: Any = Depends(require_profile)) -> Response:
    """The search page; with ``q`` it shows results and remembers the query."""
    saved = search.presets(conn, profile.id)
    if preset is not None:
        if preset not in saved:
            raise HTTPException(404, f"No saved search named “{preset}”.")
        return RedirectResponse(f"/search?{SearchForm.from_preset(saved[preset]).query()}", status_code=303)
    form = SearchForm.from_request(request)
    if only is not None and only not in catalog.TYPES:
        raise HTTPException(422, f"Unknown kind “{only}”.")
    if form.q:
        search.record(conn, profile.id, form.q)
    return render(request, "search.html", conn=conn, nav="search", page_title="Search",
                  history=search.history(conn, profile.id, limit=12), presets=saved, types=catalog.TYPES,
                  **_results_ctx(conn, profile, form, only))


@router.get("/search/results")
def search_results(request: Request, only: str | None = None, conn: sqlite3.Connection = Depends(get_conn),
                   profile: Any = Depends(require_profile)) -> Response:
    """The results partial, asked for while typing (not remembered in the history)."""
    form = SearchForm.from_request(request)
    if only is not None and only not in catalog.TYPES:
        raise HTTPException(422, f"Unknown kind “{only}”.")
    return render_partial(request, "search_results.html", **_results_ctx(conn, profile, form, only))


@router.get("/search/more")
def search_more(request: Request, only: str, offset: int = 0, conn: sqlite3.Connection = Depends(get_conn),
                profile: Any = Depends(require_profile)) -> Response:
    """The next page of "show all" hits of one type (htmx, when the "load more" row is revealed)."""
    form = SearchForm.from_request(request)
    if only not in catalog.TYPES:
        raise HTTPException(422, f"Unknown kind “{only}”.")
    if offset < 0:
        raise HTTPException(422, "The offset cannot be negative.")
    hits, more_url = _all_page(conn, profile, form, only, offset) if form.q else ([], None)
    return render_partial(request, "_search_hits.html", hits=hits, more_url=more_url)


@router.post("/search/history/clear")
def search_history_clear(request: Request, q: str | None = Form(None), conn: sqlite3.Connection = Depends(get_conn),
                         profile: Any = Depends(require_profile)) -> Response:
    """Forget one past query, or all of them."""
    search.clear_history(conn, profile.id, q or None)
    return RedirectResponse("/search", status_code=303)


@router.post("/search/presets")
def search_preset_save(request: Request, name: str = Form(...), conn: sqlite3.Connection = Depends(get_conn),
                       profile: Any = Depends(require_profile)) -> Response:
    """Save the current query and filters under a name (the form repeats them as fields)."""
    form = SearchForm.from_request(request)
    saved = {"q": form.q or None, **{k: v for k, v in form.filters().items() if v not in (None, [])}}
    search.save_preset(conn, profile.id, name, {k: v for k, v in saved.items() if v is not None})
    return RedirectResponse(f"/search?{form.query()}", status_code=303)


@router.post("/search/presets/delete")
def search_preset_delete(request: Request, name: str = Form(...), conn: sqlite3.Connection = Depends(get_conn),
                         profile: Any = Depends(require_profile)) -> Response:
    """Delete a saved preset."""
    search.delete_preset(conn, profile.id, name)
    return RedirectResponse("/search", status_code=303)
