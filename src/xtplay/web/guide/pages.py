"""Programme guide pages: the grid (channels × 3 hours) and a channel's guide by day.

The grid scrolls in time with earlier/later links and in channels with a "load more" row
(htmx, like the channel list). A programme on now plays the channel; a past one on a channel
with an archive plays as catch-up; others open the channel's guide. Everything shown comes
from ``guide`` over the library; the provider is asked only when a person loads a channel's
listing that the library lacks.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from xtplay import guide
from xtplay.accounts.profiles import Profile
from xtplay.errors import XtplayError
from xtplay.guide import catchup
from xtplay.library import catalog, favorites
from xtplay.web.deps import ActiveProfile, AppSettings, AppVault, Conn
from xtplay.web.locale import gettext as _
from xtplay.web.templating import render, render_partial
from xtplay.web.urls import query
from xtplay.web.views import now_next_for, viewer_tz

log = logging.getLogger(__name__)
router = APIRouter()

#: Grid window and channel rows per page.
GRID_HOURS = 3
GRID_CHANNELS = 30
#: Days of a channel's guide offered ahead of today (and back, within its archive).
DAYS_AHEAD = 6


def _grid_start(start: int | None) -> datetime:
    """The window's start: given (epoch seconds), else half an hour before now, on the half hour."""
    if start is not None:
        return guide.align(datetime.fromtimestamp(start, UTC))
    return guide.align(datetime.now(UTC) - timedelta(minutes=30))


def _grid(conn: sqlite3.Connection, profile: Profile, start: int | None, offset: int, category: str | None) -> Any:
    if offset < 0:
        raise HTTPException(422, _("The channel offset cannot be negative."))
    return guide.grid(conn, profile.id, _grid_start(start), hours=GRID_HOURS, channel_offset=offset,
                      channels=GRID_CHANNELS, category_id=category, include_adult=bool(profile.adult_enabled))


def _more_url(grid: Any, category: str | None) -> str | None:
    if grid.next_offset is None:
        return None
    return f"/guide/rows{query(start=int(grid.start.timestamp()), offset=grid.next_offset, category=category)}"


@router.get("/guide")
def guide_page(request: Request, conn: Conn, profile: ActiveProfile, start: int | None = None, offset: int = 0,
               category: str | None = None) -> Response:
    """The guide grid: a 3-hour window of the channels, a line at the current time."""
    category = None if category == "*" else category
    grid = _grid(conn, profile, start, offset, category)
    cats = catalog.categories(conn, profile.id, "live", include_adult=bool(profile.adult_enabled))
    return render(request, "guide.html", conn=conn, nav="guide", page_title=_("Guide"), grid=grid, tz=viewer_tz(profile),
                  categories=cats, category=category, more_url=_more_url(grid, category),
                  has_guide=_has_any_guide(conn, profile.id, grid))


def _has_any_guide(conn: sqlite3.Connection, profile_id: int, grid: Any) -> bool:
    """A loaded guide, or at least the programmes now/next brought (before the first load)."""
    return guide.last_success(conn, profile_id) is not None or any(row.cells for row in grid.rows)


@router.get("/guide/rows")
def guide_rows(request: Request, start: int, offset: int, conn: Conn, profile: ActiveProfile,
               category: str | None = None) -> Response:
    """More channel rows of the same window (htmx, when the "load more" row is revealed)."""
    grid = _grid(conn, profile, start, offset, category)
    return render_partial(request, "guide_rows.html", grid=grid, tz=viewer_tz(profile),
                          more_url=_more_url(grid, category))


def _day_list(today: date, archive_days: int) -> list[date]:
    back = min(archive_days, 7)
    return [today + timedelta(days=d) for d in range(-back, DAYS_AHEAD + 1)]


@router.get("/guide/channel/{provider_id}")
def channel_guide_page(request: Request, provider_id: str, conn: Conn, profile: ActiveProfile,
                       day: str | None = None) -> Response:
    """A channel's programmes for one day (today by default) with descriptions."""
    channel = catalog.get_item(conn, profile.id, "live", provider_id)
    if channel is None:
        raise HTTPException(404, _("This channel is not in the library."))
    tz = viewer_tz(profile) or UTC
    today = datetime.now(tz).date()
    try:
        chosen = date.fromisoformat(day) if day else today
    except ValueError:
        raise HTTPException(422, _("“%(day)s” is not a date (YYYY-MM-DD).") % {"day": day}) from None
    title = _("Guide · %(channel)s") % {"channel": channel.name}
    return render(request, "guide_channel.html", conn=conn, nav="guide", page_title=title,
                  favorite=favorites.is_favorite(conn, profile.id, "live", provider_id), channel=channel,
                  day=chosen, today=today, days=_day_list(today, channel.archive_days), tz=tz,
                  **_listing(conn, profile, channel, chosen, tz))


def _listing(conn: sqlite3.Connection, profile: Profile, channel: Any, day: date, tz: Any) -> dict[str, Any]:
    """The day's programmes, each marked on now / playable as catch-up."""
    programmes = guide.channel_guide(conn, profile.id, channel.provider_id, day, tz)
    now = int(datetime.now(UTC).timestamp())
    rows = []
    for p in programmes:
        s, e = int(p.start.timestamp()), int(p.stop.timestamp())
        rows.append({"p": p, "start_ts": s, "is_now": s <= now < e, "is_past": e <= now,
                     "catchup": catchup.in_archive_window(channel.archive_days, s, e, now)})
    return {"programmes": rows}


@router.get("/guide/channel/{provider_id}/load")
async def channel_guide_load(request: Request, provider_id: str, conn: Conn, profile: ActiveProfile,
                             settings: AppSettings, vault: AppVault, day: str | None = None) -> Response:
    """Ask the provider for the channel's listing (htmx; errors become a panel with Retry).

    A GET like the details pages: it only fills the library's copy of the provider's data,
    and the error panel's Retry repeats it."""
    channel = catalog.get_item(conn, profile.id, "live", provider_id)
    if channel is None:
        raise HTTPException(404, _("This channel is not in the library."))
    tz = viewer_tz(profile) or UTC
    try:
        chosen = date.fromisoformat(day) if day else datetime.now(tz).date()
    except ValueError:
        raise HTTPException(422, _("“%(day)s” is not a date (YYYY-MM-DD).") % {"day": day}) from None
    await guide.load_channel_day(settings, conn, vault, profile, provider_id)
    return render_partial(request, "guide_listing.html", channel=channel, day=chosen, tz=tz, loaded=True,
                          **_listing(conn, profile, channel, chosen, tz))


@router.get("/live/now-next")
async def live_now_next(request: Request, conn: Conn, profile: ActiveProfile, settings: AppSettings,
                        vault: AppVault) -> Response:
    """Now/next for channels the stored guide does not cover, from the provider's short EPG.

    Asked by a channel list page after it rendered; answers out-of-band swaps of the rows'
    now/next cells, and nothing when the provider has nothing (now/next is a decoration).
    """
    ids = [i for i in request.query_params.getlist("id") if i][:100]
    try:
        await guide.refresh_now_next(settings, conn, vault, profile, ids)
    except XtplayError as exc:
        log.info("now/next from the provider failed: %s", exc)
        return Response("")
    channels = [c for c in (catalog.get_item(conn, profile.id, "live", i) for i in ids) if c is not None]
    return render_partial(request, "_channel_now_next.html", channels=channels, tz=viewer_tz(profile),
                          now_next=now_next_for(conn, profile.id, channels))
