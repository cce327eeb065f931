"""Which version of each provider list the library holds, so a re-sync can leave it alone.

A version is a digest of the list's bytes plus the provider's ``ETag``/``Last-Modified``
(:class:`xtplay.sources.source.ListVersion`). Sync reads the versions before it asks, and
records new ones only after the type they belong to committed: a version never names a
catalog the library does not hold.
"""

from __future__ import annotations

import sqlite3
import time

from xtplay.db import transaction
from xtplay.sources.source import ListVersion


def known(conn: sqlite3.Connection, profile_id: int, present: dict[str, int]) -> dict[str, ListVersion]:
    """The version of each list of the profile that the library still holds, by list action.

    ``present`` is the number of items of each type in the library: a list's version counts
    only while the library holds as many items of its type as were stored from it (items
    removed behind sync's back make the next sync store the list in full).
    """
    out = {}
    for action, type, digest, etag, modified, items in conn.execute(
            "SELECT action, type, digest, etag, last_modified, items FROM list_versions WHERE profile_id = ?",
            (profile_id,)):
        if items is None or present.get(type) == items:
            out[action] = ListVersion(digest, etag, modified)
    return out


def record(conn: sqlite3.Connection, profile_id: int, found: dict[str, dict[str, ListVersion]],
           counts: dict[str, int], now: float | None = None) -> None:
    """Remember the versions of each stored (or found unchanged) type's lists.

    ``found`` maps a type to its lists' versions, ``counts`` a type to the items it holds now;
    the list whose rows are the items gets the count, its categories none.
    """
    stamp = int(time.time() if now is None else now)
    rows = [(profile_id, action, type, v.digest, v.etag, v.last_modified,
             None if action.endswith("_categories") else counts[type], stamp)
            for type, lists in found.items() if type in counts for action, v in lists.items()]
    if not rows:
        return
    with transaction(conn):
        conn.executemany(
            "INSERT INTO list_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (profile_id, action) DO UPDATE SET "
            "type = excluded.type, digest = excluded.digest, etag = excluded.etag, "
            "last_modified = excluded.last_modified, items = excluded.items, stored_at = excluded.stored_at",
            rows)


def forget(conn: sqlite3.Connection, profile_id: int) -> None:
    """Drop the profile's versions: the next sync reads and stores every list in full."""
    with transaction(conn):
        conn.execute("DELETE FROM list_versions WHERE profile_id = ?", (profile_id,))
