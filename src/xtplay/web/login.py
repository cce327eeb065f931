"""Login and logout with the access password (only needed off loopback)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from xtplay.web import auth
from xtplay.web.deps import Conn
from xtplay.web.locale import gettext as _
from xtplay.web.templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, conn: Conn, next: str = "/") -> Response:
    """The access-password form."""
    if not request.app.state.require_login or request.state.session.authenticated:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", conn=conn, next=_safe_next(next), error=None, page_title=_("Log in"))


@router.post("/login")
def login(request: Request, conn: Conn, password: str = Form(""), next: str = Form("/")) -> Response:
    """Check the password; a few failures per client, then an increasing wait (HTTP 429)."""
    target = _safe_next(next)
    if not request.app.state.require_login:
        return RedirectResponse(target, status_code=303)
    throttle: auth.LoginThrottle = request.app.state.throttle
    client = request.client.host if request.client else "?"
    wait = throttle.retry_after(client)
    if wait:
        return render(request, "login.html", 429, conn=conn, next=target, page_title=_("Log in"),
                      headers={"Retry-After": str(wait)},
                      error=_("Too many failed attempts. Wait %(seconds)s seconds before trying again.") % {"seconds": wait})
    stored = auth.access_password_hash(conn)
    if stored is None or not auth.verify_password(password, stored):
        throttle.failed(client)
        return render(request, "login.html", 401, conn=conn, next=target, page_title=_("Log in"),
                      error=_("Wrong password.") if stored else _("No access password is set: run “xtplay access-password”."))
    throttle.succeeded(client)
    request.state.session_out = auth.Session(authenticated=True)  # a new id: no session fixation
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """Forget the login (a fresh anonymous session replaces it)."""
    request.state.session_out = auth.Session()
    return RedirectResponse("/login" if request.app.state.require_login else "/", status_code=303)
