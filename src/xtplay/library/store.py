"""Writing a catalog into the library: normalised rows in, one atomic replacement per type.

Sync (network) and this module (storage) meet at plain tuples: :func:`read_rows` turns a
panel's raw list into rows, :func:`pack` puts a chunk of them into a private in-memory
database image, and one ``BEGIN IMMEDIATE`` transaction per type (:func:`begin`,
:func:`store_chunk` for each chunk, :func:`finish`) inserts the new items, updates only the
changed ones and deletes those that left the provider. A second sync of an unchanged catalog
writes almost nothing, and a crash at any point leaves the previous catalog of that type whole.
:func:`replace_type` does all of it for a list of rows.

A re-sync reads only what changed: each item keeps a digest of the raw object it was stored
from (:func:`held`), and :func:`read_rows` gives an item whose digest and place still hold a
short *kept* row instead (its id, its number, its stored search name, whether the number
changed): it is neither read into a row nor compared again, and only its number is written,
when the panel renumbered a channel.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from xtplay.db import attached, transaction, translate_error
from xtplay.errors import CatalogError
from xtplay.library.search import fold, words
from xtplay.sources import values
from xtplay.sources.source import ListRecord

log = logging.getLogger(__name__)

#: Category names providers use for adult content (checked on the folded name).
_ADULT = re.compile(r"(?:^|[^a-z0-9])(xxx|adults?|porn\w*|18\s*\+|\+\s*18|for adults)(?:[^a-z0-9]|$)")
#: Vocabulary words shorter than this are never typo targets (targets have five letters, ±1).
_TERM_MIN = 4
#: Page cache of the connection while it writes a type (KiB), and the default it returns to.
_SYNC_CACHE_KIB = 32 * 1024
#: The page cache for rows without genres, plots or casts (a playlist's): their text indexes
#: stay untouched, and 8 MB writes 100,000 of them in the same time as 32 MB (a list of
#: 100,000 movies with texts takes 15-20 % longer with it: see bench/README.md).
_LEAN_CACHE_KIB = 8 * 1024
_DEFAULT_CACHE = -2000

_FIELDS = ("provider_id", "name", "search_name", "category_id", "position", "num", "logo",
           "rating", "year", "genre", "plot", "cast", "added", "container", "epg_channel_id", "archive_days",
           "is_adult", "digest")
#: What the library holds of an item for a re-sync (:func:`held`): its position, its number,
#: the digest of the raw object it was stored from (None: unknown) and its search name.
Held = tuple[int, int | None, int | None, str]
#: Read into the digest of every raw row (:func:`_digest`): bump it when :func:`read_rows` reads
#: a raw object differently, so that the next re-sync reads every item again.
_ROW_FORMAT = b"1"
#: The digest's personalisation per state of the row's category (unlisted, listed, listed as
#: adult): the category list decides a row's category and adult flag as much as its own bytes.
_CATEGORY_STATE = {state: b"xtplay-row" + _ROW_FORMAT + state for state in (b"u", b"k", b"a")}
_ABSENT = object()
#: A kept row of :func:`read_rows`: (provider_id, num, search_name, renumbered).
_KEPT_LENGTH = 4


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
    if value is None:  # a playlist's rows (and many panels' lists) carry no date at all
        return None
    seconds = _epoch(value) if type(value) is not bool else None
    if seconds is not None and seconds <= 10**11:
        return seconds
    return _epoch(values.timestamp(value))


def normalise_raw(type: str, raw: Iterable[dict[str, Any]], categories: list[CategoryData]) -> list[tuple[Any, ...]]:
    """Every row of :func:`read_rows`, as a list."""
    return list(read_rows(type, raw, categories))


def held(conn: sqlite3.Connection, profile_id: int, type: str) -> dict[str, Held]:
    """What the library holds of each item of the type (:data:`Held`), for :func:`read_rows`:
    where it stands in the provider order, and whether the panel's object changed since."""
    try:
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples: 100,000 of them
        found = cursor.execute("SELECT provider_id, position, num, digest, search_name FROM items "
                               "WHERE profile_id = ? AND type = ?", (profile_id, type)).fetchall()
        return {row[0]: row[1:] for row in found}
    except sqlite3.Error as exc:
        raise translate_error(exc) from exc


def _digest(item: dict[str, Any], person: bytes) -> int | None:
    """A 64-bit digest of a raw object without its ``num`` (a panel renumbers every item after
    one it removed), or None when it cannot be serialised (such a row is always read).

    orjson writes the parsed object back in a fraction of the time reading it into a row
    takes; ``num`` is taken out and put back (last) rather than copying the object."""
    num = item.pop("num", _ABSENT)
    try:
        data = orjson.dumps(item)
    except (orjson.JSONEncodeError, TypeError):
        return None
    finally:
        if num is not _ABSENT:
            item["num"] = num
    return int.from_bytes(hashlib.blake2b(data, digest_size=8, person=person).digest(), "little", signed=True)


def read_rows(type: str, raw: Iterable[dict[str, Any]], categories: list[CategoryData],
              previous: Mapping[str, Held] | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows (in :data:`_FIELDS` order) straight from a panel's raw list (``Source.raw_list``).

    It reads values with the same tolerant readers as the client's models
    (:mod:`xtplay.sources.values`, the same fallbacks) but builds no record per item: a full
    sync of 100,000 items spends its CPU here. Rows without a usable id are skipped, as the
    models do; duplicate ids keep their first row; a category the provider does not list
    becomes the "uncategorised" bucket; an item in an adult category is adult. Only a channel
    keeps the panel's ``num`` (its number for zapping): a movie's or a series' is no more than
    its place in the panel's list, which ``position`` keeps, and one removal renumbers every
    item after it (100,000 rows rewritten for nothing).

    ``position`` orders the rows as the list does. With what the library holds (``previous``,
    :func:`held`) an item keeps its position while that keeps the order, so an item
    removed or added at the end does not move every item after it (a re-sync would rewrite
    all their index entries); only new items and those the provider moved get a new one.

    Each row ends with the digest of its raw object (:func:`_digest`). An item the library
    holds with the same digest at a position that keeps the order is not read again: it comes
    as a kept row ``(provider_id, num, search_name, renumbered)`` (the stored name, for
    :func:`vocabulary`; whether its number is not the stored one).
    """
    known = {c.provider_id: c.is_adult for c in categories}
    last = -1  # the position given to the row before
    before = (previous or {}).get
    seen: set[int] = set()
    text, integer, year = values.text, values.integer, values.year
    number, rating_of = _memo(values.number), _memo(values.rating)
    flag, category_ref = _memo(values.flag), _memo(values.category_ref)
    short_text = _memo(values.text)  # genres, extensions: few distinct values
    id_key = "series_id" if type == "series" else "stream_id"
    live = type == "live"
    unlisted, listed, adult_listed = _CATEGORY_STATE[b"u"], _CATEGORY_STATE[b"k"], _CATEGORY_STATE[b"a"]
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
        digest = _digest(item, (adult_listed if known[cid] else listed) if cid else unlisted)
        key = str(pid)
        num = integer(get("num")) if live else None
        stored = before(key)
        if stored is not None and digest is not None and stored[2] == digest and stored[0] > last:
            last = stored[0]
            yield (key, num, stored[3], num != stored[1])
            continue
        adult = flag(get("is_adult")) or known.get(cid, False)
        row: tuple[Any, ...]
        if live:
            name = text(get("name")) or f"{fallback} {pid}"
            days = integer(get("tv_archive_duration")) or 0
            archive = days if days > 0 and flag(get("tv_archive")) else 0
            row = (name, text(get("stream_icon")), None, None, None, None, None,
                   _added(get("added")), None, text(get("epg_channel_id")), archive)
        elif type == "movie":
            name = text(get("name")) or text(get("title")) or f"{fallback} {pid}"
            rating = rating_of(get("rating"))
            if rating is None and (five := number(get("rating_5based"))) is not None:
                rating = five * 2
            row = (name, text(get("stream_icon")), rating, year(get("year"), get("release_date"), name=name),
                   short_text(get("genre")), text(get("plot")), text(get("cast")), _added(get("added")),
                   short_text(get("container_extension")) or "mp4", None, 0)
        else:
            name = text(get("name")) or text(get("title")) or f"{fallback} {pid}"
            release = text(get("releaseDate")) or text(get("release_date"))
            row = (name, text(get("cover")), rating_of(get("rating")), year(get("year"), release, name=name),
                   short_text(get("genre")), text(get("plot")), text(get("cast")), _added(get("last_modified")),
                   None, None, 0)
        name, logo, rating, yr, genre, plot, cast, added, container, epg, archive = row
        last = stored[0] if stored is not None and stored[0] > last else last + 1
        yield (key, name, fold(name), cid, last, num, logo, rating, yr,
               genre, plot, cast, added, container, epg, archive, int(adult), digest)
    if skipped:
        log.info("skipped %d %s rows without an id", skipped, type)


def read_records(type: str, records: Iterable[ListRecord], categories: list[CategoryData],
                 previous: Mapping[str, Held] | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows (in :data:`_FIELDS` order) from records a source already read into values
    (:data:`~xtplay.sources.source.ListRecord`: a playlist's entries), the rows
    :func:`read_rows` makes of the same values as raw objects, without building those objects.

    Names, icons and guide ids still pass the same text reader (a channel called "N/A" is
    unnamed here too), a movie's or a series' year still comes from its name; duplicates keep
    their first record and an unlisted category is the "uncategorised" bucket; positions follow
    ``previous`` as in :func:`read_rows`, and as there only a channel keeps its number.
    Records have no raw object: their rows carry no digest and are always compared whole.
    """
    known = {c.provider_id: c.is_adult for c in categories}
    seen: set[int] = set()
    text, year = values.text, values.year
    fallback = {"live": "Channel", "movie": "Movie", "series": "Series"}[type]
    before = (previous or {}).get
    position = -1  # the position given to the record before
    for pid, raw_name, cid, icon, num, epg, archive, container in records:
        if pid in seen:
            continue
        seen.add(pid)
        key = str(pid)
        stored = before(key)
        position = stored[0] if stored is not None and stored[0] > position else position + 1
        if cid not in known:
            cid = ""
        name = text(raw_name) or f"{fallback} {pid}"
        if type == "live":
            yield (key, name, fold(name), cid, position, num, text(icon), None, None, None, None, None,
                   None, None, text(epg), archive if archive > 0 else 0, int(known.get(cid, False)), None)
        else:
            yield (key, name, fold(name), cid, position, None, text(icon), None, year(name=name), None, None,
                   None, None, (text(container) or "mp4") if type == "movie" else None, None, 0,
                   int(known.get(cid, False)), None)


#: The schema a chunk of rows is loaded into on the writing connection (an in-memory database).
_CHUNK = "sync_chunk"
_CHUNK_DDL = (
    "CREATE TABLE stage_items (provider_id TEXT, name TEXT, search_name TEXT, "
    "category_id TEXT, position INTEGER, num INTEGER, logo TEXT, rating REAL, year INTEGER, "
    'genre TEXT, plot TEXT, "cast" TEXT, added INTEGER, container TEXT, epg_channel_id TEXT, '
    "archive_days INTEGER, is_adult INTEGER, digest INTEGER)",
    # the kept rows of read_rows: every id as one JSON array (binding 10,000 ids one by one
    # costs more than the few whole rows of a re-sync), and the renumbered ones with their number
    "CREATE TABLE stage_kept_ids (ids TEXT)",
    "CREATE TABLE stage_kept (provider_id TEXT, num INTEGER)",
)
_COLS = ", ".join('"cast"' if f == "cast" else f for f in _FIELDS)
#: An item's number and digest are left to :data:`_RENUMBER`: a panel renumbers every item
#: after one it removed, and an upsert of those rows would rewrite each one's index and
#: full-text entries (so would the first re-sync giving digests to a library without them).
_CHANGED = " OR ".join(
    f'items.{c} IS NOT excluded.{c}'
    for c in ('"cast"' if f == "cast" else f for f in _FIELDS[1:] if f not in ("num", "digest"))
)
#: Rows are packed in provider order, so a chunk's rowid order is position order: ordering by
#: it inserts items (and their index entries) in position order without a sort.
_UPSERT = (
    f"INSERT INTO items (profile_id, type, {_COLS}) SELECT ?, ?, {_COLS} FROM {_CHUNK}.stage_items WHERE true "
    "ORDER BY rowid ON CONFLICT (profile_id, type, provider_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in ('"cast"' if f == "cast" else f for f in _FIELDS[1:]))
    + f" WHERE {_CHANGED}"
)
#: The numbers (and digests) of items that only moved: the table's rows change, none of the
#: indexes on names, positions or texts (the statement sets no column they hold).
_RENUMBER = (
    f"UPDATE items SET num = stage.num, digest = stage.digest FROM {_CHUNK}.stage_items AS stage "
    "WHERE items.profile_id = ? AND items.type = ? AND items.provider_id = stage.provider_id "
    "AND (items.num IS NOT stage.num OR items.digest IS NOT stage.digest)"
)
#: The numbers of kept items (:func:`read_rows`) the panel renumbered; nothing else of them is
#: written, and the other kept items are not even looked up.
_RENUMBER_KEPT = (
    f"UPDATE items SET num = kept.num FROM {_CHUNK}.stage_kept AS kept WHERE items.profile_id = ? "
    "AND items.type = ? AND items.provider_id = kept.provider_id"
)
_KEEP = (f"INSERT OR IGNORE INTO temp.sync_keep SELECT provider_id FROM {_CHUNK}.stage_items "
         f"UNION ALL SELECT kept.value FROM {_CHUNK}.stage_kept_ids, json_each(stage_kept_ids.ids) AS kept")


def replace_type(
    conn: sqlite3.Connection,
    profile_id: int,
    type: str,
    categories: list[CategoryData],
    rows: list[tuple[Any, ...]],
) -> int:
    """Make the library's ``type`` catalog of the profile exactly ``categories`` + ``rows`` in
    one transaction (:func:`begin`, :func:`store_chunk`, :func:`finish`). Returns the number of items."""
    begin(conn)
    try:
        if rows:
            store_chunk(conn, profile_id, type, pack(rows))
        return finish(conn, profile_id, type, categories)
    except BaseException:
        abandon(conn)
        raise


def pack(rows: list[tuple[Any, ...]]) -> bytes:
    """Rows as the image of a private in-memory database: whole rows in a ``stage_items``
    table, the ids of kept rows of :func:`read_rows` as one JSON array in ``stage_kept_ids``, and
    those renumbered with their number in ``stage_kept``.

    This is the Python-bound part of a write: every row is bound from Python, which takes the
    GIL back after each one. Sync packs on its own thread while the writer thread stores the
    previous chunk inside SQLite (GIL released); :func:`store_chunk` then loads the whole image
    in one call. Packing on the writer's connection instead would make each of those hand-overs
    wait for the interpreter's switch interval beside a busy thread (33 s instead of 0.6 s for
    100,000 rows).
    """
    mem = sqlite3.connect(":memory:")
    try:
        for ddl in _CHUNK_DDL:
            mem.execute(ddl)
        mem.executemany(f"INSERT INTO stage_items VALUES ({', '.join('?' * len(_FIELDS))})",
                        [row for row in rows if len(row) != _KEPT_LENGTH])
        kept = [row for row in rows if len(row) == _KEPT_LENGTH]
        mem.execute("INSERT INTO stage_kept_ids VALUES (?)", (orjson.dumps([row[0] for row in kept]).decode(),))
        mem.executemany("INSERT INTO stage_kept VALUES (?, ?)", [row[:2] for row in kept if row[3]])
        mem.commit()
        return mem.serialize()
    except sqlite3.Error as exc:
        raise translate_error(exc) from exc
    finally:
        mem.close()


def begin(conn: sqlite3.Connection, lean: bool = False) -> None:
    """Open the one transaction that replaces a type's catalog (``BEGIN IMMEDIATE``).

    Readers keep seeing the previous catalog until :func:`finish` commits; :func:`abandon`
    (or a crash, even ``kill -9``) leaves it whole. ``lean`` rows carry no genre, plot or
    cast (:func:`read_records`): a smaller page cache writes them as fast.
    """
    try:
        if _CHUNK not in attached(conn):
            conn.execute(f"ATTACH ':memory:' AS {_CHUNK}")  # outside any transaction
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS sync_keep (provider_id TEXT PRIMARY KEY) WITHOUT ROWID")
        conn.execute("DELETE FROM temp.sync_keep")
        conn.commit()
        # many indexes: keep their pages in memory
        conn.execute(f"PRAGMA cache_size = -{_LEAN_CACHE_KIB if lean else _SYNC_CACHE_KIB}")
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        conn.execute(f"PRAGMA cache_size = {_DEFAULT_CACHE}")
        raise translate_error(exc) from exc


def store_chunk(conn: sqlite3.Connection, profile_id: int, type: str, image: bytes) -> None:
    """Upsert a :func:`pack`-ed chunk inside the open transaction: new items inserted, changed
    ones updated, unchanged ones untouched (a second sync of the same catalog writes almost
    nothing), kept ones renumbered when their number changed.

    One ``INSERT … SELECT`` per chunk on purpose: FTS5 flushes its pending index data at every
    statement, so row-by-row inserts through the triggers would build thousands of tiny index
    segments (three times slower at 100,000 movies).
    """
    try:
        conn.deserialize(image, name=_CHUNK)
        conn.execute(_UPSERT, (profile_id, type))
        conn.execute(_RENUMBER, (profile_id, type))
        conn.execute(_RENUMBER_KEPT, (profile_id, type))
        conn.execute(_KEEP)
    except sqlite3.Error as exc:
        raise translate_error(exc) from exc


def finish(conn: sqlite3.Connection, profile_id: int, type: str, categories: list[CategoryData]) -> int:
    """Delete the items that left the provider, write the categories and commit; returns the
    number of items. An empty list while the library has items is refused (a transient empty
    answer must not wipe the catalog): the transaction is rolled back with a :class:`CatalogError`."""
    try:
        kept = conn.execute("SELECT count(*) FROM temp.sync_keep").fetchone()[0]
        present = conn.execute("SELECT count(*) FROM items WHERE profile_id = ? AND type = ?",
                               (profile_id, type)).fetchone()[0]
        if not kept and present:
            raise CatalogError(
                f"The provider sent an empty {type} list; the {present:,} items already in the library were kept."
            )
        if present > kept:  # every kept item is present: the others left the provider
            conn.execute(
                "DELETE FROM items WHERE profile_id = ? AND type = ? AND provider_id NOT IN "
                "(SELECT provider_id FROM temp.sync_keep)",
                (profile_id, type),
            )
        _write_categories(conn, profile_id, type, categories)
        conn.commit()
    except sqlite3.Error as exc:
        abandon(conn)
        raise translate_error(exc) from exc
    except BaseException:
        abandon(conn)
        raise
    _tidy(conn)
    return kept


def abandon(conn: sqlite3.Connection) -> None:
    """Roll the open replacement back: the previous catalog of the type stays as it was."""
    try:
        conn.rollback()
    finally:
        _tidy(conn)


def _tidy(conn: sqlite3.Connection) -> None:
    """Give back the memory of a replacement (page cache, last chunk, kept ids)."""
    try:
        if _CHUNK in attached(conn):
            conn.execute(f"DETACH {_CHUNK}")
            conn.execute("DELETE FROM temp.sync_keep")
            conn.commit()
        conn.execute(f"PRAGMA cache_size = {_DEFAULT_CACHE}")
    except sqlite3.Error as exc:
        raise translate_error(exc) from exc


def _write_categories(conn: sqlite3.Connection, profile_id: int, type: str, categories: list[CategoryData]) -> None:
    conn.execute("DELETE FROM categories WHERE profile_id = ? AND type = ?", (profile_id, type))
    conn.executemany(
        "INSERT INTO categories (profile_id, type, provider_id, name, parent_id, position, is_adult) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(profile_id, type, c.provider_id, c.name, c.parent_id, c.position, int(c.is_adult)) for c in categories],
    )


def vocabulary(rows: Iterable[tuple[Any, ...]]) -> set[str]:
    """The typo-correction words of rows from :func:`read_rows` (kept rows give their stored
    search name in the same place as whole rows do).

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
        with transaction(conn):  # in key order: each insert lands beside the last one (half the time)
            conn.executemany("DELETE FROM search_terms WHERE profile_id = ? AND term = ?",
                             [(profile_id, t) for t in sorted(old - vocabulary)])
            conn.executemany("INSERT INTO search_terms (profile_id, term, rterm) VALUES (?, ?, ?)",
                             [(profile_id, t, t[::-1]) for t in sorted(vocabulary - old)])
    except sqlite3.Error as exc:
        raise translate_error(exc) from exc
    return len(vocabulary)
