"""Settings with named defaults: where data lives, network limits, server address.

Every number that shapes behaviour lives here with a help line, so nothing is scattered
across calls (httpx's ``_config.py`` is the model).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from xtplay.errors import ConfigError
from xtplay.i18n import N_

APP_NAME = "xtplay"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8470
#: How long the app keeps a browser's idle connection open for its next request, in seconds
#: (uvicorn's default, named here). A client that keeps idle connections as long as this may
#: send a request just as the app closes one: browsers resend it by themselves (a request on a
#: reused connection reset before any answer), a client that does not must keep idle
#: connections for less time than this.
KEEP_ALIVE_SECONDS = 5
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
class Artwork:
    """The artwork cache: logos and posters fetched on first view, kept resized on disk."""

    cache_bytes: int = 200 * 1024 * 1024  #: the whole cache; least recently shown files go first past it
    image_bytes: int = 5 * 1024 * 1024  #: one download; a bigger answer is refused, not read to its end
    image_pixels: int = 25_000_000  #: width × height of one image (a 4K poster; a decompression bomb is far above)
    connect: float = 3.0  #: opening a connection to an image host
    read: float = 8.0  #: between two reads of an image
    wait: float = 0.5  #: how long a miss waits for its download before a placeholder answers
    failure_secs: float = 600.0  #: a failed image (or an unreachable host) is not asked again before this
    downloads: int = 4  #: images downloaded at once (providers ban clients that fan out)


#: Overrides :attr:`Artwork.cache_bytes`, in megabytes.
ARTWORK_CACHE_ENV = "XTPLAY_ARTWORK_CACHE_MB"
#: Overrides :attr:`Settings.conversions`.
CONVERSIONS_ENV = "XTPLAY_CONVERSIONS"
#: ffmpeg conversions at once by default: a transcode takes about a core; this machine's
#: measured ceiling is in bench/README.md ("transcode ceiling").
DEFAULT_CONVERSIONS = 3


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
    artwork: Artwork = field(default_factory=lambda: artwork_from_env())
    #: ffmpeg processes (remux or transcode) at once; the next viewer waits, then is told it is busy.
    conversions: int = field(default_factory=lambda: conversions_from_env())

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

    @property
    def artwork_dir(self) -> Path:
        """Resized logos and posters (regenerable: fetched again when shown)."""
        return self.cache_dir / "artwork"


def artwork_from_env() -> Artwork:
    """The artwork limits, with the cache size from ``$XTPLAY_ARTWORK_CACHE_MB`` when set."""
    text = os.environ.get(ARTWORK_CACHE_ENV, "").strip()
    if not text:
        return Artwork()
    try:
        megabytes = float(text)
    except ValueError:
        raise ConfigError(N_("%(name)s must be a number of megabytes, not “%(value)s”."),
                          {"name": ARTWORK_CACHE_ENV, "value": text}) from None
    if megabytes < 1:
        raise ConfigError(N_("%(name)s must be at least 1 (megabyte)."), {"name": ARTWORK_CACHE_ENV})
    return Artwork(cache_bytes=int(megabytes * 1024 * 1024))


def conversions_from_env() -> int:
    """How many ffmpeg conversions run at once: ``$XTPLAY_CONVERSIONS`` when set."""
    text = os.environ.get(CONVERSIONS_ENV, "").strip()
    if not text:
        return DEFAULT_CONVERSIONS
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{CONVERSIONS_ENV} must be a whole number of conversions, at least 1, not “{text}”.")
    return int(text)


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The home directory: ``--home``, else ``$XTPLAY_HOME``, else the platform's data dir."""
    chosen = explicit or os.environ.get("XTPLAY_HOME")
    path = Path(chosen).expanduser() if chosen else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def load_settings(home: str | os.PathLike[str] | None = None, **overrides: object) -> Settings:
    """Settings for a home directory, with command-line overrides applied."""
    return Settings(home=resolve_home(home), **overrides)  # type: ignore[arg-type]
