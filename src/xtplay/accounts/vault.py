"""The credential vault: provider passwords encrypted at rest with AES-256-GCM.

Each secret is sealed under a 256-bit master key with a fresh 12-byte nonce and the profile id
as associated data, so a blob copied onto another profile does not decrypt. The master key
lives in the OS keyring (service ``xtplay``, one entry per home directory); where no usable
keyring exists (a headless server) it lives in ``<home>/master.key`` with mode 0600, and one
warning says so. ``XTPLAY_KEYRING=file`` forces the key file. Once a key is in the keyring, a
keyring that later fails is an error, never a silent switch to a new key.

Blob layout: ``version (1 byte) | nonce (12 bytes) | ciphertext + GCM tag``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
import threading
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from xtplay.config import Settings
from xtplay.errors import ConfigError, SecretUnreadable, VaultError
from xtplay.i18n import N_

log = logging.getLogger(__name__)

KEYRING_SERVICE = "xtplay"
KEY_FILE_NAME = "master.key"
#: Written beside the library once the key is in the keyring, so a keyring that is unusable
#: later is reported instead of being replaced by a new key file.
KEYRING_MARKER = "master.key.in-keyring"
BLOB_VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32
#: ``XTPLAY_KEYRING``: ``auto`` (keyring, else the key file) or ``file`` (always the key file).
KEYRING_ENV = "XTPLAY_KEYRING"

_warned_homes: set[str] = set()
_warn_lock = threading.Lock()


class Secret:
    """A password held in memory; its repr and str never show it (Starlette's ``Secret``)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The clear text, for the one call that needs it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and secrets.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash(self._value)


def reveal(value: str | Secret) -> str:
    """The clear text of a password given either plain or wrapped."""
    return value.reveal() if isinstance(value, Secret) else value


class Vault:
    """Seals and opens profile secrets under one master key."""

    def __init__(self, key: bytes, source: str) -> None:
        if len(key) != KEY_BYTES:
            raise VaultError(N_("The master key must be 256 bits."))
        self._aead = AESGCM(key)
        #: Where the key lives: ``"keyring"`` or ``"file"`` (shown by ``profile list``, never the key).
        self.source = source

    def __repr__(self) -> str:
        return f"Vault(source={self.source!r})"

    @classmethod
    def open(cls, settings: Settings) -> Vault:
        """The vault of this home directory, creating its master key on first use."""
        mode = os.environ.get(KEYRING_ENV, "auto").strip().lower() or "auto"
        if mode not in ("auto", "file"):
            raise ConfigError(N_("%(name)s must be “auto” or “file”, not “%(mode)s”."), {"name": KEYRING_ENV, "mode": mode})
        key_file = settings.home / KEY_FILE_NAME
        marker = settings.home / KEYRING_MARKER
        if mode == "file" or key_file.exists():
            # An existing key file wins: switching stores would make every secret unreadable.
            return cls(_file_key(key_file), "file")
        key, reason = _keyring_key(settings.home)
        if key is not None:
            if not marker.exists():
                marker.write_text(f"The master key is in the OS keyring: service {KEYRING_SERVICE}, "
                                  f"entry {_keyring_user(settings.home)}.\n", encoding="utf-8")
            return cls(key, "keyring")
        if marker.exists():
            # The key lives in a keyring that is unusable right now (locked, no session bus …):
            # a new file key would silently make every stored password unreadable.
            raise VaultError(
                f"The master key is kept in the OS keyring, which cannot be used now ({reason}). "
                f"Unlock the keyring and try again, or set {KEYRING_ENV}=file and re-enter every password."
            )
        _warn_once(settings.home, reason)
        return cls(_file_key(key_file), "file")

    def encrypt(self, profile_id: int, text: str | Secret) -> bytes:
        """A fresh blob for this profile's secret (new nonce every time)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, reveal(text).encode("utf-8"), _aad(profile_id))
        return bytes([BLOB_VERSION]) + nonce + sealed

    def encrypt_bytes(self, profile_id: int, data: bytes) -> bytes:
        """:meth:`encrypt` of bytes (a large secret such as a playlist's index, without a text copy)."""
        nonce = os.urandom(NONCE_BYTES)
        return bytes([BLOB_VERSION]) + nonce + self._aead.encrypt(nonce, data, _aad(profile_id))

    def decrypt(self, profile_id: int, blob: bytes | None, profile_name: str | None = None) -> str:
        """The clear secret; ``SecretUnreadable`` (naming the profile) when it cannot be opened."""
        try:
            return self.decrypt_bytes(profile_id, blob, profile_name).decode("utf-8")
        except UnicodeDecodeError:
            raise SecretUnreadable(profile_name) from None

    def decrypt_bytes(self, profile_id: int, blob: bytes | None, profile_name: str | None = None) -> bytes:
        """:meth:`decrypt` of a secret sealed by :meth:`encrypt_bytes` (not necessarily text)."""
        if not blob or len(blob) < 1 + NONCE_BYTES + 16 or blob[0] != BLOB_VERSION:
            raise SecretUnreadable(profile_name)
        nonce, sealed = bytes(blob[1 : 1 + NONCE_BYTES]), bytes(blob[1 + NONCE_BYTES :])
        try:
            return self._aead.decrypt(nonce, sealed, _aad(profile_id))
        except InvalidTag:
            raise SecretUnreadable(profile_name) from None


def _aad(profile_id: int) -> bytes:
    return f"xtplay-profile:{int(profile_id)}".encode("ascii")


def _keyring_user(home: Path) -> str:
    return f"master-key:{home}"


def _keyring_key(home: Path) -> tuple[bytes | None, str]:
    """The key from the OS keyring (created there if missing), or None and why not."""
    try:
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return None, "no keyring backend is available"
        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            return None, "no keyring backend is available"
        user = _keyring_user(home)
        stored = backend.get_password(KEYRING_SERVICE, user)
        if stored is None:
            backend.set_password(KEYRING_SERVICE, user, base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii"))
            stored = backend.get_password(KEYRING_SERVICE, user)
            if stored is None:
                return None, "the keyring did not keep the key"
        key = base64.b64decode(stored, validate=True)
        if len(key) != KEY_BYTES:
            return None, "the keyring holds a damaged key"
        return key, ""
    except (binascii.Error, ValueError):
        return None, "the keyring holds a damaged key"
    except Exception:  # any keyring backend failure (locked, no D-Bus …) means: use the file
        log.debug("keyring failed", exc_info=True)
        return None, "the keyring could not be used (locked or not running)"


def _file_key(path: Path) -> bytes:
    """The key from the 0600 key file, created atomically (O_EXCL) when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key_file(path)
    except OSError as exc:
        raise VaultError(N_("Cannot create the key file %(path)s: %(reason)s."), {"path": path, "reason": exc.strerror}) from exc
    key = os.urandom(KEY_BYTES)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(base64.b64encode(key).decode("ascii") + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise VaultError(N_("Cannot write the key file %(path)s: %(reason)s."), {"path": path, "reason": exc.strerror}) from exc
    return key


def _read_key_file(path: Path) -> bytes:
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
            log.warning("The key file %s was readable by others; its mode is now 0600.", path)
        text = path.read_text(encoding="ascii").strip()
        for _ in range(40):  # another process may have just created it and not yet written it
            if text:
                break
            time.sleep(0.05)
            text = path.read_text(encoding="ascii").strip()
        key = base64.b64decode(text, validate=True)
    except OSError as exc:
        raise VaultError(N_("The key file %(path)s cannot be read (%(reason)s)."),
                         {"path": path, "reason": exc.strerror or "access failed"}) from exc
    except (UnicodeDecodeError, binascii.Error, ValueError) as exc:
        raise VaultError(N_("The key file %(path)s is damaged. Restore it, or remove it and re-enter every password."),
                         {"path": path}) from exc
    if len(key) != KEY_BYTES:
        raise VaultError(N_("The key file %(path)s is damaged. Restore it, or remove it and re-enter every password."),
                         {"path": path})
    return key


def _warn_once(home: Path, reason: str) -> None:
    with _warn_lock:
        if str(home) in _warned_homes:
            return
        _warned_homes.add(str(home))
    log.warning("No usable OS keyring (%s): the master key is kept in %s (mode 0600).", reason, home / KEY_FILE_NAME)
