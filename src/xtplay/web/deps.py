"""FastAPI dependencies every page and API shares: settings, a DB connection, the vault, the profile.

Routes declare what they need by type (``conn: Conn``, ``profile: ActiveProfile``); nothing
reaches into globals. A connection lives for one request and is closed after it, so no
sqlite handle is shared between threads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from xtplay import db
from xtplay.accounts import devices, profiles
from xtplay.accounts.profiles import Profile
from xtplay.accounts.vault import Vault
from xtplay.config import Settings


class NeedsProfile(Exception):
    """Raised by :func:`require_profile` when no profile exists yet; answered with the welcome page."""


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


def get_conn(request: Request) -> Iterator[sqlite3.Connection]:
    """A SQLite connection for this request (schema already migrated at start-up), closed after."""
    conn = db.connect(request.app.state.settings.db_path)
    try:
        yield conn
    finally:
        conn.close()


def get_vault(request: Request) -> Vault:
    """The credential vault (opened once, on first use: opening may touch the OS keyring)."""
    vault = getattr(request.app.state, "vault", None)
    if vault is None:
        vault = Vault.open(request.app.state.settings)
        request.app.state.vault = vault
    return vault


Conn = Annotated[sqlite3.Connection, Depends(get_conn)]
AppSettings = Annotated[Settings, Depends(get_settings)]
AppVault = Annotated[Vault, Depends(get_vault)]


def device_id(request: Request) -> str | None:
    """This browser's id: its session's random id (None outside a guarded request)."""
    return getattr(getattr(request.state, "session", None), "sid", None)


def current_profile(request: Request, conn: Conn) -> Profile | None:
    """This browser's profile (each device keeps its own choice), else the server-wide active
    one; None when there is none (first run)."""
    return devices.device_profile(conn, device_id(request))


def choose_profile(request: Request, conn: sqlite3.Connection, profile_id: int) -> Profile:
    """Make the profile this browser's choice; other devices keep theirs."""
    device = device_id(request)
    return devices.choose(conn, device, profile_id) if device else profiles.use_profile(conn, profile_id)


def require_profile(profile: Annotated[Profile | None, Depends(current_profile)]) -> Profile:
    """The active profile; without one the person is sent to the welcome page."""
    if profile is None:
        raise NeedsProfile()
    return profile


ActiveProfile = Annotated[Profile, Depends(require_profile)]
