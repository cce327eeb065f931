"""Refusals as panels send them, each read into one typed error with a message fit for a person:
on stream answers (``error_for_answer``, which playback calls with what it read) and over the
wire on the API, where retries must not repeat a refusal."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.plugins.client import Reply
from xtplay.errors import (
    AccountInactive,
    ItemNotFound,
    MalformedResponse,
    ProviderRefused,
    ProviderServerError,
    StreamOffAir,
    TooManyConnections,
    WrongCredentials,
)
from xtplay.sources.models import Account
from xtplay.sources.refusals import error_for_answer, error_for_status
from xtplay.sources.xtream import XtreamClient

HOST = "panel.example:8080"
PASSWORD = "s3cret-line"


def nginx(status: int, reason: str) -> bytes:
    """nginx's own error page, padded with comments as XUI pads its 404."""
    return (f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}"
            "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            + "<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n" * 6).encode()


def debug_page(text: str) -> bytes:
    """XC_VM's debug-mode error page, which names the reason."""
    return (f"<!DOCTYPE html><html><head><title>Error</title><style>body {{ font: 14px sans-serif }}</style>"
            f"</head><body><div class=\"box\"><h1>Access denied</h1><p>{text}</p></div></body></html>").encode()


LOGIN = {"user_info": {"username": "alice", "password": PASSWORD, "auth": 1, "status": "Active",
                       "exp_date": "4102444800", "is_trial": "0", "active_cons": "1", "created_at": "1526616000",
                       "max_connections": "2", "allowed_output_formats": ["m3u8", "ts"]},
         "server_info": {"url": "panel.example", "port": "8080", "timezone": "UTC", "timestamp_now": 1717000000}}
ACCOUNT = Account.from_raw(LOGIN)
TS = bytes([0x47, 0x40, 0x00, 0x10]) + bytes(184)


# ---- stream answers -----------------------------------------------------------------------------


@pytest.mark.parametrize("status,body,error,words", [
    (401, nginx(401, "Authorization Required"), WrongCredentials, "Wrong username or password"),
    (401, b"", WrongCredentials, "Wrong username or password"),
    (404, nginx(404, "Not Found"), ItemNotFound, "no such stream"),
    (410, b"", ItemNotFound, "no such stream"),
    (406, b"", ProviderRefused, "not in your account's package"),
    (500, nginx(500, "Internal Server Error"), ProviderServerError, "The provider is down"),
    (502, nginx(502, "Bad Gateway"), ProviderServerError, "HTTP 502"),
    (503, b"", ProviderServerError, "The provider is down"),
    # MySQL's own "Too many connections" is the provider's database, not the account's limit
    (500, b"SQLSTATE[HY000] [1040] Too many connections", ProviderServerError, "The provider is down"),
    (200, b"<br /><b>Fatal error</b>: SQLSTATE[HY000] [1040] Too many connections", ProviderServerError,
     "database is failing"),
])
def test_statuses_with_html_bodies(status, body, error, words):
    found = error_for_answer(HOST, status, body, {"content-type": "text/html"})
    assert type(found) is error and words in str(found)


def test_a_bare_403_is_a_refusal_naming_its_likely_causes():
    found = error_for_answer(HOST, 403, nginx(403, "Forbidden"), {"Content-Type": "text/html"})
    assert type(found) is ProviderRefused and found.status == 403 and found.retryable
    assert "connections" in str(found) and "expired" in str(found)


@pytest.mark.parametrize("status,body", [
    (458, b""),                                                  # XC 2.x
    (459, b""),                                                  # a portal's custom status
    (403, b"Max connections reached"),
    (403, debug_page("Line already connected on a different IP.")),  # XC_VM USER_ALREADY_CONNECTED
    (429, b"Maximum connections reached for this line"),
    (429, b'{"error": "MAX_CONNECTIONS"}'),
    (200, b"<html><body><h1>Max connections reached</h1></body></html>"),
    (200, b"Too many connections"),
    (200, b"Connection limit reached: 2/2"),
])
def test_connection_limit_answers(status, body):
    found = error_for_answer(HOST, status, body, account=ACCOUNT)
    assert isinstance(found, TooManyConnections) and found.status == status
    assert str(found) == ("Too many connections: 2 of 2 in use. Stop another player on this account and try again.")
    assert found.retryable  # once the other player stops, the same stream plays


def test_connection_counts_from_the_stored_account_or_unknown():
    stored = ACCOUNT.to_dict()  # a profile's account, as playback has it
    assert "1 of 1 in use" in str(error_for_answer(HOST, 458, b"", account={**stored, "max_connections": 1}))
    assert "3 of 2 in use" in str(error_for_answer(HOST, 458, b"", account={**stored, "active_connections": 3}))
    unknown = error_for_answer(HOST, 458, b"")
    assert "all of your account's connections are in use" in str(unknown)


@pytest.mark.parametrize("body,error,kind", [
    (json.dumps({"user_info": {"auth": 0}}).encode(), WrongCredentials, None),
    (json.dumps({"user_info": {**LOGIN["user_info"], "status": "Expired", "exp_date": "1550619710"}}).encode(),
     AccountInactive, "expired"),
    (json.dumps({"user_info": {**LOGIN["user_info"], "status": "Banned"}}).encode(), AccountInactive, "banned"),
    (debug_page("Line has expired."), AccountInactive, "expired"),
    (debug_page("Line has been banned."), AccountInactive, "banned"),
    (debug_page("Line has been disabled."), AccountInactive, "disabled"),
    (debug_page("Username or password is invalid."), WrongCredentials, None),
    (b"", StreamOffAir, None),
    (b"  \r\n", StreamOffAir, None),
    (debug_page("Stream is currently offline."), StreamOffAir, None),
])
def test_success_answers_that_are_refusals(body, error, kind):
    found = error_for_answer(HOST, 200, body, {"content-type": "video/mp2t"}, account=ACCOUNT)
    assert type(found) is error
    if kind:
        assert found.status == kind and kind in str(found)


def test_the_expiry_date_comes_from_the_answer_or_the_account():
    page = error_for_answer(HOST, 200, debug_page("Line has expired."), account={"exp_date": "2024-05-01T00:00:00+00:00"})
    assert page.exp_date == datetime(2024, 5, 1, tzinfo=UTC) and "2024-05-01" in str(page)
    login = json.dumps({"user_info": {"auth": 1, "status": "Expired", "exp_date": "1550619710"}}).encode()
    assert "2019-02-19" in str(error_for_answer(HOST, 200, login))


def test_off_air_and_other_pages_say_so():
    assert "off-air" in str(error_for_answer(HOST, 200, b""))
    page = error_for_answer(HOST, 200, b"<html><body>Please wait</body></html>")
    assert type(page) is ProviderRefused and "a web page instead of the stream" in str(page)
    text = error_for_answer(HOST, 200, b"Access denied")
    assert type(text) is ProviderRefused and "Access denied" in str(text)


@pytest.mark.parametrize("head,content_type", [
    (TS, "text/vnd.trolltech.linguist"),                    # a .m3u8 answered with TS, labelled nonsense
    (b"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n", "video/mp2t"),
    (b"\xef\xbb\xbf#EXTM3U\r\n#EXT-X-STREAM-INF:BANDWIDTH=1\r\n", "text/html"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "application/octet-stream"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01", "text/plain"),
    (b"FLV\x01\x05\x00\x00\x00\x09", "video/x-flv"),
    (b"\xff\xf1\x50\x80\x02\x1f\xfc", "audio/aac"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x23", "audio/mpeg"),
])
def test_media_bytes_are_left_to_the_caller(head, content_type):
    assert error_for_answer(HOST, 200, head, {"content-type": content_type}) is None
    assert error_for_answer(HOST, 206, head) is None


def test_a_redirect_is_not_an_answer_yet():
    assert error_for_answer(HOST, 302, b"") is None


def test_api_statuses_use_the_same_words():
    assert isinstance(error_for_status(HOST, 403, b"Max connections reached"), TooManyConnections)
    assert isinstance(error_for_status(HOST, 403, debug_page("Line has expired.")), AccountInactive)
    slow = error_for_status(HOST, 429, b"")
    assert type(slow) is ProviderRefused and slow.retryable
    assert error_for_status(HOST, 204, b"") is None


# ---- over the wire: the API -------------------------------------------------------------------


@pytest.fixture
async def client(scripted, fast_settings):
    async with XtreamClient(scripted.url, "alice", PASSWORD, settings=fast_settings) as c:
        yield c


@pytest.mark.parametrize("reply", [
    Reply("Maximum connections reached", status=429, headers={"Content-Type": "text/plain"}),
    Reply("<html><body><h1>Max connections reached</h1></body></html>", headers={"Content-Type": "text/html"}),
    Reply(debug_page("Line already connected on a different IP."), status=403, headers={"Content-Type": "text/html"}),
    Reply("", status=458),
])
async def test_a_connection_limit_is_never_retried(scripted, client, reply):
    scripted.on("login", reply)
    with pytest.raises(TooManyConnections):
        await client.login()
    assert scripted.count("login") == 1


async def test_a_limit_after_login_counts_the_accounts_connections(scripted, client):
    scripted.on("login", json.dumps(LOGIN))
    scripted.on("get_live_streams", Reply("", status=458))
    await client.login()
    with pytest.raises(TooManyConnections) as info:
        await client.live_streams()
    assert "2 of 2 in use" in str(info.value)


HTML = {"Content-Type": "text/html"}


@pytest.mark.parametrize("reply,error,kind", [
    (Reply(debug_page("Line has expired."), status=403, headers=HTML), AccountInactive, "expired"),
    (Reply(debug_page("Line has been banned."), status=404, headers=HTML), AccountInactive, "banned"),
    (Reply(debug_page("Username or password is invalid."), headers=HTML), WrongCredentials, None),
    (Reply('{"error": "Line has been disabled."}'), AccountInactive, "disabled"),
    (Reply("banned", headers={"Content-Type": "text/plain"}), AccountInactive, "banned"),
])
async def test_login_refusals_that_name_their_reason(scripted, client, reply, error, kind):
    scripted.on("login", reply)
    with pytest.raises(error) as info:
        await client.login()
    if kind:
        assert info.value.status == kind
    assert scripted.count("login") == 1


async def test_an_nginx_404_at_login_names_every_likely_cause(scripted, client):
    scripted.on("login", Reply(nginx(404, "Not Found"), status=404, headers={"Content-Type": "text/html"}))
    with pytest.raises(ProviderRefused) as info:
        await client.login()
    assert "username and password" in str(info.value) and "active" in str(info.value)


async def test_a_5xx_page_is_the_provider_being_down(scripted, client, fast_settings):
    scripted.on("login", Reply(nginx(503, "Service Temporarily Unavailable"), status=503,
                               headers={"Content-Type": "text/html"}))
    with pytest.raises(ProviderServerError) as info:
        await client.login()
    assert str(info.value).startswith("The provider is down") and "HTTP 503" in str(info.value)
    assert scripted.count("login") == fast_settings.retry.attempts


async def test_a_database_failure_page_at_200_is_the_provider_being_down(scripted, client):
    scripted.on("login", Reply("<html><body><b>Warning</b>: mysqli_connect(): (HY000/1040): Too many connections"
                               "</body></html>", headers={"Content-Type": "text/html"}), Reply(json.dumps(LOGIN)))
    assert (await client.login()).is_active  # a database hiccup is worth the retry
    assert scripted.count("login") == 2


async def test_an_empty_200_login_is_a_wrong_login(scripted, client):
    scripted.on("login", Reply(b""))
    with pytest.raises(WrongCredentials):
        await client.login()


async def test_a_web_page_where_a_list_was_expected_stays_malformed(scripted, client):
    scripted.on("get_vod_streams", Reply("<!DOCTYPE html><html><title>Just a moment...</title></html>",
                                         headers={"Content-Type": "text/html"}))
    with pytest.raises(MalformedResponse):
        await client.vod_streams()


# ---- the short EPG ------------------------------------------------------------------------------


@pytest.mark.parametrize("reply", [Reply("", status=500), Reply(nginx(502, "Bad Gateway"), status=502)])
async def test_a_5xx_short_epg_is_an_empty_guide_asked_once(scripted, client, reply):
    scripted.on("get_short_epg", reply)
    assert await client.short_epg(5) == []
    assert scripted.count("get_short_epg") == 1


async def test_a_refused_short_epg_is_still_an_error(scripted, client):
    scripted.on("get_short_epg", Reply("", status=401))
    with pytest.raises(WrongCredentials):
        await client.short_epg(5)
