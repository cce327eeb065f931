"""This browser's own recent channels (what two page areas share: the player notes, home lists).

The device is the browser session (its cookie's random id), see :mod:`xtplay.accounts.devices`.
"""

from __future__ import annotations

import sqlite3

from fastapi import Request

from xtplay.accounts.profiles import Profile
from xtplay.library import catalog, recent_channels
from xtplay.web.deps import device_id


def note_channel(request: Request, conn: sqlite3.Connection, profile_id: int, channel_id: str) -> None:
    """Remember that this browser played the channel."""
    device = device_id(request)
    if device:
        recent_channels.note(conn, device, profile_id, channel_id)


def recent_list(request: Request, conn: sqlite3.Connection, profile: Profile, limit: int) -> list[catalog.ItemRow]:
    """This browser's recent channels of the profile, newest first."""
    device = device_id(request)
    return recent_channels.recent(conn, device, profile.id, limit) if device else []
