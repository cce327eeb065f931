"""Fixtures for the programme guide: an XMLTV writer, a library with a few live channels,
and a small HTTP server on a real socket that serves guide files (plain, gzip, truncated)."""

from __future__ import annotations

import gzip
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest


def xmltv_time(at: datetime, offset: str | None = "+0000") -> str:
    """``at`` written as XMLTV does: wall clock in the offset's zone, then the offset."""
    if offset is None:
        return at.strftime("%Y%m%d%H%M%S")
    sign = -1 if offset[0] == "-" else 1
    delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])) * sign
    return (at.astimezone(UTC) + delta).strftime("%Y%m%d%H%M%S") + " " + offset


def make_xmltv(channels: list[tuple[str, list[str]]], programmes: list[dict[str, Any]], *, close: bool = True) -> bytes:
    """An XMLTV document. Programmes: dicts with channel, start, stop (datetimes), title, and
    optional offset (default +0000), desc, category."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<tv generator-info-name="tests">']
    for cid, names in channels:
        out.append(f"<channel id={quoteattr(cid)}>" + "".join(f"<display-name>{escape(n)}</display-name>" for n in names)
                   + "</channel>")
    for p in programmes:
        offset = p.get("offset", "+0000")
        attrs = f'start="{xmltv_time(p["start"], offset)}"'
        if p.get("stop") is not None:
            attrs += f' stop="{xmltv_time(p["stop"], offset)}"'
        body = f"<title>{escape(p['title'])}</title>"
        if p.get("desc"):
            body += f"<desc>{escape(p['desc'])}</desc>"
        if p.get("category"):
            body += f"<category>{escape(p['category'])}</category>"
        out.append(f"<programme {attrs} channel={quoteattr(p['channel'])}>{body}</programme>")
    if close:
        out.append("</tv>")
    return "\n".join(out).encode()


def hourly(channel: str, first: datetime, hours: int, prefix: str = "Show") -> list[dict[str, Any]]:
    """``hours`` one-hour programmes on ``channel`` from ``first`` titled ``{prefix} 0``, ``{prefix} 1``…"""
    return [{"channel": channel, "start": first + timedelta(hours=i), "stop": first + timedelta(hours=i + 1),
             "title": f"{prefix} {i}"} for i in range(hours)]


@dataclass
class GuideLibrary:
    """A real library with one profile and live channels (provider ids 1..4)."""

    conn: Any
    profile: Any
    settings: Any
    vault: Any

    @property
    def profile_id(self) -> int:
        return self.profile.id


@pytest.fixture
def guide_library(catalog_profile, catalog_factory) -> GuideLibrary:
    """Channels: 1 "Demo One HD" (epg id demo.one, 3-day archive), 2 "UK | BBC Two HD" (no epg
    id: matched by name), 3 "Café Crème" (epg id in odd case), 4 "Nowhere TV" (no guide)."""
    settings, conn, vault, profile = catalog_profile
    f = catalog_factory
    f.category("live", "1", "General")
    f.add("live", "Demo One HD", id=1, epg_channel_id="demo.one", tv_archive=1, tv_archive_duration=3, category_id="1")
    f.add("live", "UK | BBC Two HD", id=2, epg_channel_id=None, category_id="1")
    f.add("live", "Café Crème", id=3, epg_channel_id="CAFE.creme", category_id="1")
    f.add("live", "Nowhere TV", id=4, epg_channel_id="nowhere.tv", category_id="1")
    f.save(("live",))
    return GuideLibrary(conn, profile, settings, vault)


class _GuideFiles(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}

    def do_GET(self) -> None:
        body = self.files.get(self.path) or self.files.get(self.path.split("?")[0])
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class GuideServer:
    url: str
    files: dict[str, bytes]

    def put(self, path: str, body: bytes, *, gz: bool = False) -> str:
        """Serve ``body`` (gzip-compressed as a ``.gz`` file when ``gz``) at ``path``; returns its URL."""
        self.files[path] = gzip.compress(body) if gz else body
        return self.url + path


@pytest.fixture
def guide_server() -> Iterator[GuideServer]:
    """A plain HTTP server on 127.0.0.1 serving whatever the test puts in it."""
    files: dict[str, bytes] = {}
    handler = type("Handler", (_GuideFiles,), {"files": files})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield GuideServer(f"http://127.0.0.1:{server.server_address[1]}", files)
    finally:
        server.shutdown()
        server.server_close()


def past_programme(app: Any, profile_id: int, channel: str = "1") -> Any:
    """A programme of ``channel`` that ended at least ten minutes ago (within the last eight
    hours) in the guide ``app``'s library holds: what a catch-up test plays."""
    from xtplay import guide

    now = datetime.now(UTC)
    conn = app.connect()
    try:
        past = [p for p in guide.programmes_between(conn, profile_id, channel, now - timedelta(hours=8),
                                                    now - timedelta(hours=1)) if p.stop < now - timedelta(minutes=10)]
    finally:
        conn.close()
    assert past, f"the guide has no past programme on channel {channel}"
    return past[0]
