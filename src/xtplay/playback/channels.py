"""Which channel comes next when zapping: up/down in the provider's order, or by number."""

from __future__ import annotations

import sqlite3

from xtplay.library import catalog


def neighbour(conn: sqlite3.Connection, profile_id: int, channel_id: str, step: int,
              include_adult: bool = False) -> str | None:
    """The live channel ``step`` places after (or before, negative) this one, wrapping round."""
    adult = "" if include_adult else " AND is_adult = 0"
    row = conn.execute("SELECT position FROM items WHERE profile_id = ? AND type = 'live' AND provider_id = ?",
                       (profile_id, str(channel_id))).fetchone()
    if row is None:
        return None
    position = row[0]
    forward = step > 0
    cmp, order = (">", "ASC") if forward else ("<", "DESC")
    found = conn.execute(
        f"SELECT provider_id FROM items WHERE profile_id = ? AND type = 'live'{adult} "
        f"AND position {cmp} ? ORDER BY position {order} LIMIT 1 OFFSET ?",
        (profile_id, position, abs(step) - 1)).fetchone()
    if found is None:  # past either end: wrap to the other end
        found = conn.execute(
            f"SELECT provider_id FROM items WHERE profile_id = ? AND type = 'live'{adult} "
            f"ORDER BY position {order} LIMIT 1", (profile_id,)).fetchone()
    return found[0] if found else None


def by_number(conn: sqlite3.Connection, profile_id: int, number: int) -> str | None:
    """The channel with this number (as the provider numbers them), or None."""
    item = catalog.channel_by_number(conn, profile_id, number)
    return item.provider_id if item is not None else None
