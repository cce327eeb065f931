"""Personalities: the demo provider behaving like one family of real panels.

Real Xtream panels differ in ways no API document mentions: what they label a stream, where
they redirect it, whether they honour Range, how they shape their JSON, how long they let a
connection run. Each personality is one coherent family of those habits, so xtplay is tested
against panels it did not write. Pick one with ``DemoProvider(personality=NAME)`` or
``xtplay demo-provider --personality NAME``; :func:`get` takes overrides (a shorter token
life, say) for tests.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from xtplay.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Personality:
    """How one family of panels behaves (every field's default is the standard panel)."""

    name: str
    summary: str
    #: What ``/live/…/ID.m3u8`` really answers: ``hls``, ``ts`` (raw MPEG-TS) or ``html`` (an error page, status 200).
    live_m3u8: str = "hls"
    #: What ``/live/…/ID.ts`` really answers: ``ts`` or ``hls`` (a playlist).
    live_ts: str = "ts"
    #: Content-type on live and catch-up answers, and on files and segments (None: the right one).
    live_type: str | None = None
    file_type: str | None = None
    #: Stream requests answer 302 to a tokenised URL on a second port; tokens live this long.
    edge_redirect: bool = False
    token_seconds: float = 30.0
    #: Live HLS shape: ``plain`` (media playlist, TS segments), ``master-aes`` (master playlist,
    #: AES-128 segments, the key on the first port) or ``fmp4-ranges`` (``EXT-X-MAP`` + byte ranges).
    hls_style: str = "plain"
    #: HEAD is answered with this status (None: like GET without a body).
    head_status: int | None = None
    #: Range is ignored: every file answer is 200 with the whole file.
    ignore_range: bool = False
    #: Error statuses of stream requests carry an nginx-like HTML page.
    html_errors: bool = False
    #: The JSON the way sloppy panels write it (ints for strings, nulls, lists for dicts, 0-based seasons).
    json_quirks: bool = False
    #: A live TS connection is closed after this many seconds (None: never).
    live_cap_seconds: float | None = None

    def with_(self, **changes: Any) -> Personality:
        """This personality with some habits changed (tests shorten times)."""
        return dataclasses.replace(self, **changes)


PERSONALITIES = {p.name: p for p in (
    Personality("standard", "Behaves as an XC 2.x panel is documented to."),
    Personality("mislabelled", "Crossed formats and wrong labels: .m3u8 answers raw MPEG-TS and .ts a playlist, "
                "live labelled text/vnd.trolltech.linguist, files application/octet-stream.",
                live_m3u8="ts", live_ts="hls", live_type="text/vnd.trolltech.linguist",
                file_type="application/octet-stream"),
    Personality("tokenised", "A load balancer: every stream is a 302 to a tokenised URL on a second port whose "
                "token expires; live HLS is a master playlist with AES-128 segments keyed on the first port.",
                edge_redirect=True, hls_style="master-aes"),
    Personality("no-range", "An old CDN: HEAD answers 501, Range is ignored (200 and the whole file), live HLS "
                "is fragmented MP4 cut by byte ranges.", head_status=501, ignore_range=True, hls_style="fmp4-ranges"),
    Personality("sloppy", "Sloppy panel software: HTML error pages, ints where strings belong, null and missing "
                "fields, info: [] for some movies, 0-based seasons, episodes as a list, ratings like \"7.5/10\".",
                html_errors=True, json_quirks=True),
    Personality("capped", "A strict restreamer: a live TS connection is closed after a few seconds, and its HLS "
                "output is switched off (.m3u8 answers an HTML page with status 200).",
                live_m3u8="html", live_cap_seconds=8.0),
)}
DEFAULT = "standard"


def get(name: str | Personality = DEFAULT, **changes: Any) -> Personality:
    """The personality called ``name`` (or the one given), with ``changes`` applied."""
    found: Personality | None
    if isinstance(name, Personality):
        return name.with_(**changes) if changes else name
    found = PERSONALITIES.get(name)
    if found is None:
        raise ConfigError(f"The demo provider has no personality “{name}”; known: {', '.join(PERSONALITIES)}.")
    return found.with_(**changes) if changes else found
