"""The HTTP edge toward a provider: one pooled httpx client, retries, and error translation.

Everything httpx can raise, and every status a panel answers with, becomes an
``xtplay.errors`` class here, once (what a refusal's words say is read by
:mod:`xtplay.sources.refusals`). Bodies are decoded tolerantly (a BOM, bad UTF-8, an
empty answer, an HTML page where JSON was expected), and request lines are logged only
through :func:`xtplay.logs.redact`, so a password never reaches a log.
"""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential, wait_random

from xtplay.config import DEFAULT_USER_AGENT, Limits, RetryPolicy, Timeouts
from xtplay.errors import (
    ConfigError,
    MalformedResponse,
    ProviderError,
    ProviderRefused,
    ProviderServerError,
    ProviderTimeout,
    ProviderUnreachable,
    TooManyConnections,
)
from xtplay.i18n import N_
from xtplay.logs import RedactingFilter, redact
from xtplay.sources.refusals import REFUSAL_WORDS, error_for_status, error_in_words, looks_like_html, plain_text, words_of

log = logging.getLogger(__name__)

_BOM = b"\xef\xbb\xbf"
_GZIP_MAGIC = b"\x1f\x8b"


def _guard_loggers() -> None:
    """Redact on the loggers themselves, so even a handler without our filter (pytest's
    caplog, a library's own) never receives a request URL with the password in it."""
    # A logger's filters see only records created on it, not its children's: name each one.
    names = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy",
             __name__, "xtplay.sources.xtream", "xtplay.sources.m3u")
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


_guard_loggers()


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, the only part of a provider address errors may show."""
    parts = urlsplit(url)
    host = parts.hostname or url
    return f"{host}:{parts.port}" if parts.port else host


def is_retryable(exc: BaseException) -> bool:
    """Timeouts, resets, refused connections, 5xx and 429 — never auth, bad answers, or a
    connection limit (each try can displace the account's working session)."""
    if isinstance(exc, ProviderRefused):
        return exc.status == 429 and not isinstance(exc, TooManyConnections)
    return isinstance(exc, (ProviderTimeout, ProviderUnreachable, ProviderServerError))


def parse_json(host: str, body: bytes, account: Any = None) -> Any:
    """JSON from a panel body, tolerating a BOM, leading blanks and invalid UTF-8.

    Returns ``None`` for an empty body (panels' way of saying nothing); raises the error a web
    page or a plain-text message names (:mod:`xtplay.sources.refusals`), else
    :class:`MalformedResponse` for HTML, plain text and truncated JSON.
    """
    data = body.lstrip(_BOM).strip()
    if not data:
        return None
    if looks_like_html(data):
        raise error_in_words(host, 200, words_of(data), account) or MalformedResponse(host, N_("a web page"))
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        # Latin-1 bytes inside strings: keep the structure, replace what cannot be read.
        try:
            return orjson.loads(data.decode("utf-8", "replace"))
        except orjson.JSONDecodeError:
            pass
    if data[:1] in (b"{", b"["):
        raise MalformedResponse(host, N_("incomplete or invalid JSON"))
    text = plain_text(data)
    said = error_in_words(host, 200, text, account) if text else None
    if said is not None:
        raise said
    if text and any(word in text.lower() for word in REFUSAL_WORDS):
        raise ProviderRefused(host, 200, N_("The server %(host)s refused the request: %(text)s"), {"host": host, "text": text})
    raise MalformedResponse(host, N_("text that is not JSON"))


#: A JSON list longer than this is parsed a part of about this size at a time.
PART_BYTES = 4 << 20
#: Cuts tried for one part before the body is parsed whole (a cut inside a string or an
#: inner object does not parse; invalid bytes would fail at every cut).
_CUTS_TRIED = 8


async def parse_json_in_turns(host: str, body: bytes, account: Any = None, part_bytes: int = PART_BYTES) -> Any:
    """:func:`parse_json` of a big list, a few megabytes of items at a time, with a turn of
    the event loop between the parts.

    One ``orjson.loads`` of 50 MB holds the loop for most of a second: on a slow line the next
    list stops flowing while its socket's buffer is full, and a server's pages wait. The array
    is cut between two items (``},{``); a part that does not parse means the cut fell inside a
    string or an inner list, and the next cut is tried. Anything else (not a list, bytes that
    do not parse) goes to :func:`parse_json` whole, which says what is wrong.
    """
    data = body.lstrip(_BOM).strip()
    if len(data) <= part_bytes or data[:1] != b"[" or data[-1:] != b"]":
        return parse_json(host, body, account)
    items: list[Any] = []
    start, end = 1, len(data) - 1  # inside the brackets
    while start < end:
        cut = data.find(b"},{", start + part_bytes, end) if start + part_bytes < end else -1
        for _ in range(_CUTS_TRIED):
            stop = end if cut == -1 else cut + 1
            try:
                part = orjson.loads(b"[" + data[start:stop] + b"]")
                break
            except orjson.JSONDecodeError:
                if cut == -1:
                    return parse_json(host, body, account)
                cut = data.find(b"},{", cut + 3, end)
        else:
            return parse_json(host, body, account)
        items += part
        start = stop + 1  # past the comma
        await asyncio.sleep(0)
    return items


def translate_error(exc: httpx.HTTPError, host: str, timeouts: httpx.Timeout) -> ProviderError:
    """One httpx exception → the most specific ``xtplay.errors`` class (its message names no
    exception class: the stream proxy translates its own failures with it too)."""
    if isinstance(exc, httpx.ConnectTimeout):
        return ProviderTimeout(host, timeouts.connect)
    if isinstance(exc, httpx.TimeoutException):
        return ProviderTimeout(host, timeouts.read)
    if isinstance(exc, httpx.ConnectError):
        return ProviderUnreachable(host, _reason(exc) or "connection failed")
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)):
        return ProviderUnreachable(host, "the connection was closed before the answer was complete")
    if isinstance(exc, httpx.DecodingError):
        return MalformedResponse(host, N_("a corrupt compressed answer"))
    if isinstance(exc, httpx.HTTPStatusError):
        return error_for_status(host, exc.response.status_code) or MalformedResponse(host)
    return ProviderUnreachable(host, _reason(exc))


def _reason(exc: Exception) -> str:
    """The OS-level reason of a connection error, redacted (httpx may quote the URL)."""
    text = str(exc).strip()
    if "] " in text:  # "[Errno 111] Connection refused" → "Connection refused"
        text = text.split("] ", 1)[1]
    return redact(text)[:120]


class ProviderHttp:
    """A pooled, retrying HTTP client bound to one provider base URL."""

    def __init__(
        self,
        base_url: str,
        *,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        limits: Limits | None = None,
        user_agent: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.host = host_of(self.base_url)
        #: The account as its login described it (an ``Account``), for the counts of a limit message.
        self.account: Any = None
        self.timeouts = timeouts or Timeouts()
        self.retry = retry or RetryPolicy()
        lim = limits or Limits()
        self._timeout = httpx.Timeout(
            connect=self.timeouts.connect, read=self.timeouts.read, write=self.timeouts.write, pool=self.timeouts.pool
        )
        self._list_timeout = httpx.Timeout(
            connect=self.timeouts.connect,
            read=self.timeouts.list_read,
            write=self.timeouts.write,
            pool=self.timeouts.pool,
        )
        try:
            self._client = httpx.AsyncClient(
                base_url=self.base_url + "/",
                timeout=self._timeout,
                limits=httpx.Limits(max_connections=lim.max_connections, max_keepalive_connections=lim.max_keepalive),
                headers={"User-Agent": user_agent or DEFAULT_USER_AGENT, "Accept-Encoding": "gzip, deflate"},
                follow_redirects=True,
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
            raise ConfigError(N_("The server address %(address)s is not a valid http(s) URL."),
                              {"address": repr(redact(base_url))}) from exc

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._client.aclose()

    def _timeout_for(self, long: bool) -> httpx.Timeout:
        return self._list_timeout if long else self._timeout

    def _retrying(self, what: str, attempts: int | None = None) -> AsyncRetrying:
        policy = self.retry
        tries = max(1, attempts or policy.attempts)

        def before_sleep(state: Any) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log.info("%s %s failed (%s); retry %d of %d", self.host, what, exc, state.attempt_number, tries - 1)

        return AsyncRetrying(
            stop=stop_after_attempt(tries),
            wait=wait_exponential(multiplier=policy.initial, max=policy.maximum) + wait_random(0, policy.jitter),
            retry=retry_if_exception(is_retryable),
            before_sleep=before_sleep,
            reraise=True,
        )

    async def get(self, path: str, params: Mapping[str, Any], *, long: bool = False,
                  attempts: int | None = None, headers: Mapping[str, str] | None = None) -> httpx.Response:
        """GET with retries on transient failures (``attempts`` tries instead of the policy's);
        the response is fully read and 2xx, or a 304 when ``headers`` carried validators
        (``If-None-Match``/``If-Modified-Since``)."""
        timeout = self._timeout_for(long)
        async for attempt in self._retrying(path, attempts):
            with attempt:
                return await self._get_once(path, params, timeout, headers)
        raise AssertionError("unreachable")  # pragma: no cover - tenacity reraises

    async def _get_once(self, path: str, params: Mapping[str, Any], timeout: httpx.Timeout,
                        headers: Mapping[str, str] | None = None) -> httpx.Response:
        started = time.monotonic()
        request = self._client.build_request("GET", path, params=params or None, timeout=timeout, headers=headers)
        try:
            response = await self._client.send(request)
        except httpx.HTTPError as exc:
            log.info("GET %s failed: %s", redact(str(request.url)), type(exc).__name__)
            raise translate_error(exc, self.host, timeout) from exc
        log.debug(
            "GET %s -> %d (%d bytes, %.2fs)",
            redact(str(request.url)), response.status_code, len(response.content), time.monotonic() - started,
        )
        if response.status_code == 304 and headers:
            return response
        error = error_for_status(self.host, response.status_code, response.content, self.account)
        if error is not None:
            raise error
        return response

    async def get_json(self, path: str, params: Mapping[str, Any], *, long: bool = False,
                       attempts: int | None = None) -> Any:
        """Parsed JSON of a GET (``None`` for an empty body); a 200 page saying the provider's
        database failed is retried like a 5xx."""
        return (await self.get_json_unless(path, params, long=long, attempts=attempts))[1]

    async def get_json_unless(self, path: str, params: Mapping[str, Any], *, long: bool = False,
                              attempts: int | None = None, headers: Mapping[str, str] | None = None,
                              held: Callable[[httpx.Response], bool] | None = None) -> tuple[httpx.Response, Any]:
        """:meth:`get_json` that does not parse a body the caller already holds: a 304 to the
        validators in ``headers``, or a body ``held`` recognises. Returns the response and the
        data (``None`` when not parsed), retried as :meth:`get_json` is."""
        timeout = self._timeout_for(long)
        async for attempt in self._retrying(path, attempts):
            with attempt:
                response = await self._get_once(path, params, timeout, headers)
                if response.status_code == 304 or (held is not None and held(response)):
                    return response, None
                if long:
                    return response, await parse_json_in_turns(self.host, response.content, self.account)
                return response, parse_json(self.host, response.content, self.account)
        raise AssertionError("unreachable")  # pragma: no cover - tenacity reraises

    @asynccontextmanager
    async def stream(self, path: str, params: Mapping[str, Any]) -> AsyncIterator[AsyncIterator[bytes]]:
        """Stream a large body as decompressed chunks (HTTP gzip, or a ``.gz`` file served raw).

        Opening the stream is retried like any GET; once bytes flow, a failure is raised as a
        typed error and not retried (the consumer has already seen part of the body).
        """
        timeout = self._list_timeout
        response: httpx.Response | None = None
        async for attempt in self._retrying(path):
            with attempt:
                response = await self._open_stream(path, params, timeout)
        assert response is not None
        try:
            yield self._chunks(response, timeout)
        finally:
            await response.aclose()

    @asynccontextmanager
    async def stream_unless(self, path: str, params: Mapping[str, Any], headers: Mapping[str, str]
                            ) -> AsyncIterator[tuple[httpx.Response, AsyncIterator[bytes] | None]]:
        """:meth:`stream` asked with validators (``If-None-Match``/``If-Modified-Since``):
        yields the response (its ``ETag`` and ``Last-Modified``) and its chunks, or ``None``
        instead of chunks when the answer is a 304."""
        timeout = self._list_timeout
        response: httpx.Response | None = None
        async for attempt in self._retrying(path):
            with attempt:
                response = await self._open_stream(path, params, timeout, headers)
        assert response is not None
        try:
            yield response, (None if response.status_code == 304 else self._chunks(response, timeout))
        finally:
            await response.aclose()

    async def _open_stream(self, path: str, params: Mapping[str, Any], timeout: httpx.Timeout,
                           headers: Mapping[str, str] | None = None) -> httpx.Response:
        request = self._client.build_request("GET", path, params=params or None, timeout=timeout, headers=headers)
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            log.info("GET %s failed: %s", redact(str(request.url)), type(exc).__name__)
            raise translate_error(exc, self.host, timeout) from exc
        log.debug("GET %s -> %d (streaming)", redact(str(request.url)), response.status_code)
        if response.status_code == 304 and headers:
            return response
        if not 200 <= response.status_code < 300:
            try:
                body = await response.aread()
            except httpx.HTTPError:
                body = b""
            await response.aclose()
            raise error_for_status(self.host, response.status_code, body, self.account) or MalformedResponse(self.host)
        return response

    async def _chunks(self, response: httpx.Response, timeout: httpx.Timeout) -> AsyncIterator[bytes]:
        inflater: Any = None
        first = True
        try:
            async for chunk in response.aiter_bytes():
                if not chunk:
                    continue
                if first:
                    first = False
                    if chunk.startswith(_GZIP_MAGIC):
                        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
                    elif looks_like_html(chunk):
                        said = error_in_words(self.host, response.status_code, words_of(chunk), self.account)
                        raise said or MalformedResponse(self.host, N_("a web page"))
                if inflater is None:
                    yield chunk
                    continue
                while chunk:
                    out = inflater.decompress(chunk)
                    if out:
                        yield out
                    if inflater.eof:  # concatenated gzip members: start again on the rest
                        chunk = inflater.unused_data
                        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
                    else:
                        chunk = b""
        except httpx.HTTPError as exc:
            raise translate_error(exc, self.host, timeout) from exc
        except zlib.error as exc:
            raise MalformedResponse(self.host, N_("a corrupt compressed file")) from exc
        if inflater is not None:
            tail = inflater.flush()
            if tail:
                yield tail
