"""Answers the demo provider stops part-way: a provider that goes away mid-transfer (the
``cutoff`` fault) and the ``midstream`` faults that strike a stream already playing.

:class:`Watched` sits between an answer and the server's ``send``; when the answer must stop,
it closes the connection after what was sent and raises :class:`ProviderGone`, which the app
catches (nothing more goes anywhere).
"""

from __future__ import annotations

import asyncio
from typing import Any

from xtplay.demo.streams import Receive, Send

#: The least a ``cutoff`` lets through of a body of no stated length (a gzip stream starts small).
CUTOFF_LEAST = 4096


class ProviderGone(Exception):
    """Raised out of a watched ``send`` once its connection was closed mid-answer."""


class Watched:
    """An answer's ``send``, watched for a provider that stops mid-transfer: with ``cutoff``
    the connection closes after half the promised body (half its first piece, at least
    :data:`CUTOFF_LEAST` bytes, when it states no length: a live stream, a streamed guide),
    and a ``midstream`` fault on the request's path cuts a flowing answer or holds it back
    while a hang is on."""

    def __init__(self, state: Any, receive: Receive, send: Send, path: str, action: str, cutoff: bool) -> None:
        self.state, self.receive, self.send, self.path, self.action = state, receive, send, path, action
        self.budget: int | None = None
        self.cutoff, self.closed = cutoff, False

    async def __call__(self, message: Any) -> None:
        if message["type"] == "http.response.start" and self.cutoff:
            length = next((int(v) for k, v in message.get("headers", ()) if k.lower() == b"content-length"), None)
            self.budget = max(1, length // 2) if length else None
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            if self.cutoff and self.budget is None and body:  # no length promised: half the first piece
                self.budget = max(CUTOFF_LEAST, len(body) // 2)
            if self.budget is not None and body and len(body) >= self.budget:
                await self.send({"type": "http.response.body", "body": body[:self.budget], "more_body": True})
                self._close()
            if self.budget is not None:
                self.budget -= len(body)
            while (strike := self.state.faults.strike(self.path, self.action)) == "stall":
                if self.state.stopping.is_set():
                    break
                await asyncio.sleep(0.1)
            if strike == "cut":
                self._close()
        await self.send(message)

    def _close(self) -> None:
        """Close the connection after what was sent (as a provider process that went away)."""
        transport = getattr(getattr(self.receive, "__self__", None), "transport", None)
        if transport is not None:
            transport.close()
        self.closed = True
        raise ProviderGone


