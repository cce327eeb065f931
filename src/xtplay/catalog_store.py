"""Writing a catalog into the library: normalised rows in, one atomic swap per type.

Sync (network) and this module (storage) meet at plain tuples: :func:`normalise_raw` turns a
panel's raw list into rows and :func:`replace_type` swaps them in. Rows are first staged in a
TEMP table (no lock on the library file, :func:`stage`), then one ``BEGIN IMMEDIATE`` transaction deletes
the items that left the provider, inserts the new ones and updates only the changed ones, so
a second sync of an unchanged catalog writes almost nothing, and a crash at any point leaves
the previous catalog of that type whole.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, NamedTuple

from .db import transaction, translate_error
from .errors import CatalogError
from .search import fold, words
from .sources import values

log = logging.getLogger(__name__)

#: Category names providers use for adult content (checked on the folded name).
_ADULT = re.compile(r"(?:^|[^a-z0-9])(xxx|adults?|porn\w*|18\s*\+|\+\s*18|for adults)(?:[^a-z0-9]|$)")
#: Vocabulary words shorter than this are never typo targets (targets have five letters, ±1).
_TERM_MIN = 4
_STAGE_CHUNK = 10_000
#: Page cache of the connection while it writes a type (KiB), and the default it returns to.
_SYNC_CACHE_KIB = 32 * 1024
_DEFAULT_CACHE = -2000

_FIELDS = ("provider_id", "name", "search_name", "category_id", "position", "num", "logo",
           "rating", "year", "genre", "plot", "cast", "added", "container", "epg_channel_id", "archive_days",
           "is_adult")


class CategoryData(NamedTuple):
    provider_id: str
    name: str
    parent_id: str | None
    position: int
    is_adult: bool


def is_adult_name(name: str) -> bool:
    """Whether a category name marks adult content ("XXX", "Adult", "18+", …)."""
    return bool(_ADULT.search(fold(name)))


def _epoch(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return int(value.timestamp())
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):  # "inf" overflows
        return None
    return number if number > 0 else None


def _int(value: Any) -> int | None:
    if value is None or type(value) is int:
        return value
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    if value is None:
        return None
    if type(value) is float:
        return value if value == value else None  # NaN is no rating
    if value == "":
        return None
    try:
        number = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is no rating


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is str:
        return value.strip() or None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value if v)
    text = str(value).strip()
    return text or None


def normalise_categories(raw: Iterable[Any]) -> list[CategoryData]:
    """Categories in provider order, deduplicated, with their adult flag."""
    out: list[CategoryData] = []
    seen: set[str] = set()
    for cat in raw:
        cid = str(getattr(cat, "category_id", "") or "")
        if not cid or cid in seen:
            continue
        seen.add(cid)
        name = _text(getattr(cat, "name", None)) or f"Category {cid}"
        parent = getattr(cat, "parent_id", None)
        out.append(CategoryData(cid, name, str(parent) if parent not in (None, "", 0, "0") else None,
                                len(out), is_adult_name(name)))
    return out


def _memo(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``read`` remembering its answers: a list repeats its genres, ratings and extensions
    thousands of times, and a dict lookup is cheaper than reading the value again."""
    cache: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = read(value)
            return result
        except TypeError:  # unhashable (a list): read it every time
            return read(value)

    return cached


def _added(value: Any) -> int | None:
    """Unix seconds of a raw date: plain seconds read directly, anything else (milliseconds,
    ISO text, junk) by :func:`values.timestamp`."""
    seconds = _epoch(value) if type(value) is not bool else None
    if seconds is not None and seconds <= 10**11:
        return seconds
    return _epoch(values.timestamp(value))


def normalise_raw(type: str, raw: Iterable[dict[str, Any]], categories: list[CategoryData]) -> list[tuple[Any, ...]]:
    """Rows (in :data:`_FIELDS` order) straight from a panel's raw list (``XtreamClient.raw_list``).

    It reads values with the same tolerant readers as the client's models
    (:mod:`xtplay.sources.values`, the same fallbacks) but builds no record per item: a full
    sync of 100,000 items spends its CPU here. Rows without a usable id are skipped, as the
    models do; duplicate ids keep their first row; a category the provider does not list
    becomes the "uncategorised" bucket; an item in an adult category is adult.
    """
    known = {c.provider_id: c.is_adult for c in categories}
    rows: list[tuple[Any, ...]] = []
    seen: set[int] = set()
    text, integer, year = values.text, values.integer, values.year
    number, flag, category_ref = _memo(values.number), _memo(values.flag), _memo(values.category_ref)
    short_text = _memo(values.text)  # genres, extensions: few distinct values
    id_key = "series_id" if type == "series" else "stream_id"
    fallback = {"live": "Channel", "movie": "Movie", "series": "Series"}[type]
    skipped = 0
    for item in raw:
        get = item.get
        pid = integer(get(id_key))
        if pid is None:
            skipped += 1
            continue
        if pid in seen:
            continue
        seen.add(pid)
        cid = category_ref(get("category_id")) or ""
        if cid not in known:
            cid = ""
        adult = flag(get("is_adult")) or known.get(cid, False)
        if type == "live":
            name = text(get("name")) or f"{fallback} {pid}"
            days = integer(get("tv_archive_duration")) or 0
            archive = days if days > 0 and flag(get("tv_archive")) else 0
            row = (name, text(get("stream_icon")), None, None, None, None, None,
                   _added(get("added")), None, text(get("epg_channel_id")), archive)
        elif type == "movie":
            name = text(get("name")) or text(get("title")) or f"{fallback} {pid}"
            rating = number(get("rating"))
            if rating is None and (five := number(get("rating_5based"))) is not None:
                rating = five * 2
            row = (name, text(get("stream_icon")), rating, year(get("year"), get("release_date"), name),
                   short_text(get("genre")), text(get("plot")), text(get("cast")), _added(get("added")),
                   short_text(get("container_extension")) or "mp4", None, 0)
        else:
            name = text(get("name")) or text(get("title")) or f"{fallback} {pid}"
            release = text(get("releaseDate")) or text(get("release_date"))
            row = (name, text(get("cover")), number(get("rating")), year(get("year"), release, name),
                   short_text(get("genre")), text(get("plot")), text(get("cast")), _added(get("last_modified")),
                   None, None, 0)
        name, logo, rating, yr, genre, plot, cast, added, container, epg, archive = row
        rows.append((str(pid), name, fold(name), cid, len(rows), integer(get("num")), logo, rating, yr,
                     genre, plot, cast, added, container, epg, archive, int(adult)))
    if skipped:
        log.info("skipped %d %s rows without an id", skipped, type)
    return rows


_STAGE_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS stage_items (provider_id TEXT, name TEXT, search_name TEXT, "
    "category_id TEXT, position INTEGER, num INTEGER, logo TEXT, rating REAL, year INTEGER, "
    'genre TEXT, plot TEXT, "cast" TEXT, added INTEGER, container TEXT, epg_channel_id TEXT, '
    "archive_days INTEGER, is_adult INTEGER)"
)
_COLS = ", ".join('"cast"' if f == "cast" else f for f in _FIELDS)
_CHANGED = " OR ".join(
    f'items.{c} IS NOT excluded.{c}' for c in ('"cast"' if f == "cast" else f for f in _FIELDS[1:])
)
#: Rows are staged in provider order, so the stage's rowid order is position order: ordering by
#: it inserts items (and their index entries) in position order without a sort of the stage.
_UPSERT = (
    f"INSERT INTO items (profile_id, type, {_COLS}) SELECT ?, ?, {_COLS} FROM temp.stage_items WHERE true "
    "ORDER BY rowid ON CONFLICT (profile_id, type, provider_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in ('"cast"' if f == "cast" else f for f in _FIELDS[1:]))
    + f" WHERE {_CHANGED}"
)


def replace_type(
    conn: sqlite3.Connection,
    profile_id: int,
    type: str,
    categories: list[CategoryData],
    rows: list[tuple[Any, ...]],
    report: Callable[[int], Any] | None = None,
) -> int:
    """Make the library's ``type`` catalog of the profile exactly ``categories`` + ``rows``:
    :func:`stage` then :func:`swap`. Returns the number of items."""
    stage(conn, rows, report)
    return swap(conn, profile_id, type, categories, report)


def stage(conn: sqlite3.Connection, rows: list[tuple[Any, ...]], report: Callable[[int], Any] | None = None) -> None:
    """Copy rows into the connection's TEMP stage (no lock on the library file).

    This is the Python-bound half of a write: every row is bound from Python, and the GIL is
    taken back after each row. Sync runs it while no other Python work is going on, because
    a busy second thread makes each of those hand-overs wait for the interpreter's switch
    interval (a 100,000-row stage took 33 s instead of 0.6 s beside a busy thread).
    """
    try:
        conn.execute(_STAGE_DDL)
        conn.execute("DELETE FROM temp.stage_items")
        placeholders = ", ".join("?" * len(_FIELDS))
        for start in range(0, len(rows), _STAGE_CHUNK):
            conn.executemany(f"INSERT INTO temp.stage_items VALUES ({placeholders})", rows[start:start + _STAGE_CHUNK])
            if report:
                report(min(start + _STAGE_CHUNK, len(rows)) // 2)
        conn.commit()  # ends the implicit transaction of the TEMP writes; the library is untouched
    except sqlite3.Error as exc:
        raise translate_error(exc) from exc


def swap(conn: sqlite3.Connection, profile_id: int, type: str, categories: list[CategoryData],
         report: Callable[[int], Any] | None = None) -> int:
    """Make the staged rows the library's ``type`` catalog of the profile, in one transaction.

    Atomic: readers see the old catalog until the one commit. A provider that suddenly sends
    an empty list while the library has items is refused (a transient empty answer must not
    wipe the catalog). This half runs inside SQLite with the GIL released, so the next type
    can be fetched and parsed meanwhile. Returns the number of items.

    The upsert is one ``INSERT … SELECT`` statement on purpose: FTS5 flushes its pending index
    data at every statement, so row-by-row inserts through the triggers would build thousands
    of tiny index segments (three times slower at 100,000 movies).
    """
    try:
        staged = conn.execute("SELECT count(*) FROM temp.stage_items").fetchone()[0]
        if not staged:
            old = conn.execute("SELECT count(*) FROM items WHERE profile_id = ? AND type = ?",
                               (profile_id, type)).fetchone()[0]
            if old:
                raise CatalogError(
                    f"The provider sent an empty {type} list; the {old:,} items already in the library were kept."
                )
        conn.execute(f"PRAGMA cache_size = -{_SYNC_CACHE_KIB}")  # many indexes: keep their pages in memory
        try:
            with transaction(conn):
                conn.execute(
                    "DELETE FROM items WHERE profile_id = ? AND type = ? AND provider_id NOT IN "
                    "(SELECT provider_id FROM temp.stage_items)",
                    (profile_id, type),
                )
                conn.execute(_UPSERT, (profile_id, type))
                _write_categories(conn, profile_id, type, categories)
        finally:
            conn.execute(f"PRAGMA cache_size = {_DEFAULT_CACHE}")  # give the memory back
            conn.execute("DELETE FROM temp.stage_items")
            conn.commit()
    except sqlite3.Error as exc:
        raise translate_error(exc) from exc
    if report:
        report(staged)
    return staged


def _write_categories(conn: sqlite3.Connection, profile_id: int, type: str, categories: list[CategoryData]) -> None:
    conn.execute("DELETE FROM categories WHERE profile_id = ? AND type = ?", (profile_id, type))
    conn.executemany(
        "INSERT INTO categories (profile_id, type, provider_id, name, parent_id, position, is_adult) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(profile_id, type, c.provider_id, c.name, c.parent_id, c.position, int(c.is_adult)) for c in categories],
    )


def vocabulary(rows: Iterable[tuple[Any, ...]]) -> set[str]:
    """The typo-correction words of rows from :func:`normalise_raw`.

    Sync computes it while the writer thread stores those rows, so :func:`rebuild_terms` does
    not read every name back from the library afterwards."""
    found: set[str] = set()
    for row in rows:
        found.update(words(row[2]))  # search_name
    return {w for w in found if len(w) >= _TERM_MIN}


def rebuild_terms(conn: sqlite3.Connection, profile_id: int, known: dict[str, set[str]] | None = None) -> int:
    """Refresh the profile's vocabulary of name words used to correct typos; returns its size.

    ``known`` gives the :func:`vocabulary` of types whose rows were just stored; the names of
    the other types are read from the library.
    """
    known = known or {}
    try:
        vocabulary: set[str] = set().union(*known.values())
        other = [t for t in ("live", "movie", "series") if t not in known]
        marks = ", ".join("?" * len(other))
        for (name,) in conn.execute(f"SELECT search_name FROM items WHERE profile_id = ? AND type IN ({marks})",
                                    (profile_id, *other)) if other else ():
            vocabulary.update(w for w in words(name) if len(w) >= _TERM_MIN)
        old = {t for (t,) in conn.execute("SELECT term FROM search_terms WHERE profile_id = ?", (profile_id,))}
        with transaction(conn):
            conn.executemany("DELETE FROM search_terms WHERE profile_id = ? AND term = ?",
                             [(profile_id, t) for t in old - vocabulary])
            conn.executemany("INSERT INTO search_terms (profile_id, term, rterm) VALUES (?, ?, ?)",
                             [(profile_id, t, t[::-1]) for t in vocabulary - old])
    except sqlite3.Error as exc:
        raise translate_error(exc) from exc
    return len(vocabulary)
