"""The channels each device watched last, per profile: the home screen's Recent channels.

Kept per device (an opaque id, the browser session's) so two people on one server each see
their own; the profile-wide History still lists every channel played.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from xtplay.db import transaction
from xtplay.library import catalog

#: Channels kept per device and profile.
KEEP = 50


def note(conn: sqlite3.Connection, device_id: str, profile_id: int, channel_id: str,
         at: datetime | None = None) -> None:
    """Remember that this device played the channel now (``at`` for tests)."""
    when = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
    with transaction(conn):
        conn.execute("INSERT INTO device_channels (device_id, profile_id, channel_id, watched_at) VALUES (?, ?, ?, ?)"
                     " ON CONFLICT (device_id, profile_id, channel_id) DO UPDATE SET watched_at = excluded.watched_at",
                     (device_id, profile_id, str(channel_id), when))
        conn.execute("DELETE FROM device_channels WHERE device_id = ? AND profile_id = ? AND channel_id NOT IN"
                     " (SELECT channel_id FROM device_channels WHERE device_id = ? AND profile_id = ?"
                     " ORDER BY watched_at DESC LIMIT ?)", (device_id, profile_id, device_id, profile_id, KEEP))


def recent(conn: sqlite3.Connection, device_id: str, profile_id: int, limit: int = 16) -> list[catalog.ItemRow]:
    """The device's channels of this profile, last watched first (channels gone are left out)."""
    ids = [r[0] for r in conn.execute(
        "SELECT channel_id FROM device_channels WHERE device_id = ? AND profile_id = ? ORDER BY watched_at DESC LIMIT ?",
        (device_id, profile_id, limit))]
    found = catalog.get_items(conn, profile_id, [("live", i) for i in ids])
    return [found[("live", i)] for i in ids if ("live", i) in found]
