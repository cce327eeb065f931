"""Which profile each device (browser session) uses.

On a shared home server every browser keeps its own choice: switching provider in the living
room does not switch the phone. A device that never chose uses the server-wide active profile
(``profiles.active_profile``, what ``xtplay profile use`` sets); the latest choice made on any
device becomes that default, for new devices and the command line. A browser is held to the
profile it was first shown (``hold``), so another device's later choice does not move it. A
device may also choose the language its pages speak (``device_language``). Devices are named by an
opaque id (the session cookie's random id); nothing about the person is stored.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from xtplay.accounts import profiles
from xtplay.accounts.profiles import Profile
from xtplay.db import transaction


def device_profile(conn: sqlite3.Connection, device_id: str | None) -> Profile | None:
    """The profile this device chose, else the server-wide active one (None on first run)."""
    if device_id:
        row = conn.execute("SELECT profile_id FROM device_profiles WHERE device_id = ?", (device_id,)).fetchone()
        if row is not None:  # the profile's row goes with it (ON DELETE CASCADE)
            return profiles.get_profile(conn, int(row[0]))
    return profiles.active_profile(conn)


def hold(conn: sqlite3.Connection, device_id: str, profile_id: int) -> None:
    """Keep this device on ``profile_id`` from now on unless it already has a choice (a browser
    that has been shown a profile stays on it when another device switches)."""
    if conn.execute("SELECT 1 FROM device_profiles WHERE device_id = ?", (device_id,)).fetchone() is not None:
        return
    with transaction(conn):
        conn.execute("INSERT INTO device_profiles (device_id, profile_id, updated_at) VALUES (?, ?, ?)"
                     " ON CONFLICT (device_id) DO NOTHING", (device_id, profile_id, _now()))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def choose(conn: sqlite3.Connection, device_id: str, profile: str | int | Profile) -> Profile:
    """Make ``profile`` this device's choice and the default for devices that never chose;
    devices that chose keep theirs. Marks it used now."""
    chosen = profiles.get_profile(conn, profile)
    with transaction(conn):
        conn.execute("INSERT INTO device_profiles (device_id, profile_id, updated_at) VALUES (?, ?, ?)"
                     " ON CONFLICT (device_id) DO UPDATE SET profile_id = excluded.profile_id,"
                     " updated_at = excluded.updated_at",
                     (device_id, chosen.id, _now()))
    return profiles.use_profile(conn, chosen.id)


def device_language(conn: sqlite3.Connection, device_id: str | None) -> str | None:
    """The language this device chose in Settings (a code such as ``fr``), None when it follows its browser."""
    if not device_id:
        return None
    row = conn.execute("SELECT language FROM device_languages WHERE device_id = ?", (device_id,)).fetchone()
    return str(row[0]) if row is not None else None


def choose_language(conn: sqlite3.Connection, device_id: str, language: str | None) -> None:
    """Make ``language`` this device's language; None lets it follow its browser again."""
    with transaction(conn):
        if language is None:
            conn.execute("DELETE FROM device_languages WHERE device_id = ?", (device_id,))
        else:
            conn.execute("INSERT INTO device_languages (device_id, language, updated_at) VALUES (?, ?, ?)"
                         " ON CONFLICT (device_id) DO UPDATE SET language = excluded.language,"
                         " updated_at = excluded.updated_at", (device_id, language, _now()))
