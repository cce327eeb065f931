"""JSON API for profiles: ``/api/profiles`` — list, create, show, edit, delete, test, use.

A thin wrapper over :mod:`xtplay.accounts.profiles` (and :mod:`xtplay.accounts.playlists`
for a playlist profile). The password, like a playlist's address, is write-only: it is accepted in a
create or edit body and never appears in any answer. Errors are answered here as
``{"error": title, "message": text, "retryable": bool}`` with the error's status, so the
router behaves the same in any app that includes it; request validation errors never echo
the body back (it may hold the password).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, SecretStr, model_validator

from xtplay.accounts import playlists, profiles
from xtplay.accounts.vault import Secret
from xtplay.errors import XtplayError
from xtplay.logs import redact
from xtplay.web import locale
from xtplay.web.art import forget_profile_art
from xtplay.web.deps import AppSettings, AppVault, Conn
from xtplay.web.locale import gettext as _


def _error(status: int, title: str, message: str, retryable: bool = False) -> JSONResponse:
    return JSONResponse({"error": title, "message": redact(message), "retryable": retryable}, status_code=status)


class _JsonErrors(APIRoute):
    """Turns our errors and invalid bodies into the JSON error shape, inside the router."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except XtplayError as exc:
                return _error(exc.status_code, _(exc.title), locale.describe(exc), exc.retryable)
            except RequestValidationError as exc:
                parts = []
                for err in exc.errors()[:5]:
                    where = ".".join(str(p) for p in err.get("loc", ())[1:]) or "body"
                    parts.append(f"{where}: {err.get('msg', 'invalid')}")
                return _error(422, _("Invalid request"), "; ".join(parts) or _("The request body is not valid."))

        return guarded


router = APIRouter(prefix="/api/profiles", tags=["profiles"], route_class=_JsonErrors)


class ProfileCreate(BaseModel):
    """Body of ``POST /api/profiles``: an Xtream login (``url``, ``username``, ``password``) or
    an M3U playlist (``m3u``, an address or a file, with any ``xmltv`` guides), as ``xtplay
    profile add`` takes them. A playlist's address is a credential: write-only, like the
    password (the answer shows only its host)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    url: str | None = None
    username: str | None = None
    password: SecretStr | None = None
    m3u: SecretStr | None = None
    xmltv: list[SecretStr] = []
    verify: bool = True
    user_agent: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_kind(cls, data: Any) -> Any:
        """A login or a playlist, never parts of both (the CLI's and the form's rule)."""
        if not isinstance(data, dict):
            return data
        login = [key for key in ("url", "username", "password") if data.get(key) is not None]
        if data.get("m3u") is not None:
            if login:
                raise ValueError("a playlist profile takes m3u (and xmltv), not url, username or password")
        elif len(login) < 3:
            if data.get("xmltv"):
                raise ValueError("xmltv goes with m3u (a playlist profile)")
            raise ValueError("give url, username and password (an Xtream login), or m3u (a playlist)")
        return data


class ProfileEdit(BaseModel):
    """Body of ``PATCH /api/profiles/{id}``: only the fields given change."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    url: str | None = None
    username: str | None = None
    password: SecretStr | None = None
    user_agent: str | None = None
    sync_interval_hours: int | None = None
    adult_enabled: bool | None = None
    timezone: str | None = None
    verify: bool = True


def _out(conn: sqlite3.Connection, profile: profiles.Profile) -> dict[str, Any]:
    active = profiles.active_profile(conn)
    return {**profile.to_dict(), "active": bool(active and active.id == profile.id)}


@router.get("")
def list_profiles(conn: Conn) -> dict[str, Any]:
    """Every profile, with the active one marked."""
    active = profiles.active_profile(conn)
    active_id = active.id if active else None
    return {
        "profiles": [{**p.to_dict(), "active": p.id == active_id} for p in profiles.list_profiles(conn)],
        "active_id": active_id,
    }


@router.post("", status_code=201)
async def create_profile(body: ProfileCreate, conn: Conn, vault: AppVault,
                         settings: AppSettings) -> dict[str, Any]:
    """Add a profile; the login (or the playlist: it answers, it holds entries) is checked
    first unless ``verify`` is false."""
    if body.m3u is not None:
        playlist, check = await playlists.add_playlist_profile(
            conn, vault, settings, name=body.name, m3u=body.m3u.get_secret_value(),
            xmltv=[g.get_secret_value() for g in body.xmltv], user_agent=body.user_agent, verify=body.verify)
        found = None if check is None else {"entries": check.entries, "live": check.live, "movies": check.movies,
                                            "series": check.series, "guides": check.guides}
        return {**_out(conn, playlist), "check": found}
    assert body.url is not None and body.username is not None and body.password is not None  # _one_kind
    saved = await profiles.add_profile(
        conn, vault, settings, name=body.name, url=body.url, username=body.username,
        password=Secret(body.password.get_secret_value()), verify=body.verify, user_agent=body.user_agent,
    )
    return _out(conn, saved)


@router.get("/{profile}")
def show_profile(profile: str, conn: Conn) -> dict[str, Any]:
    """One profile by id or name."""
    return _out(conn, profiles.get_profile(conn, profile))


@router.patch("/{profile}")
async def edit_profile(profile: str, body: ProfileEdit, conn: Conn, vault: AppVault,
                       settings: AppSettings) -> dict[str, Any]:
    """Change fields; new credentials are verified unless ``verify`` is false."""
    changes = body.model_dump(exclude_unset=True, exclude={"verify", "password"})
    if body.password is not None:
        changes["password"] = Secret(body.password.get_secret_value())
    saved = await profiles.edit_profile(conn, vault, settings, profile, verify=body.verify, **changes)
    return _out(conn, saved)


@router.delete("/{profile}")
def delete_profile(request: Request, profile: str, conn: Conn, vault: AppVault) -> dict[str, Any]:
    """Delete the profile and everything stored for it."""
    removed = profiles.remove_profile(conn, vault, profile)
    forget_profile_art(request, removed.id)
    active = profiles.active_profile(conn)
    return {"deleted": removed.id, "name": removed.name, "active_id": active.id if active else None}


@router.post("/{profile}/test")
async def test_profile(profile: str, conn: Conn, vault: AppVault, settings: AppSettings) -> dict[str, Any]:
    """Log in with the stored credentials; answers the refreshed profile and its account."""
    account = await profiles.test_profile(conn, vault, settings, profile)
    refreshed = profiles.get_profile(conn, profile)
    return {"ok": True, "account": profiles.account_dict(account), "profile": _out(conn, refreshed)}


@router.post("/{profile}/use")
def use_profile(profile: str, conn: Conn) -> dict[str, Any]:
    """Make this the active profile."""
    return _out(conn, profiles.use_profile(conn, profile))
