"""Playlist profiles: an M3U address or file, with XMLTV guides, kept like a login.

A playlist address is a credential (it embeds a username and password or a token), so the
profile keeps it sealed by the vault in ``secret`` and shows only its host (or a file's
name). The index of the last read playlist (:class:`~xtplay.sources.playlist.PlaylistIndex`,
whose stream URLs are credentials too) is sealed the same way in ``playlist_index``;
playback opens it once per change and keeps it in memory.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from xtplay import db
from xtplay.accounts import fields
from xtplay.accounts.profiles import Profile, active_profile, get_profile, use_profile
from xtplay.accounts.vault import Vault
from xtplay.config import Settings
from xtplay.errors import InvalidProfile, ProfileExists
from xtplay.i18n import N_
from xtplay.sources.playlist import PlaylistIndex, PlaylistSource
from xtplay.sources.playlist_read import is_address, register_location, shown_location
from xtplay.sources.source import ListVersion

#: Uploaded playlists live in ``<home>/playlists/``, one file each.
UPLOAD_DIR = "playlists"
#: The largest playlist a browser may upload.
MAX_UPLOAD = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PlaylistCheck:
    """What a playlist holds, as the profile form reports it before saving."""

    entries: int
    live: int
    movies: int
    series: int
    guides: int
    where: str

    @property
    def summary(self) -> str:
        parts = [f"{self.entries:,} {'entry' if self.entries == 1 else 'entries'} found", f"{self.live:,} live"]
        if self.movies:
            parts.append(f"{self.movies:,} movie{'' if self.movies == 1 else 's'}")
        if self.series:
            parts.append(f"{self.series:,} series")
        if self.guides:
            parts.append(f"{self.guides} guide address{'es' if self.guides > 1 else ''}")
        return ", ".join(parts)


def clean_location(value: str | None, field: str = "m3u") -> str:
    """An http(s) address or a local file path, as given (trimmed); ``InvalidProfile`` if blank."""
    text = (value or "").strip()
    if not text:
        raise InvalidProfile(field, N_("The playlist address or file is required.") if field == "m3u"
                             else N_("The guide address or file is empty."))
    if "://" in text and not is_address(text):
        raise InvalidProfile(field, N_("A playlist address must start with http:// or https://."))
    if not is_address(text):
        text = str(Path(text).expanduser().resolve())
    return text


async def check_playlist(settings: Settings, location: str, user_agent: str | None = None) -> PlaylistCheck:
    """Read the playlist and count what it holds, saving nothing (the form's "test")."""
    location = clean_location(location)
    source = PlaylistSource(location, settings=settings, user_agent=(user_agent or "").strip() or None)
    index = await source.load()
    records = index.records
    return PlaylistCheck(index.entry_count, len(records["get_live_streams"]), len(records["get_vod_streams"]),
                         len(records["get_series"]), len(index.guides), shown_location(location))


def save_upload(settings: Settings, data: bytes) -> str:
    """Keep a playlist uploaded from a browser in the home directory; returns its path."""
    if len(data) > MAX_UPLOAD:
        raise InvalidProfile("m3u", N_("The uploaded playlist is larger than %(size)s MB."),
                             {"size": MAX_UPLOAD // (1024 * 1024)})
    folder = settings.home / UPLOAD_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{secrets.token_hex(8)}.m3u"
    path.write_bytes(data)
    path.chmod(0o600)
    return str(path)


def forget_upload(settings: Settings, location: str) -> None:
    """Remove an uploaded playlist that was only tested (a path outside the upload folder is left)."""
    path = Path(location)
    if path.parent == settings.home / UPLOAD_DIR:
        path.unlink(missing_ok=True)


async def add_playlist_profile(
    conn: sqlite3.Connection,
    vault: Vault,
    settings: Settings,
    *,
    name: str,
    m3u: str,
    xmltv: tuple[str, ...] | list[str] = (),
    user_agent: str | None = None,
    verify: bool = True,
) -> tuple[Profile, PlaylistCheck | None]:
    """Check the playlist (unless ``verify=False``), then save the profile; nothing is saved on failure."""
    name = fields.clean_name(name)
    location = clean_location(m3u)
    guides = tuple(clean_location(g, "xmltv") for g in xmltv if (g or "").strip())
    for each in (location, *guides):
        register_location(each)
    agent = (user_agent or "").strip() or None
    if conn.execute("SELECT 1 FROM profiles WHERE name = ? COLLATE NOCASE", (name,)).fetchone() is not None:
        raise ProfileExists(name)
    check = await check_playlist(settings, location, agent) if verify else None
    return insert_playlist_profile(conn, vault, name=name, m3u=location, xmltv=guides, user_agent=agent), check


def insert_playlist_profile(
    conn: sqlite3.Connection,
    vault: Vault,
    *,
    name: str,
    m3u: str,
    xmltv: tuple[str, ...] | list[str] = (),
    user_agent: str | None = None,
    sync_interval_hours: int = 24,
    adult_enabled: bool = False,
    timezone: str | None = None,
) -> Profile:
    """Save a playlist profile without reading the playlist (after the check; an import)."""
    name, location = fields.clean_name(name), clean_location(m3u)
    guides = [clean_location(g, "xmltv") for g in xmltv if (g or "").strip()]
    interval, tz = fields.clean_interval(sync_interval_hours), fields.clean_timezone(timezone)
    agent = (user_agent or "").strip() or None
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    sealed = json.dumps({"m3u": location, "xmltv": guides})
    try:
        with db.transaction(conn):
            cur = conn.execute(
                "INSERT INTO profiles (name, url, username, user_agent, created_at, updated_at, sync_interval_hours,"
                " adult_enabled, timezone, kind) VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, 'm3u')",
                (name, shown_location(location), agent, now, now, interval, 1 if adult_enabled else 0, tz))
            assert cur.lastrowid is not None  # an INSERT always has one
            conn.execute("UPDATE profiles SET secret = ? WHERE id = ?", (vault.encrypt(cur.lastrowid, sealed), cur.lastrowid))
    except sqlite3.IntegrityError:
        raise ProfileExists(name) from None
    profile_id = cur.lastrowid
    if active_profile(conn) is None:
        use_profile(conn, profile_id)
    return get_profile(conn, profile_id)


# ----------------------------------------------------------------------------- the stored index

_cache: dict[int, tuple[str, int, PlaylistIndex]] = {}
_cache_lock = threading.Lock()
#: The start of an index stored in parts: then each part (see ``PlaylistIndex.to_parts``) is
#: sealed on its own and follows as its 4-byte length and its vault blob. An index stored
#: before parts is one vault blob of its JSON text, which starts with the vault's version byte.
_PARTS = b"XTPI2"


def _seal(vault: Vault, profile_id: int, index: PlaylistIndex) -> bytes:
    """The index sealed part by part (no one ciphertext of the whole beside its clear text)."""
    out = bytearray(_PARTS)
    for part in index.to_parts():
        sealed = vault.encrypt_bytes(profile_id, part)
        out += len(sealed).to_bytes(4, "big") + sealed
    return bytes(out)


def _open_parts(vault: Vault, profile: Profile, blob: bytes, summary: bool) -> PlaylistIndex:
    """The index of a stored blob (its summary alone, when ``summary``, opens the first part only)."""
    if not blob.startswith(_PARTS):  # stored before parts: one sealed JSON text
        return PlaylistIndex.from_json(vault.decrypt_bytes(profile.id, blob, profile.name))
    parts: list[bytes] = []
    at = len(_PARTS)
    while at < len(blob) and not (summary and parts):
        size = int.from_bytes(blob[at:at + 4], "big")
        parts.append(vault.decrypt_bytes(profile.id, blob[at + 4:at + 4 + size], profile.name))
        at += 4 + size
    return PlaylistIndex.from_parts(parts, summary=summary)


def stored_version(conn: sqlite3.Connection, profile: Profile) -> ListVersion | None:
    """The version of the profile's last read playlist (digest and validators), or ``None``."""
    row = conn.execute("SELECT digest, etag, last_modified FROM playlist_index WHERE profile_id = ?",
                       (profile.id,)).fetchone()
    return ListVersion(row[0], row[1], row[2]) if row is not None else None


def _stored_row(conn: sqlite3.Connection, profile: Profile) -> tuple[tuple[str, int] | None, PlaylistIndex | None]:
    """The stored index's (digest, stored_at), or ``None`` before the first read, and the index
    held in memory when it is that very one."""
    row = conn.execute("SELECT digest, stored_at FROM playlist_index WHERE profile_id = ?", (profile.id,)).fetchone()
    if row is None:
        return None, None
    with _cache_lock:
        held = _cache.get(profile.id)
    return (row[0], row[1]), (held[2] if held is not None and held[:2] == (row[0], row[1]) else None)


def stored_index(conn: sqlite3.Connection, vault: Vault, profile: Profile) -> PlaylistIndex | None:
    """The index of the profile's last read playlist, or ``None`` before the first (opened once
    per change, then kept in memory)."""
    row, held = _stored_row(conn, profile)
    if row is None or held is not None:
        return held
    blob = conn.execute("SELECT secret FROM playlist_index WHERE profile_id = ?", (profile.id,)).fetchone()[0]
    index = _open_parts(vault, profile, blob, summary=False)
    with _cache_lock:
        _cache[profile.id] = (row[0], row[1], index)
    return index


def stored_summary(conn: sqlite3.Connection, vault: Vault, profile: Profile) -> PlaylistIndex | None:
    """The summary of the profile's last read playlist (digest, categories, guides, shifts,
    count; ``complete=False``), or ``None`` before the first: what a sync of an unchanged
    playlist compares, without opening its lists and URLs. The whole index when it is held."""
    row, held = _stored_row(conn, profile)
    if row is None or held is not None:
        return held
    with conn.blobopen("playlist_index", "secret", profile.id, readonly=True) as blob:
        head = blob.read(len(_PARTS) + 4)
        if not head.startswith(_PARTS):  # stored before parts: only the whole text opens
            blob.seek(0)
            return _open_parts(vault, profile, head + blob.read(), summary=False)
        first = blob.read(int.from_bytes(head[len(_PARTS):], "big"))
    return _open_parts(vault, profile, head + first, summary=True)


def store_index(conn: sqlite3.Connection, vault: Vault, profile: Profile, index: PlaylistIndex,
                version: ListVersion) -> None:
    """Seal and keep a newly read playlist's index (only the validators when the digest is the
    same, or when the index is only a stored one's summary)."""
    stamp = int(time.time())
    with db.transaction(conn):
        same = conn.execute("SELECT 1 FROM playlist_index WHERE profile_id = ? AND digest = ?",
                            (profile.id, version.digest)).fetchone()
        if same or not index.complete:
            conn.execute("UPDATE playlist_index SET etag = ?, last_modified = ? WHERE profile_id = ?",
                         (version.etag, version.last_modified, profile.id))
            return
        conn.execute(
            "INSERT INTO playlist_index (profile_id, digest, etag, last_modified, secret, entries, stored_at, shifts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (profile_id) DO UPDATE SET digest = excluded.digest, "
            "etag = excluded.etag, last_modified = excluded.last_modified, secret = excluded.secret, "
            "entries = excluded.entries, stored_at = excluded.stored_at, shifts = excluded.shifts",
            (profile.id, version.digest, version.etag, version.last_modified,
             _seal(vault, profile.id, index), index.entry_count, stamp, json.dumps(index.shifts)))
    with _cache_lock:
        _cache[profile.id] = (version.digest, stamp, index)


__all__ = ["PlaylistCheck", "add_playlist_profile", "check_playlist", "clean_location", "forget_upload",
           "insert_playlist_profile", "save_upload", "store_index", "stored_index", "stored_summary", "stored_version"]
