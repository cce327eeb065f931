"""Byte ranges the browser asked for, delivered whatever the provider did with the Range header.

Panels and their CDNs answer a Range request with 206 and exactly that range, with 200 and the
whole file, or with 206 and everything from the start on. The browser (seeking in a movie) and
hls.js (byte-range segments) need exactly what they asked for, so the answer is cut here:
bytes before the wanted start are read and dropped, bytes past its end are never sent.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.I)
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class ByteRange:
    """One ``bytes=`` range: ``first``-``last`` inclusive, or the last ``suffix`` bytes."""

    first: int | None
    last: int | None
    suffix: int | None = None

    def span(self, total: int | None) -> tuple[int, int | None] | None:
        """(start, end inclusive or None for "to the end") within a file of ``total`` bytes;
        None when it cannot be satisfied (or a suffix of an unknown size)."""
        if self.suffix is not None:
            if total is None or self.suffix == 0:
                return None
            return max(0, total - self.suffix), total - 1
        start = self.first or 0
        end = self.last
        if total is not None:
            if start >= total:
                return None
            end = total - 1 if end is None else min(end, total - 1)
        if end is not None and end < start:
            return None
        return start, end


def parse(header: str | None) -> ByteRange | None:
    """The single range of a ``Range`` header, or None (absent, multiple or unreadable)."""
    match = _RANGE.match(header or "")
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        return ByteRange(None, None, int(last))
    return ByteRange(int(first), int(last) if last else None)


@dataclass(frozen=True, slots=True)
class Cut:
    """How to turn the provider's answer into the wanted one: drop ``skip`` bytes, send at most
    ``length`` (None: to the end), answer ``status`` with ``headers``."""

    status: int
    headers: dict[str, str]
    skip: int = 0
    length: int | None = None


def _total(response: httpx.Response) -> int | None:
    found = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
    if found:
        return int(found.group(3)) if found.group(3) != "*" else None
    length = response.headers.get("content-length")
    if response.status_code == 200 and length and length.isdigit() and "content-encoding" not in response.headers:
        return int(length)
    return None


def cut_for(response: httpx.Response, wanted: ByteRange | None) -> Cut:
    """The answer to send for ``wanted`` given what the provider sent (see the module docstring)."""
    passed = {k: v for k, v in response.headers.items()
              if k.lower() in ("content-length", "content-range", "last-modified", "etag")}
    if wanted is None or response.status_code not in (200, 206):
        return Cut(response.status_code, passed)
    total = _total(response)
    if response.status_code == 206:
        found = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
        if not found:
            return Cut(206, passed)
        sent_from, sent_to = int(found.group(1)), int(found.group(2))
    else:
        if total is None:
            return Cut(200, passed)  # a size-less whole answer: nothing sound to cut
        sent_from, sent_to = 0, total - 1
    span = wanted.span(total)
    if span is None:
        return Cut(416, {"content-range": f"bytes */{total if total is not None else '*'}", "content-length": "0"},
                   length=0)
    start, end = span
    end = sent_to if end is None else min(end, sent_to)
    if start < sent_from or start > sent_to:
        return Cut(response.status_code, passed)  # the provider sent other bytes than asked: pass them on
    headers = {k: v for k, v in passed.items() if k.lower() in ("last-modified", "etag")}
    headers["content-range"] = f"bytes {start}-{end}/{total if total is not None else '*'}"
    headers["content-length"] = str(end - start + 1)
    return Cut(206, headers, skip=start - sent_from, length=end - start + 1)


async def cut_body(chunks: AsyncIterator[bytes], cut: Cut) -> AsyncIterator[bytes]:
    """``chunks`` without the first ``cut.skip`` bytes and no further than ``cut.length``."""
    skip, left = cut.skip, cut.length
    if left == 0:
        return
    async for chunk in chunks:
        if skip:
            if len(chunk) <= skip:
                skip -= len(chunk)
                continue
            chunk, skip = chunk[skip:], 0
        if left is not None:
            chunk = chunk[:left]
            left -= len(chunk)
        if chunk:
            yield chunk
        if left == 0:
            return
