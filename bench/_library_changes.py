"""What a re-sync did to a library, read from its file after the sync process ended.

Used by ``bench/sync_whole.py``: the bytes the library file and its WAL grew by, and, for the
re-sync of the demo's revised movie list, which movie rows changed against the changes the
provider made (``/_demo/catalog``), and whether search finds the new names at once.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

from xtplay import db
from xtplay.library import search

#: Stored fields of an item apart from its place in the provider's list.
CONTENT = ("name", "search_name", "category_id", "logo", "rating", "year", "genre", "plot", '"cast"', "added",
           "container", "epg_channel_id", "archive_days", "is_adult")
#: Names of new and changed movies searched for after the re-sync (each way).
SEARCHED = 50


def wal(path: Path) -> Path:
    """The WAL file of a library."""
    return Path(f"{path}-wal")


def sizes(path: Path) -> tuple[int, int]:
    """Bytes of the library file and of its WAL (0 when there is none)."""
    log = wal(path)
    return path.stat().st_size, log.stat().st_size if log.exists() else 0


def growth(before: tuple[int, int], after: tuple[int, int], wal_peak: int) -> dict[str, int]:
    """What the library file grew by, and its WAL: from its size before the sync to the largest
    it was during the sync (a file never counts as shrinking)."""
    return {"db_bytes": max(0, after[0] - before[0]), "wal_bytes": max(0, max(wal_peak, after[1]) - before[1]),
            "wal_before": before[1]}


def movie_rows(path: Path) -> dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """Every movie of the library: provider id → (stored content, (position, num))."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0]: (tuple(row[1:-2]), tuple(row[-2:])) for row in conn.execute(
            f"SELECT provider_id, {', '.join(CONTENT)}, position, num FROM items WHERE type = 'movie'")}
    finally:
        conn.close()


def compare(before: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]],
            after: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]],
            expected: dict[str, list[int]]) -> dict[str, Any]:
    """Rows removed, added and changed by the re-sync, whether they are exactly the provider's
    changes, and how many other rows only moved in the list (their number or position), and of
    those how many got a new position (every browse index holds it)."""
    removed, added = set(before) - set(after), set(after) - set(before)
    both = set(before) & set(after)
    changed = {p for p in both if before[p][0] != after[p][0]}
    moved = [p for p in both - changed if before[p][1] != after[p][1]]
    repositioned = sum(1 for p in moved if before[p][1][0] != after[p][1][0])
    exact = (removed == {str(i) for i in expected["removed"]} and added == {str(i) for i in expected["added"]}
             and changed == {str(i) for i in expected["changed"]})
    return {"removed": len(removed), "added": len(added), "changed": len(changed), "exact": exact,
            "moved_only": len(moved), "repositioned": repositioned, "unchanged": len(both) - len(changed) - len(moved)}


def found_by_search(path: Path, after: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]],
                    expected: dict[str, list[int]]) -> dict[str, int]:
    """Of up to :data:`SEARCHED` new and as many renamed movies, how many a search for the
    name finds (in a new connection, right after the sync process ended; adult titles
    included, as a search with the adult switch on)."""
    pick = random.Random(0)
    wanted = {kind: pick.sample(expected[kind], min(SEARCHED, len(expected[kind]))) for kind in ("added", "changed")}
    conn = db.connect(path, readonly=True)
    try:
        profile_id = conn.execute("SELECT id FROM profiles ORDER BY id LIMIT 1").fetchone()[0]
        out = {}
        for kind, ids in wanted.items():
            hits = 0
            for i in ids:
                name = after[str(i)][0][0]
                found = search.search(conn, profile_id, name, types=["movie"], limit=500, include_adult=True)["movie"]
                hits += any(h.provider_id == str(i) for h in found)
            out[f"{kind}_searched"], out[f"{kind}_found"] = len(ids), hits
        return out
    finally:
        conn.close()
