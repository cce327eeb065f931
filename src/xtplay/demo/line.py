"""A slow line: the demo provider's answers paced to a rate, as a subscriber's connection is.

A :class:`Line` is one token bucket shared by every answer of the provider (a line's rate is
the sum of what flows through it), kept as the time the line is next free: each piece of a
body books ``bytes / rate`` seconds after what is booked already, and leaves when they are
over. Bodies are cut into pieces of :data:`PIECE` bytes so a 50 MB list leaves at the rate
instead of in one write.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import MutableMapping
from typing import Any

from xtplay.demo.streams import Send

#: Bytes per paced write: 16 ms of a 20 Mbit/s line.
PIECE = 40_000
#: How late a piece may leave and still count from when the line was free (seconds), while
#: an answer is being sent: a busy provider wakes up late, and a line does not slow down
#: because the machine is busy. Between answers the line is idle, and idle time is lost.
CATCH_UP = 0.25


class Line:
    """The rate of a line in Mbit/s (10⁶ bits per second), shared by all its connections."""

    def __init__(self, mbit: float) -> None:
        if not mbit > 0:
            raise ValueError("a line's rate must be above 0 Mbit/s")
        self.mbit = mbit
        self._bytes_per_second = mbit * 1_000_000 / 8
        self._free_at = 0.0  # monotonic time the line has sent everything booked so far
        self._sending = 0  # answers whose body is under way

    async def take(self, size: int) -> None:
        """Wait until a line would have carried ``size`` more bytes, after all booked before
        (called on the provider's event loop only)."""
        now = time.monotonic()
        self._free_at = max(now - CATCH_UP if self._sending else now, self._free_at) + size / self._bytes_per_second
        if self._free_at > now:
            await asyncio.sleep(self._free_at - now)

    def paced(self, send: Send) -> Send:
        """``send`` with every body piece waiting for the line first."""
        sending = False

        async def send_paced(message: MutableMapping[str, Any]) -> None:
            nonlocal sending
            if message.get("type") != "http.response.body":
                await send(message)
                return
            body = message.get("body", b"")
            more = message.get("more_body", False)
            pieces = [body] if len(body) <= PIECE else [body[i:i + PIECE] for i in range(0, len(body), PIECE)]
            try:
                for n, piece in enumerate(pieces):
                    await self.take(len(piece))
                    if not sending:
                        sending = True
                        self._sending += 1
                    await send({"type": "http.response.body", "body": piece, "more_body": more or n + 1 < len(pieces)})
            except BaseException:  # the client went away: this answer is over
                more = False
                raise
            finally:
                if sending and not more:
                    sending = False
                    self._sending -= 1

        return send_paced
