"""The source of a profile: the one place a stored account becomes a :class:`Source`.

The library, the guide and playback never name a concrete client: they ask
:func:`source_for` (catalog, details, guide) or :func:`stream_urls_for` (playback, which needs
only the URLs), and get the profile's password decrypted just for that object. A profile is
an Xtream Codes account (:class:`~xtplay.sources.xtream.XtreamClient`) or an M3U playlist
(:class:`~xtplay.sources.playlist.PlaylistSource`, whose stream URLs come from the sealed
index of its last read playlist): one branch in each of these two functions. (The login check of a profile form,
:func:`xtplay.accounts.profiles.check_login`, tests an Xtream account's fields before any
profile exists, so it builds its client itself.)
"""

from __future__ import annotations

import sqlite3

from xtplay.accounts.playlists import store_index, stored_index, stored_summary, stored_version
from xtplay.accounts.profiles import Profile, decrypt_password, get_profile, playlist_locations, stream_credentials
from xtplay.accounts.vault import Vault
from xtplay.config import Settings
from xtplay.sources.models import Account
from xtplay.sources.playlist import PlaylistSource, PlaylistUrls
from xtplay.sources.source import Source, StreamUrlBuilder
from xtplay.sources.values import server_zone
from xtplay.sources.xtream import StreamUrls, XtreamClient


def source_for(conn: sqlite3.Connection, vault: Vault, settings: Settings, profile: str | int | Profile) -> Source:
    """The profile's source, not yet logged in; use it as ``async with``.

    Raises ``ProfileNotFound`` for an unknown profile and ``SecretUnreadable`` when its
    password cannot be decrypted.
    """
    profile = get_profile(conn, profile)
    if profile.is_playlist:
        return _playlist_source(conn, vault, settings, profile)
    password = decrypt_password(conn, vault, profile)
    # The stored account gives the client its allowed formats and server time zone before any login.
    account = Account.from_dict(profile.account) if profile.account else None
    return XtreamClient(profile.url, profile.username, password, settings=settings,
                        user_agent=profile.user_agent, account=account)


def stream_urls_for(conn: sqlite3.Connection, vault: Vault, profile: str | int | Profile) -> StreamUrlBuilder:
    """The profile's stream-URL builder, password inside: for the proxy and ffmpeg only.

    Catch-up times are written in the panel's zone as the last login stored it (UTC when
    unknown). Raises as :func:`source_for` does.
    """
    profile = get_profile(conn, profile)
    if profile.is_playlist:
        return PlaylistUrls(stored_index(conn, vault, profile))
    base, username, password = stream_credentials(conn, vault, profile)
    zone = server_zone((profile.account or {}).get("server_timezone"))
    return StreamUrls(base, username, password, server_tz=zone)


def _playlist_source(conn: sqlite3.Connection, vault: Vault, settings: Settings, profile: Profile) -> PlaylistSource:
    """A playlist profile's source, reading and keeping its sealed index through this connection."""
    location, guides = playlist_locations(conn, vault, profile)
    return PlaylistSource(
        location, settings=settings, user_agent=profile.user_agent, extra_guides=guides,
        known=lambda: stored_version(conn, profile),
        stored=lambda: stored_index(conn, vault, profile),
        summary=lambda: stored_summary(conn, vault, profile),
        save=lambda index, version: store_index(conn, vault, profile, index, version),
    )


__all__ = ["source_for", "stream_urls_for"]
