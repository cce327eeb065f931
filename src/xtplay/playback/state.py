"""Per-app playback machinery: the pooled upstream client, HLS tokens, started streams waiting
for the player, the last error per stream (for the player's message) and the ffmpeg pool.
Closed when the app stops."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xtplay.config import StreamTimeouts
from xtplay.playback import hls, live, proxy, remux


@dataclass
class PlaybackState:
    """Per-app playback machinery: upstream client, HLS tokens, parked streams, last errors, ffmpeg."""

    client: Any = None
    tokens: hls.TokenMap = field(default_factory=hls.TokenMap)
    parking: live.Parking = field(default_factory=live.Parking)
    errors: proxy.ErrorBoard = field(default_factory=proxy.ErrorBoard)
    ffmpeg: remux.FfmpegPool = field(default_factory=remux.FfmpegPool)
    headers: proxy.StreamHeaders = field(default_factory=proxy.StreamHeaders)
    own_ports: frozenset[int] = frozenset()  #: the app's own ports, never fetched upstream
    timeouts: StreamTimeouts = field(default_factory=StreamTimeouts)

    def http(self):
        if self.client is None:
            self.client = proxy.make_client(self.headers, self.own_ports, self.timeouts)
        return self.client

    def hls(self) -> hls.Hls:
        """The HLS proxy over this app's tokens and client."""
        return hls.Hls(self.tokens, self.http())

    async def close(self) -> None:
        await self.ffmpeg.shutdown()
        await self.parking.close()
        if self.client is not None:
            await self.client.aclose()
            self.client = None
