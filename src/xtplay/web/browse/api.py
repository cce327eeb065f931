"""The catalog as JSON: search, categories, pages of items and one item.

The same services as the pages (``search``, ``catalog``, ``favorites``, ``history``), in
shapes scripts can rely on. Ids are the provider's opaque ids; no stream URL (which would
carry credentials) is ever part of an answer — playing goes through ``/watch``/``/play``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request

from xtplay.library import catalog, favorites, history, search
from xtplay.web.browse.search_form import SearchForm, run_search
from xtplay.web.deps import ActiveProfile, Conn
from xtplay.web.locale import gettext as _
from xtplay.web.urls import item_url, watch_url

router = APIRouter(prefix="/api")


def _check_type(type: str) -> None:
    if type not in catalog.TYPES:
        raise HTTPException(422, _("Unknown kind “%(kind)s” (expected live, movie or series).") % {"kind": type})


def item_json(item: catalog.ItemRow) -> dict[str, Any]:
    """An item as JSON: ``id`` is the provider id; ``url`` is its page (or player, for a channel)."""
    data = item.to_dict()
    data["id"] = data.pop("provider_id")
    data["url"] = item_url(item.type, item.provider_id)
    return data


def hit_json(hit: search.Hit) -> dict[str, Any]:
    """A search hit as JSON (type, id, name, …)."""
    data = hit.to_dict()
    data["id"] = data.pop("provider_id")
    data["url"] = item_url(hit.type, hit.provider_id)
    return data


@router.get("/search")
def api_search(request: Request, conn: Conn, profile: ActiveProfile, limit: int = Query(50, ge=1, le=500),
               offset: int = Query(0, ge=0)) -> dict[str, Any]:
    """``?q=&type=&genre=&min_rating=&year_from=&year_to=&limit=&offset=`` → hits grouped by type.

    ``offset`` skips that many hits of each type, for paging through a long result."""
    form = SearchForm.from_request(request)
    empty: dict[str, list[search.Hit]] = {t: [] for t in (form.types or catalog.TYPES)}
    results = run_search(conn, profile, form, limit=limit, offset=offset) if form.q else empty
    return {"q": form.q, "results": {t: [hit_json(h) for h in hits] for t, hits in results.items()},
            "counts": {t: len(hits) for t, hits in results.items()}}


@router.get("/categories")
def api_categories(conn: Conn, profile: ActiveProfile, type: str = "live") -> dict[str, Any]:
    """Categories of one type with their item counts, in provider order."""
    _check_type(type)
    cats = catalog.categories(conn, profile.id, type, include_adult=bool(profile.adult_enabled))
    return {"type": type, "categories": [{"id": c.id, "name": c.name, "count": c.count} for c in cats]}


@router.get("/items")
def api_items(conn: Conn, profile: ActiveProfile, type: str = "live", category: str | None = None,
              sort: str = "provider", after: str | None = None,
              limit: int = Query(60, ge=1, le=500)) -> dict[str, Any]:
    """One page of items; pass ``next_cursor`` back as ``after`` for the next page."""
    _check_type(type)
    if sort not in catalog.SORTS:
        raise HTTPException(422, _("Unknown sort “%(sort)s” (expected one of %(sorts)s).")
                            % {"sort": sort, "sorts": ", ".join(catalog.SORTS)})
    page = catalog.items(conn, profile.id, type, category_id=category, sort=sort, after=after, limit=limit,
                         include_adult=bool(profile.adult_enabled))
    return {"type": type, "items": [item_json(i) for i in page.items], "next_cursor": page.next_cursor}


@router.get("/items/{type}/{provider_id}")
def api_item(type: str, provider_id: str, conn: Conn, profile: ActiveProfile) -> dict[str, Any]:
    """One item with the person's state of it (favorite, resume position)."""
    _check_type(type)
    item = catalog.get_item(conn, profile.id, type, provider_id)
    if item is None:
        raise HTTPException(404, _("No %(kind)s with id %(id)s in the library.") % {"kind": type, "id": provider_id})
    data = item_json(item)
    data["favorite"] = favorites.is_favorite(conn, profile.id, type, provider_id)
    data["resume_secs"] = history.resume_position(conn, profile.id, type, provider_id) if type == "movie" else None
    data["watch_url"] = watch_url(type, provider_id) if type != "series" else None
    return data
