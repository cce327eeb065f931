"""The way out to external players: "Open in mpv/VLC" as a one-entry ``.m3u``, the whole
profile as M3U, and a direct mpv launch for a viewer on this machine.

The files hold the app's own proxy URLs (no password; each carries a token for that item
only) unless the person explicitly asks for the provider's direct URLs.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from xtplay.accounts import profiles
from xtplay.errors import PlaybackError
from xtplay.i18n import N_
from xtplay.playback import external, now_playing
from xtplay.playback.resolve import Target
from xtplay.web.deps import Conn, get_vault

router = APIRouter()


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _m3u_response(text: str, filename: str) -> Response:
    return Response(text, media_type="audio/x-mpegurl",
                    headers={"content-disposition": f'attachment; filename="{filename}"', "cache-control": "no-store"})


@router.get("/play/{profile_id}/export.m3u")
def export(request: Request, profile_id: int, conn: Conn, direct: bool = False) -> Response:
    """The whole profile as M3U: proxy URLs (no password) unless ``direct=1`` was chosen."""
    profile = profiles.get_profile(conn, profile_id)
    text = external.export_profile(conn, get_vault(request), profile, _base_url(request), direct=direct)
    return _m3u_response(text, f"xtplay-{profile.id}{'-direct' if direct else ''}.m3u")


@router.get("/play/{profile_id}/catchup/{channel_id}/{start_ts}/playlist.m3u")
@router.get("/play/{profile_id}/{type}/{item_id}/playlist.m3u")
def item_playlist(request: Request, profile_id: int, conn: Conn, channel_id: str | None = None,
                  start_ts: int | None = None, type: str | None = None, item_id: str | None = None,
                  direct: bool = False) -> Response:
    """"Open in mpv/VLC": a one-entry ``.m3u`` (proxy URL by default; provider URL on ``direct=1``)."""
    profile = profiles.get_profile(conn, profile_id)
    target = (Target(profile.id, "catchup", channel_id, start_ts) if channel_id is not None
              else Target(profile.id, type or "", item_id or ""))
    text = external.item_m3u(conn, get_vault(request), profile, target, _base_url(request),
                             now_playing.title(conn, profile, target), direct=direct)
    return _m3u_response(text, f"{target.type}-{target.item_id}.m3u")


@router.post("/play/{profile_id}/{type}/{item_id}/launch")
def launch(request: Request, profile_id: int, type: str, item_id: str, conn: Conn) -> JSONResponse:
    """Start mpv on this machine (only for a viewer on this machine, and only when mpv exists)."""
    if not external.is_loopback(request.client.host if request.client else None):
        raise PlaybackError(N_("mpv can only be started for a viewer on the machine running xtplay."))
    profile = profiles.get_profile(conn, profile_id)
    target = Target(profile.id, type, item_id)
    external.launch_mpv(external.proxy_url(conn, _base_url(request), target), now_playing.title(conn, profile, target))
    return JSONResponse({"ok": True})
