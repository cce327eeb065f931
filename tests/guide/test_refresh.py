"""Refreshing the guide from the demo provider over real sockets: xmltv.php, added XMLTV URLs
(plain and gzip), a broken guide keeping the previous one, the short EPG and the data table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.plugins.guide import hourly, make_xmltv
from tests.plugins.waiting import wait_until_async
from xtplay import guide
from xtplay.guide import catchup


def now_title(conn, profile, pid: str, at: datetime) -> str | None:
    now = guide.now_next(conn, profile.id, [pid], at=at)[pid].now
    return now.title if now else None


async def test_refresh_from_the_provider_fills_now_next(synced_profile):
    settings, conn, vault, profile = synced_profile
    result = await guide.refresh_guide(settings, conn, vault, profile)
    assert result.status == "ok" and result.errors == {}
    assert result.programmes > 60  # 48 hours of 30–60 minute programmes on every guide channel
    at = datetime.now(UTC)
    one = guide.now_next(conn, profile.id, ["1"], at=at)["1"]
    assert one.now is not None and one.now.start <= at < one.now.stop and one.next.start == one.now.stop
    live_total = conn.execute("SELECT count(*) FROM items WHERE profile_id=? AND type='live'", (profile.id,)).fetchone()[0]
    without_epg = conn.execute("SELECT name FROM items WHERE profile_id=? AND type='live' AND "
                               "coalesce(epg_channel_id, '') = ''", (profile.id,)).fetchall()
    assert result.channels_matched + len(result.unmatched) == live_total
    assert set(result.unmatched) <= {r[0] for r in without_epg} and result.unmatched
    runs = guide.last_runs(conn, profile.id)
    assert runs[0]["source"] == "xtream" and runs[0]["status"] == "ok" and runs[0]["programmes"] == result.programmes


async def test_a_broken_provider_guide_keeps_the_previous_one(synced_profile, demo):
    settings, conn, vault, profile = synced_profile
    first = await guide.refresh_guide(settings, conn, vault, profile)
    at = datetime.now(UTC)
    before = now_title(conn, profile, "1", at)
    demo.set_fault("malformed", paths=["/xmltv.php"])
    second = await guide.refresh_guide(settings, conn, vault, profile)
    assert second.status == "failed" and "provider" in second.errors
    assert now_title(conn, profile, "1", at) == before is not None
    count = guide.programme_count(conn, profile.id)
    assert count == first.programmes


async def test_added_urls_plain_and_gzip_and_matching_by_name(synced_profile, guide_server):
    settings, conn, vault, profile = synced_profile
    nameless = conn.execute("SELECT provider_id, name FROM items WHERE profile_id=? AND type='live' AND "
                            "coalesce(epg_channel_id, '') = '' ORDER BY position LIMIT 2", (profile.id,)).fetchall()
    assert len(nameless) == 2
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    plain = guide_server.put("/plain.xml", make_xmltv([("x.a", [nameless[0][1]])], hourly("x.a", start, 6, "Plain")))
    packed = guide_server.put(
        "/xmltv.php?username=u&password=p%26q&gzip=1",
        make_xmltv([("x.b", ["Nothing", nameless[1][1].upper()])], hourly("x.b", start, 6, "Packed")),
        gz=True,
    )
    result = await guide.refresh_guide(
        settings, conn, vault, profile, extra_urls=(plain, packed), include_provider=False
    )
    assert result.errors == {} and result.programmes == 12
    at = datetime.now(UTC)
    assert now_title(conn, profile, nameless[0][0], at) == "Plain 1"
    assert now_title(conn, profile, nameless[1][0], at) == "Packed 1"
    # the query (with its encoded "&") reached the server intact; listings never show a password
    assert [s["url"] for s in guide.sources(conn, profile.id)] == [plain, packed.replace("p%26q", "***")]
    # at rest the URL is encrypted like a password: the database file holds no form of it
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = settings.db_path.read_bytes()
    assert b"p%26q" not in stored and b"password=p" not in stored
    assert nameless[0][1] not in result.unmatched and nameless[1][1] not in result.unmatched


async def test_an_added_guide_that_is_a_web_page_is_called_so(synced_profile, guide_server):
    settings, conn, vault, profile = synced_profile
    url = guide_server.put("/guide.xml", b"<!DOCTYPE html><html><head><title>Login</title></head></html>")
    result = await guide.refresh_guide(settings, conn, vault, profile, extra_urls=(url,), include_provider=False)
    assert "sent a web page instead of an XMLTV guide" in result.errors[url]


async def test_a_truncated_added_guide_is_reported_and_the_old_one_kept(synced_profile, guide_server):
    settings, conn, vault, profile = synced_profile
    pid, name = conn.execute(
        "SELECT provider_id, name FROM items WHERE profile_id=? AND type='live' AND "
        "coalesce(epg_channel_id, '') = '' ORDER BY position LIMIT 1",
        (profile.id,),
    ).fetchone()
    start = datetime.now(UTC) - timedelta(minutes=30)
    good = make_xmltv([("x.a", [name])], hourly("x.a", start, 4, "Good"))
    url = guide_server.put("/g.xml.gz", good, gz=True)
    await guide.refresh_guide(settings, conn, vault, profile, extra_urls=(url,), include_provider=False)
    whole = guide_server.files["/g.xml.gz"]
    guide_server.files["/g.xml.gz"] = whole[: len(whole) // 2]
    result = await guide.refresh_guide(settings, conn, vault, profile, include_provider=False)
    assert list(result.errors) == [url] and result.status == "failed"
    assert now_title(conn, profile, pid, datetime.now(UTC)) == "Good 0"
    assert guide.sources(conn, profile.id)[0]["last_status"] == "failed"
    assert guide.remove_source(conn, profile.id, guide.sources(conn, profile.id)[0]["id"])
    assert now_title(conn, profile, pid, datetime.now(UTC)) is None


async def test_short_epg_fills_channels_without_xmltv_and_agrees_with_it(synced_profile, demo):
    settings, conn, vault, profile = synced_profile
    at = datetime.now(UTC)
    assert guide.now_next(conn, profile.id, ["1", "2"], at=at)["1"] == guide.NowNext(None, None)
    asked = await guide.refresh_now_next(settings, conn, vault, profile, ["1", "2"], at=at)
    assert asked == 2 and demo.stats()["requests"].get("get_short_epg") == 2
    short = guide.now_next(conn, profile.id, ["1"], at=at)["1"]
    assert short.now is not None and short.next is not None
    assert (
        await guide.refresh_now_next(settings, conn, vault, profile, ["1", "2"], at=at) == 0
    )  # fresh: not asked again
    await guide.refresh_guide(settings, conn, vault, profile)
    full = guide.now_next(conn, profile.id, ["1"], at=at)["1"]
    assert (full.now.title, full.now.start, full.now.stop) == (short.now.title, short.now.start, short.now.stop)


async def test_data_table_loads_a_channel_day_with_its_archive(synced_profile):
    settings, conn, vault, profile = synced_profile
    stored = await guide.load_channel_day(settings, conn, vault, profile, "1")
    assert stored > 20
    now = datetime.now(UTC)
    past = guide.programmes_between(conn, profile.id, "1", now - timedelta(days=3), now - timedelta(hours=2))
    assert past and all(p.stop <= now for p in past)
    assert catchup.playable(conn, profile.id, "1", past[-1].start)


async def test_catchup_request_is_accepted_by_the_provider(synced_profile):
    settings, conn, vault, profile = synced_profile
    await guide.refresh_guide(settings, conn, vault, profile)
    now = datetime.now(UTC)
    past = guide.programmes_between(conn, profile.id, "1", now - timedelta(hours=6), now - timedelta(hours=1))
    assert past
    req = catchup.timeshift_for(conn, profile, "1", past[0].start)
    london = ZoneInfo("Europe/London")  # the demo panel's zone, as its login answer says
    assert catchup.start_param(req) == past[0].start.astimezone(london).strftime("%Y-%m-%d:%H-%M")
    from xtplay.accounts.source import source_for

    async with source_for(conn, vault, settings, profile) as client:
        url = client.urls.timeshift(req.stream_id, req.start, req.minutes, tz=req.start.tzinfo)
    assert f"/{req.minutes}/{catchup.start_param(req)}/1.ts" in url
    import httpx

    async with httpx.AsyncClient(timeout=20) as http, http.stream("GET", url) as response:
        assert response.status_code == 200
        async for chunk in response.aiter_bytes():
            assert chunk[:1] == b"\x47"  # MPEG-TS sync byte
            break


@pytest.mark.parametrize("bad", ["ftp://example.com/x.xml", "not a url", ""])
def test_add_source_refuses_non_http_urls(guide_library, bad):
    from xtplay.errors import ConfigError

    with pytest.raises(ConfigError):
        guide.add_source(guide_library.conn, guide_library.vault, guide_library.profile_id, bad)


async def test_scheduler_refreshes_due_profiles_then_stops(synced_profile):
    import asyncio

    settings, conn, vault, profile = synced_profile
    stop = asyncio.Event()
    task = asyncio.create_task(guide.run_scheduler(settings, interval_hours=12, stop=stop, initial_delay=0))
    try:
        await wait_until_async(
            lambda: guide.last_runs(conn, profile.id) and guide.last_runs(conn, profile.id)[0]["status"] == "ok",
            20,
            "the scheduler's first refresh",
            every=0.1,
        )
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
    runs = guide.last_runs(conn, profile.id)
    assert [r["status"] for r in runs] == ["ok"] and runs[0]["programmes"] > 0
    assert guide.now_next(conn, profile.id, ["1"])["1"].now is not None


async def test_short_epg_failures_never_raise(synced_profile, demo):
    settings, conn, vault, profile = synced_profile
    demo.set_fault("malformed", paths=["get_short_epg"])
    asked = await guide.refresh_now_next(settings, conn, vault, profile, ["1"])
    assert asked == 1
    assert guide.now_next(conn, profile.id, ["1"])["1"] == guide.NowNext(None, None)


async def test_a_new_profile_is_due_at_once_then_after_its_interval(synced_profile, demo):
    import time

    from xtplay.guide import refresh as guide_refresh

    settings, conn, vault, profile = synced_profile
    assert guide_refresh.refresh_due(conn, profile.id, 12)  # channels synced, never a guide
    demo.set_fault("html", paths=["/xmltv.php"])
    await guide.refresh_guide(settings, conn, vault, profile)
    assert guide.last_runs(conn, profile.id)[0]["status"] != "ok"
    assert not guide_refresh.refresh_due(conn, profile.id, 12)  # a failure waits before trying again
    later = time.time() + guide_refresh.RETRY_AFTER_FAILURE_SECS + 1
    assert guide_refresh.refresh_due(conn, profile.id, 12, now=later)
    demo.clear_faults()
    await guide.refresh_guide(settings, conn, vault, profile)
    assert not guide_refresh.refresh_due(conn, profile.id, 12)
    assert guide_refresh.refresh_due(conn, profile.id, 12, now=time.time() + 12 * 3600 + 1)


def test_a_profile_without_channels_is_not_due(catalog_profile):
    from xtplay.guide import refresh as guide_refresh

    _, conn, _, profile = catalog_profile
    assert not guide_refresh.refresh_due(conn, profile.id, 12)
