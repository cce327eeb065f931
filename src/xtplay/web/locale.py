"""The language a page speaks, chosen per request, and the formatting of dates, times and
durations in it.

A browser's choice in Settings (kept per device, :func:`devices.device_language`) wins; else
its ``Accept-Language`` header, negotiated by Babel against :data:`i18n.LANGUAGES`; else
English. The :class:`Languages` middleware gives each request its own context variable,
worked out on first use, so two requests answered at once on different tasks or threads
never see each other's language, and routes, templates, macros, filters and the error
handlers all read the same one (:func:`current`).
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from babel import Locale, negotiate_locale
from babel.dates import format_date, format_skeleton, format_timedelta
from babel.messages.extract import extract
from babel.numbers import format_decimal
from starlette.datastructures import Headers

from xtplay import db
from xtplay.accounts import devices
from xtplay.errors import XtplayError
from xtplay.i18n import LANGUAGES, SOURCE_LANGUAGE, Phrase, catalog_messages, translations


class _Choice:
    """One request's language, worked out on first use (most responses, streams and static
    files never need it, so they never read the library for it)."""

    def __init__(self, scope: dict[str, Any] | None, db_path: Path | None, fixed: str | None = None) -> None:
        self.scope, self.db_path, self.fixed = scope, db_path, fixed

    @property
    def language(self) -> str:
        if self.fixed is None:
            self.fixed = _choose(self.scope or {}, self.db_path)
        return self.fixed


_speaking: ContextVar[_Choice | None] = ContextVar("xtplay_language", default=None)


class Languages:
    """ASGI middleware: every HTTP request speaks its own language (:func:`current`), chosen
    lazily from this browser's Settings choice, else its ``Accept-Language``, else English."""

    def __init__(self, app: Any, db_path: Path | None = None) -> None:
        self.app, self.db_path = app, db_path

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _speaking.set(_Choice(scope, self.db_path))
        try:
            await self.app(scope, receive, send)
        finally:
            _speaking.reset(token)


# --- choosing --------------------------------------------------------------------------


def from_header(header: str | None) -> str:
    """The offered language that best fits an ``Accept-Language`` header (English when none does)."""
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag.strip() and tag.strip() != "*" and quality > 0:
            wanted.append((-quality, position, tag.strip()))
    preferred = [tag for _, _, tag in sorted(wanted)]
    return negotiate_locale(preferred, list(LANGUAGES), sep="-") or SOURCE_LANGUAGE


def _choose(scope: dict[str, Any], db_path: Path | None) -> str:
    session = scope.get("state", {}).get("session")
    device = getattr(session, "sid", None)
    chosen = override(db_path, device) if device and db_path is not None else None
    return chosen or from_header(Headers(scope=scope).get("accept-language") if scope else None)


def override(db_path: Path, device: str) -> str | None:
    """The language this device chose in Settings, None when it follows its browser (or the
    library cannot be read: a page about a broken library still speaks its browser's language)."""
    try:
        conn = db.connect(db_path)
        try:
            chosen = devices.device_language(conn, device)
        finally:
            conn.close()
    except (sqlite3.Error, XtplayError):
        return None
    return chosen if chosen in LANGUAGES else None


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block (this task or thread only)."""
    token = _speaking.set(_Choice(None, None, language if language in LANGUAGES else SOURCE_LANGUAGE))
    try:
        yield
    finally:
        _speaking.reset(token)


def current() -> str:
    """The language of the request being answered (English outside any request)."""
    choice = _speaking.get()
    return choice.language if choice is not None else SOURCE_LANGUAGE


def babel_locale() -> Locale:
    """The Babel locale of :func:`current`."""
    return Locale.parse(current())


# --- translating -----------------------------------------------------------------------


def gettext(message: str) -> str:
    """``message`` in the language of the request being answered."""
    return translations(current()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the language of the request being answered."""
    return translations(current()).ungettext(singular, plural, n)


def translate(message: str, params: dict[str, Any] | None = None) -> str:
    """A message marked where it was written (an English msgid, maybe with ``%(name)s`` fields)
    in the language being rendered, filled in with ``params``."""
    text = gettext(message)
    return text % {key: _value(value) for key, value in params.items()} if params else text


def _value(value: Any) -> Any:
    """A value filled into a sentence: a marked :class:`Phrase` in the language being rendered,
    anything else (a host, a count, a provider's words) as it is."""
    return translate(value.template, value.params) if isinstance(value, Phrase) else value


_FIELD = re.compile(r"%\((\w+)\)s|%%")


@functools.cache
def _sentences(language: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each msgid with ``%(name)s`` fields as a pattern matching the English sentences it makes."""
    found: list[tuple[int, re.Pattern[str], str]] = []
    for msgid, translation in catalog_messages(language).items():
        if "%(" not in msgid or re.search(r"%\(\w+\)[^s]", msgid):
            continue
        pattern, at = "", 0
        for match in _FIELD.finditer(msgid):
            pattern += re.escape(msgid[at:match.start()])
            pattern += "%" if match.group(0) == "%%" else f"(?P<{match.group(1)}>.+?)"
            at = match.end()
        literal = len(_FIELD.sub("", msgid))
        found.append((literal, re.compile(pattern + re.escape(msgid[at:]) + r"\Z", re.S), translation))
    # the most specific first: "Too many connections: %(in_use)s of %(max)s in use…" before "%(matched)s of %(channels)s"
    return tuple((pattern, translation) for _, pattern, translation in sorted(found, key=lambda f: -f[0]))


def translated(text: Any) -> str:
    """A sentence made in English earlier (a stored sync error, a cached provider check, a
    form error) in the language of the request: its msgid's translation, with the values it
    was made with filled back in; the text itself when no msgid made it (a provider's words)."""
    text = "" if text is None else str(text)
    language = current()
    if language == SOURCE_LANGUAGE or not text:
        return text
    direct = gettext(text)
    if direct != text:
        return direct
    for pattern, translation in _sentences(language):
        match = pattern.match(text)
        if match:
            try:  # a value that was itself a marked part ("The file x.m3u") is read back too
                return translation % {key: translated(value) for key, value in match.groupdict().items()}
            except (KeyError, TypeError, ValueError):
                return text
    return text


def describe(error: XtplayError) -> str:
    """An error's sentence in the language of the request (its English one when the catalog
    lacks it, e.g. a provider's own words)."""
    try:
        return translate(error.template, error.params)
    except (KeyError, TypeError, ValueError):  # a translation whose fields do not fit: the English one
        return str(error)


# --- formatting ------------------------------------------------------------------------


def clock(value: datetime, tz: tzinfo | None) -> str:
    """Hours and minutes on a 24-hour clock, as the language writes them ('20:30')."""
    return format_skeleton("Hm", value.astimezone(tz), locale=babel_locale())


def day(value: date | datetime, tz: tzinfo | None = None) -> str:
    """A short day: 'Mon 07 Dec', 'lun. 07 déc.'."""
    if isinstance(value, datetime):
        value = value.astimezone(tz)
    return format_date(value, "EEE dd MMM", locale=babel_locale())


def weekday(value: datetime, tz: tzinfo | None = None) -> str:
    """The abbreviated day of the week ('Mon', 'lun.')."""
    return format_date(value.astimezone(tz), "EEE", locale=babel_locale())


def decimal(value: float) -> str:
    """A number with one decimal, as the language writes it ('7.5', '7,5')."""
    return format_decimal(value, "0.0", locale=babel_locale())


def ago(delta: timedelta) -> str:
    """How long ago, in words: '3 minutes ago', 'il y a 3 minutes'."""
    if delta < timedelta(minutes=1):
        return gettext("just now")
    return format_timedelta(-delta, threshold=1.0, add_direction=True, locale=babel_locale())


# --- the scripts' sentences ------------------------------------------------------------

#: Where the page scripts live; their sentences are the string arguments of ``tr("…")``.
SCRIPTS_DIR = Path(__file__).parent / "static" / "js"
SCRIPT_KEYWORDS: dict[str, Any] = {"tr": None}


@functools.cache
def _script_msgids() -> tuple[str, ...]:
    found: list[str] = []
    for path in sorted(SCRIPTS_DIR.glob("*.js")):
        with path.open("rb") as fh:
            for _line, message, _comments, _context in extract("javascript", fh, keywords=SCRIPT_KEYWORDS):
                if isinstance(message, str) and message not in found:
                    found.append(message)
    return tuple(found)


def script_messages() -> dict[str, str]:
    """The scripts' sentences in the language of the request (``{msgid: translation}``); the
    page hands them to its scripts as JSON in an attribute (no inline script, which the
    Content-Security-Policy forbids), and ``tr()`` falls back to the English msgid."""
    if current() == SOURCE_LANGUAGE:
        return {}
    return {msgid: gettext(msgid) for msgid in _script_msgids()}
