"""The ASGI middleware in front of every route: session cookie, login requirement, CSRF.

It runs before routing so no page or API can forget it. Each request gets
``request.state.session`` (an :class:`auth.Session`) and ``request.state.csrf_token``;
a route that logs someone in or out sets ``request.state.session_out`` and the cookie
is rewritten on the way out.

CSRF rule for POST/PUT/PATCH/DELETE: a valid token in the ``X-CSRF-Token`` header (htmx
sends it from ``hx-headers`` on <body>) or in the ``csrf_token`` form field. A request
without a token passes only when a browser could not have sent it cross-site without a
CORS preflight (which this app never grants): a JSON body or a non-POST method, and no
cross-site ``Origin``/``Sec-Fetch-Site``. Plain form posts always need the token.
"""

from __future__ import annotations

import html
import json
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, quote

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xtplay import db
from xtplay.playback import external
from xtplay.web import auth
from xtplay.web.locale import gettext as _

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
#: Reachable without logging in (the login page itself and its assets).
OPEN_PATHS = ("/login", "/static/", "/healthz", "/favicon.ico", "/manifest.webmanifest")
MAX_FORM_BYTES = 1 << 20


class Guard:
    """Session, login and CSRF enforcement as plain ASGI (so form bodies can be replayed)."""

    def __init__(self, app: ASGIApp, key: bytes, require_login: bool, db_path: Path | None = None) -> None:
        self.app, self.key, self.require_login, self.db_path = app, key, require_login, db_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a garbled Cookie header is a missing one
            cookie = SimpleCookie()
        morsel = cookie.get(auth.COOKIE_NAME)
        session = auth.decode_session(self.key, morsel.value if morsel else None)
        fresh = session is None
        if session is None:
            session = auth.Session()
        state = scope.setdefault("state", {})
        state["session"] = session
        state["csrf_token"] = auth.csrf_token(self.key, session)
        state["require_login"] = self.require_login

        path: str = scope["path"]
        method: str = scope["method"]
        if (self.require_login and not session.authenticated and not path.startswith(OPEN_PATHS)
                and not self._player_token_ok(scope)):
            await self._login_required(scope, headers, send, session if fresh else None)
            return

        if method in UNSAFE:
            receive, ok = await self._csrf_ok(scope, headers, receive, session)
            if not ok:
                await _plain(send, 403, _("This form has expired or did not come from xtplay. Reload the page and try again."),
                             headers, self._cookie(session) if fresh else None)
                return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = state.get("session_out")
                chosen = out if out is not None else (session if fresh else None)
                if chosen is not None:
                    message.setdefault("headers", [])
                    message["headers"] = [*message["headers"], (b"set-cookie", self._cookie(chosen))]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _player_token_ok(self, scope: Scope) -> bool:
        """External players (mpv, VLC, our ffmpeg) have no cookie: a GET of one ``/play/`` item
        carrying that item's signed ``?k=`` token passes (tokens come from playback.external)."""
        if scope["method"] not in ("GET", "HEAD") or not scope["path"].startswith("/play/"):
            return False
        token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(external.TOKEN_PARAM, [None])[0]
        if not token or self.db_path is None:
            return False
        conn = db.connect(self.db_path)
        try:
            return external.token_allows(conn, scope["path"], token)
        finally:
            conn.close()

    def _cookie(self, session: auth.Session) -> bytes:
        value = auth.encode_session(self.key, session)
        return (f"{auth.COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite=Strict; "
                f"Max-Age={auth.SESSION_MAX_AGE}").encode()

    async def _csrf_ok(self, scope: Scope, headers: Headers, receive: Receive,
                       session: auth.Session) -> tuple[Receive, bool]:
        token = headers.get(auth.CSRF_HEADER)
        if token is not None:
            return receive, auth.csrf_valid(self.key, session, token)
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            body = b""
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return receive, False
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > MAX_FORM_BYTES:
                    return receive, False
            replay = _replay(body, receive)
            if ctype == "application/x-www-form-urlencoded":
                field = parse_qs(body.decode("latin-1")).get(auth.CSRF_FIELD, [None])[0]
            else:
                form = await Request(scope, _replay(body, receive)).form()
                value = form.get(auth.CSRF_FIELD)
                field = value if isinstance(value, str) else None
            return replay, auth.csrf_valid(self.key, session, field)
        if _cross_site(headers, scope):
            return receive, False
        # JSON bodies and non-POST methods need a CORS preflight cross-site, which is never granted.
        return receive, ctype == "application/json" or scope["method"] != "POST"

    async def _login_required(self, scope: Scope, headers: Headers, send: Send,
                              new_session: auth.Session | None) -> None:
        path = scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        target = "/login?next=" + quote(path + (f"?{query}" if query else ""), safe="")
        cookie = self._cookie(new_session) if new_session else None
        if path.startswith(("/api/", "/play/")):
            await _json(send, 401, {"error": _("Login required"),
                                               "message": _("Log in with the access password first."),
                                               "retryable": False}, cookie)
        elif headers.get("hx-request"):
            await _respond(send, 401, b"", [(b"hx-redirect", target.encode())], cookie)
        else:
            await _respond(send, 303, b"", [(b"location", target.encode())], cookie)


def _cross_site(headers: Headers, scope: Scope) -> bool:
    site = headers.get("sec-fetch-site")
    if site and site not in ("same-origin", "none"):
        return True
    origin = headers.get("origin")
    if origin and origin != "null":
        host = headers.get("host", "")
        return origin.split("://", 1)[-1] != host
    return origin == "null"


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]],
                   cookie: bytes | None) -> None:
    hdrs = [*headers, (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]
    if cookie:
        hdrs.append((b"set-cookie", cookie))
    await send({"type": "http.response.start", "status": status, "headers": hdrs})
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, data: dict, cookie: bytes | None) -> None:
    await _respond(send, status, json.dumps(data).encode(), [(b"content-type", b"application/json")], cookie)


async def _plain(send: Send, status: int, text: str, headers: Headers, cookie: bytes | None) -> None:
    if headers.get("accept", "").startswith("application/json") or headers.get("content-type", "").startswith("application/json"):
        await _json(send, status, {"error": _("Request refused"), "message": text, "retryable": False}, cookie)
        return
    if headers.get("hx-request"):  # htmx would drop a 403 silently: reload for a fresh token
        await _respond(send, status, text.encode(), [(b"content-type", b"text/plain; charset=utf-8"),
                                                     (b"hx-refresh", b"true")], cookie)
        return
    refused, back = html.escape(_("Request refused")), html.escape(_("Back to xtplay"))
    body = (f"<!doctype html><meta charset=utf-8><title>{refused}</title>"
            f"<link rel=stylesheet href=/static/css/app.css><main class=page><h1>{refused}</h1>"
            f"<p>{html.escape(text)}</p><p><a href=/>{back}</a></p></main>").encode()
    await _respond(send, status, body, [(b"content-type", b"text/html; charset=utf-8")], cookie)
