"""The home screen the app opens on: rows of what to pick up, each a row of posters.

Rows: Continue watching (with progress), Next up (the next episode of each series in
progress), Recent channels, Favorites, Recently added. Every poster is a plain link with
``data-nav`` and its row and column in ``data-row``/``data-col``, so the keyboard (arrows, a
TV remote) reaches each one; the page computes nothing the library does not already know.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from xtplay.accounts.profiles import Profile
from xtplay.library import catalog, details, favorites, history, next_up
from xtplay.web.deps import Conn, current_profile
from xtplay.web.locale import gettext as _
from xtplay.web.recent import recent_list
from xtplay.web.templating import render
from xtplay.web.urls import item_art_url, item_url, watch_url
from xtplay.web.views import percent, watched_percent

router = APIRouter()

#: Posters per row.
ROW_LENGTH = 16


@dataclass(frozen=True, slots=True)
class Card:
    """One poster of a row: where it leads, what it shows, how far it was watched (0–100)."""

    href: str
    name: str
    art: str | None  #: the picture's address on xtplay's artwork cache
    note: str = ""
    progress: int | None = None
    kind: str = "movie"


def _series_of_episode(conn: sqlite3.Connection, profile_id: int, episode_id: str) -> catalog.ItemRow | None:
    found = details.episode(conn, profile_id, episode_id)
    return catalog.get_item(conn, profile_id, "series", found[0]) if found else None


def _continue_row(conn: sqlite3.Connection, profile: Profile) -> list[Card]:
    cards = []
    for e in history.continue_watching(conn, profile.id, ROW_LENGTH):
        item = e.item if e.type == "movie" else _series_of_episode(conn, profile.id, e.provider_id)
        if e.type == "movie" and item is None:
            continue  # gone from the provider: nothing to resume
        cards.append(Card(watch_url(e.type, e.provider_id), e.name, item_art_url(item),
                          _("%(position)s watched") % {"position": _clock(e.position_secs)}, percent(e.progress),
                          e.type))
    return cards


def _clock(secs: float) -> str:
    s = int(secs)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _next_up_row(conn: sqlite3.Connection, profile: Profile) -> list[Card]:
    cards = []
    for n in next_up.in_progress(conn, profile.id, ROW_LENGTH):
        series = catalog.get_item(conn, profile.id, "series", n.series_id)
        name = series.name if series else n.title
        cards.append(Card(watch_url("episode", n.episode_id), name, item_art_url(series),
                          f"{n.label} · {n.title}", percent(n.progress), "episode"))
    return cards


def _channels_row(conn: sqlite3.Connection, request: Request, profile: Profile) -> list[Card]:
    return [Card(watch_url("live", c.provider_id), c.name, item_art_url(c, "logo"), f"{c.num}" if c.num else "", None, "live")
            for c in recent_list(request, conn, profile, ROW_LENGTH)]


def _favorites_row(conn: sqlite3.Connection, profile: Profile) -> list[Card]:
    entries = [f for f in favorites.list(conn, profile.id) if f.item is not None][:ROW_LENGTH]
    progress = watched_percent(conn, profile.id, [(f.type, f.provider_id) for f in entries])
    return [Card(item_url(f.type, f.provider_id), f.item.name, item_art_url(f.item, "logo" if f.type == "live" else "poster"),
                 "", progress.get((f.type, f.provider_id)), f.type) for f in entries if f.item is not None]


def _added_row(conn: sqlite3.Connection, profile: Profile) -> list[Card]:
    adult = bool(profile.adult_enabled)
    found = [*catalog.items(conn, profile.id, "movie", sort="added", limit=ROW_LENGTH, include_adult=adult).items,
             *catalog.items(conn, profile.id, "series", sort="added", limit=ROW_LENGTH, include_adult=adult).items]
    found.sort(key=lambda i: i.added or 0, reverse=True)
    found = found[:ROW_LENGTH]
    progress = watched_percent(conn, profile.id, [(i.type, i.provider_id) for i in found])
    return [Card(item_url(i.type, i.provider_id), i.name, item_art_url(i), str(i.year or ""),
                 progress.get((i.type, i.provider_id)), i.type) for i in found]


@router.get("/")
def home(request: Request, conn: Conn) -> Response:
    """The home screen; the welcome page on first run."""
    profile = current_profile(request, conn)
    if profile is None:
        return RedirectResponse("/welcome", status_code=303)
    rows = [("continue", _("Continue watching"), _continue_row(conn, profile)),
            ("next", _("Next up"), _next_up_row(conn, profile)),
            ("channels", _("Recent channels"), _channels_row(conn, request, profile)),
            ("favorites", _("Favorites"), _favorites_row(conn, profile)),
            ("added", _("Recently added"), _added_row(conn, profile))]
    return render(request, "home.html", conn=conn, nav="home", page_title=_("Home"),
                  rows=[(key, title, cards) for key, title, cards in rows if cards])
