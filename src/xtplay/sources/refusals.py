"""What a panel's refusal says: an HTTP status and the first bytes of its body, as one typed error.

Panels refuse in many ways (../shared/docs/xtream-api.md §2.3, §5.6, §6.3): a status (401,
403, 404, 429, 458, 459, 5xx), often with an nginx page or a debug page naming the reason; a
200 carrying the login object (``{"user_info":{"auth":0}}``), an HTML or plain-text message
("Max connections reached", "Line has expired"), or nothing at all. When the answer has words,
they decide (a 403 or 429 saying the connection limit is reached is that, not a bare refusal);
otherwise the status does. A 5xx is always the provider being down: its pages speak of the
provider's own database ("Too many connections" from MySQL), never of the account.

Shared by the API client (:mod:`xtplay.sources.http`) and by playback, which meets the same
answers on streams and calls :func:`error_for_answer` with what it read.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import orjson

from xtplay.errors import (
    AccountInactive,
    ItemNotFound,
    MalformedResponse,
    ProviderError,
    ProviderRefused,
    ProviderServerError,
    StreamOffAir,
    TooManyConnections,
    WrongCredentials,
)
from xtplay.i18n import N_
from xtplay.logs import redact
from xtplay.sources import values

#: Statuses panels use for "your line is already streaming elsewhere" (§5.6 of the API notes).
CONNECTION_LIMIT_STATUSES = frozenset({458, 459})
#: How much of a body is read for its words (a debug page names its reason near the top).
HEAD_BYTES = 4096
#: Plain-text refusals some panels and their firewalls send instead of JSON.
REFUSAL_WORDS = ("blocked", "forbidden", "access denied", "banned")
_BOM = b"\xef\xbb\xbf"
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<title", b"<!--", b"<h1")

#: What a refusal's words say, in the order they are tried (XC_VM's debug texts among them:
#: "Line has expired.", "Line already connected on a different IP.", "Stream is currently offline.").
_SAYINGS = (
    ("down", re.compile(r"sqlstate|mysql|mariadb|database (error|connection)|\[1040\]", re.I)),
    ("limit", re.compile(
        r"max(imum)?[\s_-]*(number[\s_-]+of[\s_-]+)?(conn(ection)?s?|cons)\b|too many (connections|devices|streams|users)"
        r"|connection[\s_-]+limit|connections?[\s_-]+(limit[\s_-]+)?(reached|exceeded)|already[\s_-]+connected"
        r"|simultaneous|download_limit_reached", re.I)),
    ("expired", re.compile(r"\b(line|account|subscription|user)\s+(has\s+)?expired\b|^expired\.?$", re.I)),
    ("banned", re.compile(r"\b(line|account|user)\s+(has\s+been\s+|is\s+)?banned\b|^banned\.?$", re.I)),
    ("disabled", re.compile(r"\b(line|account|user)\s+(has\s+been\s+|is\s+)?disabled\b|^disabled\.?$", re.I)),
    ("credentials", re.compile(
        r"invalid[\s_]+credentials|(username|user name|login) or password is (invalid|incorrect|wrong)"
        r"|(wrong|invalid|incorrect) (username|password|login)|auth(entication)? failed", re.I)),
    ("off-air", re.compile(r"stream[\s_]+(is[\s_]+)?(currently[\s_]+)?offline|off-?air|no servers are currently"
                           r"|channel is (currently )?(offline|unavailable)", re.I)),
)
_SKIPPED = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


def looks_like_html(body: bytes) -> bool:
    """Whether an answer is a web page (login wall, WAF challenge, nginx error) rather than data."""
    return body.lstrip(_BOM).lstrip()[:200].lower().startswith(_HTML_STARTS)


def plain_text(body: bytes) -> str:
    """A short plain-text refusal worth showing, or ``""`` (never HTML or JSON)."""
    text = body[:200].decode("utf-8", "replace").strip()
    if not text or text[0] in "<{[" or len(text) > 120:
        return ""
    return redact(text)


def words_of(body: bytes) -> str:
    """The readable words of a refusal's first bytes: an HTML page's text, a JSON object's
    ``error``/``message`` values, or plain text; ``""`` for binary data."""
    data = body[:HEAD_BYTES].lstrip(_BOM).strip()
    text = data.decode("utf-8", "replace")
    if "\ufffd" in text[:64] or any(ch < " " and ch not in "\r\n\t" for ch in text[:64]):
        return ""  # media bytes, not words
    if looks_like_html(data):
        text = html.unescape(_TAG.sub(" ", _SKIPPED.sub(" ", text)))
    elif text[:1] == "{":
        found = _json_object(data)
        text = " ".join(str(found[k]) for k in ("error", "message", "msg", "status") if isinstance(found.get(k), str))
    return " ".join(text.split())


def error_in_words(host: str, status: int, words: str, account: Any = None) -> ProviderError | None:
    """The typed error a refusal's words name, or ``None`` when they name none."""
    kind = next((kind for kind, pattern in _SAYINGS if pattern.search(words)), None)
    if kind is None:
        return None
    if kind == "down":
        return ProviderServerError(host, status, "reports that its database is failing")
    if kind == "limit":
        return too_many(host, status, account)
    if kind == "credentials":
        return WrongCredentials(host)
    if kind == "off-air":
        return StreamOffAir(host)
    return AccountInactive(kind, _expiry(account) if kind == "expired" else None)


def too_many(host: str, status: int, account: Any = None) -> TooManyConnections:
    """The connection-limit error, counted from the account when its login told the numbers."""
    limit = _field(account, "max_connections")
    active = _field(account, "active_connections", "active_cons")
    return TooManyConnections(host, status, values.integer(limit), values.integer(active))


def error_for_status(host: str, status: int, body: bytes = b"", account: Any = None) -> ProviderError | None:
    """The typed error for an HTTP status and its body, or ``None`` when the status is a success.

    ``account`` (an :class:`~xtplay.sources.models.Account`, or its stored dict) supplies the
    connection counts of a limit message and the date of an expiry.
    """
    if 200 <= status < 300:
        return None
    if status in CONNECTION_LIMIT_STATUSES:
        return too_many(host, status, account)
    if 500 <= status < 600:
        return ProviderServerError(host, status)
    said = error_in_words(host, status, words_of(body), account)
    if said is not None:
        return said
    if status == 401:
        return WrongCredentials(host)
    if status == 429:  # "slow down": the one refusal worth a delayed retry
        error = ProviderRefused(host, status, N_("The server %(host)s asks to slow down (HTTP 429). Try again shortly."),
                                {"host": host})
        error.retryable = True
        return error
    text = plain_text(body)
    if text:
        return ProviderRefused(host, status, N_("The server %(host)s refused the request (HTTP %(status)s): %(text)s"),
                               {"host": host, "status": status, "text": text})
    return ProviderRefused(host, status)


def error_for_answer(host: str, status: int, head: bytes, headers: Mapping[str, str] | None = None,
                     account: Any = None) -> ProviderError | None:
    """The typed error of an upstream *stream* answer, or ``None`` when it may be media.

    ``head`` is the first bytes of the body as read (``b""`` when the body is empty; a few KB
    are plenty); ``headers`` its response headers. A success status is still an error when
    its body is empty (off-air), the login object, a web page or a short message; anything else
    is left to the caller to recognise as TS, HLS, MP4 …, whatever the headers claim.
    """
    error: ProviderError | None
    if status >= 400:
        error = _stream_status(host, status, head, account)
    elif status >= 300:
        return None  # a redirect the caller did not follow is not an answer yet
    else:
        error = _stream_body(host, status, head, headers or {}, account)
    if isinstance(error, TooManyConnections):
        error.retryable = True  # once another player stops, the same request works
    return error


def _stream_status(host: str, status: int, head: bytes, account: Any) -> ProviderError:
    """A refused stream: as any refusal, but a bare 403, 404 or 406 said the way streams mean it."""
    error = error_for_status(host, status, head, account) or ProviderRefused(host, status)
    if type(error) is not ProviderRefused:
        return error
    if status == 403:
        error = ProviderRefused(host, status, N_("The provider refused this stream (HTTP 403): all your account's "
                                                 "connections may be in use, the account may have expired, or the "
                                                 "stream is not in your package. Stop another player and try again."))
        error.retryable = True
    elif status == 406:
        error = ProviderRefused(host, status, N_("This stream is not in your account's package (HTTP 406)."))
    elif status in (404, 410):
        return ItemNotFound(N_("The provider has no such stream (HTTP %(status)s). It may have been removed; "
                               "sync the catalog."), {"status": status})
    return error


def _stream_body(host: str, status: int, head: bytes, headers: Mapping[str, str], account: Any) -> ProviderError | None:
    """A stream answered with success: nothing, the login object, or words, are refusals too."""
    data = head.lstrip(_BOM).strip()
    if not data:
        return StreamOffAir(host)
    if data[:1] == b"{" and isinstance(user := _json_object(data).get("user_info"), dict):
        return _login_refusal(host, user, account)
    words = words_of(data)
    if not words or words.startswith("#EXT") or (words.startswith("<?xml") and "<MPD" in words):
        return None  # media bytes, or a playlist
    said = error_in_words(host, status, words, account)
    if said is not None:
        return said
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if looks_like_html(data) or content_type.lower().startswith("text/html"):
        what = "a web page"
    else:
        what = f"this message: “{redact(words[:120])}”"
    return ProviderRefused(host, status, f"The provider answered with {what} instead of the stream; it may be "
                                         "offline, or refused to this account.")


def _login_refusal(host: str, user: dict[str, Any], account: Any) -> ProviderError:
    """A stream answered with the login object: the line is refused or inactive (XC 2.x)."""
    if "auth" in user and not values.flag(user["auth"]):
        return WrongCredentials(host)
    status = (values.text(user.get("status")) or "").lower()
    if status in ("expired", "banned", "disabled"):
        return AccountInactive(status, values.timestamp(user.get("exp_date")) or _expiry(account))
    return MalformedResponse(host, N_("the account information"))


def _json_object(data: bytes) -> dict[str, Any]:
    try:
        found = orjson.loads(data)
    except orjson.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) else {}


def _field(account: Any, *names: str) -> Any:
    """A field of an ``Account`` or of its stored/raw dict, whichever was given."""
    for name in names:
        found = account.get(name) if isinstance(account, Mapping) else getattr(account, name, None)
        if found is not None:
            return found
    return None


def _expiry(account: Any) -> datetime | None:
    found = _field(account, "exp_date")
    return found if isinstance(found, datetime) else values.timestamp(found)


__all__ = [
    "CONNECTION_LIMIT_STATUSES",
    "REFUSAL_WORDS",
    "error_for_answer",
    "error_for_status",
    "error_in_words",
    "looks_like_html",
    "plain_text",
    "too_many",
    "words_of",
]
