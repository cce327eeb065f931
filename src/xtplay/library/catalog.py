"""Browsing the local library: categories with counts, pages of items, one item, offline state.

Plain functions over a sqlite3 connection; nothing here calls a provider. Pages use keyset
pagination (an opaque cursor naming the last row's sort key), so page 500 costs what page 1
costs over a 150,000-item catalog.
"""

from __future__ import annotations

import base64
import sqlite3
import time
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from xtplay.errors import InvalidBrowse, UnknownItemType
from xtplay.i18n import N_

ItemType = Literal["live", "movie", "series"]
TYPES: tuple[str, ...] = ("live", "movie", "series")
SORTS: tuple[str, ...] = ("provider", "name", "rating", "added")
#: The category id of items the provider left without one.
UNCATEGORISED = ""


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """A category of one type, with the number of browsable items in it."""

    id: str
    name: str
    count: int
    is_adult: bool = False


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One channel, movie or series as the library knows it."""

    type: str
    provider_id: str
    name: str
    category_id: str
    #: A channel's number (typing its digits zaps to it); None for movies and series.
    num: int | None
    logo: str | None
    rating: float | None
    year: int | None
    genre: str | None
    plot: str | None
    cast: str | None
    added: int | None
    container: str | None
    epg_channel_id: str | None
    archive_days: int
    is_adult: bool
    #: Always True for a row read from the library (kept for callers that mix in favorites of
    #: items that left the provider, which they build with ``available=False``).
    available: bool
    category_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the web API and ``--json`` use it)."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Page:
    """One page of items and the cursor of the next page (None on the last)."""

    items: list[ItemRow]
    next_cursor: str | None


_ITEM_COLUMNS = (
    "i.type, i.provider_id, i.name, i.category_id, i.num, i.logo, i.rating, i.year, i.genre, i.plot, "
    'i."cast", i.added, i.container, i.epg_channel_id, i.archive_days, i.is_adult, 1'
)


def _row_to_item(row: sqlite3.Row, category_name: str | None = None) -> ItemRow:
    return ItemRow(
        type=row[0], provider_id=row[1], name=row[2], category_id=row[3], num=row[4], logo=row[5],
        rating=row[6], year=row[7], genre=row[8], plot=row[9], cast=row[10], added=row[11],
        container=row[12], epg_channel_id=row[13], archive_days=row[14] or 0, is_adult=bool(row[15]),
        available=bool(row[16]), category_name=category_name,
    )


def _check_type(type: str) -> None:
    if type not in TYPES:
        raise UnknownItemType(N_("Unknown kind of item “%(type)s” (expected live, movie or series)."), {"type": type})


def categories(conn: sqlite3.Connection, profile_id: int, type: str, include_adult: bool = False) -> list[CategoryRow]:
    """Categories of a type in provider order, each with its item count; empty ones are left out.

    Items whose category the provider does not list land in an "Uncategorised" bucket at the end.
    """
    _check_type(type)
    adult = "" if include_adult else "AND i.is_adult = 0"
    counts = dict(conn.execute(
        f"SELECT i.category_id, count(*) FROM items i WHERE i.profile_id = ? AND i.type = ? "
        f"{adult} GROUP BY i.category_id",
        (profile_id, type),
    ).fetchall())
    out: list[CategoryRow] = []
    seen: set[str] = set()
    for cid, name, is_adult in conn.execute(
        "SELECT provider_id, name, is_adult FROM categories WHERE profile_id = ? AND type = ? ORDER BY position",
        (profile_id, type),
    ):
        seen.add(cid)
        if (is_adult and not include_adult) or not counts.get(cid):
            continue
        out.append(CategoryRow(cid, name, counts[cid], bool(is_adult)))
    orphans = sum(n for cid, n in counts.items() if cid not in seen)
    if orphans:
        out.append(CategoryRow(UNCATEGORISED, "Uncategorised", orphans))
    return out


def category_name(conn: sqlite3.Connection, profile_id: int, type: str, category_id: str) -> str | None:
    """The display name of a category (None when unknown)."""
    row = conn.execute(
        "SELECT name FROM categories WHERE profile_id = ? AND type = ? AND provider_id = ?",
        (profile_id, type, category_id),
    ).fetchone()
    if row:
        return row[0]
    return "Uncategorised" if category_id == UNCATEGORISED else None


def _encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values)).decode().rstrip("=")


def _decode_cursor(cursor: str) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise InvalidBrowse(N_("That page link is no longer valid; start again from the first page.")) from exc
    if not isinstance(values, list) or len(values) != 2:
        raise InvalidBrowse(N_("That page link is no longer valid; start again from the first page."))
    return values


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def item_filters(genre: str | None = None, year_from: int | None = None, year_to: int | None = None,
                 min_rating: float | None = None) -> tuple[list[str], list[Any]]:
    """SQL conditions (over ``items i``) and their arguments for the movie/series filters."""
    where: list[str] = []
    args: list[Any] = []
    if genre and genre.strip():
        where.append("i.genre LIKE ? ESCAPE '\\'")
        args.append(f"%{_like_escape(genre.strip())}%")
    if year_from is not None:
        where.append("i.year >= ?")
        args.append(int(year_from))
    if year_to is not None:
        where.append("i.year <= ?")
        args.append(int(year_to))
    if min_rating is not None:
        where.append("i.rating >= ?")
        args.append(float(min_rating))
    return where, args


# Each sort: (key expression, direction); ties break on position (unique per type) in the
# same direction, so (key, position) row values give keyset pages the indexes serve directly.
_SORT_KEYS = {
    "provider": ("i.position", "ASC"),
    "name": ("i.search_name", "ASC"),
    # NULL ratings sort last: key -1 is below every real rating (0..10).
    "rating": ("coalesce(i.rating, -1)", "DESC"),
    "added": ("coalesce(i.added, 0)", "DESC"),
}


#: A category with fewer items than this, sorted by name, rating or date, is sorted inside
#: its own index (which carries the sort keys) and only the page's rows are read (4 ms for
#: 5,000 items). A larger one walks the type's sort index from where the category's first
#: item sits in that order, skipping other categories' rows inside the index: a category's
#: names often share a prefix ("UK | …") and start late in the type's order.
WHOLE_CATEGORY_MAX = 5_000
#: With a year or rating filter (tested inside the category's index, so only the matches are
#: sorted) a category is sorted inside its index up to this size.
WHOLE_FILTERED_CATEGORY_MAX = 50_000


def _sorts_inside_category(conn: sqlite3.Connection, profile_id: int, type: str, category_id: str,
                           narrowed: bool) -> bool:
    """Whether the category is small enough to sort inside its own index (counted only up to
    the limit that applies)."""
    cap = WHOLE_FILTERED_CATEGORY_MAX if narrowed else WHOLE_CATEGORY_MAX
    size = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM items INDEXED BY items_by_position "
        "WHERE profile_id = ? AND type = ? AND category_id = ? LIMIT ?)",
        (profile_id, type, category_id, cap),
    ).fetchone()[0]
    return size < cap


def _walk_start(conn: sqlite3.Connection, profile_id: int, type: str, category_id: str, key: str,
                direction: str) -> Any:
    """The category's first key in the sort order: where walking the type's index starts."""
    return conn.execute(
        f"SELECT {'min' if direction == 'ASC' else 'max'}({key}) FROM items i INDEXED BY items_by_position "
        "WHERE i.profile_id = ? AND i.type = ? AND i.category_id = ?",
        (profile_id, type, category_id),
    ).fetchone()[0]


def items(
    conn: sqlite3.Connection,
    profile_id: int,
    type: str,
    category_id: str | None = None,
    sort: str = "provider",
    after: str | None = None,
    limit: int = 60,
    include_adult: bool = False,
    genre: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    min_rating: float | None = None,
) -> Page:
    """One page of a type's items (optionally of one category), sorted, after a cursor.

    Filters narrow the same keyset walk in SQL: ``genre`` is a case-insensitive substring of
    the genre text, ``year_from``/``year_to`` an inclusive year range, ``min_rating`` a floor
    (items without a year or rating never pass those filters). A sort index drives the walk,
    so a page costs the rows read up to ``limit`` matches, never the whole type; a category
    under WHOLE_CATEGORY_MAX items is sorted inside its own index instead.
    """
    _check_type(type)
    if sort not in _SORT_KEYS:
        raise InvalidBrowse(N_("Unknown sort “%(sort)s” (expected one of %(sorts)s)."), {"sort": sort, "sorts": ", ".join(SORTS)})
    limit = max(1, min(int(limit), 500))
    key, direction = _SORT_KEYS[sort]
    where = ["i.profile_id = ?", "i.type = ?"]
    args: list[Any] = [profile_id, type]
    if category_id is not None:
        where.append("i.category_id = ?")
        args.append(category_id)
    if not include_adult:
        where.append("i.is_adult = 0")
    filters, filter_args = item_filters(genre, year_from, year_to, min_rating)
    where += filters
    args += filter_args
    if after:
        last_key, last_pos = _decode_cursor(after)
        where.append(f"({key}, i.position) {'>' if direction == 'ASC' else '<'} (?, ?)")
        args += [last_key, last_pos]
    order = "i.position" if sort == "provider" else f"{key} {direction}, i.position {direction}"
    by_key_in_category = category_id is not None and sort != "provider"
    narrowed = not genre and (year_from is not None or year_to is not None or min_rating is not None)
    whole = category_id is not None and by_key_in_category and _sorts_inside_category(
        conn, profile_id, type, category_id, narrowed)
    if category_id is not None and by_key_in_category and not whole and not after:  # the walk starts at the category's first key
        where.append(f"{key} {'>=' if direction == 'ASC' else '<='} ?")
        args.append(_walk_start(conn, profile_id, type, category_id, key, direction))
    conditions = " AND ".join(where)
    if whole:  # sorted inside the category's index; only the page's rows are read from the table
        sql = (f"SELECT {_ITEM_COLUMNS}, pg.sort_key, pg.sort_pos FROM ("
               f"SELECT i.id, {key} AS sort_key, i.position AS sort_pos FROM items i INDEXED BY items_by_position "
               f"WHERE {conditions} ORDER BY {order} LIMIT ?"
               f") AS pg JOIN items i ON i.id = pg.id ORDER BY pg.sort_key {direction}, pg.sort_pos {direction}")
    else:
        index = f"INDEXED BY items_all_by_{sort}" if by_key_in_category else ""
        sql = f"SELECT {_ITEM_COLUMNS}, {key}, i.position FROM items i {index} WHERE {conditions} ORDER BY {order} LIMIT ?"
    rows = conn.execute(sql, (*args, limit + 1)).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    page = [_row_to_item(r) for r in rows]
    cursor = _encode_cursor([rows[-1][17], rows[-1][18]]) if more and rows else None
    return Page(page, cursor)


def get_item(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str | int) -> ItemRow | None:
    """One item by its provider id; None when unknown or gone from the provider (favorites and
    history keep their own copy of the name and show such an item as unavailable)."""
    _check_type(type)
    row = conn.execute(
        f"SELECT {_ITEM_COLUMNS}, c.name FROM items i LEFT JOIN categories c "
        "ON c.profile_id = i.profile_id AND c.type = i.type AND c.provider_id = i.category_id "
        "WHERE i.profile_id = ? AND i.type = ? AND i.provider_id = ?",
        (profile_id, type, str(provider_id)),
    ).fetchone()
    return _row_to_item(row, row[17]) if row else None


def get_items(conn: sqlite3.Connection, profile_id: int, keys: list[tuple[str, str]]) -> dict[tuple[str, str], ItemRow]:
    """Many items at once by (type, provider_id), for favorites and history lists."""
    out: dict[tuple[str, str], ItemRow] = {}
    for type, provider_id in keys:
        item = get_item(conn, profile_id, type, provider_id)
        if item is not None:
            out[(type, str(provider_id))] = item
    return out


def channel_by_number(conn: sqlite3.Connection, profile_id: int, num: int) -> ItemRow | None:
    """The live channel with this number (the provider's ``num``), for typing digits to zap."""
    row = conn.execute(
        f"SELECT {_ITEM_COLUMNS} FROM items i WHERE i.profile_id = ? AND i.num = ? AND i.type = 'live' "
        "ORDER BY i.position LIMIT 1",
        (profile_id, int(num)),
    ).fetchone()
    return _row_to_item(row) if row else None


def counts(conn: sqlite3.Connection, profile_id: int) -> dict[str, int]:
    """Browsable items per type (0 for a type never synced)."""
    found = dict(conn.execute(
        "SELECT type, count(*) FROM items WHERE profile_id = ? GROUP BY type", (profile_id,)
    ).fetchall())
    return {t: found.get(t, 0) for t in TYPES}


def is_empty(conn: sqlite3.Connection, profile_id: int, type: str | None = None) -> bool:
    """True when nothing was ever synced for the profile (of ``type`` only, when given)."""
    sql = "SELECT 1 FROM items WHERE profile_id = ?"
    args: list[Any] = [profile_id]
    if type is not None:
        _check_type(type)
        sql, args = sql + " AND type = ?", [*args, type]
    return conn.execute(sql + " LIMIT 1", args).fetchone() is None


@dataclass(frozen=True, slots=True)
class OfflineState:
    """How old the library's data is, for the "offline — data from <time>" banner."""

    synced_at: int | None  #: unix time the last successful (ok or partial) sync finished
    age_seconds: float | None
    empty: bool


def offline_state(conn: sqlite3.Connection, profile_id: int) -> OfflineState:
    """Age of the profile's catalog (None when never synced); the web layer pairs it with an
    unreachable provider to say "offline — data from <time>"."""
    row = conn.execute(
        "SELECT max(finished_at) FROM sync_runs WHERE profile_id = ? AND status IN ('ok', 'partial')",
        (profile_id,),
    ).fetchone()
    synced = row[0] if row else None
    return OfflineState(synced, (time.time() - synced) if synced else None, is_empty(conn, profile_id))
