"""Stream delivery of the demo panel: live, movies, episodes, catch-up and HLS parts, after
credentials, ids and the connection limit, shaped by the provider's personality (what it
labels a stream, whether it honours Range, which HLS shape it serves, how it refuses)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from xtplay.demo import epg, live_hls, streams
from xtplay.demo.catalog import CAFE_CHANNEL
from xtplay.demo.media import MediaSet
from xtplay.demo.streams import Scope, to_int

NGINX_403 = (b"<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center>"
             b"<hr><center>nginx</center></body></html>")
MEDIA_TYPES = {"mp4": "video/mp4", "mkv": "video/x-matroska"}
#: The channel whose live HLS (standard shape) has French and English audio renditions.
LANGUAGES_CHANNEL = CAFE_CHANNEL


class StreamDelivery:
    """The stream half of ``DemoApp`` (it has ``self.state``, a ``DemoState``)."""

    state: Any

    async def hls_segment(self, path: str) -> Any:
        if (part := live_hls.RENDITION_PART.match(path)) is not None:
            return await self.rendition_part(part)
        parts = path.strip("/").split("/")  # hls/TOKEN/ID/SEQ.ts
        if len(parts) != 4 or not parts[3].endswith(".ts"):
            return Response(status_code=404)
        stream_id, seq = to_int(parts[2]), to_int(parts[3][:-3])
        if (
            stream_id is None
            or seq is None
            or parts[1] != streams.segment_token(self.state.secret, self.state.username, stream_id)
        ):
            return Response(b"token expired", status_code=403)
        media = await run_in_threadpool(self.state.media_set)
        return streams.FileStream(
            self.state,
            streams.segment_path(media, seq),
            self._type("video/mp2t", file=True),
            count_stream=False,
            ignore_range=self.state.personality.ignore_range,
        )

    async def rendition_part(self, part: Any) -> Any:
        """``/hls/TOKEN/ID/NAME.m3u8`` and ``/hls/TOKEN/ID/NAME/SEQ.ts`` of a channel in two languages."""
        token, stream_id = part.group(1), int(part.group(2))
        if token != streams.segment_token(self.state.secret, self.state.username, stream_id):
            return Response(b"token expired", status_code=403)
        media = await run_in_threadpool(self.state.media_set)
        if part.group(3) is not None:
            body = live_hls.rendition_media(media, token, stream_id, part.group(3))
            if body is None:
                return Response(status_code=404)
            return Response(body, media_type=self._type("application/vnd.apple.mpegurl"),
                            headers={"cache-control": "no-store"})
        segments = media.rendition(part.group(4))
        if not segments:
            return Response(status_code=404)
        return streams.FileStream(self.state, segments[int(part.group(5)) % len(segments)][0],
                                  self._type("video/mp2t", file=True), count_stream=False,
                                  ignore_range=self.state.personality.ignore_range)

    async def hls_extra(self, path: str) -> Any:
        """``/keys/TOKEN/ID.key`` (the AES-128 key) and ``/fmp4/TOKEN/ID/media.m4s`` (the fMP4 loop)."""
        parts = path.strip("/").split("/")
        stream_id = to_int(parts[2].split(".")[0]) if len(parts) >= 3 else None
        if stream_id is None or parts[1] != streams.segment_token(self.state.secret, self.state.username, stream_id):
            return self._refuse(403)
        if parts[0] == "keys":
            return Response(live_hls.key(self.state.secret, stream_id), media_type="application/octet-stream")
        media = await run_in_threadpool(self.state.media_set)
        return streams.FileStream(
            self.state,
            media.fmp4_path,
            self._type("video/mp4", file=True),
            count_stream=False,
            ignore_range=self.state.personality.ignore_range,
        )

    def _type(self, right: str, *, file: bool = False) -> str:
        """The content-type this personality puts on a stream answer."""
        wrong = self.state.personality.file_type if file else self.state.personality.live_type
        return wrong or right

    def _refuse(self, status: int) -> Response:
        """An error answer to a stream request (an HTML page for personalities that send one)."""
        if self.state.personality.html_errors:
            page = (
                NGINX_403
                if status == 403
                else (
                    f"<html><head><title>{status} Error</title></head><body><center><h1>{status} Error</h1>"
                    "</center><hr><center>nginx</center></body></html>"
                ).encode()
            )
            return Response(page, status_code=status, media_type="text/html")
        return Response(b"", status_code=status)

    def _live_playlist(self, media: MediaSet, username: str, ident: int) -> Response:
        """The channel's live playlist in this personality's shape."""
        state, style = self.state, self.state.personality.hls_style
        token = streams.segment_token(state.secret, username, ident)
        if style == "master-aes":
            body = live_hls.master(ident)
        elif style == "fmp4-ranges":
            body = live_hls.fmp4_ranges(media, f"/fmp4/{token}/{ident}/media.m4s")
        elif ident == LANGUAGES_CHANNEL:
            body = live_hls.languages_master(token, ident)
        else:
            body = streams.hls_playlist(media, token, ident)
        return Response(
            body, media_type=self._type("application/vnd.apple.mpegurl"), headers={"cache-control": "no-store"}
        )

    async def channel_part(self, username: str, password: str, ident: int, part: str, seq: int | None) -> Response:
        """``…/ID/media.m3u8`` and ``…/ID/seg/N.ts`` of the ``master-aes`` shape."""
        state = self.state
        if not state.authorised(username, password):
            return self._refuse(401)
        if not 1 <= ident <= state.catalog.live_count:
            return self._refuse(404)
        media = await run_in_threadpool(state.media_set)
        if seq is None:
            token = streams.segment_token(state.secret, username, ident)
            key_url = f"http://127.0.0.1:{state.port}/keys/{token}/{ident}.key"
            return Response(
                live_hls.aes_media(media, ident, key_url),
                media_type=self._type("application/vnd.apple.mpegurl"),
                headers={"cache-control": "no-store"},
            )
        data = await run_in_threadpool(streams.segment_path(media, seq).read_bytes)
        return Response(
            live_hls.encrypt(state.secret, ident, seq, data), media_type=self._type("video/mp2t", file=True)
        )

    async def stream(self, scope: Scope, path: str, params: dict[str, str], action: str) -> Any:
        """Live, movie, episode and catch-up delivery, after credentials, limits and ids."""
        state, habits = self.state, self.state.personality
        part = live_hls.CHANNEL_PART.match(path)
        if part is not None:
            return await self.channel_part(
                part.group(1),
                part.group(2),
                int(part.group(3)),
                part.group(4),
                to_int(part.group(5)) if part.group(5) else None,
            )
        target = streams.stream_target(path, params, action)
        if target is None:
            return self._refuse(404)
        username, password, ident, ext, extra = target
        if not state.authorised(username, password):
            return self._refuse(401)
        if state.faults.account_status():
            return Response(NGINX_403, status_code=403, media_type="text/html")
        catalog = state.catalog
        if action in ("live", "timeshift") and not 1 <= ident <= catalog.live_count:
            return self._refuse(404)
        if action == "live" and ext not in ("ts", "m3u8", ""):
            return self._refuse(405)
        serves = (habits.live_m3u8 if ext == "m3u8" else habits.live_ts) if action == "live" else ext
        if serves == "html":
            return Response(
                b"<html><head><title>HLS output is disabled</title></head><body><h1>HLS output is "
                b"disabled on this server</h1></body></html>",
                media_type="text/html",
            )
        if serves not in ("hls", "m3u8") and state.stats.open_streams >= state.max_connections:
            with state.stats.lock:
                state.stats.refused_streams += 1
            return too_many()
        media = await run_in_threadpool(state.media_set)
        if action == "live":
            if serves == "hls":
                return self._live_playlist(media, username, ident)
            return streams.live_ts(state, media, self._type("video/mp2t"), habits.live_cap_seconds)
        if action == "timeshift":
            minutes, start = extra
            if start is None or not epg.archive_window(catalog, ident, start.timestamp()):
                return self._refuse(404)
            if ext == "m3u8":
                token = streams.segment_token(state.secret, username, ident)
                return Response(
                    streams.recording_playlist(media, token, ident, minutes),
                    media_type=self._type("application/vnd.apple.mpegurl"),
                )
            return streams.timeshift_ts(state, media, minutes, self._type("video/mp2t"))
        if action == "movie":
            if not catalog.has_movie(ident) or ext.lower() != catalog.movie_media(ident).container.lower():
                return self._refuse(404)
            chosen = catalog.movie_media(ident)
        else:
            if catalog.episode_location(ident) is None or ext.lower() != catalog.episode_media(ident).container.lower():
                return self._refuse(404)
            chosen = catalog.episode_media(ident)
        return streams.FileStream(
            state,
            media.path(chosen.key),
            self._type(MEDIA_TYPES[chosen.container.lower()], file=True),
            ignore_range=habits.ignore_range,
        )


def too_many() -> Response:
    return Response(
        b"Too many connections: the line's connection limit is reached", status_code=458, media_type="text/plain"
    )
