"""What a stream is, read from its first bytes — never from the URL suffix or content-type.

Panels label streams at random (raw MPEG-TS as ``text/vnd.trolltech.linguist``, a playlist
behind ``.ts``, an HTML error page with status 200), so the only trustworthy label is the
content. :func:`kind_of` is pure: give it what arrived so far; :func:`conclusive` says when
reading more could not change the answer.
"""

from __future__ import annotations

import re
from enum import StrEnum

#: MPEG-TS packet size and how many aligned sync bytes prove a transport stream.
TS_PACKET = 188
TS_PACKETS = 4
#: Bytes read before deciding: room for a leading partial packet plus ``TS_PACKETS`` packets.
SNIFF_BYTES = TS_PACKET * (TS_PACKETS + 1)
_BOM = b"\xef\xbb\xbf"
_MP4_BOXES = (b"ftyp", b"moov", b"styp", b"moof", b"sidx", b"emsg", b"prft", b"free", b"mdat")
_HTML_START = re.compile(rb"^\s*<(!doctype\s+html|html|head|body|title|center|h1|p|div|br)\b", re.I)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>|<h1[^>]*>(.*?)</h1>", re.I | re.S)


class StreamKind(StrEnum):
    """What the first bytes of an answer show."""

    TS = "ts"
    HLS_MASTER = "hls-master"
    HLS_MEDIA = "hls-media"
    MP4 = "mp4"
    MATROSKA = "matroska"
    FLV = "flv"
    AAC = "aac"
    MP3 = "mp3"
    ICY = "icy"
    HTML = "html"
    JSON = "json"
    EMPTY = "empty"
    UNKNOWN = "unknown"

    @property
    def is_hls(self) -> bool:
        return self in (StreamKind.HLS_MASTER, StreamKind.HLS_MEDIA)

    @property
    def is_media(self) -> bool:
        """Bytes a player can decode (everything but playlists, error pages and noise)."""
        return self not in (StreamKind.HLS_MASTER, StreamKind.HLS_MEDIA, StreamKind.HTML, StreamKind.JSON,
                            StreamKind.EMPTY, StreamKind.UNKNOWN)

    @property
    def described(self) -> str:
        """How a person would name it, for messages."""
        return _DESCRIBED[self]


_DESCRIBED = {
    StreamKind.TS: "an MPEG-TS stream", StreamKind.HLS_MASTER: "an HLS master playlist",
    StreamKind.HLS_MEDIA: "an HLS playlist", StreamKind.MP4: "an MP4 file", StreamKind.MATROSKA: "a Matroska file",
    StreamKind.FLV: "an FLV stream", StreamKind.AAC: "an AAC radio stream", StreamKind.MP3: "an MP3 radio stream",
    StreamKind.ICY: "an Icecast/SHOUTcast radio stream", StreamKind.HTML: "a web page",
    StreamKind.JSON: "a JSON message", StreamKind.EMPTY: "an empty answer", StreamKind.UNKNOWN: "something unrecognisable",
}


def ts_offset(data: bytes, packets: int = TS_PACKETS) -> int | None:
    """Where the first whole TS packet starts (a leading partial packet is tolerated), or None.

    Needs ``packets`` sync bytes at 188-byte stride, fewer only when the data is shorter (at
    least two, or one packet that is exactly all there is)."""
    for start in range(min(TS_PACKET, len(data))):
        if data[start] != 0x47:
            continue
        whole = (len(data) - start) // TS_PACKET
        need = min(packets, whole)
        if need < 2 and not (whole == 1 and start == 0 and len(data) == TS_PACKET):
            continue
        if all(data[start + k * TS_PACKET] == 0x47 for k in range(need)):
            return start
    return None


def _text_start(data: bytes) -> bytes:
    return data[len(_BOM):].lstrip() if data.startswith(_BOM) else data.lstrip()


def _is_text(data: bytes) -> bool:
    """Whether ``data`` reads as text (UTF-8 or Latin-1 letters, no control bytes but
    whitespace): an error page is text, and an encrypted or compressed segment that happens
    to begin with ``{`` or ``<`` is not."""
    sample = data[:512]
    return not any((b < 0x20 and b not in (0x09, 0x0A, 0x0D)) or b == 0x7F for b in sample)


def kind_of(first: bytes) -> StreamKind:
    """The kind of stream whose answer begins with ``first``."""
    if not first:
        return StreamKind.EMPTY
    text = _text_start(first)
    if text.startswith(b"#EXTM3U"):
        return StreamKind.HLS_MASTER if b"#EXT-X-STREAM-INF" in first else StreamKind.HLS_MEDIA
    if ts_offset(first) is not None:
        return StreamKind.TS
    if first.startswith(b"\x1a\x45\xdf\xa3"):
        return StreamKind.MATROSKA
    if len(first) >= 8 and first[4:8] in _MP4_BOXES:
        return StreamKind.MP4
    if first.startswith(b"FLV\x01"):
        return StreamKind.FLV
    if first.startswith(b"ICY "):
        return StreamKind.ICY
    if _is_text(text) and (_HTML_START.match(text) or b"<html" in first[:512].lower()):
        return StreamKind.HTML
    if _is_text(text) and text[:1] in (b"{", b"["):
        return StreamKind.JSON
    if len(first) >= 2 and first[0] == 0xFF and first[1] & 0xF6 == 0xF0:
        return StreamKind.AAC  # ADTS: 12-bit sync 0xFFF, layer 00
    if first.startswith(b"ID3") or (len(first) >= 2 and first[0] == 0xFF and first[1] & 0xE0 == 0xE0
                                    and first[1] & 0x06 != 0):
        return StreamKind.MP3
    return StreamKind.UNKNOWN


def conclusive(first: bytes) -> bool:
    """Whether ``first`` already decides the kind (so a live start need not wait for more)."""
    if len(first) >= SNIFF_BYTES:
        return True
    kind = kind_of(first)
    if kind is StreamKind.TS:
        return len(first) - (ts_offset(first) or 0) >= TS_PACKETS * TS_PACKET
    return kind not in (StreamKind.UNKNOWN, StreamKind.EMPTY, StreamKind.AAC, StreamKind.MP3)


def page_title(body: bytes) -> str | None:
    """The title (or first heading) of an HTML error page, as plain text, for a message."""
    found = _TITLE.search(body[:8192])
    if not found:
        return None
    raw = (found.group(1) or found.group(2) or b"").decode("utf-8", "replace")
    text = " ".join(re.sub(r"<[^>]+>", " ", raw).split())
    return text[:120] or None
