"""Fetching the guide: the provider's ``xmltv.php``, added XMLTV URLs, and the short EPG.

``refresh_guide`` streams every XMLTV source of a profile into the library (one source failing
leaves its previous guide and does not stop the others), prunes old programmes, and re-matches
catalog channels. The short EPG (``get_short_epg``) fills now/next for channels that no XMLTV
source covers, and the data-table call loads a channel's full listing on demand; both are
asked only for the channels a page shows, since providers ban clients that poll every channel.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson

from xtplay.accounts.profiles import Profile, list_profiles
from xtplay.accounts.source import source_for
from xtplay.accounts.vault import Vault
from xtplay.config import Settings
from xtplay.db import open_library, transaction
from xtplay.errors import ConfigError, GuideError, MalformedResponse, XtplayError
from xtplay.guide.blocks import entry, epoch
from xtplay.guide.model import SHORT, XTREAM, GuideResult, Retention, naive_time_zone
from xtplay.guide.query import now_next, resolve_channels
from xtplay.guide.store import ingest_stream, prune, rematch
from xtplay.i18n import N_
from xtplay.library.catalog import is_empty
from xtplay.logs import redact, register_secret
from xtplay.sources.http import ProviderHttp
from xtplay.sources.models import EpgEntry
from xtplay.sources.playlist_read import file_chunks, is_address, shown_location

log = logging.getLogger(__name__)

#: Ask the short EPG for a channel again only after this many seconds.
SHORT_EPG_MAX_AGE = 15 * 60
#: At most this many short-EPG calls per page view, two at a time (providers ban fan-out).
SHORT_EPG_BATCH = 24
SHORT_EPG_CONCURRENCY = 2


# ----------------------------------------------------------------------------- sources


def sources(conn: sqlite3.Connection, profile_id: int) -> list[dict[str, Any]]:
    """The XMLTV URLs added to a profile, with the state of their last refresh."""
    rows = conn.execute(
        """SELECT s.id, s.url, s.added_at,
                  (SELECT status FROM guide_runs r WHERE r.profile_id = s.profile_id AND r.source = 'url:' || s.id
                    ORDER BY r.id DESC LIMIT 1) AS status,
                  (SELECT error FROM guide_runs r WHERE r.profile_id = s.profile_id AND r.source = 'url:' || s.id
                    ORDER BY r.id DESC LIMIT 1) AS error
           FROM guide_sources s WHERE s.profile_id = ? ORDER BY s.id""", (profile_id,)).fetchall()
    return [{"id": r[0], "url": r[1], "added_at": r[2], "last_status": r[3], "last_error": r[4]} for r in rows]


def add_source(conn: sqlite3.Connection, vault: Vault, profile_id: int, url: str) -> int:
    """Add an XMLTV URL (plain or gzip) to a profile's guide; returns its id (same id if already added).

    Such URLs often carry the provider's username and password, so the URL itself is kept
    encrypted like a password; only its redacted form is stored in clear, for listings."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced "[" of an IPv6 address
        raise ConfigError(N_("“%(url)s” is not an http(s) URL of an XMLTV guide."), {"url": redact(url)}) from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(N_("“%(url)s” is not an http(s) URL of an XMLTV guide."), {"url": redact(url)})
    register_secret_parts(url)
    shown = redact(url.replace(f":{parts.password}@", ":***@", 1) if parts.password else url)
    secret = vault.encrypt(profile_id, url)
    with transaction(conn):
        conn.execute("INSERT INTO guide_sources (profile_id, url, secret, added_at) VALUES (?,?,?,?) "
                     "ON CONFLICT (profile_id, url) DO UPDATE SET secret = excluded.secret",
                     (profile_id, shown, secret, int(time.time())))
        return conn.execute("SELECT id FROM guide_sources WHERE profile_id=? AND url=?", (profile_id, shown)).fetchone()[0]


def register_secret_parts(url: str) -> None:
    """Mask an added URL's password (query ``password=`` or user-info) in every later log line."""
    parts = urlsplit(url)
    register_secret(parts.password)
    for key, value in parse_qsl(parts.query):
        if key.lower() in ("password", "pass", "pwd", "passwd", "token"):
            register_secret(value)


def _source_url(conn: sqlite3.Connection, vault: Vault, profile_id: int, source_id: int) -> str:
    """The added URL as entered, decrypted only for the request that fetches it."""
    row = conn.execute("SELECT secret FROM guide_sources WHERE id=? AND profile_id=?", (source_id, profile_id)).fetchone()
    url = vault.decrypt(profile_id, row[0])
    register_secret_parts(url)
    return url


def remove_source(conn: sqlite3.Connection, profile_id: int, source_id: int) -> bool:
    """Remove an added URL and its programmes; False when it did not exist."""
    key = f"url:{int(source_id)}"
    with transaction(conn):
        gone = conn.execute("DELETE FROM guide_sources WHERE profile_id=? AND id=?", (profile_id, source_id)).rowcount
        conn.execute("DELETE FROM programme_blocks WHERE profile_id=? AND run_id IN (SELECT run_id FROM guide_current "
                     "WHERE profile_id=? AND source=?)", (profile_id, profile_id, key))
        for table in ("guide_channels", "guide_current", "guide_map"):
            conn.execute(f"DELETE FROM {table} WHERE profile_id=? AND source=?", (profile_id, key))
    if gone:
        rematch(conn, profile_id)
    return bool(gone)


def last_runs(conn: sqlite3.Connection, profile_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """The latest guide refreshes, newest first (one row per source)."""
    rows = conn.execute("SELECT source, started_at, finished_at, status, channels, programmes, error FROM guide_runs "
                        "WHERE profile_id=? ORDER BY id DESC LIMIT ?", (profile_id, limit)).fetchall()
    keys = ("source", "started_at", "finished_at", "status", "channels", "programmes", "error")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def last_success(conn: sqlite3.Connection, profile_id: int) -> int | None:
    """Epoch of the last refresh that stored a guide, or None."""
    row = conn.execute("SELECT max(finished_at) FROM guide_runs WHERE profile_id=? AND status='ok'", (profile_id,)).fetchone()
    return row[0] if row else None


@asynccontextmanager
async def _url_stream(settings: Settings, url: str, user_agent: str | None) -> AsyncIterator[AsyncIterator[bytes]]:
    """Decompressed chunks of any XMLTV URL, with the provider client's retries and error translation."""
    parts = urlsplit(url)
    http = ProviderHttp(f"{parts.scheme}://{parts.netloc}", timeouts=settings.timeouts, retry=settings.retry,
                        limits=settings.limits, user_agent=user_agent)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))  # httpx drops a query left in the path
    try:
        async with http.stream(parts.path.lstrip("/"), query) as chunks:
            yield chunks
    except MalformedResponse as exc:  # a guide address is no Xtream server: say what was expected
        raise MalformedResponse(exc.host, exc.what, guide=True) from None
    finally:
        await http.aclose()


def named_source_key(where: str) -> str:
    """The guide source key of a guide a source names: stable for the same address or file."""
    return "list:" + hashlib.blake2b(where.encode("utf-8"), digest_size=6).hexdigest()


@asynccontextmanager
async def _guide_stream(settings: Settings, where: str, user_agent: str | None) -> AsyncIterator[AsyncIterator[bytes]]:
    """Chunks of a named guide: an address (as :func:`_url_stream`) or a file, plain or gzip."""
    if is_address(where):
        async with _url_stream(settings, where, user_agent) as chunks:
            yield chunks
        return
    path = Path(where).expanduser()
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise GuideError(N_("The guide file %(name)s cannot be read (%(reason)s)."),
                         {"name": path.name, "reason": exc.strerror or "error"}) from None
    with handle:
        yield file_chunks(handle)


# ----------------------------------------------------------------------------- refresh


async def refresh_guide(
    settings: Settings,
    conn: sqlite3.Connection,
    vault: Vault,
    profile: Profile,
    extra_urls: tuple[str, ...] = (),
    *,
    retention: Retention = Retention(),
    include_provider: bool = True,
    now: datetime | None = None,
) -> GuideResult:
    """Load every XMLTV source of the profile (``xmltv.php`` and added URLs; ``extra_urls`` are
    added first), prune, and re-match channels. Per-source failures are in ``errors``. Times
    without an offset are read in :func:`~xtplay.guide.model.naive_time_zone`."""
    started = time.monotonic()
    for url in extra_urls:
        add_source(conn, vault, profile.id, url)
    errors: dict[str, str] = {}
    stored = 0
    named: list[str] = []  # the guides the source names (a playlist's url-tvg and added guides)
    if include_provider:
        try:
            async with source_for(conn, vault, settings, profile) as source, source.stream_xmltv() as chunks:
                named = source.guides()
                stored += await ingest_stream(
                    conn,
                    profile.id,
                    XTREAM,
                    chunks,
                    retention=retention,
                    now=now,
                    default_tz=naive_time_zone(profile, provider_guide=True),
                )
        except XtplayError as exc:
            log.warning("guide of %s: provider XMLTV failed: %s", profile.name, exc)
            errors["provider"] = str(exc)
    for where in named:
        try:
            async with _guide_stream(settings, where, profile.user_agent) as chunks:
                stored += await ingest_stream(conn, profile.id, named_source_key(where), chunks, retention=retention,
                                              now=now, default_tz=naive_time_zone(profile, provider_guide=False))
        except XtplayError as exc:
            log.warning("guide of %s: %s failed: %s", profile.name, shown_location(where), exc)
            errors[shown_location(where)] = str(exc)
    for src in sources(conn, profile.id):
        try:
            url = _source_url(conn, vault, profile.id, src["id"])
            async with _url_stream(settings, url, profile.user_agent) as chunks:
                stored += await ingest_stream(
                    conn,
                    profile.id,
                    f"url:{src['id']}",
                    chunks,
                    retention=retention,
                    now=now,
                    default_tz=naive_time_zone(profile, provider_guide=False),
                )
        except XtplayError as exc:
            log.warning("guide of %s: %s failed: %s", profile.name, src["url"], exc)
            errors[src["url"]] = str(exc)
    # Off the event loop: at 10,000 channels these take a second, and the server keeps serving.
    await asyncio.to_thread(prune, conn, profile.id, retention, now)
    matched, unmatched = await asyncio.to_thread(rematch, conn, profile.id)
    return GuideResult(stored, matched, unmatched, errors, time.monotonic() - started)


# ----------------------------------------------------------------------------- short EPG


def _store_short(conn: sqlite3.Connection, profile_id: int, provider_id: str, entries: list[EpgEntry]) -> int:
    """Replace one channel's short-EPG programmes and map the channel to them if nothing else covers it."""
    block: list[list[Any]] = sorted(
        (
            entry(int(e.start.timestamp()), int(e.end.timestamp()), e.title or "", e.description or None, None)
            for e in entries
            if e.end > e.start
        ),
        key=lambda e: e[0],
    )
    now = int(time.time())
    with transaction(conn):
        conn.execute(
            "INSERT INTO guide_current VALUES (?,?,0,?) ON CONFLICT (profile_id, source) DO NOTHING",
            (profile_id, SHORT, now),
        )
        conn.execute(
            "DELETE FROM programme_blocks WHERE profile_id=? AND run_id=0 AND channel_key=?", (profile_id, provider_id)
        )
        if block:
            conn.execute(
                "INSERT INTO programme_blocks VALUES (?,?,?,?,?,?,?)",
                (profile_id, 0, provider_id, block[0][0], max(e[1] for e in block), len(block), orjson.dumps(block)),
            )
        conn.execute(
            "INSERT INTO guide_channels (profile_id, source, run_id, channel_key, fetched_at) VALUES (?,?,0,?,?) "
            "ON CONFLICT DO UPDATE SET fetched_at = excluded.fetched_at",
            (profile_id, SHORT, provider_id, now),
        )
        conn.execute(
            "INSERT INTO guide_map (profile_id, provider_id, source, channel_key, matched_by) VALUES (?,?,?,?,'short') "
            "ON CONFLICT DO NOTHING",
            (profile_id, provider_id, SHORT, provider_id),
        )
    return len(block)


async def refresh_now_next(
    settings: Settings,
    conn: sqlite3.Connection,
    vault: Vault,
    profile: Profile,
    provider_ids: list[str],
    at: datetime | None = None,
) -> int:
    """Ask the short EPG for the listed channels that have no programme now from XMLTV.

    Returns how many channels were asked. Failures are logged, not raised: now/next is a
    decoration and must never break a page.
    """
    ts = epoch(at)
    current = now_next(conn, profile.id, provider_ids, at)
    covered = resolve_channels(conn, profile.id, provider_ids)
    fresh = {
        r[0]
        for r in conn.execute(
            "SELECT channel_key FROM guide_channels WHERE profile_id=? AND source=? AND fetched_at > ?",
            (profile.id, SHORT, ts - SHORT_EPG_MAX_AGE),
        )
    }
    wanted = [
        str(p)
        for p in provider_ids
        if current[str(p)].now is None and str(p) not in fresh and covered.get(str(p), (0,))[0] == 0
    ][:SHORT_EPG_BATCH]
    if not wanted:
        return 0
    gate = asyncio.Semaphore(SHORT_EPG_CONCURRENCY)
    async with source_for(conn, vault, settings, profile) as source:

        async def one(pid: str) -> None:
            async with gate:
                try:
                    entries = await source.short_epg(int(pid))
                except (XtplayError, ValueError) as exc:
                    log.info("short EPG of channel %s failed: %s", pid, exc)
                    entries = []
            _store_short(conn, profile.id, pid, entries)

        await asyncio.gather(*(one(pid) for pid in wanted))
    return len(wanted)


async def load_channel_day(
    settings: Settings, conn: sqlite3.Connection, vault: Vault, profile: Profile, provider_id: str
) -> int:
    """Load a channel's full listing with the data-table call (for channels XMLTV does not cover)."""
    async with source_for(conn, vault, settings, profile) as source:
        entries = await source.simple_data_table(int(provider_id))
    return _store_short(conn, profile.id, str(provider_id), entries)


# ----------------------------------------------------------------------------- schedule


#: After a failed refresh the scheduler waits this long before asking the provider again.
RETRY_AFTER_FAILURE_SECS = 600


def refresh_due(conn: sqlite3.Connection, profile_id: int, interval_hours: float, now: float | None = None) -> bool:
    """Whether the scheduler should load this profile's guide now: it has channels and either
    never had a guide (a new profile, just synced) or its guide is older than ``interval_hours``;
    a failed attempt holds the next one back for :data:`RETRY_AFTER_FAILURE_SECS`."""
    now = time.time() if now is None else now
    if is_empty(conn, profile_id, "live"):
        return False  # nothing to match programmes to yet: the catalog sync comes first
    latest = last_runs(conn, profile_id, 1)
    if latest and latest[0]["status"] != "ok" and now - (latest[0]["started_at"] or 0) < RETRY_AFTER_FAILURE_SECS:
        return False
    last = last_success(conn, profile_id)
    return last is None or now - last >= interval_hours * 3600


async def run_scheduler(
    settings: Settings,
    *,
    interval_hours: float = 12,
    stop: asyncio.Event | None = None,
    initial_delay: float = 5,
    check_every: float = 30,
    retention: Retention = Retention(),
) -> None:
    """Load each profile's guide when it is due (:func:`refresh_due`), checking every
    ``check_every`` seconds, so a new profile has its guide soon after its first sync.

    Runs until ``stop`` is set (or the task is cancelled); the web server starts it. Each round
    opens its own connection; a failing profile is logged and retried later.
    """
    stop = stop or asyncio.Event()
    delay = initial_delay
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
            return
        except TimeoutError:
            pass
        delay = check_every
        try:
            conn = open_library(settings.db_path)
        except XtplayError as exc:
            log.warning("guide scheduler: %s", exc)
            continue
        try:
            vault = Vault.open(settings)
            for profile in list_profiles(conn):
                if stop.is_set() or not refresh_due(conn, profile.id, interval_hours):
                    continue
                try:
                    result = await refresh_guide(settings, conn, vault, profile, retention=retention)
                    log.info("guide of %s refreshed: %s", profile.name, result.to_dict())
                except XtplayError as exc:
                    log.warning("guide refresh of %s failed: %s", profile.name, exc)
        except XtplayError as exc:
            log.warning("guide scheduler: %s", exc)
        finally:
            conn.close()


__all__ = [
    "add_source",
    "last_runs",
    "last_success",
    "load_channel_day",
    "refresh_guide",
    "refresh_now_next",
    "remove_source",
    "run_scheduler",
    "sources",
]
