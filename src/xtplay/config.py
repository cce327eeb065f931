"""Settings with named defaults: where data lives, network limits, server address.

Every number that shapes behaviour lives here with a help line, so nothing is scattered
across calls (httpx's ``_config.py`` is the model).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "xtplay"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8470
#: Sent to providers unless a profile sets its own (many panels only admit player-like agents).
DEFAULT_USER_AGENT = "VLC/3.0.20 LibVLC/3.0.20"


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Time limits for provider calls, in seconds."""

    connect: float = 5.0  #: opening the TCP/TLS connection
    read: float = 30.0  #: between two reads of an ordinary answer
    list_read: float = 180.0  #: between reads of a whole-catalog list (big providers are slow)
    write: float = 10.0
    pool: float = 10.0  #: waiting for a free pooled connection


@dataclass(frozen=True, slots=True)
class StreamTimeouts:
    """Time limits of the stream proxy toward the provider (playback), in seconds."""

    connect: float = 5.0  #: opening the connection to the stream's server
    read: float = 20.0  #: between two reads of a stream: a stream silent this long is cut
    write: float = 10.0
    pool: float = 10.0
    start: float = 6.0  #: a live format's first bytes, before the next format is tried


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and jitter, for idempotent requests only."""

    attempts: int = 3  #: total tries, the first included
    initial: float = 0.5  #: first backoff, seconds
    maximum: float = 8.0  #: longest single backoff
    jitter: float = 0.5  #: random extra up to this many seconds


@dataclass(frozen=True, slots=True)
class Limits:
    """Connection limits toward one provider."""

    max_connections: int = 4  #: providers ban clients that fan out (§6.2 of the API notes)
    max_keepalive: int = 4


@dataclass(frozen=True, slots=True)
class Settings:
    """Where xtplay keeps its data and where it serves."""

    home: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeouts: Timeouts = field(default_factory=Timeouts)
    stream_timeouts: StreamTimeouts = field(default_factory=StreamTimeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limits: Limits = field(default_factory=Limits)

    @property
    def db_path(self) -> Path:
        """The SQLite library."""
        return self.home / "xtplay.db"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def cache_dir(self) -> Path:
        """Regenerable files (demo media, transcodes)."""
        return self.home / "cache"


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The home directory: ``--home``, else ``$XTPLAY_HOME``, else the platform's data dir."""
    chosen = explicit or os.environ.get("XTPLAY_HOME")
    path = Path(chosen).expanduser() if chosen else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def load_settings(home: str | os.PathLike[str] | None = None, **overrides: object) -> Settings:
    """Settings for a home directory, with command-line overrides applied."""
    return Settings(home=resolve_home(home), **overrides)  # type: ignore[arg-type]
