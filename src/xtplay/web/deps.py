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
from xtplay.accounts import profiles
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


def current_profile(conn: Conn) -> Profile | None:
    """The active profile, or None when there is none (first run)."""
    return profiles.active_profile(conn)


def require_profile(profile: Annotated[Profile | None, Depends(current_profile)]) -> Profile:
    """The active profile; without one the person is sent to the welcome page."""
    if profile is None:
        raise NeedsProfile()
    return profile


ActiveProfile = Annotated[Profile, Depends(require_profile)]
