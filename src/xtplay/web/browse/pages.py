"""Browsing pages: live TV, movies and series by category, and the movie and series pages.

Lists come from the local library (``catalog``) a page at a time: the first page is part of
the HTML, each later one is a partial that htmx fetches when its "load more" row scrolls into
view (keyset cursors), so no response ever carries a whole category. Movie and series
details come from the provider (``details``, cached) and load after the page, with a loading
state and an error panel with Retry.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from xtplay.accounts.profiles import Profile
from xtplay.library import catalog, details, history, next_up
from xtplay.library import favorites as favorite_store  # the live page's ``favorites`` flag has the name
from xtplay.web.deps import ActiveProfile, AppSettings, AppVault, Conn
from xtplay.web.locale import gettext as _
from xtplay.web.templating import render, render_partial
from xtplay.web.urls import query, repeated, watch_url
from xtplay.web.views import form_number, now_next_for, percent, viewer_tz, watched_percent

router = APIRouter()

#: Rows per page of a channel list, posters per page of a grid.
CHANNEL_PAGE = 50
POSTER_PAGE = 48

_TYPE_OF_SECTION = {"live": "live", "movies": "movie", "series": "series"}


# --- filtered paging -------------------------------------------------------------------


def filtered_page(conn: sqlite3.Connection, profile: Profile, type: str, *, category: str | None,
                  sort: str, after: str | None, limit: int, genre: str | None = None,
                  year: int | None = None, min_rating: float | None = None) -> catalog.Page:
    """A page of items with the movie/series filters applied by the library's query (keyset
    pages of the matching items only; a year filter is a one-year range)."""
    return catalog.items(conn, profile.id, type, category_id=category, sort=sort, after=after, limit=limit,
                         include_adult=profile.adult_enabled, genre=genre,
                         year_from=year or None, year_to=year or None, min_rating=min_rating)


def _category_name(conn: sqlite3.Connection, profile_id: int, type: str, category: str | None) -> str | None:
    if category is None:
        return None
    return catalog.category_name(conn, profile_id, type, category)


def _clean_filters(genre: str | None, year: str | None, min_rating: str | None) -> dict[str, Any]:
    """Form values (empty strings from a form are 'no filter') as typed filters."""
    return {"genre": (genre or "").strip() or None, "year": form_number(year, int),
            "min_rating": form_number(min_rating, float)}


# --- live TV ---------------------------------------------------------------------------


@router.get("/live")
def live_page(request: Request, conn: Conn, profile: ActiveProfile, category: str | None = None,
              favorites: bool = False) -> Response:
    """Categories beside the first page of channels (all channels when no category, or the
    favorite channels)."""
    cats = catalog.categories(conn, profile.id, "live", include_adult=bool(profile.adult_enabled))
    name: str | None
    if favorites:
        chosen = [f.item for f in favorite_store.list(conn, profile.id, type="live") if f.item is not None]
        page = catalog.Page(chosen, None)
        category, name = None, _("Favorites")
    else:
        page = catalog.items(conn, profile.id, "live", category_id=category, sort="provider",
                             limit=CHANNEL_PAGE, include_adult=bool(profile.adult_enabled))
        name = _category_name(conn, profile.id, "live", category)
    return render(request, "live.html", conn=conn, nav="live", page_title=_("Live TV"), categories=cats,
                  category=category, category_name=name, favorites_view=favorites,
                  total=sum(c.count for c in cats),
                  **_channel_ctx(conn, profile, page, category, "fav" if favorites else None))


@router.get("/live/rows")
def live_rows(request: Request, after: str, conn: Conn, profile: ActiveProfile,
              category: str | None = None) -> Response:
    """The next page of channel rows (htmx, when the "load more" row is revealed)."""
    page = catalog.items(conn, profile.id, "live", category_id=category, sort="provider", after=after,
                         limit=CHANNEL_PAGE, include_adult=bool(profile.adult_enabled))
    return render_partial(request, "_channel_rows.html", **_channel_ctx(conn, profile, page, category))


def _channel_ctx(conn: sqlite3.Connection, profile: Profile, page: catalog.Page, category: str | None,
                 list_spec: str | None = None) -> dict[str, Any]:
    """Rows of a channel list; each links to the player with the list it came from (zapping
    stays inside it) and has its own favorite toggle."""
    more = f"/live/rows{query(category=category, after=page.next_cursor)}" if page.next_cursor else None
    found = now_next_for(conn, profile.id, page.items)
    missing = [c.provider_id for c in page.items if not (found.get(str(c.provider_id)) or {}).get("now")]
    # Channels the stored guide does not cover ask the provider's short EPG after the page shows.
    later = "/live/now-next" + repeated("id", missing) if missing else None
    return {"channels": page.items, "now_next": found, "more_url": more, "now_next_url": later,
            "tz": viewer_tz(profile), "favorite_ids": favorite_store.favorite_ids(conn, profile.id, "live"),
            "list_spec": list_spec or (f"cat:{category}" if category is not None else None)}


@router.get("/live/number/{num}")
def live_number(num: int, conn: Conn, profile: ActiveProfile) -> Response:
    """Typing digits zaps to that channel number's player."""
    item = catalog.channel_by_number(conn, profile.id, num)
    if item is None:
        raise HTTPException(404, _("No channel has the number %(number)s.") % {"number": num})
    return RedirectResponse(watch_url("live", item.provider_id), status_code=303)


# --- movies and series grids -----------------------------------------------------------


def _grid_page(request: Request, section: str, conn: sqlite3.Connection, profile: Profile, category: str | None,
               sort: str, genre: str | None, year: str | None, min_rating: str | None) -> Response:
    type = _TYPE_OF_SECTION[section]
    if sort not in catalog.SORTS:
        raise HTTPException(422, _("Unknown sort “%(sort)s”.") % {"sort": sort})
    filters = _clean_filters(genre, year, min_rating)
    cats = catalog.categories(conn, profile.id, type, include_adult=bool(profile.adult_enabled))
    page = filtered_page(conn, profile, type, category=category, sort=sort, after=None,
                         limit=POSTER_PAGE, **filters)
    title = _("Movies") if type == "movie" else _("Series")
    return render(request, f"{section}.html", conn=conn, nav=section, page_title=title, section=section,
                  type=type, categories=cats, category=category,
                  category_name=_category_name(conn, profile.id, type, category), sort=sort,
                  sorts=catalog.SORTS, filters=filters, items=page.items, progress=_progress(conn, profile, page),
                  more_url=_more_url(section, category, sort, filters, page.next_cursor),
                  base_query=query(sort=None if sort == "provider" else sort, **filters))


def _more_url(section: str, category: str | None, sort: str, filters: dict[str, Any], cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return f"/{section}/rows{query(category=category, sort=sort, after=cursor, **filters)}"


def _grid_rows(request: Request, section: str, conn: sqlite3.Connection, profile: Profile, after: str,
               category: str | None, sort: str, genre: str | None, year: str | None,
               min_rating: str | None) -> Response:
    type = _TYPE_OF_SECTION[section]
    if sort not in catalog.SORTS:
        raise HTTPException(422, _("Unknown sort “%(sort)s”.") % {"sort": sort})
    filters = _clean_filters(genre, year, min_rating)
    page = filtered_page(conn, profile, type, category=category, sort=sort, after=after,
                         limit=POSTER_PAGE, **filters)
    return render_partial(request, "_item_cards.html", items=page.items, progress=_progress(conn, profile, page),
                          more_url=_more_url(section, category, sort, filters, page.next_cursor))


def _progress(conn: sqlite3.Connection, profile: Profile, page: catalog.Page) -> dict[tuple[str, str], int]:
    """Percent watched of the page's started movies, for the bar on their posters."""
    return watched_percent(conn, profile.id, [(i.type, i.provider_id) for i in page.items])


@router.get("/movies")
def movies_page(request: Request, conn: Conn, profile: ActiveProfile, category: str | None = None,
                sort: str = "provider", genre: str | None = None, year: str | None = None,
                min_rating: str | None = None) -> Response:
    """Poster grid of movies by category, sorted and filtered."""
    return _grid_page(request, "movies", conn, profile, category, sort, genre, year, min_rating)


@router.get("/movies/rows")
def movies_rows(request: Request, after: str, conn: Conn, profile: ActiveProfile, category: str | None = None,
                sort: str = "provider", genre: str | None = None, year: str | None = None,
                min_rating: str | None = None) -> Response:
    """The next page of movie posters (htmx)."""
    return _grid_rows(request, "movies", conn, profile, after, category, sort, genre, year, min_rating)


@router.get("/series")
def series_page(request: Request, conn: Conn, profile: ActiveProfile, category: str | None = None,
                sort: str = "provider", genre: str | None = None, year: str | None = None,
                min_rating: str | None = None) -> Response:
    """Poster grid of series by category."""
    return _grid_page(request, "series", conn, profile, category, sort, genre, year, min_rating)


@router.get("/series/rows")
def series_rows(request: Request, after: str, conn: Conn, profile: ActiveProfile, category: str | None = None,
                sort: str = "provider", genre: str | None = None, year: str | None = None,
                min_rating: str | None = None) -> Response:
    """The next page of series posters (htmx)."""
    return _grid_rows(request, "series", conn, profile, after, category, sort, genre, year, min_rating)


# --- movie and series pages ------------------------------------------------------------


def _library_state(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str) -> dict[str, Any]:
    """Favorite flag, resume position and percent watched from the person's library."""
    entry = history.started(conn, profile_id, [(type, provider_id)]).get((type, provider_id))
    return {"favorite": favorite_store.is_favorite(conn, profile_id, type, provider_id),
            "resume": entry.position_secs if entry else None,
            "progress": percent(entry.progress) if entry else None}


def _item_or_404(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str) -> catalog.ItemRow:
    item = catalog.get_item(conn, profile_id, type, provider_id)
    if item is None:
        what = "movie" if type == "movie" else "series"
        raise HTTPException(404, (_("This movie is not in the library (it may have left the provider).") if what == "movie" else
                                  _("This series is not in the library (it may have left the provider).")))
    return item


@router.get("/movies/{provider_id}")
def movie_page(request: Request, provider_id: str, conn: Conn, profile: ActiveProfile) -> Response:
    """The movie page: what the library knows at once, the provider's details loading after."""
    item = _item_or_404(conn, profile.id, "movie", provider_id)
    return render(request, "movie.html", conn=conn, nav="movies", page_title=item.name, item=item,
                  **_library_state(conn, profile.id, "movie", provider_id))


@router.get("/movies/{provider_id}/details")
async def movie_details(request: Request, provider_id: str, conn: Conn, profile: ActiveProfile,
                        settings: AppSettings, vault: AppVault, refresh: bool = False) -> Response:
    """The provider's details of a movie (htmx partial; errors become a panel with Retry)."""
    item = _item_or_404(conn, profile.id, "movie", provider_id)
    found = await details.movie(settings, conn, vault, profile, provider_id, refresh=refresh)
    return render_partial(request, "_item_movie_details.html", item=item, info=found.info, offline=found.offline,
                          offline_error=found.error, **_library_state(conn, profile.id, "movie", provider_id))


@router.get("/series/{provider_id}")
def series_item_page(request: Request, provider_id: str, conn: Conn, profile: ActiveProfile) -> Response:
    """The series page: seasons and episodes load from the provider after the page."""
    item = _item_or_404(conn, profile.id, "series", provider_id)
    return render(request, "series_item.html", conn=conn, nav="series", page_title=item.name, item=item,
                  favorite=_library_state(conn, profile.id, "series", provider_id)["favorite"])


@router.get("/series/{provider_id}/details")
async def series_details(request: Request, provider_id: str, conn: Conn, profile: ActiveProfile,
                         settings: AppSettings, vault: AppVault, season: int | None = None,
                         refresh: bool = False) -> Response:
    """Seasons as tabs and the chosen season's episodes with their watched state (htmx)."""
    item = _item_or_404(conn, profile.id, "series", provider_id)
    found = await details.series(settings, conn, vault, profile, provider_id, refresh=refresh)
    numbers = sorted(set(found.episodes) | {int(s["season_number"]) for s in found.seasons
                                            if isinstance(s, dict) and s.get("season_number") is not None
                                            and found.episodes.get(int(s["season_number"]))})
    if season is None or season not in numbers:
        season = numbers[0] if numbers else None
    episodes = list(found.episodes.get(season, [])) if season is not None else []
    watched = history.watched_ids(conn, profile.id, "episode")
    started = history.started(conn, profile.id, [("episode", str(e.episode_id)) for e in episodes])
    resume = {key[1]: e.position_secs for key, e in started.items()}
    progress = {key[1]: p for key, e in started.items() if (p := percent(e.progress)) is not None}
    first = found.episodes[numbers[0]][0] if numbers and found.episodes.get(numbers[0]) else None
    return render_partial(request, "_item_series_details.html", item=item, info=found.info, seasons=numbers,
                          season=season, episodes=episodes, resume=resume, progress=progress, watched=watched,
                          next_up=next_up.for_series(conn, profile.id, provider_id), first=first,
                          offline=found.offline, offline_error=found.error)
