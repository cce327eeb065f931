"""Profiles: one provider account each (name, server URL, username, encrypted password).

Plain functions over a sqlite3 connection. The password is accepted on add/edit, sealed by
the vault at once, and decrypted again only inside the call that needs it (login test,
``stream_credentials``, the source of :mod:`xtplay.accounts.source`); a ``Profile`` never
carries it.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from xtplay import db
from xtplay.accounts import fields
from xtplay.accounts.fields import normalize_url
from xtplay.accounts.vault import Secret, Vault
from xtplay.config import Settings
from xtplay.errors import AccountInactive, InvalidProfile, ProfileExists, ProfileNotFound, SecretUnreadable
from xtplay.i18n import N_
from xtplay.logs import forget_secret, register_secret
from xtplay.sources.playlist import PlaylistSource
from xtplay.sources.playlist_read import register_location
from xtplay.sources.xtream import XtreamClient

ACTIVE_KEY = "active_profile"
EDITABLE = frozenset({"name", "url", "username", "password", "user_agent", "sync_interval_hours", "adult_enabled", "timezone"})


@dataclass(frozen=True, slots=True)
class Profile:
    """A provider account as stored, without its password."""

    id: int
    name: str
    url: str
    username: str
    created_at: datetime
    updated_at: datetime
    last_used_at: datetime | None
    account: dict[str, Any] | None  #: status, exp_date, is_trial, connections, formats, server tz/time
    sync_interval_hours: int
    adult_enabled: bool
    timezone: str | None = None
    user_agent: str | None = None
    account_checked_at: datetime | None = None
    has_password: bool = True
    kind: str = "xtream"  #: ``xtream`` (a login) or ``m3u`` (a playlist address or file)

    @property
    def is_playlist(self) -> bool:
        return self.kind == "m3u"

    def __hash__(self) -> int:  # the account dict is unhashable; a profile is its id
        return hash((Profile, self.id, self.updated_at))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``--json`` and the API (no password: there is none to give)."""
        return {
            "id": self.id,
            "name": self.name,
            "url": self.url,
            "username": self.username,
            "user_agent": self.user_agent,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "last_used_at": _iso(self.last_used_at),
            "account": self.account,
            "account_checked_at": _iso(self.account_checked_at),
            "sync_interval_hours": self.sync_interval_hours,
            "adult_enabled": self.adult_enabled,
            "timezone": self.timezone,
            "has_password": self.has_password,
            "kind": self.kind,
        }


# ----------------------------------------------------------------------------- reading


def list_profiles(conn: sqlite3.Connection) -> list[Profile]:
    """Every profile, by name."""
    return [_from_row(r) for r in conn.execute("SELECT * FROM profiles ORDER BY name COLLATE NOCASE, id")]


def get_profile(conn: sqlite3.Connection, name_or_id: str | int | Profile) -> Profile:
    """A profile by name (case-insensitive) or id; ``ProfileNotFound`` otherwise."""
    row = _find_row(conn, name_or_id)
    if row is None:
        raise ProfileNotFound(str(name_or_id.name if isinstance(name_or_id, Profile) else name_or_id))
    return _from_row(row)


def active_profile(conn: sqlite3.Connection) -> Profile | None:
    """The profile chosen with ``use_profile`` (remembered in the library), if any."""
    row = conn.execute("SELECT value FROM app_state WHERE key = ?", (ACTIVE_KEY,)).fetchone()
    if row is None or not str(row[0] or "").isdigit():
        return None
    found = conn.execute("SELECT * FROM profiles WHERE id = ?", (int(row[0]),)).fetchone()
    return _from_row(found) if found else None


# ----------------------------------------------------------------------------- changing


async def add_profile(
    conn: sqlite3.Connection,
    vault: Vault,
    settings: Settings,
    *,
    name: str,
    url: str,
    username: str,
    password: str | Secret,
    verify: bool = True,
    user_agent: str | None = None,
) -> Profile:
    """Validate, log in (unless ``verify=False``), then save; nothing is saved on any failure."""
    name, url, username = fields.clean_name(name), normalize_url(url), fields.clean_username(username)
    clear = fields.clean_password(password)
    register_secret(clear)
    agent = (user_agent or "").strip() or None
    if _find_row(conn, name, by_id=False) is not None:
        raise ProfileExists(name)
    account = await _login(settings, url, username, clear, agent) if verify else None
    return insert_profile(conn, vault, name=name, url=url, username=username, password=clear, user_agent=agent, account=account)


def insert_profile(
    conn: sqlite3.Connection,
    vault: Vault,
    *,
    name: str,
    url: str,
    username: str,
    password: str | Secret,
    user_agent: str | None = None,
    account: Any = None,
    sync_interval_hours: int = 24,
    adult_enabled: bool = False,
    timezone: str | None = None,
) -> Profile:
    """Validate and save without a login (``add_profile`` after its check; import)."""
    name, url, username = fields.clean_name(name), normalize_url(url), fields.clean_username(username)
    clear = fields.clean_password(password)
    register_secret(clear)
    agent = (user_agent or "").strip() or None
    interval, tz = fields.clean_interval(sync_interval_hours), fields.clean_timezone(timezone)
    now = _now()
    try:
        with db.transaction(conn):
            cur = conn.execute(
                "INSERT INTO profiles (name, url, username, user_agent, created_at, updated_at,"
                " sync_interval_hours, adult_enabled, timezone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, url, username, agent, now, now, interval, 1 if adult_enabled else 0, tz),
            )
            assert cur.lastrowid is not None  # an INSERT always has one
            profile_id = cur.lastrowid
            conn.execute("UPDATE profiles SET secret = ? WHERE id = ?", (vault.encrypt(profile_id, clear), profile_id))
            if account is not None:
                _store_account(conn, profile_id, account, now)
            if active_profile(conn) is None:
                _set_active(conn, profile_id, now)
    except sqlite3.IntegrityError:
        raise ProfileExists(name) from None
    return get_profile(conn, profile_id)


async def edit_profile(
    conn: sqlite3.Connection,
    vault: Vault,
    settings: Settings,
    name_or_id: str | int | Profile,
    *,
    verify: bool = True,
    **changes: Any,
) -> Profile:
    """Change fields; a new URL, username or password is verified by a login before saving."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidProfile(sorted(unknown)[0], f"“{sorted(unknown)[0]}” is not a profile field.")
    current = get_profile(conn, name_or_id)
    if current.is_playlist:  # its address is sealed; the shown host and empty username are not fields
        for key in ("url", "username", "password"):
            if changes.get(key) not in (None, "", getattr(current, key, None)):
                raise InvalidProfile(key, "A playlist profile's address cannot be changed; remove it and add it again.")
            changes.pop(key, None)
    values: dict[str, Any] = {}
    if changes.get("name") is not None:
        values["name"] = fields.clean_name(changes["name"])
        other = _find_row(conn, values["name"], by_id=False)
        if other is not None and other["id"] != current.id:
            raise ProfileExists(values["name"])
    if changes.get("url") is not None:
        values["url"] = normalize_url(changes["url"])
    if changes.get("username") is not None:
        values["username"] = fields.clean_username(changes["username"])
    if "user_agent" in changes:
        values["user_agent"] = (changes["user_agent"] or "").strip() or None
    if changes.get("sync_interval_hours") is not None:
        values["sync_interval_hours"] = fields.clean_interval(changes["sync_interval_hours"])
    if changes.get("adult_enabled") is not None:
        values["adult_enabled"] = 1 if changes["adult_enabled"] else 0
    if "timezone" in changes:
        values["timezone"] = fields.clean_timezone(changes["timezone"])
    new_password = None
    if changes.get("password") is not None:
        new_password = fields.clean_password(changes["password"])
        register_secret(new_password)

    login_changed = new_password is not None or any(
        k in values and values[k] != getattr(current, k) for k in ("url", "username", "user_agent")
    )
    account = None
    if verify and login_changed:
        password = new_password if new_password is not None else decrypt_password(conn, vault, current)
        account = await _login(
            settings,
            values.get("url", current.url),
            values.get("username", current.username),
            password,
            values.get("user_agent", current.user_agent),
        )
    now = _now()
    try:
        with db.transaction(conn):
            if values:
                columns = ", ".join(f"{k} = ?" for k in values)
                conn.execute(f"UPDATE profiles SET {columns}, updated_at = ? WHERE id = ?", (*values.values(), now, current.id))
            if new_password is not None:
                conn.execute(
                    "UPDATE profiles SET secret = ?, updated_at = ? WHERE id = ?",
                    (vault.encrypt(current.id, new_password), now, current.id),
                )
            if account is not None:
                _store_account(conn, current.id, account, now)
    except sqlite3.IntegrityError:
        raise ProfileExists(values.get("name", current.name)) from None
    return get_profile(conn, current.id)


def set_preferences(
    conn: sqlite3.Connection,
    profile: str | int | Profile,
    *,
    sync_interval_hours: int | None = None,
    adult_enabled: bool | None = None,
    timezone: str | None = None,
) -> Profile:
    """Per-profile settings that need no login (``timezone=""`` clears the time zone)."""
    current = get_profile(conn, profile)
    values: dict[str, Any] = {}
    if sync_interval_hours is not None:
        values["sync_interval_hours"] = fields.clean_interval(sync_interval_hours)
    if adult_enabled is not None:
        values["adult_enabled"] = 1 if adult_enabled else 0
    if timezone is not None:
        values["timezone"] = fields.clean_timezone(timezone)
    if values:
        with db.transaction(conn):
            columns = ", ".join(f"{k} = ?" for k in values)
            conn.execute(f"UPDATE profiles SET {columns}, updated_at = ? WHERE id = ?", (*values.values(), _now(), current.id))
    return get_profile(conn, current.id)


def remove_profile(conn: sqlite3.Connection, vault: Vault, name_or_id: str | int | Profile) -> Profile:
    """Delete the profile, every row of it in every table (ON DELETE CASCADE) and its secret."""
    profile = get_profile(conn, name_or_id)
    try:
        password: str | None = decrypt_password(conn, vault, profile)
    except SecretUnreadable:
        password = None  # nothing readable to forget; the row goes anyway
    with db.transaction(conn):
        conn.execute("DELETE FROM profiles WHERE id = ?", (profile.id,))
        active = conn.execute("SELECT value FROM app_state WHERE key = ?", (ACTIVE_KEY,)).fetchone()
        if active is not None and str(active[0]) == str(profile.id):
            successor = conn.execute(
                "SELECT id FROM profiles ORDER BY last_used_at IS NULL, last_used_at DESC, id LIMIT 1"
            ).fetchone()
            if successor is None:
                conn.execute("DELETE FROM app_state WHERE key = ?", (ACTIVE_KEY,))
            else:
                conn.execute("UPDATE app_state SET value = ? WHERE key = ?", (str(successor[0]), ACTIVE_KEY))
    if password is not None and not _password_in_use(conn, vault, password):
        forget_secret(password)  # logs stop masking it, unless another profile shares it
    return profile


def use_profile(conn: sqlite3.Connection, name_or_id: str | int | Profile) -> Profile:
    """Make this the active profile (remembered across restarts) and mark it used now."""
    profile = get_profile(conn, name_or_id)
    with db.transaction(conn):
        _set_active(conn, profile.id, _now())
    return get_profile(conn, profile.id)


def touch(conn: sqlite3.Connection, profile: str | int | Profile) -> None:
    """Record that the profile was used now (for callers outside any transaction)."""
    profile_id = get_profile(conn, profile).id
    with db.transaction(conn):
        conn.execute("UPDATE profiles SET last_used_at = ? WHERE id = ?", (_now(), profile_id))


def record_account(conn: sqlite3.Connection, profile: str | int | Profile, account: Any) -> Profile:
    """Keep the account info of a successful login (sync calls this after its own login)."""
    profile_id = get_profile(conn, profile).id
    with db.transaction(conn):
        _store_account(conn, profile_id, account, _now())
    return get_profile(conn, profile_id)


# ----------------------------------------------------------------------------- using


async def test_profile(conn: sqlite3.Connection, vault: Vault, settings: Settings, name_or_id: str | int | Profile) -> Any:
    """Log in with the stored credentials and refresh the stored account info."""
    profile = get_profile(conn, name_or_id)
    if profile.is_playlist:
        location = playlist_locations(conn, vault, profile)[0]
        account = await PlaylistSource(location, settings=settings, user_agent=profile.user_agent).login()
        with db.transaction(conn):
            _store_account(conn, profile.id, account, _now())
        return account
    password = decrypt_password(conn, vault, profile)
    try:
        account = await _login(settings, profile.url, profile.username, password, profile.user_agent)
    except AccountInactive as exc:
        known = dict(profile.account or {})
        known.update(status=exc.status, exp_date=_iso(exc.exp_date) if exc.exp_date else known.get("exp_date"))
        with db.transaction(conn):
            conn.execute(
                "UPDATE profiles SET account_json = ?, account_checked_at = ? WHERE id = ?",
                (json.dumps(known), _now(), profile.id),
            )
        raise
    with db.transaction(conn):
        _store_account(conn, profile.id, account, _now())
    return account


def stream_credentials(conn: sqlite3.Connection, vault: Vault, profile: str | int | Profile) -> tuple[str, str, str]:
    """(base URL, username, password) for the stream URLs of ``accounts.source`` — playback only."""
    profile = get_profile(conn, profile)
    if profile.is_playlist:
        raise InvalidProfile("url", N_("“%(name)s” is a playlist profile: its streams have no Xtream login."),
                             {"name": profile.name})
    return profile.url, profile.username, decrypt_password(conn, vault, profile)


# ----------------------------------------------------------------------------- internals


async def check_login(
    settings: Settings, url: str, username: str, password: str | Secret, user_agent: str | None = None
) -> Any:
    """Log in with these values and return the ``Account``, saving nothing (a form's "test")."""
    clear = fields.clean_password(password)
    register_secret(clear)
    return await _login(settings, normalize_url(url), fields.clean_username(username), clear, (user_agent or "").strip() or None)


async def _login(settings: Settings, url: str, username: str, password: str, user_agent: str | None) -> Any:
    async with XtreamClient(url, username, password, settings=settings, user_agent=user_agent) as client:
        return await client.login()


def decrypt_password(conn: sqlite3.Connection, vault: Vault, profile: Profile) -> str:
    """The clear password, for the one call that uses it (login, export); never keep it."""
    row = conn.execute("SELECT secret FROM profiles WHERE id = ?", (profile.id,)).fetchone()
    password = vault.decrypt(profile.id, row[0] if row else None, profile.name)
    register_secret(password)
    return password


def playlist_locations(conn: sqlite3.Connection, vault: Vault, profile: Profile) -> tuple[str, tuple[str, ...]]:
    """(playlist location, added XMLTV locations) of a playlist profile, decrypted for the one
    call that reads them; each is masked in logs from now on."""
    sealed = json.loads(decrypt_password(conn, vault, profile))
    location, guides = str(sealed["m3u"]), tuple(str(g) for g in sealed.get("xmltv") or ())
    for each in (location, *guides):
        register_location(each)
    return location, guides


def _password_in_use(conn: sqlite3.Connection, vault: Vault, password: str) -> bool:
    for row in conn.execute("SELECT id, secret FROM profiles"):
        try:
            if vault.decrypt(row["id"], row["secret"]) == password:
                return True
        except SecretUnreadable:
            continue
    return False


def _find_row(conn: sqlite3.Connection, name_or_id: str | int | Profile, *, by_id: bool = True) -> sqlite3.Row | None:
    if isinstance(name_or_id, Profile):
        name_or_id = name_or_id.id
    if isinstance(name_or_id, int) and not isinstance(name_or_id, bool):
        return conn.execute("SELECT * FROM profiles WHERE id = ?", (name_or_id,)).fetchone()
    text = " ".join(str(name_or_id).split())
    row = conn.execute("SELECT * FROM profiles WHERE name = ? COLLATE NOCASE", (text,)).fetchone()
    if row is None and by_id and text.isdigit():
        row = conn.execute("SELECT * FROM profiles WHERE id = ?", (int(text),)).fetchone()
    return row


def _set_active(conn: sqlite3.Connection, profile_id: int, now: str) -> None:
    conn.execute(
        "INSERT INTO app_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (ACTIVE_KEY, str(profile_id)),
    )
    conn.execute("UPDATE profiles SET last_used_at = ? WHERE id = ?", (now, profile_id))


def _store_account(conn: sqlite3.Connection, profile_id: int, account: Any, now: str) -> None:
    conn.execute(
        "UPDATE profiles SET account_json = ?, account_checked_at = ? WHERE id = ?",
        (json.dumps(account_dict(account)), now, profile_id),
    )


def account_dict(account: Any) -> dict[str, Any]:
    """An ``Account`` as JSON-ready data (datetimes as ISO 8601, tuples as lists)."""
    is_record = dataclasses.is_dataclass(account) and not isinstance(account, type)
    raw = dataclasses.asdict(account) if is_record else dict(account)

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        return str(value)  # e.g. the server's tzinfo

    return {k: plain(v) for k, v in raw.items() if k != "password"}


def _from_row(row: sqlite3.Row) -> Profile:
    account = None
    if row["account_json"]:
        try:
            account = json.loads(row["account_json"])
        except ValueError:
            account = None
    return Profile(
        id=row["id"],
        name=row["name"],
        url=row["url"],
        username=row["username"],
        created_at=_parse(row["created_at"]) or datetime.fromtimestamp(0, UTC),
        updated_at=_parse(row["updated_at"]) or datetime.fromtimestamp(0, UTC),
        last_used_at=_parse(row["last_used_at"]),
        account=account,
        sync_interval_hours=row["sync_interval_hours"],
        adult_enabled=bool(row["adult_enabled"]),
        timezone=row["timezone"],
        user_agent=row["user_agent"],
        account_checked_at=_parse(row["account_checked_at"]),
        has_password=row["secret"] is not None,
        kind=_kind(row),
    )


def _kind(row: sqlite3.Row) -> str:
    try:
        return str(row["kind"])
    except IndexError:  # a library before migration 0012 (tests of older schemas)
        return "xtream"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


test_profile.__test__ = False  # type: ignore[attr-defined]  # a service, not a pytest test
