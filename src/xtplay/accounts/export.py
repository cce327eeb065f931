"""Encrypted export and import of profiles, to move them to another machine or keep a backup.

The file is JSON whose only clear fields describe the format; every profile field (password
included) sits in one AES-256-GCM payload under a key derived from a passphrase with scrypt
(n=2**15, r=8, p=1: memory-hard, so guessing passphrases is slow).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from xtplay.accounts import playlists, profiles
from xtplay.accounts.vault import Vault
from xtplay.errors import ConfigError, ProfileError, SecretUnreadable, VaultError
from xtplay.i18n import N_
from xtplay.logs import register_secret

FORMAT = "xtplay-profiles"
VERSION = 1
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SALT_BYTES, NONCE_BYTES = 16, 12
MIN_PASSPHRASE = 8
_AAD = f"{FORMAT}:{VERSION}".encode()


@dataclass
class ExportResult:
    """What went into the file, and what could not (with the reason)."""

    path: Path
    exported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportOutcome:
    """One profile of the file: ``added``, ``renamed`` (to ``saved_as``) or ``skipped``."""

    name: str
    action: str
    saved_as: str | None = None
    reason: str = ""


def check_passphrase(passphrase: str) -> str:
    """Refuse passphrases too short to protect the passwords in the file."""
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise ConfigError(N_("The passphrase must have at least %(min)s characters."), {"min": MIN_PASSPHRASE})
    return passphrase


def export_profiles(
    conn: sqlite3.Connection, vault: Vault, path: Path | str, passphrase: str, names: list[str] | None = None
) -> ExportResult:
    """Write the chosen profiles (default: all) to ``path`` (mode 0600), encrypted."""
    check_passphrase(passphrase)
    register_secret(passphrase)
    chosen = [profiles.get_profile(conn, n) for n in names] if names else profiles.list_profiles(conn)
    if not chosen:
        raise ProfileError(N_("There is no profile to export."))
    result = ExportResult(Path(path))
    entries = []
    for profile in chosen:
        try:
            password = profiles.decrypt_password(conn, vault, profile)
        except SecretUnreadable:
            result.skipped.append((profile.name, "its stored password cannot be decrypted"))
            continue
        entries.append(
            {
                "name": profile.name,
                "url": profile.url,
                "username": profile.username,
                "password": password,
                "user_agent": profile.user_agent,
                "sync_interval_hours": profile.sync_interval_hours,
                "adult_enabled": profile.adult_enabled,
                "timezone": profile.timezone,
                "kind": profile.kind,  # a playlist's "password" is its sealed address and guides
            }
        )
        result.exported.append(profile.name)
    if not entries:
        raise SecretUnreadable(result.skipped[0][0])
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    payload = json.dumps({"profiles": entries}).encode("utf-8")
    sealed = AESGCM(_derive(passphrase, salt)).encrypt(nonce, payload, _AAD)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "count": len(entries),
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "cipher": "AES-256-GCM",
        "nonce": _b64(nonce),
        "ciphertext": _b64(sealed),
    }
    _write_private(result.path, json.dumps(document, indent=2).encode("utf-8") + b"\n")
    return result


def read_export(path: Path | str, passphrase: str) -> list[dict[str, Any]]:
    """The profile entries of an export file; a wrong passphrase is refused clearly."""
    register_secret(passphrase)
    try:
        document = json.loads(Path(path).read_bytes())
    except OSError as exc:
        raise ConfigError(N_("Cannot read %(path)s: %(reason)s."), {"path": path, "reason": exc.strerror}) from exc
    except ValueError:
        raise ConfigError(N_("%(path)s is not an xtplay profile export."), {"path": path}) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ConfigError(N_("%(path)s is not an xtplay profile export."), {"path": path})
    if document.get("version") != VERSION:
        raise ConfigError(N_("%(path)s is an export format version this xtplay does not know; upgrade xtplay."), {"path": path})
    try:
        kdf = document["kdf"]
        if kdf.get("name") != "scrypt":
            raise ConfigError(N_("%(path)s uses an unknown key derivation."), {"path": path})
        key = _derive(passphrase, _unb64(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
        nonce, sealed = _unb64(document["nonce"]), _unb64(document["ciphertext"])
    except (KeyError, TypeError, ValueError, binascii.Error, AttributeError):
        raise ConfigError(N_("%(path)s is damaged: its header is incomplete."), {"path": path}) from None
    try:
        clear = AESGCM(key).decrypt(nonce, sealed, _AAD)
    except (InvalidTag, ValueError):
        raise VaultError(N_("Wrong passphrase (or the export file was altered): nothing was imported.")) from None
    entries = json.loads(clear).get("profiles", [])
    for entry in entries:
        register_secret(entry.get("password"))
    return entries


def import_profiles(
    conn: sqlite3.Connection, vault: Vault, path: Path | str, passphrase: str, *, on_conflict: str = "skip"
) -> list[ImportOutcome]:
    """Add the file's profiles without a login; an existing name is skipped or renamed."""
    if on_conflict not in ("skip", "rename"):
        raise ConfigError(N_("on_conflict must be “skip” or “rename”."))
    outcomes = []
    for entry in read_export(path, passphrase):
        name = str(entry.get("name") or "")
        target = name
        if _name_taken(conn, name):
            if on_conflict == "skip":
                outcomes.append(ImportOutcome(name, "skipped", None, "a profile with that name exists"))
                continue
            target = _free_name(conn, name)
        try:
            if entry.get("kind") == "m3u":
                sealed = json.loads(entry.get("password") or "{}")
                playlists.insert_playlist_profile(
                    conn, vault, name=target, m3u=str(sealed.get("m3u") or ""), xmltv=list(sealed.get("xmltv") or []),
                    user_agent=entry.get("user_agent"), sync_interval_hours=entry.get("sync_interval_hours", 24),
                    adult_enabled=bool(entry.get("adult_enabled")), timezone=entry.get("timezone"))
                outcomes.append(ImportOutcome(name, "renamed" if target != name else "added", target))
                continue
            profiles.insert_profile(
                conn,
                vault,
                name=target,
                url=entry.get("url") or "",
                username=entry.get("username") or "",
                password=entry.get("password") or "",
                user_agent=entry.get("user_agent"),
                sync_interval_hours=entry.get("sync_interval_hours", 24),
                adult_enabled=bool(entry.get("adult_enabled")),
                timezone=entry.get("timezone"),
            )
        except ProfileError as exc:
            outcomes.append(ImportOutcome(name, "skipped", None, str(exc)))
            continue
        outcomes.append(ImportOutcome(name, "renamed" if target != name else "added", target))
    return outcomes


def _name_taken(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM profiles WHERE name = ? COLLATE NOCASE", (" ".join(name.split()),)).fetchone() is not None


def _free_name(conn: sqlite3.Connection, name: str) -> str:
    candidate, n = f"{name} (imported)", 2
    while _name_taken(conn, candidate):
        candidate, n = f"{name} (imported {n})", n + 1
    return candidate


def _derive(passphrase: str, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> bytes:
    if not (2**10 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
        raise ValueError("scrypt parameters out of range")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _write_private(path: Path, data: bytes) -> None:
    """Write via a 0600 temporary file beside the target, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigError(N_("Cannot write %(path)s: %(reason)s."), {"path": path, "reason": exc.strerror}) from exc


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
