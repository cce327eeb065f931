"""The demo provider's programme guide, computed from the wall clock.

A channel's day is one of a few dozen pre-built day templates (programmes of 30–60 minutes
from midnight to midnight UTC), picked by hashing (seed, channel, day). Nothing is stored, the
guide is the same for everyone at the same moment, and XMLTV for 10,000 channels × 48 hours can
be streamed in chunks without ever holding the document in memory.
"""

from __future__ import annotations

import base64
import random
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from xtplay.demo.catalog import Catalog, mix

DAY = 86_400
#: Number of distinct day templates channels draw from.
TEMPLATES = 48
#: The panel's own time zone: short-EPG strings are in it, as on real XC 2.x panels.
SERVER_TZ = "Europe/London"

_TITLES = [
    "Morning News", "Breakfast Live", "The Big Match", "Premier League Review", "Café Crème",
    "Cooking with Amélie", "World Report", "Nature's Wonders", "Documentary: Deep Ocean",
    "Late Night Talk", "Movie: The Silent River", "Kids Club", "Cartoon Time", "Weather",
    "Música Latina", "Das Quiz", "Le Journal", "Новости", "ニュース 7", "نشرة الأخبار",
    "Drama: Golden Empire", "Comedy Hour", "Formula 1 Highlights", "Tennis Live",
    "Science Today", "History Uncovered", "Top 40 Countdown", "Travel Diaries", "Auction Hunters",
    "Classic Cinema", "Evening News", "Sports Tonight",
]
_XML_TITLES = [escape(t) for t in _TITLES]


def _build_templates() -> list[list[tuple[int, int, int]]]:
    r = random.Random(20240601)
    out = []
    for _ in range(TEMPLATES):
        day, minute = [], 0
        while minute < 1440:
            length = r.choice((30, 30, 45, 60, 60))
            end = min(minute + length, 1440)
            day.append((minute, end, r.randrange(len(_TITLES))))
            minute = end
        out.append(day)
    return out


_DAYS = _build_templates()
_HHMM = [f"{m // 60:02d}{m % 60:02d}00" for m in range(1441)]


def _day_programmes(seed: int, stream_id: int, day: int) -> Iterator[tuple[int, int, int]]:
    template = _DAYS[mix(seed, 41, stream_id * 100_003 + day) % TEMPLATES]
    shift = stream_id % len(_TITLES)
    for start, end, title in template:
        yield start, end, (title + shift) % len(_TITLES)


def programmes(catalog: Catalog, stream_id: int, start: float, stop: float) -> list[tuple[int, int, str, str]]:
    """Programmes of a channel overlapping ``[start, stop)``, as (start_ts, stop_ts, title, desc)."""
    out = []
    for day in range(int(start // DAY), int(stop // DAY) + 1):
        base = day * DAY
        for s, e, t in _day_programmes(catalog.seed, stream_id, day):
            ps, pe = base + s * 60, base + e * 60
            if pe > start and ps < stop:
                title = _TITLES[t]
                out.append((ps, pe, title, f"{title}: episode of {time.strftime('%d %B', time.gmtime(ps))}."))
    return out


def _has_guide(catalog: Catalog, stream_id: int) -> str | None:
    if not 1 <= stream_id <= catalog.live_count:
        return None
    return catalog.live_row(stream_id)["epg_channel_id"]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _listing(stream_id: int, epg_id: str, p: tuple[int, int, str, str], tz: ZoneInfo) -> dict[str, Any]:
    fmt = "%Y-%m-%d %H:%M:%S"
    start = datetime.fromtimestamp(p[0], tz).strftime(fmt)
    end = datetime.fromtimestamp(p[1], tz).strftime(fmt)
    return {"id": str(stream_id * 1_000_000 + p[0] // 60 % 1_000_000), "epg_id": str(stream_id), "title": _b64(p[2]),
            "lang": "en", "start": start, "end": end, "description": _b64(p[3]), "channel_id": epg_id,
            "start_timestamp": str(p[0]), "stop_timestamp": str(p[1])}


def short_epg(catalog: Catalog, stream_id: int, limit: int | None = None, now: float | None = None) -> dict[str, Any]:
    """``get_short_epg``: the current and next programmes (4 by default), XC 2.x shape."""
    epg_id = _has_guide(catalog, stream_id)
    if not epg_id:
        return {"epg_listings": []}
    now = time.time() if now is None else now
    tz = ZoneInfo(SERVER_TZ)
    items = programmes(catalog, stream_id, now, now + 2 * DAY)[: max(1, limit or 4)]
    return {"epg_listings": [_listing(stream_id, epg_id, p, tz) for p in items]}


def simple_data_table(catalog: Catalog, stream_id: int, now: float | None = None) -> dict[str, Any]:
    """``get_simple_data_table``: every stored programme (-archive depth or 1 day … +1 day)."""
    epg_id = _has_guide(catalog, stream_id)
    if not epg_id:
        return {"epg_listings": []}
    now = time.time() if now is None else now
    row = catalog.live_row(stream_id)
    depth = int(row["tv_archive_duration"] or 0) if row["tv_archive"] else 0
    tz = ZoneInfo(SERVER_TZ)
    out = []
    for p in programmes(catalog, stream_id, now - max(depth, 1) * DAY, now + DAY):
        item = _listing(stream_id, epg_id, p, tz)
        item["now_playing"] = 1 if p[0] <= now < p[1] else 0
        item["has_archive"] = 1 if depth and p[1] <= now and p[0] >= now - depth * DAY else 0
        out.append(item)
    return {"epg_listings": out}


def xmltv_chunks(catalog: Catalog, now: float | None = None, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
    """The whole guide as XMLTV (-1 day … +1 day around now), in chunks of about ``chunk_size``."""
    now = time.time() if now is None else now
    start, stop = now - DAY, now + DAY
    day_first, day_last = int(start // DAY), int(stop // DAY)
    prefixes = {d: time.strftime("%Y%m%d", time.gmtime(d * DAY)) for d in range(day_first, day_last + 2)}
    parts: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n'
                        '<tv generator-info-name="xtplay demo provider">\n']
    channels = [(i, row["epg_channel_id"], row["name"], row["stream_icon"])
                for i in catalog.live_ids() if (row := catalog.live_row(i))["epg_channel_id"]]
    size = 0
    for _, epg_id, name, icon in channels:
        icon_xml = f"<icon src={quoteattr(icon)}/>" if icon else ""
        line = f"<channel id={quoteattr(epg_id)}><display-name>{escape(name or '')}</display-name>{icon_xml}</channel>\n"
        parts.append(line)
        size += len(line)
        if size >= chunk_size:
            yield "".join(parts).encode()
            parts, size = [], 0
    for stream_id, epg_id, _, _ in channels:
        chan = quoteattr(epg_id)
        for day in range(day_first, day_last + 1):
            base = day * DAY
            prefix, next_prefix = prefixes[day], prefixes[day + 1]
            for s, e, t in _day_programmes(catalog.seed, stream_id, day):
                if base + e * 60 <= start or base + s * 60 >= stop:
                    continue
                stop_txt = next_prefix + "000000" if e == 1440 else prefix + _HHMM[e]
                line = (f'<programme start="{prefix}{_HHMM[s]} +0000" stop="{stop_txt} +0000" channel={chan}>'
                        f"<title>{_XML_TITLES[t]}</title><desc>{_XML_TITLES[t]} on {prefix}.</desc></programme>\n")
                parts.append(line)
                size += len(line)
        if size >= chunk_size:
            yield "".join(parts).encode()
            parts, size = [], 0
    parts.append("</tv>\n")
    yield "".join(parts).encode()


def archive_window(catalog: Catalog, stream_id: int, start_ts: float, now: float | None = None) -> bool:
    """Whether a catch-up start time lies inside the channel's archive depth."""
    if not 1 <= stream_id <= catalog.live_count:
        return False
    row = catalog.live_row(stream_id)
    days = int(row["tv_archive_duration"] or 0)
    now = time.time() if now is None else now
    return bool(row["tv_archive"]) and days > 0 and now - days * DAY <= start_ts <= now

