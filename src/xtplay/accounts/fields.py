"""What a valid profile field is: the server URL normalised, names, usernames, passwords,
sync interval and time zone checked, each refusal an ``InvalidProfile`` naming its field."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from xtplay.accounts.vault import Secret, reveal
from xtplay.errors import InvalidProfile
from xtplay.i18n import N_

MAX_NAME = 80
MAX_SYNC_INTERVAL_HOURS = 24 * 365


def normalize_url(raw: str) -> str:
    """``scheme://host[:port][/sub/path]``: scheme defaults to http; trailing ``/``, a final
    ``*.php`` segment (player_api.php, get.php …), query, fragment and user:pass are dropped."""
    text = (raw or "").strip()
    if not text:
        raise InvalidProfile("url", N_("The server URL is required."))
    if any(ch.isspace() for ch in text) or any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InvalidProfile("url", N_("The server URL must not contain spaces."))
    if "://" not in text:
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:  # an unbalanced "[" of an IPv6 address
        raise InvalidProfile("url", N_("“%(address)s” is not a server address."), {"address": raw.strip()}) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidProfile("url", N_("The server URL must start with http:// or https://, not %(scheme)s://."),
                             {"scheme": parts.scheme})
    host = parts.hostname
    try:
        port = parts.port
    except ValueError:
        raise InvalidProfile("url", N_("The port in the server URL is not a number between 1 and 65535.")) from None
    if not host or host.startswith(".") or ".." in host or not all(c.isalnum() or c in ".-_:" for c in host):
        raise InvalidProfile("url", N_("“%(address)s” is not a server address."), {"address": raw.strip()})
    if port == 0:
        raise InvalidProfile("url", N_("The port in the server URL is not a number between 1 and 65535."))
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1].lower().endswith(".php"):
        segments.pop()
    path = "/" + "/".join(segments) if segments else ""
    return urlunsplit((scheme, netloc, path, "", ""))


def clean_name(name: str | None) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise InvalidProfile("name", N_("The profile name is required."))
    if len(text) > MAX_NAME:
        raise InvalidProfile("name", N_("The profile name is longer than %(max)s characters."), {"max": MAX_NAME})
    return text


def clean_username(username: str | None) -> str:
    text = (username or "").strip()
    if not text:
        raise InvalidProfile("username", N_("The username is required."))
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InvalidProfile("username", N_("The username contains control characters."))
    return text


def clean_password(password: str | Secret | None) -> str:
    text = reveal(password) if password is not None else ""
    if not text:
        raise InvalidProfile("password", N_("The password is required."))
    if "\n" in text or "\r" in text:
        raise InvalidProfile("password", N_("The password must be on one line."))
    return text


def clean_interval(value: Any) -> int:
    try:
        hours = int(value)
    except (TypeError, ValueError):
        raise InvalidProfile("sync_interval_hours", N_("The sync interval must be a whole number of hours.")) from None
    if not 0 <= hours <= MAX_SYNC_INTERVAL_HOURS:
        raise InvalidProfile("sync_interval_hours", N_("The sync interval must be between 0 (manual) and %(max)s hours."),
                             {"max": MAX_SYNC_INTERVAL_HOURS})
    return hours


def clean_timezone(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidProfile("timezone", N_("“%(zone)s” is not a time zone (use a name such as Europe/Paris)."),
                             {"zone": text}) from None
    return text
