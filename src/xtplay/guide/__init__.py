"""The programme guide: XMLTV ingest into SQLite, channel matching, and now/next/day/grid queries.

Each guide source of a profile (the provider's ``xmltv.php`` = ``xtream``, every added URL =
``url:<id>``, per-channel short EPG = ``short``) is written under a fresh run id while readers
keep the current run (``guide_current``); only a complete guide is swapped in, in one small
transaction, so a broken or truncated guide keeps the previous one and is reported.
Catalog live channels map onto guide channels by EPG channel id, else by normalised display
name (``guide_map``). Every time stored is UTC epoch seconds; zones apply only on display.

Inside, the flow is one way: :mod:`.model` ← :mod:`.blocks` (the stored codec) ←
:mod:`.query` and :mod:`.store` ← :mod:`.catchup` ← :mod:`.grid`; :mod:`.refresh` (talking to
the provider) sits on top. This module only re-exports, so callers need one import.

How pages and the player use it (all plain functions over a connection):
- channel lists, player: ``now_next(conn, pid, ids)`` → ``{id: NowNext(now, next)}``;
  ``Programme.progress(at)`` for the bar; ``NowNext(None, None)`` = "no programme information".
  Before rendering, ``await refresh_now_next(settings, conn, vault, profile, ids)`` fills the
  channels no XMLTV covers from the short EPG (rate-limited, never raises).
- a channel's guide: ``channel_guide(conn, pid, id, day, viewer_zone(profile.timezone))``.
- the grid: ``grid(conn, pid, align(now), hours=3, channel_offset=n, channels=50)`` → ``Grid``
  whose rows and cells carry percent offsets, ``is_now`` and ``catchup`` flags.
- catch-up: ``catchup.playable(...)`` and ``catchup.timeshift_for(conn, profile, id, start)``;
  a programme is named by (channel id, ``Programme.start_ts``).
"""

from xtplay.guide import catchup
from xtplay.guide.grid import Grid, GridCell, GridRow, align, grid
from xtplay.guide.model import SHORT, XTREAM, GuideResult, NowNext, Programme, Retention, provider_zone, viewer_zone
from xtplay.guide.query import (
    channel_guide,
    day_bounds,
    now_next,
    programme_at,
    programmes_between,
    resolve_channels,
    search_programmes,
)
from xtplay.guide.refresh import (
    add_source,
    last_runs,
    last_success,
    load_channel_day,
    refresh_guide,
    refresh_now_next,
    remove_source,
    run_scheduler,
    sources,
)
from xtplay.guide.store import (
    DEFAULT_LENGTH,
    SourceIngest,
    ingest_stream,
    ingest_xmltv,
    match_state,
    normalise_name,
    programme_count,
    prune,
    rematch,
)

__all__ = [
    "DEFAULT_LENGTH",
    "SHORT",
    "XTREAM",
    "Grid",
    "GridCell",
    "GridRow",
    "GuideResult",
    "NowNext",
    "Programme",
    "Retention",
    "SourceIngest",
    "add_source",
    "align",
    "catchup",
    "channel_guide",
    "day_bounds",
    "grid",
    "ingest_stream",
    "ingest_xmltv",
    "last_runs",
    "last_success",
    "load_channel_day",
    "match_state",
    "normalise_name",
    "now_next",
    "programme_at",
    "programme_count",
    "programmes_between",
    "provider_zone",
    "prune",
    "refresh_guide",
    "refresh_now_next",
    "rematch",
    "remove_source",
    "resolve_channels",
    "run_scheduler",
    "search_programmes",
    "sources",
    "viewer_zone",
]
