"""The "M3U playlist" choice of the Add profile page: an address or an uploaded file, checked
before saving (it answers, it is a playlist, N entries), then saved like a login.

The playlist address is a credential: the form never shows it again, not even after an error
(like a password field), and the profile keeps only its host in clear. The form posts with
htmx, whose ``X-CSRF-Token`` header lets an upload be larger than a plain form may be.
"""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from xtplay.accounts import playlists, profiles
from xtplay.config import Settings
from xtplay.errors import InvalidProfile, ProfileExists, XtplayError
from xtplay.i18n import N_
from xtplay.library import catalog
from xtplay.web import locale
from xtplay.web.deps import AppSettings, AppVault, Conn
from xtplay.web.locale import gettext as _
from xtplay.web.sync_status import activate, is_syncing
from xtplay.web.templating import render_partial

router = APIRouter()


async def _location(settings: Settings, m3u: str, upload: UploadFile | None) -> str:
    """The address typed, else the uploaded file kept in the home directory."""
    if upload is not None and upload.filename:
        data = await upload.read(playlists.MAX_UPLOAD + 1)
        if not data:
            raise InvalidProfile("m3u", N_("The uploaded file is empty."))
        return playlists.save_upload(settings, data)
    if not m3u.strip():
        raise InvalidProfile("m3u", N_("Enter the playlist address, or choose a playlist file."))
    return m3u


def _form(request: Request, status: int, values: dict[str, str], errors: dict[str, str],
          form_error: str | None = None) -> Response:
    return render_partial(request, "_playlist_form.html", status, playlist_values=values, playlist_errors=errors,
                          playlist_error=form_error)


def _errors(exc: XtplayError) -> tuple[dict[str, str], str | None]:
    if isinstance(exc, InvalidProfile) and exc.field in ("name", "m3u", "xmltv"):
        return {exc.field: locale.describe(exc)}, None
    if isinstance(exc, ProfileExists):
        return {"name": locale.describe(exc)}, None
    return {"m3u": locale.describe(exc)}, None


@router.post("/profiles/playlist")
async def add_playlist(request: Request, conn: Conn, vault: AppVault, settings: AppSettings,
                       name: str = Form(""), m3u: str = Form(""), xmltv: str = Form(""),
                       user_agent: str = Form(""), m3u_file: UploadFile | None = File(None)) -> Response:
    """Check the playlist, save the profile, make it active and start its first sync."""
    values = {"name": name, "xmltv": "", "user_agent": user_agent}
    location = None
    try:
        location = await _location(settings, m3u, m3u_file)
        profile, _check = await playlists.add_playlist_profile(
            conn, vault, settings, name=name, m3u=location, xmltv=[xmltv] if xmltv.strip() else [],
            user_agent=user_agent)
    except XtplayError as exc:
        if location is not None:
            playlists.forget_upload(settings, location)  # an uploaded file that made no profile
        errors, form_error = _errors(exc)
        return _form(request, 200, values, errors, form_error)  # htmx swaps only a 2xx answer
    profiles.use_profile(conn, profile.id)
    activate(request.app, conn, profile)
    target = f"/profiles/{profile.id}/loading" if catalog.is_empty(conn, profile.id) and is_syncing(
        request.app, profile.id) else "/"
    return Response(status_code=204, headers={"HX-Redirect": target})


@router.post("/profiles/playlist/test")
async def test_playlist(request: Request, settings: AppSettings, m3u: str = Form(""), user_agent: str = Form(""),
                        m3u_file: UploadFile | None = File(None)) -> Response:
    """Read the playlist typed or chosen and say what it holds, saving nothing."""
    try:
        if m3u_file is not None and m3u_file.filename:
            data = await m3u_file.read(playlists.MAX_UPLOAD + 1)
            location = playlists.save_upload(settings, data)
            try:
                found = await playlists.check_playlist(settings, location, user_agent)
            finally:
                playlists.forget_upload(settings, location)
        else:
            found = await playlists.check_playlist(settings, await _location(settings, m3u, None), user_agent)
    except XtplayError as exc:
        return render_partial(request, "_test_result.html", ok=False, title=_(exc.title), message=locale.describe(exc))
    return render_partial(request, "_playlist_check.html", check=found)
