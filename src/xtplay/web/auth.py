"""Who may use the app: the access password, signed session cookies, CSRF and login throttling.

On 127.0.0.1 nobody logs in, but every state-changing request still carries a CSRF token
bound to the browser's session cookie, because any web page can make a browser POST to
localhost. On any other address the app requires the access password (set with
``xtplay access-password``), stored in ``app_state`` as a scrypt hash.

The session cookie is ``base64(json).hmac`` signed with a 32-byte key kept in
``<home>/session.key`` (0600); it is HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import sqlite3
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from xtplay.config import Settings
from xtplay.db import transaction
from xtplay.errors import ConfigError
from xtplay.i18n import N_

COOKIE_NAME = "xtplay_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = 30 * 24 * 3600  #: a login lasts 30 days
ACCESS_PASSWORD_KEY = "access_password"
MIN_PASSWORD_LENGTH = 8

# scrypt cost: 2**15 × 8 × 1 ≈ 32 MiB and ~0.1 s, far beyond what guessing can afford.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**15, 8, 1


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --- the access password -------------------------------------------------------------


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64 parts) for storing in app_state."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P,
                            maxmem=128 * 1024 * 1024, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of a password against a stored scrypt hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), maxmem=128 * 1024 * 1024, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def access_password_hash(conn: sqlite3.Connection) -> str | None:
    """The stored hash, or None when no access password is set."""
    row = conn.execute("SELECT value FROM app_state WHERE key = ?", (ACCESS_PASSWORD_KEY,)).fetchone()
    return row[0] if row and row[0] else None


def set_access_password(conn: sqlite3.Connection, password: str) -> None:
    """Store (or replace) the access password, hashed."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ConfigError(N_("The access password must have at least %(min)s characters."), {"min": MIN_PASSWORD_LENGTH})
    with transaction(conn):
        conn.execute("INSERT INTO app_state(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     (ACCESS_PASSWORD_KEY, hash_password(password)))


def clear_access_password(conn: sqlite3.Connection) -> bool:
    """Remove the access password; True when one was set."""
    with transaction(conn):
        cur = conn.execute("DELETE FROM app_state WHERE key = ?", (ACCESS_PASSWORD_KEY,))
    return cur.rowcount > 0


# --- signed sessions -----------------------------------------------------------------


def session_key(settings: Settings) -> bytes:
    """The signing key, created once per home directory with mode 0600."""
    path = Path(settings.home) / "session.key"
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


@dataclass
class Session:
    """What the cookie says: a random id, whether it logged in, when it was issued."""

    sid: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    authenticated: bool = False
    issued: int = field(default_factory=lambda: int(time.time()))


def _sign(key: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, payload, hashlib.sha256).digest()).decode().rstrip("=")


def encode_session(key: bytes, session: Session) -> str:
    """The cookie value for a session."""
    payload = json.dumps({"s": session.sid, "a": session.authenticated, "t": session.issued},
                         separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(key, body.encode())}"


def decode_session(key: bytes, value: str | None) -> Session | None:
    """The session a cookie carries, or None when missing, forged or expired."""
    if not value or "." not in value:
        return None
    body, sig = value.rsplit(".", 1)
    if not hmac.compare_digest(sig, _sign(key, body.encode())):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        session = Session(sid=str(data["s"]), authenticated=bool(data["a"]), issued=int(data["t"]))
    except (ValueError, KeyError, TypeError):
        return None
    if time.time() - session.issued > SESSION_MAX_AGE:
        return None
    return session


def csrf_token(key: bytes, session: Session) -> str:
    """The CSRF token bound to this session (changes when the session does)."""
    return _sign(key, f"csrf:{session.sid}".encode())


def csrf_valid(key: bytes, session: Session | None, token: str | None) -> bool:
    """True when the token belongs to this session."""
    if session is None or not token:
        return False
    return hmac.compare_digest(token, csrf_token(key, session))


# --- login throttling ----------------------------------------------------------------


class LoginThrottle:
    """Per-client limit on failed logins: a few tries, then an increasing wait."""

    def __init__(self, free_attempts: int = 5, window: float = 900.0, base_delay: float = 30.0) -> None:
        self.free_attempts, self.window, self.base_delay = free_attempts, window, base_delay
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int:
        """Seconds this client must wait before trying again (0: it may try now)."""
        now = time.monotonic()
        with self._lock:
            fails = self._failures.get(client)
            if not fails:
                return 0
            while fails and now - fails[0] > self.window:
                fails.popleft()
            extra = len(fails) - self.free_attempts
            if extra < 0:
                return 0
            wait = self.base_delay * (2 ** min(extra, 6)) - (now - fails[-1])
            return max(0, int(wait + 0.999))

    def failed(self, client: str) -> None:
        """Remember a failed attempt."""
        with self._lock:
            self._failures.setdefault(client, deque(maxlen=64)).append(time.monotonic())

    def succeeded(self, client: str) -> None:
        """Forget the client's failures."""
        with self._lock:
            self._failures.pop(client, None)
