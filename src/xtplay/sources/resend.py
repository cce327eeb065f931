"""Sending a GET once more when the kept-alive connection it went out on was already closing.

Either side of HTTP/1.1 may close an idle connection at any moment. A provider whose idle
timeout fires just as a request reuses that connection answers nothing: the request fails with
a reset, an end of file before any response header ("Server disconnected without sending a
response"), or a failed write, though the provider is fine. RFC 9112 §9.3.1 ("Retrying
Requests") lets a client send such an idempotent request again, and browsers do (Chromium's
``HttpNetworkTransaction::ShouldResendRequest``: a reused connection, no response header yet).
httpcore never does, so :class:`ResendingPool` does it: once, on a fresh connection, only for
GET and HEAD, only when the request went out on a reused connection and failed before any
response header. A failure on a fresh connection, a timeout, or a break in the body once the
answer has started is the provider's own doing and is told as it is.
"""

from __future__ import annotations

from typing import Any

import httpcore

#: Methods sent again: safe, idempotent, and without a body to replay.
RESENT_METHODS = frozenset({b"GET", b"HEAD"})
#: How a request on a connection the server was closing fails before any answer.
STALE_CONNECTION_ERRORS = (httpcore.ReadError, httpcore.WriteError, httpcore.RemoteProtocolError)


class ResendingPool(httpcore.AsyncConnectionPool):
    """httpcore's pool, sending a GET or HEAD once more on a fresh connection when it failed on
    a reused one before any response header (see the module docstring)."""

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        if request.method not in RESENT_METHODS:
            return await super().handle_async_request(request)
        connected: list[str] = []
        try:
            return await super().handle_async_request(_watched(request, connected))
        except STALE_CONNECTION_ERRORS:
            if connected:  # it went out on a new connection: no stale one to blame
                raise
        await self._close_idle(request.url.origin)
        return await super().handle_async_request(request)

    async def _close_idle(self, origin: httpcore.Origin) -> None:
        """Close the idle connections to ``origin`` (kept as long as the one that failed, they
        may be closing too), so the request goes out again on a new one."""
        for connection in self.connections:
            if connection.can_handle_request(origin) and connection.is_idle():
                await connection.aclose()


def _watched(request: httpcore.Request, connected: list[str]) -> httpcore.Request:
    """``request`` with a trace hook that notes in ``connected`` a new connection being opened
    for it (the request's own trace hook, if any, still hears every event)."""
    own = request.extensions.get("trace")

    async def trace(event: str, info: dict[str, Any]) -> None:
        if event.startswith("connection.connect_tcp."):
            connected.append(event)
        if own is not None:
            await own(event, info)

    return httpcore.Request(request.method, request.url, headers=request.headers, content=request.stream,
                            extensions={**request.extensions, "trace": trace})
