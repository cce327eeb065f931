"""The player page and the opaque ``/play/…`` proxy endpoints.

``/watch/{type}/{id}`` and ``/watch/catchup/{channel}/{start}`` render the player;
everything the ``<video>`` loads comes from ``/play/{profile}/{type}/{id}/…`` — no provider
host or credential ever reaches the browser. Upstream URLs are resolved per request by
:mod:`xtplay.playback.resolve`; bytes move in :mod:`~xtplay.playback.proxy` or through
ffmpeg (:mod:`~xtplay.playback.remux`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from xtplay.accounts import profiles
from xtplay.accounts.profiles import Profile
from xtplay.errors import ItemNotFound, PlaybackError, XtplayError
from xtplay.i18n import N_
from xtplay.library import details
from xtplay.library import favorites as favorite_store
from xtplay.playback import channel_lists, channels, external, now_playing, probe, proxy, remux, tuner
from xtplay.playback.resolve import Target, catchup_request, episode_info, next_episode, play_path, upstream_url
from xtplay.playback.state import PlaybackState
from xtplay.web.deps import ActiveProfile, Conn, get_settings, get_vault
from xtplay.web.locale import gettext as _
from xtplay.web.recent import note_channel
from xtplay.web.templating import render, render_partial
from xtplay.web.urls import watch_url
from xtplay.web.views import now_next_for, viewer_tz

log = logging.getLogger(__name__)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    state = getattr(app.state, "playback", None)
    if state is not None:
        await state.close()


router = APIRouter(lifespan=_lifespan)


def playback_state(request: Request) -> PlaybackState:
    state = getattr(request.app.state, "playback", None)
    if state is None:
        server = request.scope.get("server") or (None, None)
        settings = get_settings(request)
        ports = {p for p in (server[1], settings.port) if p}
        state = PlaybackState(own_ports=frozenset(ports), timeouts=settings.stream_timeouts,
                              ffmpeg=remux.FfmpegPool(settings.conversions))
        request.app.state.playback = state
    return state


def _viewer(request: Request) -> tuple[str, str]:
    """Who stream tokens are bound to, and the query their URLs carry: an external player's
    item token (``?k=``, it has no cookie), else the session of the browser."""
    item_token = request.query_params.get(external.TOKEN_PARAM)
    if item_token:
        return f"k:{item_token}", f"?{external.TOKEN_PARAM}={item_token}"
    return f"s:{request.state.session.sid}", ""


def _label(profile: Profile) -> str:
    """How errors name the provider: the profile's name, never its host."""
    return f"of “{profile.name}”"


# --- pages ------------------------------------------------------------------------------


@router.get("/watch/catchup/{channel_id}/{start_ts}")
def watch_catchup(request: Request, channel_id: str, start_ts: int, conn: Conn,
                  profile: ActiveProfile) -> Response:
    """The player for a past programme of a channel with an archive."""
    target = Target(profile.id, "catchup", channel_id, start_ts)
    return _player_page(request, conn, profile, target)


@router.get("/watch/channel-list")
def channel_list(request: Request, conn: Conn, profile: ActiveProfile,
                 list_spec: str = Query("all", alias="list"), current: str | None = None) -> Response:
    """The player's overlay: one list's channels with now/next and a favorite toggle each,
    and the lists before and after it (←/→)."""
    chosen = channel_lists.load(conn, profile, list_spec)
    fav = favorite_store.favorite_ids(conn, profile.id, "live")
    return render_partial(request, "_player_channels.html", clist=chosen, current=current,
                          prev=channel_lists.beside(conn, profile, chosen.spec, -1),
                          next=channel_lists.beside(conn, profile, chosen.spec, 1),
                          now_next=now_next_for(conn, profile.id, [*chosen.items]),
                          favorites=fav, tz=viewer_tz(profile))


@router.get("/watch/{type}/{item_id}")
def watch(request: Request, type: str, item_id: str, conn: Conn, profile: ActiveProfile) -> Response:
    """The player for a channel, a movie or an episode."""
    if type not in ("live", "movie", "episode"):
        raise ItemNotFound(N_("There is no player for “%(kind)s”."), {"kind": type})
    target = Target(profile.id, type, item_id)
    return _player_page(request, conn, profile, target)


def _player_page(request: Request, conn: sqlite3.Connection, profile: Profile, target: Target) -> Response:
    initial = None
    if target.type == "live":  # no extra round trip before the stream starts (zap time)
        initial = now_playing.live_info(conn, profile, target)
        now_playing.record(conn, profile.id, "live", target.item_id, 0, None, initial["title"])
        note_channel(request, conn, profile.id, target.item_id)
    config = {"info": initial,
        "profile": profile.id, "type": target.type, "id": target.item_id, "start": target.start,
        "base": target.base_path, "fmt": request.query_params.get("fmt", ""),
        "series": request.query_params.get("series", ""),
        "list": request.query_params.get("list", "all"),
        "t": _float(request.query_params.get("t")),
        "mpv": external.is_loopback(request.client.host if request.client else None) and external.mpv_available(),
    }
    return render(request, "player.html", conn=conn, page_title=_("Player"), player=config,
                  title=now_playing.title(conn, profile, target), target=target)


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


# --- what to play -------------------------------------------------------------------------


@router.get("/play/{profile_id}/catchup/{channel_id}/{start_ts}/info")
def catchup_info(request: Request, profile_id: int, channel_id: str, start_ts: int, conn: Conn) -> JSONResponse:
    """What the player needs for a catch-up: the TS source, the programme, the channel's languages."""
    profile = profiles.get_profile(conn, profile_id)
    target = Target(profile.id, "catchup", channel_id, start_ts)
    request_ = catchup_request(conn, profile, target)  # GuideError when outside the archive
    now_playing.record(conn, profile.id, "live", channel_id, 0, None, now_playing.title(conn, profile, target))
    duration = (request_.programme_stop - request_.programme_start).total_seconds()
    return JSONResponse({"kind": "catchup", "mode": "ts", "src": play_path(target, "stream.ts"),
                         "open": play_path(target, "open"),
                         "title": now_playing.title(conn, profile, target), "programme": request_.title,
                         "programme_start": request_.programme_start.isoformat(),
                         "duration": duration, "status": play_path(target, "status"),
                         "languages": now_playing.stream_languages(now_playing.languages_for(conn, profile.id, target))})


@router.get("/play/{profile_id}/{type}/{item_id}/info")
async def item_info(request: Request, profile_id: int, type: str, item_id: str, conn: Conn) -> JSONResponse:
    """What the player needs: the proxy source(s), how to play them, title, resume point, now/next."""
    profile = profiles.get_profile(conn, profile_id)
    target = Target(profile.id, type, item_id)
    state = playback_state(request)
    state.errors.clear(target.base_path)
    out: dict[str, Any] = {"kind": type, "title": now_playing.title(conn, profile, target),
                           "status": play_path(target, "status"),
                           "m3u": play_path(target, "playlist.m3u")}
    if type == "live":
        out.update(now_playing.live_info(conn, profile, target))
        now_playing.record(conn, profile.id, "live", item_id, 0, None, out["title"])
        note_channel(request, conn, profile.id, item_id)
        return JSONResponse(out)
    if type == "episode" and episode_info(conn, profile.id, item_id) is None and request.query_params.get("series"):
        # the series was not opened yet: its episode list tells the container
        await details.series(get_settings(request), conn, get_vault(request), profile, request.query_params["series"])
    result = await _decision(request, conn, profile, target)
    out.update(mode=result.mode, duration=result.duration, codecs=result.to_dict(),
               src=play_path(target, "file") if result.mode == "direct" else play_path(target, "remux.mp4"),
               remux=play_path(target, "remux.mp4"), seek=play_path(target, "seek"),
               audio_tracks=[t.to_dict() for t in result.audio_tracks],
               subtitle_tracks=[dict(t.to_dict(), src=play_path(target, f"subtitles/{t.index}.vtt"))
                                for t in result.subtitle_tracks],
               resume=now_playing.resume(conn, profile.id, type, item_id),
               start_tracks=now_playing.start_tracks(now_playing.languages_for(conn, profile.id, target), result))
    now_playing.record(conn, profile.id, type, item_id, None, result.duration, out["title"])
    if type == "episode":
        following = next_episode(conn, profile.id, item_id)
        out["next"] = ({"id": following["episode_id"], "title": following["title"],
                        "url": watch_url("episode", following["episode_id"])} if following else None)
    return JSONResponse(out)


async def _decision(request: Request, conn: sqlite3.Connection, profile: Profile, target: Target) -> probe.ProbeResult:
    """The stored probe decision, or probe now through our own loopback proxy and store it."""
    found = probe.cached(conn, profile.id, target.type, target.item_id)
    if found is not None:
        return found
    try:
        result = await probe.run_ffprobe(_loopback_url(request, conn, target))
    except PlaybackError:
        upstream = playback_state(request).errors.get(target.base_path)  # what our /file met upstream
        if upstream is not None:
            raise upstream from None
        raise
    probe.store(conn, profile.id, target.type, target.item_id, result)
    return result


def _loopback_url(request: Request, conn: sqlite3.Connection, target: Target) -> str:
    """Our own ``/file`` URL as ffmpeg on this machine reaches it (token: no session needed)."""
    host, port = request.scope.get("server") or ("127.0.0.1", 80)
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}{play_path(target, 'file')}?{external.TOKEN_PARAM}={external.item_token(conn, target)}"


@router.post("/play/{profile_id}/{type}/{item_id}/progress")
async def progress(request: Request, profile_id: int, type: str, item_id: str, conn: Conn) -> JSONResponse:
    """The player's periodic position report (every ~10 s and on leaving): History and resume.
    ``session`` and ``seq`` (the player's id and the report's number) keep a late report from
    rolling a newer position back."""
    Target(profile_id, type, item_id)
    try:
        body = await request.json()
        position = max(0.0, float(body.get("position") or 0))
        duration = float(body["duration"]) if body.get("duration") else None
        session = str(body["session"])[:64] if body.get("session") else None
        seq = int(body.get("seq") or 0)
    except (ValueError, TypeError, AttributeError):
        raise PlaybackError(N_("The position report was unreadable.")) from None
    profile = profiles.get_profile(conn, profile_id)
    name = now_playing.title(conn, profile, Target(profile_id, type, item_id))
    now_playing.record(conn, profile_id, type, item_id, position, duration, name, session=session, seq=seq)
    return JSONResponse({"ok": True})


@router.post("/play/{profile_id}/{type}/{item_id}/tracks")
async def track_choice(request: Request, profile_id: int, type: str, item_id: str, conn: Conn) -> JSONResponse:
    """The viewer changed the audio or subtitle track: ``{"audio": lang}`` and/or
    ``{"subtitle": lang or "off"}``, remembered for this channel or series."""
    target = Target(profile_id, type, item_id)
    try:
        body = await request.json()
        audio = str(body["audio"])[:16] if body.get("audio") else None
        subtitle = str(body["subtitle"])[:16] if body.get("subtitle") else None
    except (ValueError, TypeError, AttributeError):
        raise PlaybackError(N_("The track choice was unreadable.")) from None
    profiles.get_profile(conn, profile_id)
    return JSONResponse(now_playing.remember_tracks(conn, profile_id, target, audio, subtitle).to_dict())


@router.get("/play/{profile_id}/catchup/{channel_id}/{start_ts}/status")
@router.get("/play/{profile_id}/{type}/{item_id}/status")
def status(request: Request, profile_id: int, channel_id: str | None = None, start_ts: int | None = None,
           type: str | None = None, item_id: str | None = None) -> JSONResponse:
    """The last error of this target's stream, for the player's message (``{"ok": true}`` if none)."""
    target = (Target(profile_id, "catchup", channel_id, start_ts) if channel_id is not None
              else Target(profile_id, type or "", item_id or ""))
    return JSONResponse(proxy.error_json(playback_state(request).errors.get(target.base_path)))


@router.get("/play/{profile_id}/live/{item_id}/zap")
def zap(request: Request, profile_id: int, item_id: str, conn: Conn, step: int = 0,
        number: int | None = None, list_spec: str = Query("all", alias="list")) -> JSONResponse:
    """The channel to switch to: ``step`` ±n inside the list it was chosen from, or channel
    ``number``."""
    profile = profiles.get_profile(conn, profile_id)
    if number is not None:
        found = channels.by_number(conn, profile.id, number)
        if found is None:
            raise ItemNotFound(N_("There is no channel %(number)s."), {"number": number})
    else:
        found = channel_lists.neighbour(conn, profile, list_spec, item_id, step or 1)
    return JSONResponse({"id": found})


# --- the byte paths ----------------------------------------------------------------------


async def _guarded(state: PlaybackState, target: Target, make: Callable[[], Awaitable[Response]]) -> Response:
    """Run a proxy action; an error is remembered for the player's message, then answered."""
    try:
        response = await make()
    except XtplayError as exc:
        state.errors.put(target.base_path, exc)
        raise
    state.errors.clear(target.base_path)
    return response


def _upstream(conn: sqlite3.Connection, request: Request, profile_id: int, target: Target,
              ext: str | None = None) -> tuple[Profile, str]:
    profile = profiles.get_profile(conn, profile_id)
    return profile, upstream_url(conn, get_vault(request), profile, target, ext=ext,
                                 headers=playback_state(request).headers)


@router.get("/play/{profile_id}/catchup/{channel_id}/{start_ts}/open")
@router.get("/play/{profile_id}/live/{item_id}/open")
async def open_stream(request: Request, profile_id: int, conn: Conn, item_id: str | None = None,
                      channel_id: str | None = None, start_ts: int | None = None, fmt: str = "",
                      at: int = 0) -> Response:
    """Start a channel (or catch-up) upstream and say how the player plays what really came:
    engine, source and the formats tried (``fmt`` names the one to ask for first). A catch-up
    starts ``at`` seconds into its programme (a seek restarts the archive there); the answer's
    ``offset`` says where it really begins."""
    state = playback_state(request)
    target = _stream_target(profile_id, item_id, channel_id, start_ts, at)

    async def make():
        profile = profiles.get_profile(conn, profile_id)
        owner, _unused = _viewer(request)
        return JSONResponse(await tuner.open_answer(state, conn, get_vault(request), profile, target, fmt or None,
                                                    owner))

    return await _guarded(state, target, make)


@router.get("/play/{profile_id}/catchup/{channel_id}/{start_ts}/stream.ts")
@router.get("/play/{profile_id}/live/{item_id}/stream.ts")
@router.get("/play/{profile_id}/live/{item_id}/index.m3u8")
async def live_stream(request: Request, profile_id: int, conn: Conn, item_id: str | None = None,
                      channel_id: str | None = None, start_ts: int | None = None, park: str | None = None,
                      release: bool = False, at: int = 0) -> Response:
    """A channel or catch-up as the provider really sends it (MPEG-TS relayed, a playlist
    rewritten), whatever the name asks for; the name only says which format to try first.
    ``release`` closes a parked start the player no longer wants."""
    state = playback_state(request)
    if release:
        await state.parking.release(park)
        return Response(status_code=204)
    target = _stream_target(profile_id, item_id, channel_id, start_ts, at)
    prefer = "m3u8" if request.url.path.endswith(".m3u8") else "ts"

    async def make():
        profile = profiles.get_profile(conn, profile_id)
        owner, query = _viewer(request)
        return await tuner.stream_answer(state, conn, get_vault(request), profile, target, prefer, park, owner, query)

    return await _guarded(state, target, make)


def _stream_target(profile_id: int, item_id: str | None, channel_id: str | None, start_ts: int | None,
                   at: int = 0) -> Target:
    if channel_id is not None:
        return Target(profile_id, "catchup", channel_id, start_ts, max(0, at))
    return Target(profile_id, "live", item_id or "")


@router.get("/play/{profile_id}/catchup/{channel_id}/{start_ts}/hls/{token}")
@router.get("/play/{profile_id}/{type}/{item_id}/hls/{token}")
async def hls_part(request: Request, profile_id: int, token: str, conn: Conn, type: str = "catchup",
                   item_id: str | None = None, channel_id: str | None = None, start_ts: int | None = None) -> Response:
    """A playlist, segment, key or init segment named by a token from a rewritten playlist."""
    state = playback_state(request)
    target = (Target(profile_id, "catchup", channel_id, start_ts) if channel_id is not None
              else Target(profile_id, type, item_id or ""))
    profile = profiles.get_profile(conn, profile_id)

    async def make():
        owner, query = _viewer(request)
        return await state.hls().serve(profile.id, token, _label(profile), play_path(target, "hls"), request.headers,
                                       owner, query)

    return await _guarded(state, target, make)


@router.get("/play/{profile_id}/{type}/{item_id}/file")
async def file(request: Request, profile_id: int, type: str, item_id: str, conn: Conn) -> Response:
    """A movie or episode as the provider has it, with Range (the browser seeks with it)."""
    state = playback_state(request)
    target = Target(profile_id, type, item_id)
    if not target.is_file:
        raise ItemNotFound(N_("Only movies and episodes are files."))

    async def make() -> Response:
        profile, url = _upstream(conn, request, profile_id, target)
        ext = url.rsplit(".", 1)[-1].lower()
        return await proxy.file_response(state.http(), url, _label(profile), request.headers, ext,
                                         lambda exc: state.errors.put(target.base_path, exc))

    return await _guarded(state, target, make)


@router.get("/play/{profile_id}/{type}/{item_id}/seek")
async def seek_point(request: Request, profile_id: int, type: str, item_id: str, conn: Conn,
                     start: float = 0.0) -> JSONResponse:
    """Where a conversion asked to start at ``start`` really starts: a remux copies the video,
    so it begins at the keyframe at or before ``start``; a transcode begins exactly there. The
    player counts its clock and subtitles from the answer."""
    target = Target(profile_id, type, item_id)
    if not target.is_file:
        raise ItemNotFound(N_("Only movies and episodes are converted."))
    profile = profiles.get_profile(conn, profile_id)
    start = max(0.0, start)
    decision = await _decision(request, conn, profile, target)
    if start == 0 or decision.mode == "transcode":
        return JSONResponse({"start": start})
    found = await probe.keyframe_before(_loopback_url(request, conn, target), start)
    return JSONResponse({"start": start if found is None else found})


@router.get("/play/{profile_id}/{type}/{item_id}/remux.mp4")
async def remuxed(request: Request, profile_id: int, type: str, item_id: str, conn: Conn, start: float = 0.0,
                  audio: int = 0) -> Response:
    """The file converted by ffmpeg to fragmented MP4 from ``start`` seconds (seeking restarts it),
    with audio stream ``audio`` (one the probe found; choosing another track restarts it too)."""
    state = playback_state(request)
    target = Target(profile_id, type, item_id)
    if not target.is_file:
        raise ItemNotFound(N_("Only movies and episodes are converted."))
    profile = profiles.get_profile(conn, profile_id)

    async def make() -> Response:
        decision = await _decision(request, conn, profile, target)
        mode = "remux" if decision.mode == "direct" else decision.mode
        codec = decision.audio_codec
        if audio != 0 or decision.audio_tracks:
            codec = decision.audio_track(audio).codec  # ItemNotFound for a track the file lacks
        args = remux.ffmpeg_args(_loopback_url(request, conn, target), mode, max(0.0, start), codec, audio)
        chunks = state.ffmpeg.stream(args)
        try:
            first = await anext(chunks)
        except StopAsyncIteration:
            raise PlaybackError(N_("ffmpeg produced nothing for this file.")) from None
        return StreamingResponse(_then(first, chunks), media_type="video/mp4",
                                 headers={"cache-control": "no-store", "x-xtplay-start": f"{start:.3f}"})

    return await _guarded(state, target, make)


@router.get("/play/{profile_id}/{type}/{item_id}/subtitles/{index}.vtt")
async def subtitles(request: Request, profile_id: int, type: str, item_id: str, index: int, conn: Conn,
                    start: float = 0.0) -> Response:
    """Text subtitle stream ``index`` as WebVTT (extracted by ffmpeg), times counted from ``start``
    so they line up with a remux started there."""
    state = playback_state(request)
    target = Target(profile_id, type, item_id)
    if not target.is_file:
        raise ItemNotFound(N_("Only movies and episodes have subtitle files."))
    profile = profiles.get_profile(conn, profile_id)
    decision = await _decision(request, conn, profile, target)
    decision.subtitle_track(index)  # ItemNotFound for a track the file lacks

    async def make() -> Response:
        data = bytearray()
        async for chunk in state.ffmpeg.stream(remux.subtitle_args(_loopback_url(request, conn, target), index)):
            data += chunk
        text = data.decode("utf-8", "replace")
        if not text.startswith("WEBVTT"):
            raise PlaybackError(N_("ffmpeg could not read these subtitles."))
        return Response(remux.shift_vtt(text, max(0.0, start)), media_type="text/vtt; charset=utf-8",
                        headers={"cache-control": "no-store"})

    return await _guarded(state, target, make)


async def _then(first: bytes, rest) -> AsyncIterator[bytes]:
    """``first`` then the rest of an ffmpeg stream; closing stops ffmpeg at once."""
    try:
        yield first
        async for chunk in rest:
            yield chunk
    finally:
        await rest.aclose()
