"""Sync against the real demo provider over real sockets: content, progress, runs, faults."""

from __future__ import annotations

import asyncio

import pytest

from xtplay.library import catalog, details, favorites, search, sync
from xtplay.library import schedule as sync_schedule
from xtplay.sources.xtream import XtreamClient


def _counts(conn, profile_id):
    return catalog.counts(conn, profile_id)


async def test_full_sync_stores_the_demo_catalog(synced_profile, demo):
    settings, conn, vault, profile = synced_profile
    assert _counts(conn, profile.id) == {"live": 60, "movie": 120, "series": 30}
    one = catalog.get_item(conn, profile.id, "live", 1)
    assert one.name == "Demo One HD" and one.archive_days == 3 and one.epg_channel_id == "demo.one"
    assert catalog.get_item(conn, profile.id, "live", 3).name == "<img src=x onerror=alert(1)>"
    mkv = catalog.get_item(conn, profile.id, "movie", 2)
    assert mkv.container and mkv.container.lower() == "mkv"
    live_cats = catalog.categories(conn, profile.id, "live")
    assert live_cats and all(c.count > 0 for c in live_cats)
    assert not any(c.is_adult for c in live_cats)
    assert any(c.is_adult for c in catalog.categories(conn, profile.id, "live", include_adult=True))
    hits = search.search(conn, profile.id, "cafe creme")
    assert any("Café Crème" in h.name for hits_ in hits.values() for h in hits_)
    assert search.search(conn, profile.id, "premier")["live"][0].name.lower().count("premier")
    run = sync.last_run(conn, profile.id)
    assert run.status == "ok" and run.counts == {"live": 60, "movie": 120, "series": 30} and run.finished_at
    assert not sync_schedule.is_stale(conn, profile)
    assert catalog.offline_state(conn, profile.id).synced_at == run.finished_at


async def test_the_garbage_collector_pauses_during_a_sync_and_comes_back(demo_profile):
    import gc

    settings, conn, vault, profile = demo_profile
    during: list[bool] = []
    result = await sync.sync_profile(settings, conn, vault, profile,
                                     progress=lambda e: during.append(gc.isenabled()) if e.phase == "movie" else None)
    assert result.status == "ok"
    assert during == [False]  # lists are parsed without collector passes
    assert gc.isenabled()


@pytest.mark.parametrize("fault", ["reset", "malformed", "html"])
async def test_fault_in_movie_list_keeps_previous_movies_and_other_types(synced_profile, demo, fault):
    settings, conn, vault, profile = synced_profile
    before = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT provider_id, name FROM items WHERE profile_id = ? AND type = 'movie'", (profile.id,)
        )
    }
    demo.set_fault(fault, paths=["get_vod_streams"])
    result = await sync.sync_profile(settings, conn, vault, profile)
    assert result.status == "partial"
    assert set(result.errors) == {"movie"} and result.counts == {"live": 60, "series": 30}
    after = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT provider_id, name FROM items WHERE profile_id = ? AND type = 'movie'", (profile.id,)
        )
    }
    assert after == before
    assert search.search(conn, profile.id, "cafe creme")["movie"]
    run = sync.last_run(conn, profile.id)
    assert run.status == "partial" and "movie" in run.errors
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_unreachable_provider_fails_the_run_and_keeps_everything(synced_profile, demo):
    settings, conn, vault, profile = synced_profile
    demo.set_fault("http500")
    result = await sync.sync_profile(settings, conn, vault, profile)
    assert result.status == "failed" and set(result.errors) == {"live", "movie", "series"} and result.counts == {}
    assert _counts(conn, profile.id) == {"live": 60, "movie": 120, "series": 30}


async def test_expired_account_fails_with_its_reason(synced_profile, demo):
    settings, conn, vault, profile = synced_profile
    demo.set_fault("expired")
    result = await sync.sync_profile(settings, conn, vault, profile)
    assert result.status == "failed" and "expired" in result.errors["live"].lower()
    assert _counts(conn, profile.id)["movie"] == 120


async def test_items_that_left_disappear_but_favorites_stay(demo_profile, demo_media_dir):
    from xtplay.demo import DemoProvider

    settings, conn, vault, profile = demo_profile
    with DemoProvider(live=80, vod=150, series=40, media_dir=demo_media_dir) as big:
        async with XtreamClient(big.url, big.username, big.password, settings) as client:
            counts, errors = await sync.sync_with_client(conn, profile.id, client)
    assert not errors and counts == {"live": 80, "movie": 150, "series": 40}
    favorites.add(conn, profile.id, "live", "75")
    name = catalog.get_item(conn, profile.id, "live", 75).name
    result = await sync.sync_profile(settings, conn, vault, profile)  # the small demo: 60 channels
    assert result.status == "ok"
    assert catalog.get_item(conn, profile.id, "live", 75) is None
    assert _counts(conn, profile.id) == {"live": 60, "movie": 120, "series": 30}
    assert not search.search(conn, profile.id, name, types=["live"])["live"] or all(
        h.provider_id != "75" for h in search.search(conn, profile.id, name, types=["live"])["live"]
    )
    fav = [f for f in favorites.list(conn, profile.id) if f.provider_id == "75"]
    assert fav and fav[0].name == name and fav[0].item is None


async def test_one_sync_per_profile_at_a_time(demo_profile):
    settings, conn, vault, profile = demo_profile
    first = asyncio.ensure_future(sync.sync_profile(settings, conn, vault, profile))
    await asyncio.sleep(0)  # let it take the lock
    while sync.progress(profile.id) is None and not first.done():
        await asyncio.sleep(0.001)
    assert sync.is_running(settings, profile.id)
    with pytest.raises(sync.SyncAlreadyRunning):
        await sync.sync_profile(settings, conn, vault, profile)
    assert (await first).status == "ok"
    assert not sync.is_running(settings, profile.id)


async def test_staleness_follows_the_profile_interval(demo_profile):
    from xtplay.accounts import profiles

    settings, conn, vault, profile = demo_profile
    assert sync_schedule.is_stale(conn, profile)  # never synced
    await sync.sync_profile(settings, conn, vault, profile)
    assert not sync_schedule.is_stale(conn, profile)
    later = sync.last_run(conn, profile.id).finished_at + 25 * 3600
    assert sync_schedule.is_stale(conn, profile, now=later)
    manual = profiles.set_preferences(conn, profile, sync_interval_hours=0) or profiles.get_profile(conn, profile.id)
    assert not sync_schedule.is_stale(conn, manual, now=later + 10**6)


async def test_details_are_stored_and_served_offline(synced_profile, demo):
    settings, conn, vault, profile = synced_profile
    movie = await details.movie(settings, conn, vault, profile, 1)
    assert movie.info["stream_id"] == 1 and not movie.offline
    show = await details.series(settings, conn, vault, profile, 1)
    assert sorted(show.episodes) == [1, 2] and [len(show.episodes[s]) for s in (1, 2)] == [3, 3]
    assert details.episode(conn, profile.id, 1)[0] == "1"
    calls = demo.stats()
    again = await details.movie(settings, conn, vault, profile, 1)  # fresh: from the store, no call
    assert again.info == movie.info and demo.stats() == calls
    demo.set_fault("reset")
    offline = await details.series(settings, conn, vault, profile, 1, refresh=True)
    assert offline.offline and offline.error and offline.episodes.keys() == show.episodes.keys()
    unseen = await details.movie(settings, conn, vault, profile, 2)  # never opened and unreachable
    assert unseen.offline and unseen.error and unseen.info == {}  # the page shows the library's row with a note


async def test_browsing_and_search_work_with_the_provider_stopped(settings, library, vault, demo_media_dir):
    from xtplay.accounts import profiles
    from xtplay.demo import DemoProvider

    with DemoProvider(live=20, vod=30, series=5, media_dir=demo_media_dir) as own:
        profile = await profiles.add_profile(
            library, vault, settings, name="Gone", url=own.url, username=own.username, password=own.password
        )
        assert (await sync.sync_profile(settings, library, vault, profile)).status == "ok"
    result = await sync.sync_profile(settings, library, vault, profile)
    assert result.status == "failed"
    assert catalog.counts(library, profile.id) == {"live": 20, "movie": 30, "series": 5}
    assert catalog.items(library, profile.id, "live").items
    assert search.search(library, profile.id, "demo one")["live"][0].name == "Demo One HD"
    state = catalog.offline_state(library, profile.id)
    assert state.synced_at is not None and not state.empty
