"""Browsing pages: live TV, movies and series by category, and the movie and series pages.

Lists come from the local library (``catalog``) a page at a time: the first page is part of
the HTML, each later one is a partial that htmx fetches when its "load more" row scrolls into
view (keyset cursors), so no response ever carries a whole category. Movie and series
details come from the provider (``details``, cached) and load after the page, with a loading
state and an error panel with Retry.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from xtplay.library import catalog
from xtplay import guide
from xtplay.errors import XtplayError
from xtplay.web.deps import get_conn, get_settings, get_vault, require_profile
from xtplay.web.templating import render, render_partial, templates

router = APIRouter()

#: Rows per page of a channel list, posters per page of a grid.
CHANNEL_PAGE = 50
POSTER_PAGE = 48

_TYPE_OF_SECTION = {"live": "live", "movies": "movie", "series": "series"}
_SECTION_OF_TYPE = {"live": "live", "movie": "movies", "series": "series"}


# --- links: the one place URLs of items are built --------------------------------------


def item_url(type: str, provider_id: Any) -> str:
    """The page of an item: a channel plays, a movie or series opens its page."""
    if type == "live":
        return watch_url("live", provider_id)
    if type == "episode":
        return watch_url("episode", provider_id)
    return f"/{_SECTION_OF_TYPE[type]}/{provider_id}"


def watch_url(type: str, provider_id: Any, start: float | None = None) -> str:
    """The player page (owned by the player) for an item; ``start`` seconds resumes there
    (0 plays from the beginning even when a resume position exists)."""
    url = f"/watch/{type}/{provider_id}"
    return f"{url}?{urlencode({'t': int(start)})}" if start is not None else url


def catchup_url(channel_id: Any, start_ts: int) -> str:
    """The player page for a past programme of a channel with an archive."""
    return f"/watch/catchup/{channel_id}/{int(start_ts)}"


def _query(**params: Any) -> str:
    """``?a=1&b=2`` from the parameters that have a value."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(kept)}" if kept else ""


templates.env.globals.update(item_url=item_url, watch_url=watch_url, catchup_url=catchup_url)


def _clock(value: datetime | None, tz: Any = None) -> str:
    """'20:30' in the viewer's zone."""
    if value is None:
        return ""
    return value.astimezone(tz).strftime("%H:%M") if tz else value.astimezone().strftime("%H:%M")


def _runtime(secs: Any) -> str:
    """A running time as people say it: '22 min', '2 h 07 min'."""
    try:
        minutes = round(int(secs or 0) / 60)
    except (TypeError, ValueError):
        return ""
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


templates.env.filters["clock"] = _clock
templates.env.filters["runtime"] = _runtime


# --- now/next decoration ---------------------------------------------------------------


def now_next_for(conn: sqlite3.Connection, profile_id: int, channels: list[Any],
                 at: datetime | None = None) -> dict[str, dict[str, Any]]:
    """Now/next per channel provider id, with the share of the current programme elapsed.

    When the guide fails (a broken store, an unknown zone), channels show without it.
    """
    if not channels:
        return {}
    at = at or datetime.now(timezone.utc)
    try:
        found = guide.now_next(conn, profile_id, [str(c.provider_id) for c in channels], at=at)
    except (XtplayError, sqlite3.Error):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for pid, pair in found.items():
        now, nxt = pair[0], pair[1]
        progress = None
        if now is not None:
            span = (now.stop - now.start).total_seconds()
            done = (at - now.start).total_seconds()
            progress = max(0, min(100, round(100 * done / span))) if span > 0 else None
        out[str(pid)] = {"now": now, "next": nxt, "progress": progress}
    return out


def viewer_tz(profile: Any) -> Any:
    """The profile's display time zone (the guide's rule), else the machine's."""
    try:
        return guide.viewer_zone(getattr(profile, "timezone", None))
    except XtplayError:
        return None


# --- filtered paging -------------------------------------------------------------------


def filtered_page(conn: sqlite3.Connection, profile: Any, type: str, *, category: str | None,
                  sort: str, after: str | None, limit: int, genre: str | None = None,
                  year: int | None = None, min_rating: float | None = None) -> catalog.Page:
    """A page of items with the movie/series filters applied by the library's query (keyset
    pages of the matching items only; a year filter is a one-year range)."""
    return catalog.items(conn, profile.id, type, category_id=category, sort=sort, after=after, limit=limit,
                         include_adult=bool(getattr(profile, "adult_enabled", False)), genre=genre,
                         year_from=year or None, year_to=year or None, min_rating=min_rating)


def _category_name(conn: sqlite3.Connection, profile_id: int, type: str, category: str | None) -> str | None:
    if category is None:
        return None
    return catalog.category_name(conn, profile_id, type, category)


def _clean_filters(genre: str | None, year: str | None, min_rating: str | None) -> dict[str, Any]:
    """Form values (empty strings from a form are 'no filter') as typed filters."""
    def number(text: str | None, kind: type) -> Any:
        try:
            return kind(text) if text not in (None, "") else None
        except ValueError:
            raise HTTPException(422, f"“{text}” is not a number.") from None

    return {"genre": (genre or "").strip() or None, "year": number(year, int),
            "min_rating": number(min_rating, float)}


# --- live TV ---------------------------------------------------------------------------


@router.get("/live")
def live_page(request: Request, category: str | None = None, favorites: bool = False,
              conn: sqlite3.Connection = Depends(get_conn), profile: Any = Depends(require_profile)) -> Response:
    """Categories beside the first page of channels (all channels when no category, or the
    favorite channels)."""
    from xtplay.library import favorites as favorite_store

    cats = catalog.categories(conn, profile.id, "live", include_adult=bool(profile.adult_enabled))
    if favorites:
        chosen = [f.item for f in favorite_store.list(conn, profile.id, type="live") if f.item is not None]
        page = catalog.Page(chosen, None)
        category, name = None, "Favorites"
    else:
        page = catalog.items(conn, profile.id, "live", category_id=category, sort="provider",
                             limit=CHANNEL_PAGE, include_adult=bool(profile.adult_enabled))
        name = _category_name(conn, profile.id, "live", category)
    return render(request, "live.html", conn=conn, nav="live", page_title="Live TV", categories=cats,
                  category=category, category_name=name, favorites_view=favorites,
                  total=sum(c.count for c in cats), **_channel_ctx(conn, profile, page, category))


@router.get("/live/rows")
def live_rows(request: Request, after: str, category: str | None = None,
              conn: sqlite3.Connection = Depends(get_conn), profile: Any = Depends(require_profile)) -> Response:
    """The next page of channel rows (htmx, when the "load more" row is revealed)."""
    page = catalog.items(conn, profile.id, "live", category_id=category, sort="provider", after=after,
                         limit=CHANNEL_PAGE, include_adult=bool(profile.adult_enabled))
    return render_partial(request, "_channel_rows.html", **_channel_ctx(conn, profile, page, category))


def _channel_ctx(conn: sqlite3.Connection, profile: Any, page: catalog.Page, category: str | None) -> dict[str, Any]:
    more = f"/live/rows{_query(category=category, after=page.next_cursor)}" if page.next_cursor else None
    found = now_next_for(conn, profile.id, page.items)
    missing = [c.provider_id for c in page.items if not (found.get(str(c.provider_id)) or {}).get("now")]
    # Channels the stored guide does not cover ask the provider's short EPG after the page shows.
    later = "/live/now-next?" + urlencode([("id", i) for i in missing]) if missing else None
    return {"channels": page.items, "now_next": found, "more_url": more, "now_next_url": later,
            "tz": viewer_tz(profile)}


@router.get("/live/number/{num}")
def live_number(num: int, conn: sqlite3.Connection = Depends(get_conn),
                profile: Any = Depends(require_profile)) -> Response:
    """Typing digits zaps to that channel number's player."""
    item = catalog.channel_by_number(conn, profile.id, num)
    if item is None:
        raise HTTPException(404, f"No channel has the number {num}.")
    return RedirectResponse(watch_url("live", item.provider_id), status_code=303)


# --- movies and series grids -----------------------------------------------------------


def _grid_page(request: Request, section: str, conn: sqlite3.Connection, profile: Any, category: str | None,
               sort: str, genre: str | None, year: str | None, min_rating: str | None) -> Response:
    type = _TYPE_OF_SECTION[section]
    if sort not in catalog.SORTS:
        raise HTTPException(422, f"Unknown sort “{sort}”.")
    filters = _clean_filters(genre, year, min_rating)
    cats = catalog.categories(conn, profile.id, type, include_adult=bool(profile.adult_enabled))
    page = filtered_page(conn, profile, type, category=category, sort=sort, after=None,
                         limit=POSTER_PAGE, **filters)
    title = "Movies" if type == "movie" else "Series"
    return render(request, f"{section}.html", conn=conn, nav=section, page_title=title, section=section,
                  type=type, categories=cats, category=category,
                  category_name=_category_name(conn, profile.id, type, category), sort=sort,
                  sorts=catalog.SORTS, filters=filters, items=page.items,
                  more_url=_more_url(section, category, sort, filters, page.next_cursor),
                  base_query=_query(sort=None if sort == "provider" else sort, **filters))


def _more_url(section: str, category: str | None, sort: str, filters: dict[str, Any], cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return f"/{section}/rows{_query(category=category, sort=sort, after=cursor, **filters)}"


def _grid_rows(request: Request, section: str, conn: sqlite3.Connection, profile: Any, after: str,
               category: str | None, sort: str, genre: str | None, year: str | None,
               min_rating: str | None) -> Response:
    type = _TYPE_OF_SECTION[section]
    if sort not in catalog.SORTS:
        raise HTTPException(422, f"Unknown sort “{sort}”.")
    filters = _clean_filters(genre, year, min_rating)
    page = filtered_page(conn, profile, type, category=category, sort=sort, after=after,
                         limit=POSTER_PAGE, **filters)
    return render_partial(request, "_item_cards.html", items=page.items,
                          more_url=_more_url(section, category, sort, filters, page.next_cursor))


@router.get("/movies")
def movies_page(request: Request, category: str | None = None, sort: str = "provider", genre: str | None = None,
                year: str | None = None, min_rating: str | None = None,
                conn: sqlite3.Connection = Depends(get_conn), profile: Any = Depends(require_profile)) -> Response:
    """Poster grid of movies by category, sorted and filtered."""
    return _grid_page(request, "movies", conn, profile, category, sort, genre, year, min_rating)


@router.get("/movies/rows")
def movies_rows(request: Request, after: str, category: str | None = None, sort: str = "provider",
                genre: str | None = None, year: str | None = None, min_rating: str | None = None,
                conn: sqlite3.Connection = Depends(get_conn), profile: Any = Depends(require_profile)) -> Response:
    """The next page of movie posters (htmx)."""
    return _grid_rows(request, "movies", conn, profile, after, category, sort, genre, year, min_rating)


@router.get("/series")
def series_page(request: Request, category: str | None = None, sort: str = "provider", genre: str | None = None,
                year: str | None = None, min_rating: str | None = None,
                conn: sqlite3.Connection = Depends(get_conn), profile: Any = Depends(require_profile)) -> Response:
    """Poster grid of series by category."""
    return _grid_page(request, "series", conn, profile, category, sort, genre, year, min_rating)


@router.get("/series/rows")
def series_rows(request: Request, after: str, category: str | None = None, sort: str = "provider",
                genre: str | None = None, year: str | None = None, min_rating: str | None = None,
                conn: sqlite3.Connection = Depends(get_conn), profile: Any = Depends(require_profile)) -> Response:
    """The next page of series posters (htmx)."""
    return _grid_rows(request, "series", conn, profile, after, category, sort, genre, year, min_rating)


# --- movie and series pages ------------------------------------------------------------


def _library_state(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str) -> dict[str, Any]:
    """Favorite flag and resume position from the person's library."""
    from xtplay.library import favorites, history

    return {"favorite": favorites.is_favorite(conn, profile_id, type, provider_id),
            "resume": history.resume_position(conn, profile_id, type, provider_id)}


def _item_or_404(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str) -> catalog.ItemRow:
    item = catalog.get_item(conn, profile_id, type, provider_id)
    if item is None:
        what = "movie" if type == "movie" else "series"
        raise HTTPException(404, f"This {what} is not in the library (it may have left the provider).")
    return item


@router.get("/movies/{provider_id}")
def movie_page(request: Request, provider_id: str, conn: sqlite3.Connection = Depends(get_conn),
               profile: Any = Depends(require_profile)) -> Response:
    """The movie page: what the library knows at once, the provider's details loading after."""
    item = _item_or_404(conn, profile.id, "movie", provider_id)
    return render(request, "movie.html", conn=conn, nav="movies", page_title=item.name, item=item,
                  **_library_state(conn, profile.id, "movie", provider_id))


@router.get("/movies/{provider_id}/details")
async def movie_details(request: Request, provider_id: str, refresh: bool = False,
                        conn: sqlite3.Connection = Depends(get_conn), profile: Any = Depends(require_profile),
                        settings: Any = Depends(get_settings), vault: Any = Depends(get_vault)) -> Response:
    """The provider's details of a movie (htmx partial; errors become a panel with Retry)."""
    from xtplay.library import details

    item = _item_or_404(conn, profile.id, "movie", provider_id)
    found = await details.movie(settings, conn, vault, profile, provider_id, refresh=refresh)
    return render_partial(request, "_item_movie_details.html", item=item, info=found.info, offline=found.offline,
                          offline_error=found.error, **_library_state(conn, profile.id, "movie", provider_id))


@router.get("/series/{provider_id}")
def series_item_page(request: Request, provider_id: str, conn: sqlite3.Connection = Depends(get_conn),
                     profile: Any = Depends(require_profile)) -> Response:
    """The series page: seasons and episodes load from the provider after the page."""
    item = _item_or_404(conn, profile.id, "series", provider_id)
    return render(request, "series_item.html", conn=conn, nav="series", page_title=item.name, item=item,
                  favorite=_library_state(conn, profile.id, "series", provider_id)["favorite"])


@router.get("/series/{provider_id}/details")
async def series_details(request: Request, provider_id: str, season: int | None = None, refresh: bool = False,
                         conn: sqlite3.Connection = Depends(get_conn), profile: Any = Depends(require_profile),
                         settings: Any = Depends(get_settings), vault: Any = Depends(get_vault)) -> Response:
    """Seasons as tabs and the chosen season's episodes with their watched state (htmx)."""
    from xtplay.library import details, history

    item = _item_or_404(conn, profile.id, "series", provider_id)
    found = await details.series(settings, conn, vault, profile, provider_id, refresh=refresh)
    numbers = sorted(set(found.episodes) | {int(s["season_number"]) for s in found.seasons
                                            if isinstance(s, dict) and s.get("season_number") is not None
                                            and found.episodes.get(int(s["season_number"]))})
    if season is None or season not in numbers:
        season = numbers[0] if numbers else None
    episodes = list(found.episodes.get(season, [])) if season is not None else []
    watched = history.watched_ids(conn, profile.id, "episode")
    resume = {e.episode_id: history.resume_position(conn, profile.id, "episode", e.episode_id) for e in episodes}
    return render_partial(request, "_item_series_details.html", item=item, info=found.info, seasons=numbers,
                          season=season, episodes=episodes, resume=resume, watched=watched,
                          offline=found.offline, offline_error=found.error)
