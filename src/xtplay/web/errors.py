"""The one place errors become responses: an HTML page, an htmx partial with Retry, or JSON
(``{"error": title, "message": …, "retryable": bool}``, the shape profiles.api uses too).

``XtplayError`` carries its status, title, message and whether a retry may help. Anything
else is a bug: it is logged with its traceback and answered with a plain 500 that never
shows the traceback. Messages pass through ``redact`` as a last guard against credentials.
Titles and messages are translated here, into the request's language (:mod:`locale`): an
error's English sentence is its msgid, its values are filled in after.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from xtplay.errors import XtplayError
from xtplay.i18n import N_
from xtplay.logs import redact
from xtplay.playback.proxy import AnswerCut
from xtplay.web import locale
from xtplay.web.deps import NeedsProfile
from xtplay.web.locale import gettext as _
from xtplay.web.templating import render, render_partial

log = logging.getLogger(__name__)


def wants_json(request: Request) -> bool:
    """API paths and clients that ask for JSON get JSON; pages get HTML."""
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, title: str, message: str, retryable: bool,
                   headers: dict[str, str] | None = None) -> Response:
    """Render an error in the form the client expects."""
    message = redact(message)
    if wants_json(request):
        return JSONResponse({"error": title, "message": message, "retryable": retryable},
                            status_code=status, headers=headers)
    ctx: dict[str, Any] = {"title": title, "message": message, "retryable": retryable, "status": status,
           "retry_url": str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")}
    hx = request.headers.get("hx-request")
    if hx:
        # htmx ignores 4xx/5xx bodies by default; answer 200 with the error partial swapped in place.
        extra = dict(headers or {})
        extra["X-Xtplay-Error"] = str(status)
        return render_partial(request, "_error.html", 200, headers=extra, **ctx)
    try:
        return render(request, "error.html", status, headers=headers, **ctx)
    except Exception:  # the page around the error failed too (e.g. the library is unreadable)
        log.exception("rendering the error page failed")
        return render_partial(request, "_error_page_bare.html", status, headers=headers, **ctx)


async def _xtplay_error(request: Request, exc: XtplayError) -> Response:
    log.info("%s %s: %s", request.method, request.url.path, exc)
    retry_after = getattr(exc, "retry_after", None)  # a throttled login's or busy conversions' wait
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return error_response(request, exc.status_code, _(exc.title), locale.describe(exc), exc.retryable, headers)


async def _needs_profile(request: Request, exc: NeedsProfile) -> Response:
    if wants_json(request):
        return JSONResponse({"error": _("No profile"), "message": _("Add a provider profile first."),
                             "retryable": False}, status_code=409)
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": "/welcome"})
    return RedirectResponse("/welcome", status_code=303)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    titles = {404: N_("Not found"), 405: N_("Not allowed"), 403: N_("Forbidden"), 401: N_("Login required")}
    title = _(titles.get(exc.status_code, N_("Request failed")))
    detail = exc.detail if isinstance(exc.detail, str) else title
    if exc.status_code == 404 and detail == "Not Found":
        detail = _("There is nothing at this address.")
    elif exc.status_code == 405 and detail == "Method Not Allowed":
        detail = title
    return error_response(request, exc.status_code, title, detail, False, getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    message = _("Invalid request — %(problems)s") % {"problems": "; ".join(parts)} if parts else _("Invalid request.")
    if wants_json(request):
        return JSONResponse({"error": _("Invalid request"), "message": message, "retryable": False,
                             "fields": [{"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg")}
                                        for e in exc.errors()]}, status_code=422)
    return error_response(request, 422, _("Invalid request"), message, False)


async def _unexpected(request: Request, exc: Exception) -> Response:
    if isinstance(exc, AnswerCut):  # the provider broke off a relayed file: the server closes the answer
        log.info("%s %s: %s; the viewer's connection is closed", request.method, request.url.path, exc)
        return Response(status_code=502)  # never sent: the answer had started
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, _("Something went wrong"),
                          _("xtplay hit an unexpected problem. The details are in the log; try again."), True)


class CutAnswersFilter(logging.Filter):
    """Keeps the ASGI server's "Exception in ASGI application" traceback of an
    :class:`~xtplay.playback.proxy.AnswerCut` out of the log: that exception is how a relayed
    answer the provider broke off gets its connection closed, not a failure (logged as one
    line by :func:`_unexpected`, told to the player by its error board)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], AnswerCut))


#: The logger of the ASGI server (uvicorn) that reports an exception escaping the app.
SERVER_LOGGER = "uvicorn.error"


def install(app: FastAPI) -> None:
    """Register every handler on the app, and the server log's filter of cut answers."""
    server_log = logging.getLogger(SERVER_LOGGER)
    if not any(isinstance(f, CutAnswersFilter) for f in server_log.filters):
        server_log.addFilter(CutAnswersFilter())
    app.add_exception_handler(XtplayError, _xtplay_error)  # type: ignore[arg-type]
    app.add_exception_handler(NeedsProfile, _needs_profile)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
