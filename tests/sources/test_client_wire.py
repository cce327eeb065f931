"""The client over real sockets against a scripted provider: every wire quirk and error shape."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.plugins.client import Reply
from xtplay.config import DEFAULT_USER_AGENT, RetryPolicy
from xtplay.errors import (
    AccountInactive,
    ConfigError,
    ItemNotFound,
    MalformedResponse,
    ProviderRefused,
    ProviderServerError,
    ProviderTimeout,
    ProviderUnreachable,
    TooManyConnections,
    WrongCredentials,
)
from xtplay.sources.xtream import XtreamClient, normalize_base_url

PASSWORD = "pa55-w0rd.x"


def login_body(status: str = "Active", exp: object = "4102444800", auth: object = 1, **user: object) -> str:
    info = {"username": "alice", "password": PASSWORD, "auth": auth, "status": status, "exp_date": exp,
            "is_trial": "0", "active_cons": "0", "created_at": "1526616000", "max_connections": "1",
            "allowed_output_formats": ["m3u8", "ts"], **user}
    return json.dumps({"user_info": info, "server_info": {"url": "x", "timezone": "UTC", "timestamp_now": 1}})


@pytest.fixture
async def client(scripted, fast_settings):
    async with XtreamClient(scripted.url, "alice", PASSWORD, settings=fast_settings) as c:
        yield c


# ---- login --------------------------------------------------------------------------------


async def test_login_sends_credentials_user_agent_and_gzip(scripted, client):
    scripted.on("login", login_body(auth="1"))
    account = await client.login()
    assert account.username == "alice" and account.allowed_output_formats == ("m3u8", "ts")
    seen = scripted.requests[0]
    assert seen.path == "/player_api.php"
    assert seen.query == {"username": "alice", "password": PASSWORD}
    assert seen.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert "gzip" in seen.headers["Accept-Encoding"]


async def test_custom_user_agent(scripted, fast_settings):
    scripted.on("login", login_body())
    async with XtreamClient(scripted.url, "alice", PASSWORD, fast_settings, user_agent="xciptv") as c:
        await c.login()
    assert scripted.requests[0].headers["User-Agent"] == "xciptv"


async def test_login_with_bom_and_gzip_body(scripted, client):
    body = gzip.compress(b"\xef\xbb\xbf  " + login_body().encode())
    scripted.on("login", Reply(body, headers={"Content-Encoding": "gzip"}))
    assert (await client.login()).status == "active"


@pytest.mark.parametrize("reply", [
    Reply('{"user_info":{"auth":0}}'),                        # XC 2.x
    Reply(b""),                                               # XC 2.x, empty parameter
    Reply('{"error":"Unauthorized"}', status=401),            # Dispatcharr
    Reply('{"error":"Unauthorized"}'),
    Reply(login_body(auth=False)),
])
async def test_wrong_credentials_variants(scripted, client, reply):
    scripted.on("login", reply)
    with pytest.raises(WrongCredentials) as info:
        await client.login()
    assert str(info.value) == "Wrong username or password."
    assert scripted.count("login") == 1  # auth errors are never retried


async def test_xui_404_page_is_a_refused_login(scripted, client):
    scripted.on("login", Reply("<html><body><h1>404 Not Found</h1><!-- pad --></body></html>", status=404,
                               headers={"Content-Type": "text/html"}))
    with pytest.raises(ProviderRefused) as info:
        await client.login()
    assert info.value.status == 404 and "username" in str(info.value)


@pytest.mark.parametrize("status,kind", [("Expired", "expired"), ("Banned", "banned"), ("Disabled", "disabled")])
async def test_inactive_account(scripted, client, status, kind):
    scripted.on("login", login_body(status=status, exp="1550619710"))
    with pytest.raises(AccountInactive) as info:
        await client.login()
    assert info.value.status == kind
    assert info.value.exp_date == datetime.fromtimestamp(1550619710, UTC)
    if kind == "expired":
        assert "2019-02-19" in str(info.value)


async def test_active_status_with_past_expiry_is_expired(scripted, client):
    scripted.on("login", login_body(status="Active", exp=1550619710))
    with pytest.raises(AccountInactive) as info:
        await client.login()
    assert info.value.status == "expired"


@pytest.mark.parametrize("reply,what", [
    (Reply("<!DOCTYPE html><html><title>Just a moment...</title></html>", headers={"Content-Type": "text/html"}),
     "a web page"),
    (Reply(login_body()[:40]), "incomplete or invalid JSON"),
    (Reply('{"hello": "world"}'), "an answer without account information"),
    (Reply("Bad gateway of sorts"), "text that is not JSON"),
])
async def test_malformed_login(scripted, client, reply, what):
    scripted.on("login", reply)
    with pytest.raises(MalformedResponse) as info:
        await client.login()
    assert info.value.what == what
    assert scripted.count("login") == 1


async def test_plain_text_refusal(scripted, client):
    scripted.on("login", Reply("Access denied", headers={"Content-Type": "text/plain"}))
    with pytest.raises(ProviderRefused) as info:
        await client.login()
    assert "Access denied" in str(info.value)


@pytest.mark.parametrize("status,error", [(884, ProviderRefused), (403, ProviderRefused), (458, TooManyConnections),
                                          (459, TooManyConnections)])
async def test_odd_statuses(scripted, client, status, error):
    scripted.on("login", Reply("", status=status))
    with pytest.raises(error) as info:
        await client.login()
    assert info.value.status == status
    assert scripted.count("login") == 1


# ---- transport failures and retries ---------------------------------------------------------


async def test_5xx_is_retried_then_succeeds(scripted, client):
    scripted.on("login", Reply("", status=503), Reply("", status=500), Reply(login_body()))
    assert (await client.login()).is_active
    assert scripted.count("login") == 3


async def test_5xx_gives_up_after_the_attempts(scripted, client, fast_settings):
    scripted.on("login", Reply("oops", status=502))
    with pytest.raises(ProviderServerError) as info:
        await client.login()
    assert info.value.status == 502
    assert scripted.count("login") == fast_settings.retry.attempts


async def test_429_is_retried(scripted, client):
    scripted.on("get_live_categories", Reply("", status=429), Reply("[]"))
    assert await client.live_categories() == []
    assert scripted.count("get_live_categories") == 2


async def test_hang_becomes_timeout_after_retries(scripted, client, fast_settings):
    scripted.on("login", Reply(hang=1.0))
    with pytest.raises(ProviderTimeout) as info:
        await client.login()
    assert info.value.seconds == fast_settings.timeouts.read
    assert scripted.count("login") == fast_settings.retry.attempts


async def test_list_calls_use_the_long_read_timeout(scripted, fast_settings):
    # 0.6 s is past the ordinary read limit (0.3 s) but within the list limit (3 s)
    scripted.on("get_live_streams", Reply('[{"stream_id": 1, "name": "A"}]', delay=0.6))
    scripted.on("get_live_categories", Reply("[]", delay=0.6))
    once = replace(fast_settings, retry=RetryPolicy(attempts=1))
    async with XtreamClient(scripted.url, "alice", PASSWORD, settings=once) as client:
        assert [s.name for s in await client.live_streams()] == ["A"]
        with pytest.raises(ProviderTimeout):
            await client.live_categories()


async def test_connection_reset(scripted, client, fast_settings):
    scripted.on("login", Reply(reset=True))
    with pytest.raises(ProviderUnreachable):
        await client.login()
    assert scripted.count("login") == fast_settings.retry.attempts


async def test_refused_connection(fast_settings):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    async with XtreamClient(f"http://127.0.0.1:{port}", "alice", PASSWORD, fast_settings) as c:
        with pytest.raises(ProviderUnreachable) as info:
            await c.login()
    assert f"127.0.0.1:{port}" in str(info.value)
    assert PASSWORD not in str(info.value)


# ---- list shapes --------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["[]", "{}", "null", "", "  \n"])
async def test_empty_list_shapes(scripted, client, body):
    scripted.on("get_vod_streams", body)
    assert await client.vod_streams() == []


async def test_list_keyed_by_id_and_bad_rows_skipped(scripted, client):
    scripted.on("get_series", json.dumps({"1": {"series_id": 1, "name": "A"}, "2": {"name": "no id"},
                                          "3": {"series_id": "3", "name": "C"}}))
    assert [s.series_id for s in await client.series_list()] == [1, 3]


async def test_category_filter_is_sent(scripted, client):
    scripted.on("get_live_streams", '[{"stream_id": 5, "name": "X", "category_id": "12"}]')
    streams = await client.live_streams(category_id="12")
    assert streams[0].category_id == "12"
    assert scripted.requests[-1].query["category_id"] == "12"
    assert "category_id" not in (await client.live_streams(), scripted.requests[-1].query)[1]


async def test_invalid_utf8_inside_json(scripted, client):
    body = b'[{"stream_id": 1, "name": "Caf\xe9 Cr\xe8me", "category_id": "1"}, {"stream_id": 2, "name": "Ok"}]'
    scripted.on("get_live_streams", body)
    streams = await client.live_streams()
    assert [s.stream_id for s in streams] == [1, 2]
    assert streams[0].name.startswith("Caf") and streams[1].name == "Ok"


async def test_list_answering_the_login_object_of_a_banned_line(scripted, client):
    scripted.on("get_live_categories", login_body(status="Banned"))
    with pytest.raises(AccountInactive) as info:
        await client.live_categories()
    assert info.value.status == "banned"


async def test_truncated_list_is_malformed_not_retried(scripted, client):
    scripted.on("get_vod_streams", '[{"stream_id": 1, "name": "A"}, {"stream_id": 2, "na')
    with pytest.raises(MalformedResponse):
        await client.vod_streams()
    assert scripted.count("get_vod_streams") == 1


# ---- details -----------------------------------------------------------------------------------


async def test_unknown_movie_and_series(scripted, client):
    scripted.on("get_vod_info", '{"info": []}')
    scripted.on("get_series_info", "[]")
    with pytest.raises(ItemNotFound):
        await client.vod_info(999)
    with pytest.raises(ItemNotFound):
        await client.series_info(999)
    assert scripted.requests[0].query["vod_id"] == "999"
    assert scripted.requests[1].query["series_id"] == "999"


async def test_movie_info_without_metadata(scripted, client):
    scripted.on("get_vod_info", '{"info": [], "movie_data": {"stream_id": 7, "name": "Bare", "container_extension": "mkv"}}')
    info = await client.vod_info(7)
    assert (info.stream_id, info.name, info.container_extension) == (7, "Bare", "mkv")


async def test_series_info_list_of_lists(scripted, client):
    scripted.on("get_series_info", json.dumps({"seasons": [], "info": {"name": "S"}, "episodes": [
        [{"id": "10", "episode_num": 1, "container_extension": "mp4", "info": []}],
        [{"id": "11", "episode_num": 1, "container_extension": "mkv", "info": {}}]]}))
    info = await client.series_info(3)
    assert {n: [e.id for e in eps] for n, eps in info.episodes.items()} == {0: [10], 1: [11]}
    assert [s.season_number for s in info.seasons] == [0, 1]


# ---- guide -------------------------------------------------------------------------------------


def listing(title: str, start: int, stop: int) -> dict:
    import base64

    return {"id": str(start), "epg_id": "1", "title": base64.b64encode(title.encode()).decode(),
            "description": "", "start": "2000-01-01 00:00:00", "end": "2000-01-01 00:00:00",
            "start_timestamp": str(start), "stop_timestamp": str(stop), "channel_id": "c"}


async def test_short_epg_shapes(scripted, client):
    scripted.on("get_short_epg", json.dumps({"epg_listings": {"5": [listing("B", 200, 300), listing("A", 100, 200)]}}),
                "[]", '{"epg_listings": []}')
    entries = await client.short_epg(5, limit=2)
    assert [e.title for e in entries] == ["A", "B"]
    assert entries[0].start == datetime.fromtimestamp(100, UTC)
    assert scripted.requests[0].query["limit"] == "2"
    assert await client.short_epg(5) == []
    assert await client.short_epg(5) == []


async def test_simple_data_table_falls_back_to_the_misspelt_action(scripted, client):
    scripted.on("get_simple_data_table", login_body())  # unknown action → the login answer
    scripted.on("get_simple_date_table", json.dumps({"epg_listings": [dict(listing("Old", 1, 2), has_archive=1)]}))
    entries = await client.simple_data_table(5)
    assert [(e.title, e.has_archive) for e in entries] == [("Old", True)]


async def read_xmltv(client) -> bytes:
    out = b""
    async with client.stream_xmltv() as chunks:
        async for chunk in chunks:
            out += chunk
    return out


XML = ('<?xml version="1.0" encoding="UTF-8"?><tv><channel id="c"><display-name>Café</display-name></channel>'
       + "".join(f'<programme start="2025010{i}000000 +0000" stop="2025010{i}010000 +0000" channel="c">'
                 f"<title>P{i}</title></programme>" for i in range(1, 10)) + "</tv>").encode()


@pytest.mark.parametrize("reply", [
    Reply(XML, headers={"Content-Type": "application/xml"}),
    Reply(gzip.compress(XML), headers={"Content-Type": "application/xml", "Content-Encoding": "gzip"}),
    Reply(gzip.compress(XML), headers={"Content-Type": "application/octet-stream"}),  # XC_VM gzip=1 file
    Reply(gzip.compress(XML[:100]) + gzip.compress(XML[100:]), headers={"Content-Type": "application/octet-stream"}),
])
async def test_xmltv_streams_decompressed_bytes(scripted, client, reply):
    scripted.on("xmltv.php", reply)
    assert await read_xmltv(client) == XML
    assert scripted.requests[0].query["password"] == PASSWORD


async def test_xmltv_failures(scripted, client):
    scripted.on("xmltv.php", Reply("", status=401), Reply("<html><body>login</body></html>"))
    with pytest.raises(WrongCredentials):
        await read_xmltv(client)
    with pytest.raises(MalformedResponse):
        await read_xmltv(client)


# ---- playlists and URLs -------------------------------------------------------------------------


async def test_m3u_with_crlf_and_latin1(scripted, client):
    body = (b'#EXTM3U\r\n#EXTINF:-1 tvg-id="a" tvg-name="Caf\xe9" group-title="FR",Caf\xe9, cr\xe8me\r\n'
            b"http://x/live/alice/" + PASSWORD.encode() + b"/1.ts\r\n")
    scripted.on("get.php", Reply(body, headers={"Content-Type": "audio/x-mpegurl"}))
    text = await client.m3u(output="m3u8")
    assert scripted.requests[0].query["type"] == "m3u_plus" and scripted.requests[0].query["output"] == "m3u8"
    from xtplay.sources.m3u import parse_m3u

    (entry,) = parse_m3u(text)
    assert entry.name == "Café, crème" and entry.group == "FR" and entry.url.endswith("/1.ts")


@pytest.mark.parametrize("pasted,base", [
    ("http://h:8080/player_api.php?username=a&password=b", "http://h:8080"),
    ("h.example.com:25461/", "http://h.example.com:25461"),
    ("https://u:p@h/Pluto/gb/get.php?x=1", "https://h/Pluto/gb"),
    ("HTTP://H/", "http://h"),
])
def test_base_url_normalisation(pasted, base):
    assert normalize_base_url(pasted) == base


@pytest.mark.parametrize("bad", ["", "ftp://h", "http://"])
def test_bad_base_url(bad):
    with pytest.raises(ConfigError):
        normalize_base_url(bad)


async def test_raw_stream_of_any_url_keeps_its_query(scripted, fast_settings):
    """``ProviderHttp.stream`` also serves extra XMLTV URLs whose path carries its own query."""
    from xtplay.sources.http import ProviderHttp

    scripted.on("xmltv.php", Reply(gzip.compress(XML), headers={"Content-Type": "application/octet-stream"}))
    http = ProviderHttp(scripted.url, timeouts=fast_settings.timeouts, retry=fast_settings.retry)
    try:
        async with http.stream("xmltv.php?gzip=1&user=x", {}) as chunks:
            data = b"".join([chunk async for chunk in chunks])
    finally:
        await http.aclose()
    assert data == XML
    assert scripted.requests[0].query == {"gzip": "1", "user": "x"}


async def test_xmltv_cut_mid_body_is_a_typed_error(scripted, client):
    scripted.on("xmltv.php", Reply(XML[:200], headers={"Content-Type": "application/xml"}, missing=5000))
    received = b""
    with pytest.raises(ProviderUnreachable):
        async with client.stream_xmltv() as chunks:
            async for chunk in chunks:
                received += chunk
    assert received == XML[:200]  # what arrived was handed over before the failure
    assert scripted.count("xmltv.php") == 1  # a stream already consumed is not retried
