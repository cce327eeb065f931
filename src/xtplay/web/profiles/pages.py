"""Profile pages: first-run welcome, list, add, edit, test connection, delete, switch, loading.

Forms post back to themselves and re-render with inline errors; a provider failure (wrong
password, expired account, unreachable server …) is shown as the form's error with the
message ``xtplay.errors`` gives it. The password field is write-only: never pre-filled.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from xtplay.accounts import profiles
from xtplay.accounts.profiles import Profile
from xtplay.accounts.vault import Vault
from xtplay.config import Settings
from xtplay.errors import (
    InvalidProfile,
    ProfileBusy,
    ProfileExists,
    ProfileNotFound,
    ProviderTimeout,
    ProviderUnreachable,
    WrongCredentials,
    XtplayError,
)
from xtplay.library import catalog, sync
from xtplay.web import locale
from xtplay.web.art import forget_profile_art
from xtplay.web.deps import AppSettings, AppVault, Conn, choose_profile
from xtplay.web.locale import gettext as _
from xtplay.web.sync_status import activate, is_syncing, sync_progress
from xtplay.web.templating import render, render_partial

router = APIRouter()

FIELDS = ("name", "url", "username")


def _status(exc: XtplayError) -> int:
    """422 for what the form itself got wrong, 400 for what the provider answered."""
    return 422 if isinstance(exc, (InvalidProfile, ProfileExists)) else 400


def _form_errors(exc: XtplayError) -> tuple[dict[str, str], str | None]:
    """(field → message, form-level message) for an error raised while saving."""
    if isinstance(exc, InvalidProfile) and exc.field in (*FIELDS, "password"):
        return {exc.field: locale.describe(exc)}, None
    if isinstance(exc, ProfileExists):
        return {"name": locale.describe(exc)}, None
    if isinstance(exc, WrongCredentials):  # one message, next to what to retype (never title + message)
        return {"password": locale.describe(exc)}, None
    if isinstance(exc, (ProviderUnreachable, ProviderTimeout)):
        return {"url": locale.describe(exc)}, None
    return {}, locale.describe(exc) or _(exc.title)


def _redirect(request: Request, url: str) -> Response:
    """A redirect that also works for htmx requests (full navigation, not a swap)."""
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _after_activation(request: Request, conn: sqlite3.Connection, profile: Profile) -> str:
    """Sync an empty or stale library in the background (``sync_schedule.sync_if_stale``); where to send
    the person next: the loading page while an empty library fills, else home (a stale
    library stays browsable while it syncs)."""
    activate(request.app, conn, profile)
    if catalog.is_empty(conn, profile.id) and is_syncing(request.app, profile.id):
        return f"/profiles/{profile.id}/loading"
    return "/"


# --- first run ------------------------------------------------------------------------


@router.get("/welcome")
def welcome(request: Request, conn: Conn) -> Response:
    """First run: what xtplay needs, the add-profile form, and (demo mode) a one-click profile."""
    if profiles.list_profiles(conn):
        return RedirectResponse("/", status_code=303)
    return render(request, "welcome.html", conn=conn, values={}, errors={}, form_error=None,
                  page_title=_("Welcome"))


@router.post("/welcome/demo")
async def add_demo_profile(request: Request, conn: Conn, vault: AppVault, settings: AppSettings) -> Response:
    """Add (or repoint) the "Demo" profile at the running demo provider and switch to it."""
    demo = request.app.state.demo
    if demo is None:
        return _redirect(request, "/welcome")
    profile = await ensure_demo_profile(conn, vault, settings, demo)
    choose_profile(request, conn, profile.id)
    return _redirect(request, _after_activation(request, conn, profile))


async def ensure_demo_profile(conn: sqlite3.Connection, vault: Vault, settings: Settings, demo: Any,
                              name: str = "Demo") -> Profile:
    """The demo profile pointing at ``demo``'s current address (its port changes every start)."""
    try:
        existing = profiles.get_profile(conn, name)
    except ProfileNotFound:
        return await profiles.add_profile(conn, vault, settings, name=name, url=demo.url,
                                          username=demo.username, password=demo.password)
    return await profiles.edit_profile(conn, vault, settings, existing.id, url=demo.url,
                                       username=demo.username, password=demo.password)


# --- list, add, edit ----------------------------------------------------------------------


@router.get("/profiles")
def list_page(request: Request, conn: Conn) -> Response:
    """Every profile with its account status, expiry, connections and last sync."""
    rows = []
    for p in profiles.list_profiles(conn):
        rows.append({"profile": p, "account": p.account or {}, "last_sync": sync.last_run(conn, p.id)})
    if not rows:
        return RedirectResponse("/welcome", status_code=303)
    return render(request, "profiles.html", conn=conn, rows=rows, nav="profiles", page_title=_("Profiles"))


@router.get("/profiles/new")
def new_page(request: Request, conn: Conn) -> Response:
    """The add-profile form."""
    return render(request, "profiles_form.html", conn=conn, profile=None, values={}, errors={},
                  form_error=None, nav="profiles", page_title=_("Add a profile"))


@router.post("/profiles")
async def add(request: Request, conn: Conn, vault: AppVault, settings: AppSettings, name: str = Form(""),
              url: str = Form(""), username: str = Form(""), password: str = Form(""),
              origin: str = Form("profiles")) -> Response:
    """Verify the login, save, make it active and start its first sync."""
    values = {"name": name, "url": url, "username": username}
    try:
        profile = await profiles.add_profile(conn, vault, settings, name=name, url=url,
                                             username=username, password=password)
    except XtplayError as exc:
        errors, form_error = _form_errors(exc)
        template = "welcome.html" if origin == "welcome" else "profiles_form.html"
        return render(request, template, _status(exc), conn=conn, profile=None, values=values,
                      errors=errors, form_error=form_error, nav="profiles", page_title=_("Add a profile"))
    choose_profile(request, conn, profile.id)
    return _redirect(request, _after_activation(request, conn, profile))


@router.get("/profiles/{profile_id}/edit")
def edit_page(request: Request, profile_id: int, conn: Conn) -> Response:
    """The edit form (the password stays empty: leave it so to keep the stored one)."""
    profile = profiles.get_profile(conn, profile_id)
    values = {"name": profile.name, "url": profile.url, "username": profile.username}
    return render(request, "profiles_form.html", conn=conn, profile=profile, values=values, errors={},
                  form_error=None, nav="profiles", page_title=_("Edit %(name)s") % {"name": profile.name})


@router.post("/profiles/{profile_id}/edit")
async def edit(request: Request, profile_id: int, conn: Conn, vault: AppVault, settings: AppSettings,
               name: str = Form(""), url: str = Form(""), username: str = Form(""),
               password: str = Form("")) -> Response:
    """Save changes; a changed URL, username or password is verified by a login first."""
    profile = profiles.get_profile(conn, profile_id)
    values = {"name": name, "url": url, "username": username}
    try:
        await profiles.edit_profile(conn, vault, settings, profile.id, name=name, url=url,
                                    username=username, password=password or None)
    except XtplayError as exc:
        errors, form_error = _form_errors(exc)
        return render(request, "profiles_form.html", _status(exc), conn=conn, profile=profile,
                      values=values, errors=errors, form_error=form_error, nav="profiles",
                      page_title=_("Edit %(name)s") % {"name": profile.name})
    return _redirect(request, "/profiles")


# --- test connection (htmx) ---------------------------------------------------------------


@router.post("/profiles/test")
async def test_new(request: Request, settings: AppSettings, url: str = Form(""), username: str = Form(""),
                   password: str = Form("")) -> Response:
    """Try a login with the values typed in the add form, without saving anything."""
    try:
        clean_url = profiles.normalize_url(url)
        if not username.strip() or not password:
            raise InvalidProfile("username" if not username.strip() else "password",
                                 _("Enter the username and password to test the connection."))
        account = await profiles.check_login(settings, clean_url, username.strip(), password)
    except XtplayError as exc:
        return render_partial(request, "_test_result.html", ok=False, title=_(exc.title), message=locale.describe(exc))
    return render_partial(request, "_test_result.html", ok=True, account=profiles.account_dict(account))


@router.post("/profiles/{profile_id}/test")
async def test_saved(request: Request, profile_id: int, conn: Conn, vault: AppVault, settings: AppSettings,
                     url: str = Form(""), username: str = Form(""), password: str = Form("")) -> Response:
    """Test a saved profile, with the edit form's values where they differ (nothing is saved)."""
    try:
        profile = profiles.get_profile(conn, profile_id)
        new_url = profiles.normalize_url(url) if url.strip() and not profile.is_playlist else profile.url
        new_user = username.strip() or profile.username
        if profile.is_playlist or (not password and new_url == profile.url and new_user == profile.username):
            account = await profiles.test_profile(conn, vault, settings, profile.id)
        else:
            secret = password or profiles.decrypt_password(conn, vault, profile)
            account = await profiles.check_login(settings, new_url, new_user, secret, profile.user_agent)
    except XtplayError as exc:
        return render_partial(request, "_test_result.html", ok=False, title=_(exc.title), message=locale.describe(exc))
    return render_partial(request, "_test_result.html", ok=True, account=profiles.account_dict(account))


# --- delete, switch, loading --------------------------------------------------------------


@router.get("/profiles/{profile_id}/delete")
def delete_page(request: Request, profile_id: int, conn: Conn) -> Response:
    """Ask before deleting: everything of the profile goes with it."""
    profile = profiles.get_profile(conn, profile_id)
    return render(request, "profiles_delete.html", conn=conn, profile=profile,
                  counts=catalog.counts(conn, profile.id), nav="profiles",
                  page_title=_("Delete %(name)s") % {"name": profile.name})


@router.post("/profiles/{profile_id}/delete")
def delete(request: Request, profile_id: int, conn: Conn, vault: AppVault, confirm: str = Form("")) -> Response:
    """Delete the profile and all its data (only with the confirmation field)."""
    if confirm != "yes":
        return _redirect(request, f"/profiles/{profile_id}/delete")
    if is_syncing(request.app, profile_id):
        raise ProfileBusy()
    profiles.remove_profile(conn, vault, profile_id)
    forget_profile_art(request, profile_id)
    return _redirect(request, "/profiles" if profiles.list_profiles(conn) else "/welcome")


@router.post("/profiles/switch")
async def switch(request: Request, conn: Conn, profile_id: int = Form(...)) -> Response:
    """Make another profile active; every view starts over from home (nothing of the old one stays)."""
    profile = choose_profile(request, conn, profile_id)  # this browser only: other devices keep theirs
    return _redirect(request, _after_activation(request, conn, profile))


@router.get("/profiles/{profile_id}/loading")
def loading_page(request: Request, profile_id: int, conn: Conn) -> Response:
    """Shown while the profile's first sync runs; polls until it is ready."""
    profile = profiles.get_profile(conn, profile_id)
    if not is_syncing(request.app, profile.id):
        return RedirectResponse("/", status_code=303)
    return render(request, "profiles_loading.html", conn=conn, profile=profile,
                  job=sync_progress(request.app, profile.id), page_title=_("Loading"))


@router.get("/profiles/{profile_id}/ready")
def ready(request: Request, profile_id: int, conn: Conn) -> Response:
    """The loading page's poll: progress while syncing, then a redirect home (or the error)."""
    profile = profiles.get_profile(conn, profile_id)
    job = sync_progress(request.app, profile.id)
    if is_syncing(request.app, profile.id):
        return render_partial(request, "_loading_progress.html", profile=profile, job=job)
    if job is not None and job.status == "failed":
        return render_partial(request, "_loading_progress.html", profile=profile, job=job)
    return Response(status_code=204, headers={"HX-Redirect": "/"})
