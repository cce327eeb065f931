"""The pure pieces of playback that decide from bytes and headers: what a stream is, which
range to send whatever the provider did with Range, how HLS links are found again, and
which live format to ask for first."""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest

from xtplay import db
from xtplay.errors import (
    AccountInactive,
    ItemNotFound,
    NoLiveFormatWorked,
    NotAStream,
    ProviderServerError,
    TooManyConnections,
    WrongCredentials,
)
from xtplay.playback import hls, live, live_formats, ranges
from xtplay.playback.sniff import SNIFF_BYTES, StreamKind, conclusive, kind_of, page_title, ts_offset

TS = b"".join(bytes([0x47]) + bytes([n % 256]) * 187 for n in range(8))


@pytest.mark.parametrize(("first", "kind"), [
    (TS, StreamKind.TS),
    (b"\x00\x11\x22" + TS, StreamKind.TS),  # a leading partial packet
    (b"#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg.ts\n", StreamKind.HLS_MEDIA),
    (b"\xef\xbb\xbf \r\n#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n", StreamKind.HLS_MASTER),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", StreamKind.MP4),
    (b"\x00\x00\x00\x2csidx\x00\x00\x00\x00", StreamKind.MP4),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01", StreamKind.MATROSKA),
    (b"FLV\x01\x05\x00\x00\x00\x09", StreamKind.FLV),
    (b"\xff\xf1\x50\x80\x02\x1f\xfc", StreamKind.AAC),
    (b"ID3\x04\x00\x00\x00\x00", StreamKind.MP3),
    (b"\xff\xfb\x90\x64\x00", StreamKind.MP3),
    (b"ICY 200 OK\r\nicy-name: Radio\r\n", StreamKind.ICY),
    (b"<html><head><title>403 Forbidden</title></head></html>", StreamKind.HTML),
    (b"\n<!DOCTYPE html><html>", StreamKind.HTML),
    (b'{"user_info":{"auth":0}}', StreamKind.JSON),
    (b"", StreamKind.EMPTY),
    (b"Too many connections", StreamKind.UNKNOWN),
    (b"G" + b"\x00" * 400, StreamKind.UNKNOWN),  # one 0x47 is not a transport stream
])
def test_the_first_bytes_say_what_a_stream_is(first, kind):
    assert kind_of(first) is kind


def test_encrypted_bytes_that_begin_like_a_page_are_not_one():
    """An AES-128 segment is random bytes: about one in a hundred begins with ``{``, ``[`` or
    ``<`` and must not be taken for an error page (it stopped live channels at random)."""
    rng = random.Random(7)
    for lead in (b"{", b"[", b" {", b"<html>"):
        for _ in range(200):
            noise = lead + rng.randbytes(SNIFF_BYTES)
            assert kind_of(noise) not in (StreamKind.JSON, StreamKind.HTML), noise[:16]
    assert kind_of('{"error":"Stream indisponible é"}'.encode()) is StreamKind.JSON
    assert kind_of("<html><title>Accès refusé</title>".encode("latin-1")) is StreamKind.HTML


def test_a_ts_needs_aligned_sync_bytes_and_says_where_packets_start():
    assert ts_offset(b"\x01\x02" + TS) == 2
    broken = bytearray(TS)
    broken[188 * 2] = 0
    assert ts_offset(bytes(broken)) is None
    assert not conclusive(TS[:300]) and conclusive(TS[:188 * 4])
    assert conclusive(b"<html>") and not conclusive(b"\xff\xfb\x90")


def test_an_error_page_title_is_read_as_plain_text():
    assert page_title(b"<html><title> 403 <b>Forbidden</b></title></html>") == "403 Forbidden"
    assert page_title(b"<html><body><h1>Stream not found</h1></body></html>") == "Stream not found"
    assert page_title(b"plain") is None


def _answer(status: int, headers: dict) -> httpx.Response:
    return httpx.Response(status, headers=headers)


async def _cut(status: int, headers: dict, body: bytes, asked: str | None) -> tuple[ranges.Cut, bytes]:
    cut = ranges.cut_for(_answer(status, headers), ranges.parse(asked))

    async def chunks():
        for i in range(0, len(body), 7):  # small chunks: skipping crosses their borders
            yield body[i:i + 7]

    return cut, b"".join([c async for c in ranges.cut_body(chunks(), cut)])


@pytest.mark.parametrize(("status", "headers", "sent"), [
    (206, {"content-range": "bytes 10-19/100", "content-length": "10"}, (10, 20)),  # as asked
    (200, {"content-length": "100"}, (0, 100)),  # Range ignored: the whole file
    (206, {"content-range": "bytes 10-99/100", "content-length": "90"}, (10, 100)),  # the whole rest
])
def test_a_range_is_cut_to_what_was_asked_whatever_the_provider_sent(status, headers, sent):
    whole = bytes(range(100))
    cut, body = asyncio.run(_cut(status, headers, whole[sent[0]:sent[1]], "bytes=10-19"))
    assert cut.status == 206 and cut.headers["content-range"] == "bytes 10-19/100"
    assert cut.headers["content-length"] == "10" and body == whole[10:20]


def test_suffix_and_open_ranges_of_an_ignoring_provider_and_the_unsatisfiable():
    whole = bytes(range(100))
    cut, body = asyncio.run(_cut(200, {"content-length": "100"}, whole, "bytes=-30"))
    assert cut.headers["content-range"] == "bytes 70-99/100" and body == whole[70:]
    cut, body = asyncio.run(_cut(200, {"content-length": "100"}, whole, "bytes=95-"))
    assert cut.headers["content-range"] == "bytes 95-99/100" and body == whole[95:]
    cut, body = asyncio.run(_cut(200, {"content-length": "100"}, whole, "bytes=100-"))
    assert cut.status == 416 and body == b""
    cut, body = asyncio.run(_cut(200, {"content-length": "100"}, whole, None))
    assert cut.status == 200 and body == whole


MEDIA = """#EXTM3U
#EXT-X-MEDIA-SEQUENCE:40
#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.net/k/7.key?t=old"
#EXT-X-MAP:URI="init.mp4",BYTERANGE="800@0"
#EXTINF:4,
#EXT-X-BYTERANGE:1000@800
media.m4s?t=old
#EXTINF:4,
seg/41.ts?t=old
"""


def test_playlist_entries_carry_what_finds_them_again():
    found = hls.entries(MEDIA, "http://edge.example.com:8080/edge/old/live/u/p/7/media.m3u8")
    assert [loc for _, _, loc in found] == [("attr", "EXT-X-KEY", "7.key"), ("attr", "EXT-X-MAP", "init.mp4"),
                                            ("seq", 40), ("seq", 41)]
    assert found[3][1] == "http://edge.example.com:8080/edge/old/live/u/p/7/seg/41.ts?t=old"
    fresh = MEDIA.replace("old", "new").replace("SEQUENCE:40", "SEQUENCE:41").replace("seg/41.ts", "seg/42.ts")
    base = "http://edge.example.com:8080/edge/new/live/u/p/7/media.m3u8"
    assert hls.find(fresh, base, ("seq", 41), found[3][1]) == "http://edge.example.com:8080/edge/new/live/u/p/7/media.m4s?t=new"
    assert hls.find(fresh, base, ("attr", "EXT-X-KEY", "7.key"), found[0][1]) == "https://keys.example.net/k/7.key?t=new"
    assert hls.find(fresh, base, ("seq", 99), "http://x/gone.ts") is None


def test_a_moved_link_keeps_its_token():
    tokens = hls.TokenMap()
    token = tokens.token_for(1, "http://a/old.m3u8", origin="http://panel/live/u/p/1.m3u8")
    tokens.move(token, "http://a/new.m3u8")
    assert tokens.url_for(1, token) == "http://a/new.m3u8"
    assert tokens.token_for(1, "http://a/new.m3u8") == token
    assert tokens.link(1, token).origin == "http://panel/live/u/p/1.m3u8"


@pytest.fixture
def conn(tmp_path):
    connection = db.open_library(tmp_path / "lib.db")
    connection.execute("INSERT INTO profiles (name, url, username, created_at, updated_at) VALUES ('P', 'http://x', 'u', '', '')")
    connection.commit()
    yield connection
    connection.close()


def test_formats_are_remembered_per_profile_and_per_channel_only_where_they_differ(conn):
    assert live_formats.allowed({"allowed_output_formats": ["ts"]}) == ("ts",)
    assert live_formats.allowed({}) == ("m3u8", "ts")
    assert live_formats.order(conn, 1, "5", ("m3u8", "ts")) == ["m3u8", "ts"]
    live_formats.remember(conn, 1, "5", "ts", "ts")  # the first success sets the profile's default
    assert live_formats.order(conn, 1, "9", ("m3u8", "ts")) == ["ts", "m3u8"]
    live_formats.remember(conn, 1, "9", "m3u8", "hls-media")  # channel 9 differs: its own row
    assert live_formats.order(conn, 1, "9", ("m3u8", "ts")) == ["m3u8", "ts"]
    assert live_formats.order(conn, 1, "9", ("m3u8", "ts"), prefer="ts") == ["ts", "m3u8"]
    live_formats.remember(conn, 1, "9", "ts", "ts")  # agrees with the default again: row gone
    rows = conn.execute("SELECT channel_id FROM live_formats").fetchall()
    assert [r[0] for r in rows] == [""]


def test_every_format_failing_lists_each_reason_and_account_errors_stop_at_once():
    def app(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(".m3u8"):
            return httpx.Response(200, html=b"<html><title>HLS disabled</title></html>".decode())
        if request.url.path.endswith("/busy.ts"):
            return httpx.Response(458)
        return httpx.Response(200, content=b"")

    async def run(formats, url_for):
        async with httpx.AsyncClient(transport=httpx.MockTransport(app)) as client:
            return await live.start_any(client, formats, url_for, "of “P”", timeout=2)

    with pytest.raises(NoLiveFormatWorked) as failed:
        asyncio.run(run(["m3u8", "ts"], lambda ext: f"http://panel/live/1.{ext}"))
    assert [f for f, _ in failed.value.tried] == ["m3u8", "ts"]
    assert isinstance(failed.value.tried[0][1], NotAStream) and "HLS disabled" in str(failed.value)
    assert "off-air" in str(failed.value)  # an empty 200: the panel has nothing for this channel now
    with pytest.raises(TooManyConnections):
        asyncio.run(run(["ts", "m3u8"], lambda ext: f"http://panel/live/busy.{ext}"))


@pytest.mark.parametrize(("status", "body", "error"), [
    (403, b"<html><body><h1>Max connections reached</h1></body></html>", TooManyConnections),
    (200, b"<html><body>Max connections reached for this line</body></html>", TooManyConnections),
    (200, b'{"user_info":{"auth":0}}', WrongCredentials),
    (200, b"Line has expired.", AccountInactive),
    (404, b"<html><head><title>404 Not Found</title></head></html>", ItemNotFound),
    (502, b"<html><head><title>502 Bad Gateway</title></head></html>", ProviderServerError),
    (200, b"<html><head><title>Just a moment...</title></head></html>", NotAStream),
])
def test_a_refused_stream_is_the_error_its_words_and_status_say(status, body, error):
    """Panels refuse streams with words as often as with statuses; both decide."""
    def app(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "text/html"})

    async def run():
        async with httpx.AsyncClient(transport=httpx.MockTransport(app)) as client:
            return await live.start(client, "ts", "http://panel/live/u/p/1.ts", "of “P”", timeout=2)

    with pytest.raises(error):
        asyncio.run(run())


def test_a_format_that_sends_nothing_in_time_gives_way_to_the_next():
    async def silent():
        await asyncio.sleep(5)
        yield b""

    def app(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(".m3u8"):
            return httpx.Response(200, content=silent())
        return httpx.Response(200, content=TS * 4)

    async def run():
        async with httpx.AsyncClient(transport=httpx.MockTransport(app)) as client:
            started = await live.start_any(client, ["m3u8", "ts"], lambda ext: f"http://panel/live/1.{ext}", "of “P”",
                                           timeout=0.3)
            await started.close()
            return started

    started = asyncio.run(run())
    assert started.ext == "ts" and started.kind is StreamKind.TS
    assert [f for f, _ in started.tried] == ["m3u8"] and "no data within 0.3 s" in str(started.tried[0][1])


def test_a_parked_stream_nobody_claims_is_closed_in_time():
    closed = []

    class Response:
        async def aclose(self):
            closed.append(True)

    async def run():
        parking = live.Parking(seconds=0.2)
        kept = parking.park(live.Started("ts", StreamKind.TS, "u", "u", TS, Response()))
        forgotten = parking.park(live.Started("ts", StreamKind.TS, "u", "u", TS, Response()))
        assert parking.claim(kept) is not None and parking.claim(kept) is None  # once
        await asyncio.sleep(0.5)
        assert parking.claim(forgotten) is None

    asyncio.run(run())
    assert closed == [True]  # the forgotten one, not the claimed one
