"""Live HLS in the shapes panels other than the standard one serve.

- ``master-aes``: a master playlist whose one variant (a relative URI) is a media playlist of
  AES-128 encrypted TS segments (relative URIs), the key at an absolute URI on the panel's
  own port while the playlists sit on the edge port. The IV is the media sequence number, as
  the HLS specification says when a key has no ``IV`` attribute.
- ``fmp4-ranges``: fragmented MP4, the init segment (``EXT-X-MAP``) and every fragment cut by
  byte ranges out of one file.

and, on the standard shape, a channel in two languages: a master playlist whose variant is the
picture alone, with one ``EXT-X-MEDIA`` audio rendition per language (:data:`LIVE_AUDIO`), as
panels relaying a broadcaster's HLS serve it.

The sliding window comes from the wall clock, as in the standard playlist (``streams``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from xtplay.demo.media import LIVE_AUDIO, SEGMENT_SECONDS, MediaSet
from xtplay.demo.streams import HLS_ANCHOR, HLS_WINDOW

#: Channel parts of the two-language shape: ``/hls/TOKEN/ID/NAME.m3u8`` and ``/hls/TOKEN/ID/NAME/N.ts``.
RENDITION_PART = re.compile(r"^/hls/([^/]+)/(\d+)/(?:(\w+)\.m3u8|(\w+)/(\d+)\.ts)$")

#: Sub-paths of a channel in the ``master-aes`` shape: ``/live/U/P/ID/media.m3u8``, ``…/ID/seg/N.ts``.
CHANNEL_PART = re.compile(r"^/live/([^/]+)/([^/]+)/(\d+)/(media\.m3u8|seg/(\d+)\.ts)$")


def key(secret: bytes, stream_id: int) -> bytes:
    """The channel's 16-byte AES key."""
    return hmac.new(secret, f"aes:{stream_id}".encode(), hashlib.sha256).digest()[:16]


def encrypt(secret: bytes, stream_id: int, seq: int, data: bytes) -> bytes:
    """A segment as ``METHOD=AES-128`` sends it: CBC, PKCS#7, IV = the sequence number."""
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key(secret, stream_id)), modes.CBC(seq.to_bytes(16, "big"))).encryptor()
    return encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()


def _window(count: int, now: float | None) -> tuple[int, int]:
    now = time.time() if now is None else now
    current = int((now - HLS_ANCHOR) // SEGMENT_SECONDS)
    return current - HLS_WINDOW, current


def master(stream_id: int) -> str:
    """The master playlist: one variant, named relative to the master's own URL."""
    return ("#EXTM3U\n#EXT-X-VERSION:3\n"
            '#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=426x240,CODECS="avc1.4d401e,mp4a.40.2"\n'
            f"{stream_id}/media.m3u8\n")


def aes_media(media: MediaSet, stream_id: int, key_url: str, now: float | None = None) -> str:
    """The variant: encrypted segments ``seg/N.ts`` (relative), the key at ``key_url`` (absolute)."""
    count = len(media.segments)
    first, current = _window(count, now)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{SEGMENT_SECONDS}",
             f"#EXT-X-MEDIA-SEQUENCE:{first}", f"#EXT-X-DISCONTINUITY-SEQUENCE:{first // count}",
             f'#EXT-X-KEY:METHOD=AES-128,URI="{key_url}"']
    for seq in range(first, current):
        if seq % count == 0 and seq != first:
            lines.append("#EXT-X-DISCONTINUITY")
        lines += [f"#EXTINF:{media.segments[seq % count][1]:.3f},", f"seg/{seq}.ts"]
    return "\n".join(lines) + "\n"


def fmp4_ranges(media: MediaSet, file_url: str, now: float | None = None) -> str:
    """fMP4 over byte ranges of one file: ``EXT-X-MAP`` with ``BYTERANGE``, then each fragment."""
    count = len(media.fmp4_parts)
    first, current = _window(count, now)
    length, offset = media.fmp4_init
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", f"#EXT-X-TARGETDURATION:{SEGMENT_SECONDS}",
             f"#EXT-X-MEDIA-SEQUENCE:{first}", f"#EXT-X-DISCONTINUITY-SEQUENCE:{first // count}",
             f'#EXT-X-MAP:URI="{file_url}",BYTERANGE="{length}@{offset}"']
    for seq in range(first, current):
        if seq % count == 0 and seq != first:
            lines.append("#EXT-X-DISCONTINUITY")
        duration, size, at = media.fmp4_parts[seq % count]
        lines += [f"#EXTINF:{duration:.3f},", f"#EXT-X-BYTERANGE:{size}@{at}", file_url]
    return "\n".join(lines) + "\n"


def languages_master(token: str, stream_id: int) -> str:
    """The master playlist of a channel in two languages: audio renditions, the picture's variant."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
    for n, (name, lang, title, _) in enumerate(LIVE_AUDIO):
        default = "YES" if n == 0 else "NO"
        lines.append(f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="{lang}",NAME="{title}",DEFAULT={default},'
                     f'AUTOSELECT=YES,CHANNELS="2",URI="/hls/{token}/{stream_id}/{name}.m3u8"')
    lines += ['#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=426x240,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="aud"',
              f"/hls/{token}/{stream_id}/video.m3u8"]
    return "\n".join(lines) + "\n"


def rendition_media(media: MediaSet, token: str, stream_id: int, name: str, now: float | None = None) -> str | None:
    """One rendition's sliding window (None for an unknown name): the same sequence numbers and
    discontinuities as every other rendition, so players line the picture and sound up."""
    segments = media.rendition(name)
    if not segments:
        return None
    count = len(segments)
    first, current = _window(count, now)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{SEGMENT_SECONDS}",
             f"#EXT-X-MEDIA-SEQUENCE:{first}", f"#EXT-X-DISCONTINUITY-SEQUENCE:{first // count}"]
    for seq in range(first, current):
        if seq % count == 0 and seq != first:
            lines.append("#EXT-X-DISCONTINUITY")
        lines += [f"#EXTINF:{segments[seq % count][1]:.3f},", f"/hls/{token}/{stream_id}/{name}/{seq}.ts"]
    return "\n".join(lines) + "\n"
