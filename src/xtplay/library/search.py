"""Searching the library: one query across channels, movies and series.

SQLite 3.40 has FTS5's trigram tokenizer but not its ``remove_diacritics`` option, so sync
stores a *folded* copy of each name (casefolded, accents stripped: :func:`fold`) and the
trigram index runs over that: "cafe creme" finds "Café Crème", "premier" finds "Sky Sports
Premier League". Genre, cast and plot are matched by whole words (or word prefixes) in a
second FTS5 index whose tokenizer folds case and accents itself. A word of five or more
letters that matches nothing is replaced by the library's words within one edit of it (two
for long words), found through the ``search_terms`` vocabulary by shared prefix or suffix,
so one typo still finds the title. Exact and prefix name matches rank first.
"""

from __future__ import annotations

import re
import sqlite3
import time
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

import orjson

from xtplay.errors import CatalogError
from xtplay.i18n import N_
from xtplay.library.catalog import TYPES, item_filters

_WORD = re.compile(r"\w+")
#: Trigram length: shorter words match as word starts (" hd") or, single letters, by LIKE.
_TRIGRAM = 3
#: Words at least this long are corrected when they match nothing.
TYPO_MIN_LEN = 5


def fold(text: str | None) -> str:
    """Search form of a text: casefolded, accents removed, whitespace collapsed.

    Accents are the combining marks NFKD splits off; only characters past ASCII are asked
    whether they are one (a test per character is quicker than ``str.translate`` with a
    table of every mark, the way sync and guide ingest call this for every name and title)."""
    if not text:
        return ""
    if text.isascii():
        return " ".join(text.lower().split())
    split = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in split if c < "\x80" or not _is_mark(c)).split())


_is_mark = unicodedata.combining


def words(folded: str) -> list[str]:
    """The words of a folded text (letters and digits of any script)."""
    return _WORD.findall(folded)


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result."""

    type: str
    provider_id: str
    name: str
    category_id: str
    logo: str | None
    rating: float | None
    year: int | None
    genre: str | None
    num: int | None  #: a channel's number; None for movies and series
    epg_channel_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _edit_distance(a: str, b: str, cap: int) -> int:
    """Edit distance counting a swap of two neighbours as one edit (optimal string alignment);
    gives up, returning ``cap + 1``, once the distance must exceed ``cap``."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    before: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            cur[j] = value
        if min(cur) > cap:
            return cap + 1
        before, prev = prev, cur
    return prev[-1]


def corrections(conn: sqlite3.Connection, profile_id: int, word: str, limit: int = 12) -> list[str]:
    """Library words within one edit of ``word`` (two from eight letters on), nearest first.

    One edit leaves either the first two or the last two letters of a word of five or more
    letters in place, so candidates are the vocabulary's words sharing that prefix or suffix.
    """
    cap = 2 if len(word) >= 8 else 1
    lo, hi = len(word) - cap, len(word) + cap
    rword = word[::-1]
    candidates = {
        term
        for (term,) in conn.execute(
            "SELECT term FROM search_terms WHERE profile_id = ? AND term >= ? AND term < ? "
            "AND length(term) BETWEEN ? AND ? "
            "UNION SELECT term FROM search_terms WHERE profile_id = ? AND rterm >= ? AND rterm < ? "
            "AND length(term) BETWEEN ? AND ?",
            (profile_id, word[:2], word[:2] + "\U0010ffff", lo, hi,
             profile_id, rword[:2], rword[:2] + "\U0010ffff", lo, hi),
        )
    }
    scored = sorted((d, t) for t in candidates if t != word and (d := _edit_distance(word, t, cap)) <= cap)
    return [t for _, t in scored[:limit]]


_NAME_INDEX = {"live": "live_names", "movie": "movie_names", "series": "series_names"}
_TEXT_INDEX = {"movie": "movie_texts", "series": "series_texts"}
_HIT_COLUMNS = ("i.id, i.type, i.provider_id, i.name, i.category_id, i.logo, i.rating, i.year, i.genre, i.num, "
                "i.epg_channel_id")


def _word_matches(conn: sqlite3.Connection, word: str) -> bool:
    """Whether any name of any type contains the word."""
    return any(
        conn.execute(f"SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT 1", (_quote(word),)).fetchone()
        for table in _NAME_INDEX.values()
    )


def _search_type(conn: sqlite3.Connection, profile_id: int, type: str, folded: str, name_match: str | None,
                 short: list[str], text_match: str | None, filters: str, args: list[Any], limit: int) -> list[Hit]:
    """One type's hits, best first: exact name, names starting with the query, names containing
    every word (provider order), then genre/cast/plot words starting with the query's words.
    Each step stops at ``limit``: no query ranks every match, so a query matching 50,000 titles
    costs what one matching 50 costs."""
    hits: list[Hit] = []
    seen: set[int] = set()

    def take(sql: str, params: list[Any]) -> bool:
        for row in conn.execute(sql, params):
            if row[0] not in seen:
                seen.add(row[0])
                hits.append(Hit(*row[1:]))
        return len(hits) >= limit

    base = f"i.profile_id = ? AND i.type = ?{filters}"
    base_args: list[Any] = [profile_id, type, *args]
    like = "".join(" AND i.search_name LIKE ?" for _ in short)
    like_args = [f"%{w}%" for w in short]
    if take(
        f"SELECT {_HIT_COLUMNS} FROM items i WHERE {base} AND i.search_name >= ? AND i.search_name < ? "
        "ORDER BY i.search_name, i.position LIMIT ?",
        [*base_args, folded, folded + "\U0010ffff", limit],
    ):
        return hits[:limit]
    if name_match is not None:
        # CROSS JOIN fixes the order: walk the index's matches, then look each item up
        # (the planner would otherwise scan every item of the type and probe the index).
        table = _NAME_INDEX[type]
        sql = (
            f"SELECT {_HIT_COLUMNS} FROM {table} f CROSS JOIN items i ON i.id = f.rowid "
            f"WHERE {table} MATCH ? AND {base}{like} LIMIT ?"
        )
        if take(sql, [name_match, *base_args, *like_args, limit + len(seen)]):
            return hits[:limit]
    if text_match is not None and type in _TEXT_INDEX:
        table = _TEXT_INDEX[type]
        take(
            f"SELECT {_HIT_COLUMNS} FROM {table} t CROSS JOIN items i ON i.id = t.rowid "
            f"WHERE {table} MATCH ? AND {base} LIMIT ?",
            [text_match, *base_args, limit + len(seen)],
        )
    return hits[:limit]


def search(
    conn: sqlite3.Connection,
    profile_id: int,
    q: str,
    types: list[str] | tuple[str, ...] | None = None,
    category_id: str | None = None,
    genre: str | None = None,
    min_rating: float | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    limit: int = 50,
    include_adult: bool = False,
    offset: int = 0,
) -> dict[str, list[Hit]]:
    """Results grouped by type (every requested type present, maybe empty), best first.

    ``offset`` skips that many hits of each type: pages of ``limit`` at offsets 0, limit,
    2·limit … walk every match once, in the same order (the ranking is deterministic for a
    given library), so a long result list is read a page at a time. A page costs the hits
    before it, which stays small next to a whole result list in one response.
    An empty or unmatched query is an answer (empty groups), never an error.
    """
    wanted = tuple(types or TYPES)
    for t in wanted:
        if t not in TYPES:
            raise CatalogError(N_("Unknown kind of item “%(type)s” (expected live, movie or series)."), {"type": t})
    limit = max(1, min(int(limit), 500))
    offset = max(0, int(offset))
    folded = fold(q)
    query_words = words(folded)
    filters, args = _filters(category_id, genre, min_rating, year_from, year_to, include_adult)
    if not query_words and not _SYMBOL.search(folded):
        if not (types or category_id or genre or min_rating is not None or year_from or year_to):
            return {t: [] for t in wanted}
        # Filters without text: every item they let through, best rated first.
        return {t: _filtered(conn, profile_id, t, filters, args, offset, limit) for t in wanted}
    if _SYMBOL.search(folded) or not any(len(w) >= _TRIGRAM - 1 for w in query_words):
        # "+1", "&", "4K", "C" : the words alone lose what makes the name; the text as typed,
        # symbols included, as a substring of the name (only such queries pay this scan).
        found = {t: _substring(conn, profile_id, t, folded, filters, args, offset, limit) for t in wanted}
        if any(found.values()) or not query_words:
            return found
    long_words = [w for w in query_words if len(w) >= _TRIGRAM]
    # Two-letter words ("hd", "uk", "4k") match the start of a word: the trigram " hd".
    # Single letters only filter names that other words already matched.
    starts = [" " + w for w in query_words if len(w) == _TRIGRAM - 1]
    terms = [_quote(w) for w in long_words + starts]
    short = [w for w in query_words if len(w) < _TRIGRAM - 1] if terms else []
    name_match = " AND ".join(terms) or None
    text_match = " AND ".join(_quote(w) + "*" for w in query_words)

    def run(
        name_expr: str | None, text_expr: str | None, start: int = offset, count: int = limit
    ) -> dict[str, list[Hit]]:
        return {
            t: _search_type(conn, profile_id, t, folded, name_expr, short, text_expr, filters, args, start + count)[
                start:
            ]
            for t in wanted
        }

    results = run(name_match, text_match)
    if any(results.values()) or (offset and any(run(name_match, text_match, 0, 1).values())):
        return results  # a page of the query's hits (or past the last of them)
    # Nothing matched: replace each long word that matches no name by the library's words
    # within an edit or two of it (one typo in "premeir" still finds "Premier League").
    parts: list[str] = [_quote(w) for w in starts]
    changed = False
    for w in long_words:
        if len(w) >= TYPO_MIN_LEN and not _word_matches(conn, w):
            fixes = corrections(conn, profile_id, w)
            if fixes:
                parts.append("(" + " OR ".join(_quote(f) for f in fixes) + ")")
                changed = True
                continue
        parts.append(_quote(w))
    return run(" AND ".join(parts), None) if changed else results


#: A character that is neither a letter, a digit nor a space: the query is matched as typed too.
_SYMBOL = re.compile(r"[^\w\s]")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _substring(conn: sqlite3.Connection, profile_id: int, type: str, folded: str, filters: str, args: list[Any],
               offset: int, limit: int) -> list[Hit]:
    """Items whose folded name holds ``folded`` as typed (symbols kept), names starting with it first."""
    rows = conn.execute(
        f"SELECT {_HIT_COLUMNS} FROM items i WHERE i.profile_id = ? AND i.type = ?{filters}"
        " AND i.search_name LIKE ? ESCAPE '\\' ORDER BY i.search_name NOT LIKE ? ESCAPE '\\', i.position"
        " LIMIT ? OFFSET ?",
        [profile_id, type, *args, f"%{_like_escape(folded)}%", f"{_like_escape(folded)}%", limit, offset]).fetchall()
    return [Hit(*r[1:]) for r in rows]


def _filtered(conn: sqlite3.Connection, profile_id: int, type: str, filters: str, args: list[Any],
              offset: int, limit: int) -> list[Hit]:
    """Every item of the type the filters let through, best rated first (a search without text)."""
    rows = conn.execute(
        f"SELECT {_HIT_COLUMNS} FROM items i WHERE i.profile_id = ? AND i.type = ?{filters}"
        " ORDER BY coalesce(i.rating, -1) DESC, i.position LIMIT ? OFFSET ?",
        [profile_id, type, *args, limit, offset]).fetchall()
    return [Hit(*r[1:]) for r in rows]


def _filters(
    category_id: str | None,
    genre: str | None,
    min_rating: float | None,
    year_from: int | None,
    year_to: int | None,
    include_adult: bool,
) -> tuple[str, list[Any]]:
    sql: list[str] = []
    args: list[Any] = []
    if not include_adult:
        sql.append(" AND i.is_adult = 0")
    if category_id is not None:
        sql.append(" AND i.category_id = ?")
        args.append(str(category_id))
    more, more_args = item_filters(genre=genre, year_from=year_from, year_to=year_to, min_rating=min_rating)
    sql += [f" AND {condition}" for condition in more]
    args += more_args
    return "".join(sql), args


def suggest(
    conn: sqlite3.Connection, profile_id: int, prefix: str, limit: int = 8, include_adult: bool = False
) -> list[str]:
    """Completions while typing: past queries starting with the text, then names starting with it."""
    folded = fold(prefix)
    if not folded:
        return []
    hi = folded + "\U0010ffff"
    out: list[str] = []
    for (query,) in conn.execute(
        "SELECT query FROM search_history WHERE profile_id = ? AND query >= ? AND query < ? "
        "ORDER BY uses DESC, last_used_at DESC LIMIT ?",
        (profile_id, folded, hi, limit),
    ):
        out.append(query)
    adult = "" if include_adult else " AND is_adult = 0"
    for type in TYPES:
        if len(out) >= limit:
            break
        for (name,) in conn.execute(
            f"SELECT name FROM items WHERE profile_id = ? AND type = ? AND search_name >= ? AND search_name < ? "
            f"{adult} ORDER BY search_name LIMIT ?",
            (profile_id, type, folded, hi, limit),
        ):
            if name not in out:
                out.append(name)
    return out[:limit]


def record(conn: sqlite3.Connection, profile_id: int, q: str) -> None:
    """Remember a query in the profile's search history (folded, newest first)."""
    folded = fold(q)
    if not folded:
        return
    with conn:
        conn.execute(
            "INSERT INTO search_history (profile_id, query, last_used_at) VALUES (?, ?, ?) "
            "ON CONFLICT (profile_id, query) DO UPDATE SET last_used_at = excluded.last_used_at, uses = uses + 1",
            (profile_id, folded[:200], int(time.time())),
        )


def history(conn: sqlite3.Connection, profile_id: int, limit: int = 20) -> list[str]:
    """The profile's recent queries, newest first."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT query FROM search_history WHERE profile_id = ? ORDER BY last_used_at DESC, uses DESC LIMIT ?",
            (profile_id, limit),
        )
    ]


def clear_history(conn: sqlite3.Connection, profile_id: int, q: str | None = None) -> int:
    """Forget one query, or the whole history when ``q`` is None; returns how many were removed."""
    with conn:
        if q is None:
            cur = conn.execute("DELETE FROM search_history WHERE profile_id = ?", (profile_id,))
        else:
            cur = conn.execute("DELETE FROM search_history WHERE profile_id = ? AND query = ?", (profile_id, fold(q)))
    return cur.rowcount


_PRESET_KEYS = ("q", "types", "category_id", "genre", "min_rating", "year_from", "year_to")


def save_preset(conn: sqlite3.Connection, profile_id: int, name: str, filters: dict[str, Any]) -> None:
    """Save (or replace) a named set of search filters; keys are :func:`search` arguments."""
    name = name.strip()
    if not name:
        raise CatalogError(N_("A saved filter needs a name."))
    unknown = set(filters) - set(_PRESET_KEYS)
    if unknown:
        raise CatalogError(N_("Unknown search filter(s): %(names)s."), {"names": ", ".join(sorted(unknown))})
    with conn:
        conn.execute(
            "INSERT INTO saved_filters (profile_id, name, filters, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (profile_id, name) DO UPDATE SET filters = excluded.filters",
            (profile_id, name[:100], orjson.dumps(filters).decode(), int(time.time())),
        )


def presets(conn: sqlite3.Connection, profile_id: int) -> dict[str, dict[str, Any]]:
    """The profile's saved filter presets by name."""
    return {
        name: orjson.loads(data)
        for name, data in conn.execute(
            "SELECT name, filters FROM saved_filters WHERE profile_id = ? ORDER BY name COLLATE NOCASE", (profile_id,)
        )
    }


def delete_preset(conn: sqlite3.Connection, profile_id: int, name: str) -> bool:
    """Remove a saved preset; False when there was none of that name."""
    with conn:
        cur = conn.execute("DELETE FROM saved_filters WHERE profile_id = ? AND name = ?", (profile_id, name))
    return cur.rowcount > 0
