"""Which audio and subtitle language to start with: the profile's preference, overridden by
the choice last made on the same channel or series.

Languages are what the files and streams say (``eng``, ``fre``, ``de`` …), compared loosely
(:func:`same_language`: ``fre``, ``fra`` and ``fr`` are one). A subtitle choice may be
``off``. Changing a track in the player remembers it for that channel or series (a movie's
change becomes the profile's preference), so the next episode starts the same way.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from xtplay.db import transaction

SCOPES = ("profile", "channel", "series")
OFF = "off"

#: ISO 639-2 bibliographic / terminologic codes → ISO 639-1, for the common ones.
_ALIASES = {"eng": "en", "fre": "fr", "fra": "fr", "ger": "de", "deu": "de", "spa": "es", "ita": "it",
            "por": "pt", "dut": "nl", "nld": "nl", "pol": "pl", "tur": "tr", "ara": "ar", "rus": "ru",
            "gre": "el", "ell": "el", "swe": "sv", "nor": "no", "dan": "da", "fin": "fi", "chi": "zh",
            "zho": "zh", "jpn": "ja", "kor": "ko", "hin": "hi", "cze": "cs", "ces": "cs", "rum": "ro",
            "ron": "ro", "hun": "hu", "alb": "sq", "sqi": "sq", "per": "fa", "fas": "fa"}


@dataclass(frozen=True, slots=True)
class Languages:
    """The audio and subtitle languages to start with (None: no preference)."""

    audio: str | None = None
    subtitle: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"audio": self.audio, "subtitle": self.subtitle}


def normal(code: str | None) -> str | None:
    """A language code in its short form (``fre`` → ``fr``), lower case; None when empty."""
    if not code or not code.strip():
        return None
    c = code.strip().lower().split("-")[0].split("_")[0]
    return _ALIASES.get(c, c)


def spellings(code: str | None) -> list[str]:
    """Every code that names the same language as ``code`` (``fr`` → ``fr``, ``fra``, ``fre``),
    for a player that matches a stream's own track labels itself (HLS renditions)."""
    short = normal(code)
    if short is None:
        return []
    return [short, *sorted(k for k, v in _ALIASES.items() if v == short and k != short)]


def same_language(a: str | None, b: str | None) -> bool:
    """Whether two codes name one language (``fre`` and ``fr``)."""
    return normal(a) is not None and normal(a) == normal(b)


def _row(conn: sqlite3.Connection, profile_id: int, scope: str, key: str) -> tuple[str | None, str | None]:
    row = conn.execute("SELECT audio_lang, subtitle_lang FROM track_choices WHERE profile_id = ? AND scope = ?"
                       " AND key = ?", (profile_id, scope, key)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def preferred(conn: sqlite3.Connection, profile_id: int, *, channel_id: str | None = None,
              series_id: str | None = None) -> Languages:
    """The languages to start a channel, an episode of a series, or a movie (neither) with."""
    audio, subtitle = _row(conn, profile_id, "profile", "")
    specific = (_row(conn, profile_id, "channel", str(channel_id)) if channel_id is not None else
                _row(conn, profile_id, "series", str(series_id)) if series_id is not None else (None, None))
    return Languages(specific[0] or audio, specific[1] or subtitle)


def remember(conn: sqlite3.Connection, profile_id: int, scope: str, key: str = "", *, audio: str | None = None,
             subtitle: str | None = None) -> Languages:
    """Store a choice (only the given parts change); ``scope`` 'profile' is the preference."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    key = "" if scope == "profile" else str(key)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    clean_sub = OFF if subtitle == OFF else (subtitle.strip().lower() or None if subtitle else None)
    clean_audio = audio.strip().lower() or None if audio else None
    with transaction(conn):
        conn.execute(
            "INSERT INTO track_choices (profile_id, scope, key, audio_lang, subtitle_lang, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (profile_id, scope, key) DO UPDATE SET"
            " audio_lang = coalesce(excluded.audio_lang, track_choices.audio_lang),"
            " subtitle_lang = coalesce(excluded.subtitle_lang, track_choices.subtitle_lang),"
            " updated_at = excluded.updated_at",
            (profile_id, scope, key, clean_audio, clean_sub, now))
    a, s = _row(conn, profile_id, scope, key)
    return Languages(a, s)


def set_preference(conn: sqlite3.Connection, profile_id: int, audio: str | None, subtitle: str | None) -> Languages:
    """Replace the profile's preferred languages (empty: no preference)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO track_choices (profile_id, scope, key, audio_lang, subtitle_lang, updated_at)"
            " VALUES (?, 'profile', '', ?, ?, ?)",
            (profile_id, (audio or "").strip().lower() or None, (subtitle or "").strip().lower() or None, now))
    return preferred(conn, profile_id)
