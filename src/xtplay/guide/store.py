"""Storing the guide: XMLTV ingest under a new run and the swap, retention, channel matching.

A source's guide is written under a fresh run id while readers keep the current one; only a
complete guide is swapped in (``guide_current``), in one small transaction, and the previous
run's rows are deleted after. Programmes are stored in blocks (see ``0003_guide.sql``).
Catalog live channels are then matched to guide channels by EPG channel id, else by
normalised display name. Use these through :mod:`xtplay.guide`, which re-exports them.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
import unicodedata
from collections.abc import AsyncIterable, Iterable
from datetime import datetime, tzinfo
from typing import Any

import orjson

from xtplay.db import transaction
from xtplay.guide.blocks import SEP, entry, epoch
from xtplay.guide.model import SHORT, Retention
from xtplay.sources.xmltv import XmltvChannel, XmltvProgramme, XmltvReader, chunks

BATCH_PROGRAMMES = 20_000  #: programmes held in memory before their blocks are written
BLOCK_SECONDS = 6 * 3600  #: a block holds programmes starting within one such slot…
BLOCK_MAX = 64  #: …and at most this many
DEFAULT_LENGTH = 30 * 60  #: stop of a last programme that gave none
RUN_HISTORY_DAYS = 30  #: refresh records kept for the settings page


# ----------------------------------------------------------------------------- ingest


class SourceIngest:
    """Writes one source's guide under a new run; ``commit()`` swaps it in, ``fail()`` drops it.

    Programmes are gathered per channel into blocks (same 6-hour slot, at most ``BLOCK_MAX``)
    and written when ``BATCH_PROGRAMMES`` are held, so memory stays bounded whatever the order.
    """

    def __init__(self, conn: sqlite3.Connection, profile_id: int, source: str, *,
                 retention: Retention = Retention(), now: datetime | None = None) -> None:
        self.conn, self.profile_id, self.source = conn, profile_id, source
        now_ts = epoch(now)
        self.keep_from = now_ts - retention.days_back * 86400
        self.keep_until = now_ts + retention.days_ahead * 86400
        self.programmes = 0
        self.channels: dict[str, tuple[str, str | None]] = {}
        self._blocks: dict[str, list[list]] = {}  # channel → programmes of its open block
        self._slots: dict[str, int] = {}
        self._held = 0
        self._rows: list[tuple] = []
        self._open: dict[str, XmltvProgramme] = {}  # channel → programme waiting for its stop
        with transaction(conn):
            run_id = conn.execute(
                "INSERT INTO guide_runs (profile_id, source, started_at) VALUES (?, ?, ?)",
                (profile_id, source, int(time.time())),
            ).lastrowid
        assert run_id is not None  # an INSERT always has one
        self.run_id: int = run_id

    def add(self, items: Iterable[XmltvChannel | XmltvProgramme]) -> None:
        """Take parsed items; full batches of blocks are written as they complete."""
        keep_from, keep_until, pending = self.keep_from, self.keep_until, self._open
        blocks, slots, channels = self._blocks, self._slots, self.channels
        for item in items:
            if type(item) is XmltvProgramme:
                start, stop, channel = item.start, item.stop, item.channel
                if stop is None or stop <= start:
                    prev = pending.pop(channel, None)
                    if prev is not None:
                        self.add([prev._replace(stop=max(start, prev.start + 60))])
                    pending[channel] = item
                    continue
                if stop < keep_from or start > keep_until:
                    continue
                extra = None
                if item.subtitle or item.category or item.episode_num or item.icon or item.lang:
                    extra = SEP.join((item.subtitle or "", item.category or "", item.episode_num or "",
                                       item.icon or "", item.lang or ""))
                slot = start // BLOCK_SECONDS
                block = blocks.get(channel)
                if block is None or slots[channel] != slot or len(block) >= BLOCK_MAX:
                    if block is not None:
                        self._close_block(channel, block)
                    else:
                        channels.setdefault(channel, ("", None))
                    block = blocks[channel] = []
                    slots[channel] = slot
                block.append(entry(start, stop, item.title, item.description, extra))
                self._held += 1
                if self._held >= BATCH_PROGRAMMES:
                    self.flush()
            elif type(item) is XmltvChannel:
                channels[item.id] = ("\n".join(item.display_names), item.icon)

    def _close_block(self, channel: str, block: list[list]) -> None:
        block.sort(key=_first)
        self._rows.append((self.profile_id, self.run_id, channel, block[0][0], max(e[1] for e in block), len(block),
                           orjson.dumps(block)))
        self.programmes += len(block)

    def flush(self) -> None:
        """Close every open block and write them."""
        for channel, block in self._blocks.items():
            self._close_block(channel, block)
        self._blocks.clear()
        self._held = 0
        rows, self._rows = self._rows, []
        if rows:
            with transaction(self.conn):
                self.conn.executemany("INSERT INTO programme_blocks VALUES (?,?,?,?,?,?,?)", rows)

    def commit(self) -> int:
        """Swap this run in as the source's guide; the previous run's rows are then deleted."""
        for prog in list(self._open.values()):
            self.add([prog._replace(stop=prog.start + DEFAULT_LENGTH)])
        self._open.clear()
        self.flush()
        now = int(time.time())
        with transaction(self.conn) as conn:
            old = conn.execute("SELECT run_id FROM guide_current WHERE profile_id = ? AND source = ?",
                               (self.profile_id, self.source)).fetchone()
            conn.executemany(
                "INSERT INTO guide_channels (profile_id, source, run_id, channel_key, names, icon) VALUES (?,?,?,?,?,?)",
                [(self.profile_id, self.source, self.run_id, key, names, icon) for key, (names, icon) in self.channels.items()],
            )
            conn.execute(
                "INSERT INTO guide_current (profile_id, source, run_id, updated_at) VALUES (?,?,?,?) "
                "ON CONFLICT (profile_id, source) DO UPDATE SET run_id = excluded.run_id, updated_at = excluded.updated_at",
                (self.profile_id, self.source, self.run_id, now),
            )
            conn.execute("UPDATE guide_runs SET status='ok', finished_at=?, channels=?, programmes=? WHERE id=?",
                         (now, len(self.channels), self.programmes, self.run_id))
        if old is not None:
            _drop_run(self.conn, self.profile_id, self.source, old[0])
        return self.programmes

    def fail(self, error: BaseException) -> None:
        """Forget this run's rows and record why; the current guide stays as it was."""
        self._rows.clear()
        self._blocks.clear()
        _drop_run(self.conn, self.profile_id, self.source, self.run_id)
        with transaction(self.conn):
            self.conn.execute("UPDATE guide_runs SET status='failed', finished_at=?, programmes=?, error=? WHERE id=?",
                              (int(time.time()), self.programmes, str(error)[:500], self.run_id))


def _first(entry: list) -> int:
    return entry[0]


def _drop_run(conn: sqlite3.Connection, profile_id: int, source: str, run_id: int) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM programme_blocks WHERE profile_id=? AND run_id=?", (profile_id, run_id))
        conn.execute("DELETE FROM guide_channels WHERE profile_id=? AND source=? AND run_id=?", (profile_id, source, run_id))


def ingest_xmltv(conn: sqlite3.Connection, profile_id: int, source: str, data: Any, *,
                 default_tz: tzinfo | None = None, retention: Retention = Retention(),
                 now: datetime | None = None) -> int:
    """Store a whole XMLTV guide (file, chunks or bytes) as ``source``; returns programmes stored.

    Raises GuideError, leaving the previous guide of that source in place, when it is broken.
    """
    ingest = SourceIngest(conn, profile_id, source, retention=retention, now=now)
    reader = XmltvReader(default_tz)
    try:
        for chunk in chunks(data):
            ingest.add(reader.feed(chunk))
        ingest.add(reader.close())
        if reader.error is not None:
            raise reader.error
        return ingest.commit()
    except BaseException as exc:
        ingest.fail(exc)
        raise


async def ingest_stream(conn: sqlite3.Connection, profile_id: int, source: str, chunks: AsyncIterable[bytes], *,
                        default_tz: tzinfo | None = None, retention: Retention = Retention(),
                        now: datetime | None = None) -> int:
    """Async form of :func:`ingest_xmltv` for HTTP streams.

    Parsing and block building stay on the event loop between chunks (a thread would only add
    GIL contention); each batch write is a few milliseconds and the final swap runs in a thread.
    """
    ingest = SourceIngest(conn, profile_id, source, retention=retention, now=now)
    reader = XmltvReader(default_tz)
    try:
        async for chunk in chunks:
            ingest.add(reader.feed(chunk))
        ingest.add(reader.close())
        if reader.error is not None:
            raise reader.error
        return await asyncio.to_thread(ingest.commit)
    except BaseException as exc:
        ingest.fail(exc)
        raise


def prune(conn: sqlite3.Connection, profile_id: int, retention: Retention = Retention(), now: datetime | None = None) -> int:
    """Delete programmes that ended before the retention window, and abandoned runs; returns
    how many programmes went (blocks straddling the cut are trimmed, not dropped)."""
    cutoff = epoch(now) - retention.days_back * 86400
    with transaction(conn):
        gone = conn.execute("SELECT coalesce(sum(count), 0) FROM programme_blocks WHERE profile_id=? AND last_stop < ?",
                            (profile_id, cutoff)).fetchone()[0]
        conn.execute("DELETE FROM programme_blocks WHERE profile_id=? AND last_stop < ?", (profile_id, cutoff))
        straddling = conn.execute(
            "SELECT rowid, data FROM programme_blocks WHERE profile_id=? AND first_start < ? AND last_stop >= ?",
            (profile_id, cutoff, cutoff)).fetchall()
        for rowid, data in straddling:
            entries = orjson.loads(data)
            kept = [e for e in entries if e[1] >= cutoff]
            gone += len(entries) - len(kept)
            conn.execute("UPDATE programme_blocks SET first_start=?, last_stop=?, count=?, data=? WHERE rowid=?",
                         (kept[0][0], max(e[1] for e in kept), len(kept), orjson.dumps(kept), rowid))
        conn.execute(
            "DELETE FROM programme_blocks WHERE profile_id=? AND run_id NOT IN (SELECT run_id FROM guide_current "
            "WHERE profile_id=?) AND run_id NOT IN (SELECT id FROM guide_runs WHERE profile_id=? AND status='running')",
            (profile_id, profile_id, profile_id),
        )
        conn.execute("UPDATE guide_runs SET status='failed', error='interrupted' WHERE profile_id=? AND status='running' "
                     "AND started_at < ?", (profile_id, int(time.time()) - 6 * 3600))
        conn.execute("DELETE FROM guide_runs WHERE profile_id=? AND started_at < ? AND status != 'running' "
                     "AND id NOT IN (SELECT run_id FROM guide_current WHERE profile_id=?)",
                     (profile_id, int(time.time()) - RUN_HISTORY_DAYS * 86400, profile_id))
    return gone


def programme_count(conn: sqlite3.Connection, profile_id: int) -> int:
    """Programmes in the profile's current guide (all sources)."""
    return conn.execute("SELECT coalesce(sum(b.count), 0) FROM programme_blocks b JOIN guide_current c "
                        "ON c.profile_id = b.profile_id AND c.run_id = b.run_id WHERE b.profile_id=?",
                        (profile_id,)).fetchone()[0]


# ----------------------------------------------------------------------------- matching

_PREFIX = re.compile(r"^\s*[A-Za-z]{2,3}\s*[|:\-]\s+|^\s*[A-Za-z]{2,3}\s*[|:]")
_TAGS = re.compile(r"\b(?:uhd|fhd|hd|sd|4k|8k|hevc|h265|h264|hq|raw|backup|\+1)\b|[\[(][^\])]*[\])]", re.I)


def normalise_name(name: str) -> str:
    """A channel name reduced for matching: no country prefix, quality tags, accents, case or punctuation."""
    text = _PREFIX.sub("", name or "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _TAGS.sub(" ", text)
    return "".join(ch for ch in text if ch.isalnum())


#: A "+1"-style suffix of a channel name: the same channel N hours later ("BBC One +1", "E4+1 HD").
_PLUS_HOURS = re.compile(r"(?<!\+)\+([1-9]|1[0-2])(?![\d:.,])")


def plus_hours(name: str) -> tuple[str, int]:
    """(the name without its "+N" suffix, N) of a timeshifted channel's name; (name, 0) otherwise.

    Only the last "+N" counts, and only an hour count from 1 to 12 written against its plus
    ("+1", "+2"), not a time or a sum inside a title ("+1:00", "1+1.5") nor a brand and a
    number ("Canal+ 2")."""
    matches = list(_PLUS_HOURS.finditer(name or ""))
    if not matches:
        return name, 0
    found = matches[-1]
    return name[:found.start()] + " " + name[found.end():], int(found.group(1))


def _name_key(name: str) -> tuple[str, int]:
    """The matching key of a name and its "+N" hours: a "+N" channel's key keeps the N apart
    from its base channel's ("bbcone+1"), where :func:`normalise_name` alone would make it
    the base channel's or another name."""
    base, hours = plus_hours(name)
    norm = normalise_name(base)
    return (f"{norm}+{hours}" if hours and norm else norm), hours


def _shifts(conn: sqlite3.Connection, profile_id: int) -> dict[str, int]:
    """Channel id → seconds its guide is shifted by (a playlist's ``tvg-shift``; none elsewhere)."""
    row = conn.execute("SELECT shifts FROM playlist_index WHERE profile_id=?", (profile_id,)).fetchone()
    try:
        found = orjson.loads(row[0]) if row else {}
    except orjson.JSONDecodeError:
        return {}
    return {str(k): int(v) for k, v in found.items()}


def rematch(conn: sqlite3.Connection, profile_id: int) -> tuple[int, list[str]]:
    """Map every live catalog channel to a guide channel; returns (matched, unmatched names).

    By EPG channel id first (exact, then case-insensitive), then by normalised display name;
    the provider's guide wins over added URLs. Channels with only short-EPG data keep it.
    """
    sources = [r[0] for r in conn.execute(
        "SELECT source FROM guide_current WHERE profile_id=? AND source != ? "
        "ORDER BY source != 'xtream', source", (profile_id, SHORT))]
    by_id: dict[str, tuple[str, str]] = {}
    by_lower: dict[str, tuple[str, str]] = {}
    by_name: dict[str, tuple[str, str]] = {}
    for source in sources:
        for key, names in conn.execute(
            "SELECT g.channel_key, g.names FROM guide_channels g JOIN guide_current c USING (profile_id, source, run_id) "
            "WHERE g.profile_id=? AND g.source=?", (profile_id, source)):
            by_id.setdefault(key, (source, key))
            by_lower.setdefault(key.casefold(), (source, key))
            for name in filter(None, names.split("\n")):
                norm, _ = _name_key(name)
                if norm:
                    by_name.setdefault(norm, (source, key))
    shifts = _shifts(conn, profile_id)
    shorts = {r[0] for r in conn.execute(
        "SELECT DISTINCT channel_key FROM guide_channels WHERE profile_id=? AND source=?", (profile_id, SHORT))}
    mapping, unmatched = [], []
    for pid, name, epg_id in conn.execute(
            "SELECT provider_id, name, epg_channel_id FROM items WHERE profile_id=? AND type='live' "
            "ORDER BY position", (profile_id,)):
        epg = (epg_id or "").strip()
        hit, how = (by_id.get(epg) or by_lower.get(epg.casefold())) if epg else None, "id"
        shift = shifts.get(pid, 0)
        if hit is None:
            norm, hours = _name_key(name)
            hit, how = by_name.get(norm), "name"
            if hit is None and hours:  # "BBC One +1" with no guide of its own: BBC One's, an hour later
                hit = by_name.get(norm.rpartition("+")[0])
                if hit is not None and pid not in shifts:  # a tvg-shift given says the hours itself
                    shift = hours * 3600
        if hit is None and pid in shorts:
            hit, how = (SHORT, pid), "short"
        if hit is None:
            unmatched.append(name)
        else:
            mapping.append((profile_id, pid, hit[0], hit[1], how, shift))
    with transaction(conn):
        conn.execute("DELETE FROM guide_map WHERE profile_id=?", (profile_id,))
        conn.executemany("INSERT INTO guide_map (profile_id, provider_id, source, channel_key, matched_by, shift_secs) "
                         "VALUES (?,?,?,?,?,?)", mapping)
    return len(mapping), unmatched


def match_state(conn: sqlite3.Connection, profile_id: int, limit: int = 200) -> tuple[int, int, list[str]]:
    """(channels with a guide, live channels, names of up to ``limit`` without one), as the last
    :func:`rematch` left them: what the settings page shows."""
    total = conn.execute("SELECT count(*) FROM items WHERE profile_id=? AND type='live'", (profile_id,)).fetchone()[0]
    matched = conn.execute("SELECT count(*) FROM guide_map WHERE profile_id=?", (profile_id,)).fetchone()[0]
    names = [r[0] for r in conn.execute(
        "SELECT i.name FROM items i WHERE i.profile_id=? AND i.type='live' AND NOT EXISTS "
        "(SELECT 1 FROM guide_map m WHERE m.profile_id=i.profile_id AND m.provider_id=i.provider_id) "
        "ORDER BY i.position LIMIT ?", (profile_id, limit))]
    return matched, total, names
