"""The proxy asks providers for uncompressed answers: it passes their Content-Length on, and a
gzip answer's length is not that of the bytes it relays (the server would cut the answer)."""

from __future__ import annotations

import asyncio
import gzip

from xtplay.playback import proxy

BODY = b"#EXTM3U\n" + b"#EXTINF:4,\nsegment.ts\n" * 400


async def _compressing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers gzip to whoever accepts it, as a web server with compression on does."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
    accepts = next((line.split(":", 1)[1] for line in head.split("\r\n") if line.startswith("accept-encoding:")), "")
    body, extra = BODY, b""
    if "gzip" in accepts:
        body, extra = gzip.compress(BODY), b"Content-Encoding: gzip\r\n"
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.apple.mpegurl\r\n" + extra
                 + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    await writer.drain()
    writer.close()


def test_the_relayed_bytes_are_as_many_as_the_provider_said():
    async def run() -> tuple[int, int]:
        server = await asyncio.start_server(_compressing, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/live/1.m3u8"
        try:
            async with proxy.make_client() as client:
                response = await proxy.send(client, url, "Test provider")
                try:
                    relayed = b"".join([chunk async for chunk in response.aiter_bytes()])
                finally:
                    await response.aclose()
                return len(relayed), proxy.promised_length(response.headers)
        finally:
            server.close()

    relayed, declared = asyncio.run(run())
    assert relayed == len(BODY) == declared
