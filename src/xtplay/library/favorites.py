"""Favorites: channels, movies, series and episodes a person marked, per profile.

The item's name is copied when it is added, so a favorite whose item has since left the
provider's catalog stays listed (as unavailable) instead of silently disappearing.
"""

from __future__ import annotations

import builtins
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from xtplay.db import transaction
from xtplay.errors import NotInLibrary, UnknownItemType
from xtplay.i18n import N_
from xtplay.library import catalog

#: Types that can be favorites ('episode' for single episodes of a series).
TYPES: tuple[str, ...] = ("live", "movie", "series", "episode")


@dataclass(frozen=True, slots=True)
class Favorite:
    """One favorite; ``item`` is the library's current row (None when no longer offered)."""

    type: str
    provider_id: str
    name: str
    added_at: str
    item: Any | None = None

    @property
    def available(self) -> bool:
        """False when the provider no longer offers the item (episodes are assumed offered)."""
        return self.item is not None or self.type == "episode"

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "provider_id": self.provider_id, "name": self.name,
                "added_at": self.added_at, "available": self.available,
                "item": self.item.to_dict() if self.item is not None else None}


def check_type(type: str) -> None:
    """Refuse an unknown item type with a message a person can act on."""
    if type not in TYPES:
        raise UnknownItemType(N_("“%(type)s” is not an item type (use one of %(types)s)."),
                              {"type": type, "types": ", ".join(TYPES)})


def item_name(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str) -> str | None:
    """The item's current name in the library, or None when it is not there."""
    if type == "episode":
        row = conn.execute("SELECT title FROM episodes WHERE profile_id = ? AND episode_id = ? LIMIT 1",
                           (profile_id, provider_id)).fetchone()
        return row[0] if row else None
    item = catalog.get_item(conn, profile_id, type, provider_id)
    return item.name if item else None


def add(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str | int,
        name: str | None = None) -> Favorite:
    """Mark an item as favorite (again: keeps the first date, refreshes the name)."""
    check_type(type)
    pid = str(provider_id)
    name = name or item_name(conn, profile_id, type, pid)
    if name is None:
        raise NotInLibrary(N_("There is no %(type)s %(id)s in this profile's library."), {"type": type, "id": pid})
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with transaction(conn):
        conn.execute(
            "INSERT INTO favorites (profile_id, type, provider_id, name, added_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (profile_id, type, provider_id) DO UPDATE SET name = excluded.name",
            (profile_id, type, pid, name, now))
    row = conn.execute("SELECT added_at FROM favorites WHERE profile_id = ? AND type = ? AND provider_id = ?",
                       (profile_id, type, pid)).fetchone()
    return Favorite(type, pid, name, row[0])


def remove(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str | int) -> bool:
    """Unmark an item; True when it was a favorite."""
    check_type(type)
    with transaction(conn):
        cur = conn.execute("DELETE FROM favorites WHERE profile_id = ? AND type = ? AND provider_id = ?",
                           (profile_id, type, str(provider_id)))
    return cur.rowcount > 0


def is_favorite(conn: sqlite3.Connection, profile_id: int, type: str, provider_id: str | int) -> bool:
    """Whether the item is a favorite."""
    return conn.execute("SELECT 1 FROM favorites WHERE profile_id = ? AND type = ? AND provider_id = ?",
                        (profile_id, type, str(provider_id))).fetchone() is not None


def favorite_ids(conn: sqlite3.Connection, profile_id: int, type: str) -> builtins.set[str]:
    """Provider ids of the favorites of one type (to mark stars on a whole list at once)."""
    return {r[0] for r in conn.execute("SELECT provider_id FROM favorites WHERE profile_id = ? AND type = ?",
                                       (profile_id, type))}


def list(conn: sqlite3.Connection, profile_id: int, type: str | None = None,
         limit: int = 500) -> builtins.list[Favorite]:
    """Favorites, newest first, each with its current library row (None when gone)."""
    if type is not None:
        check_type(type)
    rows = conn.execute(
        "SELECT type, provider_id, name, added_at FROM favorites WHERE profile_id = ? "
        "AND (? IS NULL OR type = ?) ORDER BY added_at DESC, rowid DESC LIMIT ?",
        (profile_id, type, type, limit)).fetchall()
    keys = [(r[0], r[1]) for r in rows if r[0] in catalog.TYPES]
    items = catalog.get_items(conn, profile_id, keys) if keys else {}
    return [Favorite(r[0], r[1], r[2], r[3], items.get((r[0], r[1]))) for r in rows]
