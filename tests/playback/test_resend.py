"""The proxy's upstream GETs over real sockets, against a provider that closes a kept-alive
connection the moment the next request arrives on it: sent once more on a fresh connection,
as browsers do, and a provider that drops every request is still told after that one resend."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from xtplay.errors import ProviderUnreachable
from xtplay.playback import proxy


class ClosingProvider:
    """Answers the first request on each connection, then closes that connection, without an
    answer, as soon as another request arrives on it (``reset``: with a TCP reset rather than
    an end of file). With ``answer_once``, only the very first request of all is answered:
    every later one is dropped, on a new connection too; with ``answer_none``, none is; with
    ``cut_body``, a second request on a connection gets its headers and part of its body."""

    def __init__(self, reset: bool = False, answer_once: bool = False, answer_none: bool = False,
                 cut_body: bool = False) -> None:
        self.reset, self.answer_once, self.answer_none, self.cut_body = reset, answer_once, answer_none, cut_body
        self.requests = self.connections = self.answered = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        served = 0
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                self.requests += 1
                if served and self.cut_body:
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 1000)
                    await writer.drain()
                    break
                if served or self.answer_none or (self.answer_once and self.answered):
                    break
                served += 1
                self.answered += 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        if self.reset:
            writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.close()


@asynccontextmanager
async def serving(provider: ClosingProvider) -> AsyncIterator[str]:
    server = await asyncio.start_server(provider.handle, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/movie/1.mp4"
    finally:
        server.close()


async def _get(client, url: str) -> bytes:
    response = await proxy.send(client, url, "Test provider")
    try:
        return await response.aread()
    finally:
        await response.aclose()


@pytest.mark.parametrize("reset", [False, True], ids=["end of file", "reset"])
def test_a_get_on_a_kept_alive_connection_the_provider_closed_is_sent_again_on_a_new_one(reset):
    provider = ClosingProvider(reset=reset)

    async def run() -> tuple[bytes, bytes]:
        async with serving(provider) as url, proxy.make_client() as client:
            return await _get(client, url), await _get(client, url)

    assert asyncio.run(run()) == (b"ok", b"ok")
    assert (provider.requests, provider.connections) == (3, 2)  # the second went out twice, the resend on a new one


def test_a_provider_that_drops_every_request_is_told_after_one_resend():
    provider = ClosingProvider(answer_once=True)

    async def run() -> None:
        async with serving(provider) as url, proxy.make_client() as client:
            assert await _get(client, url) == b"ok"
            with pytest.raises(ProviderUnreachable):
                await _get(client, url)

    asyncio.run(run())
    assert provider.requests == 3  # the first, the one on the closed connection, and a single resend


def test_a_get_failing_on_a_new_connection_is_not_sent_again():
    provider = ClosingProvider(answer_none=True)

    async def run() -> None:
        async with serving(provider) as url, proxy.make_client() as client:
            with pytest.raises(ProviderUnreachable):
                await _get(client, url)

    asyncio.run(run())
    assert (provider.requests, provider.connections) == (1, 1)


def test_a_body_that_breaks_off_after_the_answer_started_is_not_sent_again():
    provider = ClosingProvider(cut_body=True)

    async def run() -> None:
        async with serving(provider) as url, proxy.make_client() as client:
            assert await _get(client, url) == b"ok"
            with pytest.raises(httpx.HTTPError):
                await _get(client, url)

    asyncio.run(run())
    assert provider.requests == 2
