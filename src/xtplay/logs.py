"""Logging that cannot print a credential.

A filter on every handler rewrites each record's final text: ``password=`` values in query
strings, the PASS part of Xtream stream paths (``/live/USER/PASS/…``), and any secret value
registered with :func:`register_secret` become ``***``.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

MASK = "***"

_QUERY_SECRET = re.compile(r"(?i)((?:password|passwd|pass|pwd|token)=)[^&\s\"'#]*")
# /live/U/P/… /movie/U/P/… /series/U/P/… /timeshift/U/P/… and the short form /U/P/ID(.ext)
_PATH_SECRET = re.compile(r"(/(?:live|movie|series|timeshift|timeshifts)/[^/\s?#\"']+/)[^/\s?#\"']+(?=/)")
_SHORT_PATH_SECRET = re.compile(r"(https?://[^/\s]+(?:/[^/\s]+)*?/[^/\s?#\"']+/)[^/\s?#\"']+(?=/\d+(?:\.\w+)?(?:[\s?#\"']|$))")

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Mask this exact value wherever it would appear in a log line from now on."""
    if value and len(value) >= 3:
        with _lock:
            _secrets.add(value)


def forget_secret(value: str | None) -> None:
    """Stop masking a value (a password was changed or its profile removed)."""
    with _lock:
        _secrets.discard(value or "")


def redact(text: str) -> str:
    """The text with every credential we can recognise replaced by ``***``."""
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, text)
    text = _PATH_SECRET.sub(lambda m: m.group(1) + MASK, text)
    text = _SHORT_PATH_SECRET.sub(lambda m: m.group(1) + MASK, text)
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Renders the record's message, redacts it, and freezes the result into the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not leak args either
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def setup_logging(log_dir: Path | None = None, verbose: bool = False) -> None:
    """Console at WARNING (INFO with ``verbose``), a file at DEBUG; all handlers redact."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_xtplay", False):
            root.removeHandler(handler)
    root.setLevel(logging.DEBUG)
    console = logging.StreamHandler()
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handlers: list[logging.Handler] = [console]
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(log_dir / "xtplay.log", encoding="utf-8")
        file_handler.setLevel(logging.DEBUG)
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handlers.append(file_handler)
    for handler in handlers:
        handler.addFilter(RedactingFilter())
        handler._xtplay = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    # httpx logs full request URLs at INFO; they pass through the same filter, but keep them quiet.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
