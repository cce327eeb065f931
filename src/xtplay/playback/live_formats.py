"""Which live format to ask a provider for first, learnt from what started before.

An account allows some of ``m3u8`` and ``ts`` (both when the panel does not say), and panels
break one of them in their own ways. The format that started is kept per profile, and per
channel only where a channel differs from its profile, so the next zap asks for it first.
"""

from __future__ import annotations

import sqlite3

from xtplay import db

#: The live formats an Xtream panel serves, in the order tried when nothing is known.
LIVE_FORMATS = ("m3u8", "ts")
#: What a player may name as its preference (``hls`` and ``ts`` as the player says them).
PREFERENCE_ALIASES = {"hls": "m3u8", "m3u8": "m3u8", "ts": "ts", "mpegts": "ts"}


def allowed(account: dict | None) -> tuple[str, ...]:
    """The live formats the stored account allows, in our order (both when it does not say)."""
    listed = tuple(str(f).lower() for f in ((account or {}).get("allowed_output_formats") or ()))
    chosen = tuple(f for f in LIVE_FORMATS if f in listed)
    return chosen or LIVE_FORMATS


def remembered(conn: sqlite3.Connection, profile_id: int, channel_id: str) -> str | None:
    """The format that started last: the channel's own, else the profile's, else None."""
    row = conn.execute(
        "SELECT ext FROM live_formats WHERE profile_id = ? AND channel_id IN (?, '') "
        "ORDER BY channel_id = '' LIMIT 1", (profile_id, str(channel_id))).fetchone()
    return row[0] if row else None


def order(conn: sqlite3.Connection, profile_id: int, channel_id: str, formats: tuple[str, ...],
          prefer: str | None = None) -> list[str]:
    """The formats to try, best bet first: the asked-for one, then what worked, then the rest."""
    first = [PREFERENCE_ALIASES.get((prefer or "").lower()), remembered(conn, profile_id, channel_id)]
    out = [f for f in first if f in formats]
    return list(dict.fromkeys(out + list(formats)))


def remember(conn: sqlite3.Connection, profile_id: int, channel_id: str, ext: str, kind: str) -> None:
    """Keep what started: the profile's default when it has none, else a channel row only where
    the channel differs from that default (and none where it agrees)."""
    channel_id = str(channel_id)
    with db.transaction(conn):
        default = conn.execute("SELECT ext, kind FROM live_formats WHERE profile_id = ? AND channel_id = ''",
                               (profile_id,)).fetchone()
        if default is None:
            conn.execute("INSERT INTO live_formats (profile_id, channel_id, ext, kind) VALUES (?, '', ?, ?)",
                         (profile_id, ext, kind))
            conn.execute("DELETE FROM live_formats WHERE profile_id = ? AND channel_id = ?", (profile_id, channel_id))
        elif default[0] == ext:
            if default[1] != kind:
                conn.execute("UPDATE live_formats SET kind = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                             "WHERE profile_id = ? AND channel_id = ''", (kind, profile_id))
            conn.execute("DELETE FROM live_formats WHERE profile_id = ? AND channel_id = ?", (profile_id, channel_id))
        else:
            conn.execute("INSERT OR REPLACE INTO live_formats (profile_id, channel_id, ext, kind) VALUES (?, ?, ?, ?)",
                         (profile_id, channel_id, ext, kind))
