"""The Xtream client against the real demo provider over real sockets, with injected faults."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from xtplay.config import RetryPolicy, Settings, Timeouts
from xtplay.errors import (
    AccountInactive,
    ItemNotFound,
    MalformedResponse,
    ProviderRefused,
    ProviderServerError,
    ProviderTimeout,
    ProviderUnreachable,
    TooManyConnections,
    WrongCredentials,
)
from xtplay.sources.http import error_for_status
from xtplay.sources.m3u import parse_m3u
from xtplay.sources.xtream import XtreamClient

ATTEMPTS = 3


@pytest.fixture
def quick(tmp_path) -> Settings:
    """Small timeouts and backoff: fault tests stay fast."""
    return Settings(home=tmp_path, timeouts=Timeouts(connect=2.0, read=0.4, list_read=10.0),
                    retry=RetryPolicy(attempts=ATTEMPTS, initial=0.01, maximum=0.05, jitter=0.01))


@pytest.fixture
async def client(demo, quick):
    async with XtreamClient(demo.url, demo.username, demo.password, settings=quick) as c:
        yield c


def requests_for(demo, action: str) -> int:
    return demo.stats()["requests"].get(action, 0)


# ---- every call of the reference ----------------------------------------------------------------


async def test_login_reads_the_account(client, demo):
    account = await client.login()
    assert account.username == demo.username and account.is_active
    assert account.exp_date is not None and account.exp_date > datetime.now(UTC)
    assert set(account.allowed_output_formats) == {"m3u8", "ts"}
    assert account.max_connections and account.max_connections >= 1
    assert account.server_timezone and account.server_time is not None
    assert client.account == account


async def test_categories_of_each_kind(client):
    for categories in (await client.live_categories(), await client.vod_categories(), await client.series_categories()):
        assert categories, "each kind has categories"
        assert all(isinstance(c.category_id, str) and c.name for c in categories)
        assert len({c.category_id for c in categories}) == len(categories)


async def test_live_streams_whole_lineup_and_by_category(client):
    streams = await client.live_streams()
    assert len(streams) == 60
    by_id = {s.stream_id: s for s in streams}
    assert by_id[1].name == "Demo One HD" and by_id[1].epg_channel_id == "demo.one"
    assert by_id[1].tv_archive and by_id[1].tv_archive_duration == 3
    assert by_id[2].name == "Demo Two"
    assert by_id[3].name == "<img src=x onerror=alert(1)>"
    category = by_id[1].category_id
    subset = await client.live_streams(category_id=category)
    assert 0 < len(subset) < len(streams)
    assert all(s.category_id == category or category in s.category_ids for s in subset)
    assert 1 in {s.stream_id for s in subset}


async def test_movies_and_their_details(client):
    movies = await client.vod_streams()
    assert len(movies) == 120
    assert any("Café Crème" in m.name for m in movies)
    first, second, third = [await client.vod_info(i) for i in (1, 2, 3)]
    assert (first.container_extension, first.video_codec, first.audio_codec) == ("mp4", "h264", "aac")
    assert (second.container_extension, second.audio_codec) == ("mkv", "ac3")
    assert third.video_codec == "hevc"
    assert first.duration_secs and first.duration_secs > 0 and first.poster
    with pytest.raises(ItemNotFound):
        await client.vod_info(999_999)


async def test_series_and_their_episodes(client):
    series = await client.series_list()
    assert len(series) == 30
    info = await client.series_info(1)
    assert info.info.series_id == 1 and info.info.name == next(s.name for s in series if s.series_id == 1)
    assert [(s.season_number, s.episode_count) for s in info.seasons] == [(1, 3), (2, 3)]
    ids = [e.id for season in info.episodes.values() for e in season]
    assert sorted(ids) == [1, 2, 3, 4, 5, 6]
    episodes = {e.id: e for season in info.episodes.values() for e in season}
    assert episodes[1].container_extension == "mp4" and episodes[2].container_extension == "mkv"
    with pytest.raises(ItemNotFound):
        await client.series_info(999_999)


async def test_short_epg_is_decoded_and_covers_now(client):
    await client.login()
    entries = await client.short_epg(1, limit=3)
    assert 1 <= len(entries) <= 3
    now = datetime.now(UTC)
    assert entries[0].start <= now < entries[0].end
    for entry in entries:
        assert entry.title and entry.title.isprintable()
        assert entry.start.tzinfo is not None and entry.start < entry.end
        assert entry.channel_id == "demo.one"
    assert [e.start for e in entries] == sorted(e.start for e in entries)


async def test_simple_data_table_has_past_and_future(client):
    await client.login()
    entries = await client.simple_data_table(1)
    now = datetime.now(UTC)
    assert any(e.end < now for e in entries) and any(e.start > now for e in entries)
    assert any(e.has_archive for e in entries)  # channel 1 keeps 3 days of catch-up


async def test_xmltv_streams_the_whole_guide(client):
    data = b""
    chunks = 0
    async with client.stream_xmltv() as stream:
        async for chunk in stream:
            data += chunk
            chunks += 1
    assert data.startswith(b"<?xml")
    assert not data.startswith(b"\x1f\x8b")  # decompressed for the caller
    assert b'<channel id="demo.one">' in data and data.count(b"<programme ") > 100
    assert data.rstrip().endswith(b"</tv>")


async def test_m3u_playlist(client, demo):
    entries = parse_m3u(await client.m3u(output="m3u8"))
    kinds = [e.url.split("/")[3] for e in entries]  # live channels, then movies, then episodes
    catalog = demo.catalog
    episodes = sum(len(catalog.episodes_of(i)) for i in range(1, catalog.series_count + 1))
    assert kinds == ["live"] * 60 + ["movie"] * catalog.vod_count + ["series"] * episodes
    first = entries[0]
    assert (first.name, first.tvg_id) == ("Demo One HD", "demo.one")
    assert first.attrs.get("timeshift") == "3"
    assert first.url.endswith("/1.m3u8") and first.group
    movie, episode = entries[60], entries[60 + catalog.vod_count]
    assert (movie.name, movie.tvg_id, movie.group) == ("Big Demo Movie (2021)", None, "EN - ACTION")
    assert movie.url.endswith("/movie/demo/demo-pass/1.mp4")
    assert (episode.name, episode.group) == ("The Demo Show S01E01", "EN - SERIES")


# ---- stream URLs work against the provider --------------------------------------------------------


async def test_stream_urls_are_accepted_by_the_provider(client):
    await client.login()
    past = next(e for e in await client.simple_data_table(1) if e.has_archive)
    minutes = int((past.end - past.start).total_seconds() // 60)
    async with httpx.AsyncClient(timeout=10) as http:
        for url in (client.urls.live(1, "ts"), client.urls.timeshift(1, past.start, minutes)):
            async with http.stream("GET", url) as response:
                assert response.status_code == 200, url
                first = await anext(response.aiter_bytes())
                assert first[:1] == b"\x47"  # MPEG-TS sync byte
        playlist = await http.get(client.urls.live(1, "m3u8"))
        assert playlist.status_code == 200 and playlist.text.startswith("#EXTM3U")
        for url in (client.urls.movie(1, "mp4"), client.urls.episode(2, "mkv")):
            part = await http.get(url, headers={"Range": "bytes=0-99"})
            assert part.status_code == 206 and len(part.content) == 100, url


async def test_live_url_honours_allowed_formats(client):
    assert client.urls.live(5).endswith("/5.m3u8")  # before login: the preferred format
    await client.login()
    assert client.urls.preferred_live_format == "m3u8"
    assert client.urls.live(5, "ts").endswith("/live/demo/demo-pass/5.ts")
    with pytest.raises(ProviderRefused) as info:
        client.urls.live(5, "rtmp")
    assert info.value.status == 405 and "demo-pass" not in str(info.value)


async def test_timeshift_start_is_in_the_server_zone(client):
    await client.login()
    start = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # London is UTC+1 in July
    assert "/timeshift/demo/demo-pass/90/2026-07-01:13-00/1.ts" in client.urls.timeshift(1, start, 90)


# ---- faults become typed errors -------------------------------------------------------------------


async def test_wrong_password(demo, quick):
    async with XtreamClient(demo.url, demo.username, "not-the-password", settings=quick) as c:
        with pytest.raises(WrongCredentials):
            await c.login()
    assert requests_for(demo, "login") == 1


@pytest.mark.parametrize("kind", ["expired", "banned", "disabled"])
async def test_inactive_account(client, demo, kind):
    demo.set_fault(kind)
    with pytest.raises(AccountInactive) as info:
        await client.login()
    assert info.value.status == kind
    if kind == "expired":
        assert info.value.exp_date is not None and info.value.exp_date < datetime.now(UTC)
        assert f"{info.value.exp_date:%Y-%m-%d}" in str(info.value)
    with pytest.raises(AccountInactive):  # lists answer the login object too
        await client.vod_streams()


async def test_html_page_instead_of_json(client, demo):
    demo.set_fault("html")
    with pytest.raises(MalformedResponse):
        await client.login()
    with pytest.raises(MalformedResponse):
        await client.live_streams()


async def test_truncated_json(client, demo):
    demo.set_fault("malformed")
    with pytest.raises(MalformedResponse):
        await client.login()
    with pytest.raises(MalformedResponse):
        await client.vod_streams()
    assert requests_for(demo, "get_vod_streams") == 1  # a bad answer is not retried


async def test_server_error_is_retried_until_it_passes(client, demo):
    demo.set_fault("http500", count=2)
    assert (await client.live_categories())
    assert requests_for(demo, "get_live_categories") == 3


async def test_server_error_gives_up_after_the_attempts(client, demo):
    demo.set_fault("http500")
    with pytest.raises(ProviderServerError) as info:
        await client.login()
    assert info.value.status == 500
    assert requests_for(demo, "login") == ATTEMPTS


async def test_forbidden(client, demo):
    demo.set_fault("http403")
    with pytest.raises(ProviderRefused) as info:
        await client.login()
    assert info.value.status == 403
    assert requests_for(demo, "login") == 1


async def test_hang_times_out_after_retries(client, demo):
    demo.set_fault("timeout")
    with pytest.raises(ProviderTimeout):
        await client.login()
    assert requests_for(demo, "login") == ATTEMPTS


async def test_reset_is_retried(client, demo):
    demo.set_fault("reset", count=2)
    assert (await client.login()).is_active
    assert requests_for(demo, "login") == 3
    demo.set_fault("reset")
    with pytest.raises(ProviderUnreachable):
        await client.series_categories()
    assert requests_for(demo, "get_series_categories") == ATTEMPTS


async def test_slow_lists_within_the_list_timeout(client, demo):
    demo.set_fault("slow", paths=["get_live_streams"])  # 1.5 s: past read (0.4 s), within list_read
    assert len(await client.live_streams()) == 60


async def test_too_many_connections_on_streams(client, demo):
    await client.login()
    demo.set_fault("too_many_connections")
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(client.urls.movie(1, "mp4"), headers={"Range": "bytes=0-9"})
    error = error_for_status(client.host, response.status_code, response.content)
    assert isinstance(error, TooManyConnections)
    assert "connections" in str(error)
    assert (await client.live_categories())  # the API itself is not limited
