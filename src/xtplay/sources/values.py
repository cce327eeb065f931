"""Tolerant readers of the raw values a provider sends (§6 of ../shared/docs/xtream-api.md).

Numbers arrive as ints, ``"12"``, ``"7,5"``, ``""`` or ``"N/A"``; lists as ``[]``, ``{}``,
``null`` or one string; dates as unix seconds (int or string) or ISO text; guide text as
base64. Each function here absorbs one such family once, returning a typed value or ``None``,
so :mod:`xtplay.sources.models` reads like a field list.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_NONE_WORDS = {"", "none", "null", "n/a", "na", "nan", "undefined"}
_NONE_LONGEST = max(map(len, _NONE_WORDS))
#: Bare duration digits from this many up are seconds: ten hours is longer than any film.
_LONGEST_MINUTES = 600
_YEAR_IN_FIELD = re.compile(r"(?<!\d)(\d{4})(?!\d)")
#: "Heat (1995)", "Heat (1995) 4K", "Heat - 1995": the forms a name carries its year in.
_YEAR_IN_NAME = re.compile(r"\((\d{4})\)|\s[-–]\s*(\d{4})\s*$")
#: One word of letters ("Kids", "ESPN"): plain text, though it is also valid base64.
_PLAIN_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+")
_UTC_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.I)


def text(value: Any) -> str | None:
    """A stripped string, or ``None`` for null/empty; lists are joined (``cast`` as a list)."""
    if type(value) is not str:  # a string nearly always: a full sync reads half a million of them
        if value is None or isinstance(value, (dict, bool)):
            return None
        if isinstance(value, list):
            parts = [p for p in (text(v) for v in value) if p]
            return ", ".join(parts) or None
        value = str(value)
    stripped = value.strip()
    if len(stripped) > _NONE_LONGEST or stripped.lower() not in _NONE_WORDS:
        return stripped
    return None


def integer(value: Any) -> int | None:
    """An integer from int, float, ``"12"``, ``"12.0"`` or ``"7,5"``; ``None`` otherwise."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    as_float = number(value)
    return None if as_float is None else int(as_float)


def number(value: Any) -> float | None:
    """A float from a number or a string (decimal comma accepted); NaN and infinity → None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value else None  # NaN → None
    raw = text(value)
    if raw is None:
        return None
    try:
        parsed = float(raw.replace(",", "."))
    except ValueError:
        return None
    return parsed if parsed == parsed and abs(parsed) != float("inf") else None


def flag(value: Any) -> bool:
    """``1``, ``"1"``, ``true``, ``"yes"`` → True; everything else (``"None"``, ``""``) → False."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "on"}
    return bool(integer(value))


def timestamp(value: Any) -> datetime | None:
    """A tz-aware UTC datetime from unix seconds (int or string) or an ISO date; 0/neg → None."""
    seconds = integer(value) if not isinstance(value, str) or number(value) is not None else None
    if seconds is not None:
        if seconds <= 0:
            return None
        if seconds > 10**11:  # milliseconds
            seconds //= 1000
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    raw = text(value)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def wall_clock(value: Any, tz: tzinfo) -> datetime | None:
    """``"YYYY-MM-DD HH:MM:SS"`` read in the panel's zone, as UTC."""
    raw = text(value)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def strings(value: Any) -> tuple[str, ...]:
    """A tuple of non-empty strings from a list, a single string, or nothing."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return tuple(t for t in (text(v) for v in value) if t)
    single = text(value)
    return (single,) if single else ()


def mapping(value: Any) -> dict[str, Any]:
    """A dict, or ``{}`` for PHP's empty array ``[]`` and for null."""
    return value if isinstance(value, dict) else {}


def year(*fields: Any, name: Any = None) -> int | None:
    """The first plausible year of the explicit ``year``/date fields, else one the ``name``
    spells out as ``"Heat (1995)"`` or ``"Heat - 1995"``.

    A name that is only a number ("1917", "2012") is a title, never a year.
    """
    for candidate in fields:
        raw = text(candidate)
        match = _YEAR_IN_FIELD.search(raw) if raw else None
        if match and 1880 <= (found := int(match.group(1))) <= 2100:
            return found
    raw = text(name)
    match = _YEAR_IN_NAME.search(raw) if raw else None
    if match:
        found = int(match.group(1) or match.group(2))
        if 1880 <= found <= 2100:
            return found
    return None


def rating(value: Any) -> float | None:
    """A rating out of 10 from ``7.5``, ``"7.5"``, ``"7,5"`` or ``"7.5/10"`` (``"4/5"`` → 8)."""
    if type(value) is str and "/" in value:
        score, _, scale = value.partition("/")
        top, bottom = number(score), number(scale)
        return top * 10 / bottom if top is not None and bottom else None
    return number(value)


def duration_secs(secs: Any, clock: Any) -> int | None:
    """``duration_secs``, else ``"01:52:00"``, else bare digits: minutes ("109"), or seconds
    when no film lasts that many minutes ("6540", from panels that put seconds there)."""
    exact = integer(secs)
    if exact:
        return exact
    raw = text(clock)
    if not raw:
        return None
    if raw.isdigit():
        return int(raw) if int(raw) >= _LONGEST_MINUTES else int(raw) * 60
    parts = raw.split(":")
    if all(p.isdigit() for p in parts) and 2 <= len(parts) <= 3:
        total = 0
        for part in parts:
            total = total * 60 + int(part)
        return total if len(parts) == 3 else total * 60
    return None


def codec(value: Any) -> str | None:
    """The codec name from an ffprobe object, or from the first object of a list."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    return text(mapping(value).get("codec_name"))


def category_ref(value: Any) -> str | None:
    """A category id as a string; ``null``, ``""`` and ``0`` mean none."""
    raw = text(value)
    return None if raw in (None, "0") else raw


def decode_epg_text(value: Any) -> str:
    """Base64 guide text decoded leniently (padding, URL-safe alphabet); raw text otherwise,
    and a single plain word ("Kids", "ESPN") kept as it is, though it is also valid base64."""
    raw = text(value) or ""
    if not raw or _PLAIN_WORD.fullmatch(raw):
        return raw
    candidate = raw.replace("-", "+").replace("_", "/")
    candidate += "=" * (-len(candidate) % 4)
    try:
        decoded = base64.b64decode(candidate, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return raw
    if decoded and all(ch.isprintable() or ch in "\n\r\t" for ch in decoded):
        return decoded.strip()
    return raw


def server_zone(name: Any, time_now: Any = None, timestamp_now: Any = None) -> tzinfo:
    """The panel's time zone: an IANA name, ``UTC+3``, or the offset of its clock (15 min steps)."""
    zone = text(name)
    if zone:
        try:
            return ZoneInfo(zone.replace("\\/", "/"))
        except (ZoneInfoNotFoundError, ValueError):
            match = _UTC_OFFSET.match(zone)
            if match:
                sign = -1 if match.group(1) == "-" else 1
                minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
                return timezone(sign * timedelta(minutes=minutes))
    wall, stamp = wall_clock(time_now, UTC), timestamp(timestamp_now)
    if wall and stamp:
        quarter = round((wall - stamp).total_seconds() / 900) * 900
        if abs(quarter) <= 14 * 3600:
            return timezone(timedelta(seconds=quarter))
    return UTC
