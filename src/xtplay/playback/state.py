"""Per-app playback machinery: the pooled upstream client, HLS tokens, the last error per
stream (for the player's message) and the ffmpeg pool. Closed when the app stops."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xtplay.playback import proxy, remux


@dataclass
class PlaybackState:
    """Per-app playback machinery: the upstream client, HLS tokens, last errors, ffmpeg pool."""

    client: Any = None
    tokens: proxy.TokenMap = field(default_factory=proxy.TokenMap)
    errors: proxy.ErrorBoard = field(default_factory=proxy.ErrorBoard)
    ffmpeg: remux.FfmpegPool = field(default_factory=remux.FfmpegPool)

    def http(self):
        if self.client is None:
            self.client = proxy.make_client()
        return self.client

    async def close(self) -> None:
        await self.ffmpeg.shutdown()
        if self.client is not None:
            await self.client.aclose()
            self.client = None
