"""Re-syncs cost only what changed: an unchanged list is neither parsed nor written, a changed
one stores exactly its changes, and favorites, history and resume positions never move."""

from __future__ import annotations

import os

import orjson

from xtplay.accounts import profiles
from xtplay.demo import DemoProvider
from xtplay.library import catalog, favorites, history, search, sync, versions
from xtplay.library import store as catalog_store


def _rows(conn, profile_id):
    return conn.execute("SELECT type, provider_id, name, category_id, position FROM items WHERE profile_id = ? "
                        "ORDER BY type, provider_id", (profile_id,)).fetchall()


def _size(path) -> int:
    wal = f"{path}-wal"
    return os.path.getsize(path) + (os.path.getsize(wal) if os.path.exists(wal) else 0)


def _keep(conn, profile_id):
    favorites.add(conn, profile_id, "movie", "1", "Big Demo Movie")
    history.record(conn, profile_id, "movie", "2", position_secs=1234.0, duration_secs=5400.0)
    return _kept(conn, profile_id)


def _kept(conn, profile_id):
    return ([(f.type, f.provider_id) for f in favorites.list(conn, profile_id)],
            [(h.type, h.provider_id, h.position_secs) for h in history.list(conn, profile_id)])


async def test_an_unchanged_catalog_is_read_once_and_written_never(synced_profile, demo):
    settings, conn, vault, profile = synced_profile
    kept = _keep(conn, profile.id)
    before, size = _rows(conn, profile.id), _size(settings.db_path)
    demo.reset_stats()
    result = await sync.sync_profile(settings, conn, vault, profile)
    assert result.status == "ok" and result.counts == {"live": 60, "movie": 120, "series": 30}
    assert _rows(conn, profile.id) == before
    assert demo.stats()["requests"].get("not_modified") == 3  # the provider's ETags answered with 304
    assert _size(settings.db_path) - size < 256 * 1024  # the run's record and the versions, no catalog pages
    assert _kept(conn, profile.id) == kept


async def test_without_validators_the_digest_of_the_bytes_decides(synced_profile, demo):
    settings, conn, vault, profile = synced_profile
    conn.execute("UPDATE list_versions SET etag = NULL, last_modified = NULL WHERE profile_id = ?", (profile.id,))
    conn.commit()
    before = _rows(conn, profile.id)
    demo.reset_stats()
    result = await sync.sync_profile(settings, conn, vault, profile)
    assert result.status == "ok" and _rows(conn, profile.id) == before
    assert "not_modified" not in demo.stats()["requests"]  # the whole lists came, and matched
    assert set(versions.known(conn, profile.id, catalog.counts(conn, profile.id))) >= {
        "get_live_streams", "get_vod_streams", "get_series", "get_vod_categories"}


async def test_items_removed_behind_the_syncs_back_are_stored_again(synced_profile, demo):
    settings, conn, vault, profile = synced_profile
    before = _rows(conn, profile.id)
    conn.execute("DELETE FROM items WHERE profile_id = ? AND type = 'movie' AND provider_id IN ('5', '6')", (profile.id,))
    conn.commit()
    result = await sync.sync_profile(settings, conn, vault, profile)
    assert result.status == "ok" and _rows(conn, profile.id) == before


async def test_a_changed_list_stores_exactly_its_changes(synced_profile, demo_media_dir):
    settings, conn, vault, profile = synced_profile
    kept = _keep(conn, profile.id)
    before = {(t, p): (n, c) for t, p, n, c, _ in _rows(conn, profile.id)}
    with DemoProvider(live=60, vod=123, series=30, seed=1, media_dir=demo_media_dir) as grown:
        await profiles.edit_profile(conn, vault, settings, profile, url=grown.url)
        profile = profiles.get_profile(conn, profile.id)
        result = await sync.sync_profile(settings, conn, vault, profile)
    assert result.status == "ok" and result.counts["movie"] == 123
    after = {(t, p): (n, c) for t, p, n, c, _ in _rows(conn, profile.id)}
    added = set(after) - set(before)
    assert added == {("movie", "121"), ("movie", "122"), ("movie", "123")}
    assert {k: after[k] for k in before} == before  # nothing else changed
    newest = after[("movie", "123")][0]
    assert any(h.provider_id == "123" for h in search.search(conn, profile.id, newest)["movie"])
    assert _kept(conn, profile.id) == kept


_CONTENT = ("name", "search_name", "category_id", "logo", "rating", "year", "genre", "plot", '"cast"', "added",
            "container", "epg_channel_id", "archive_days", "is_adult")


def _content(conn, profile_id, type):
    """Each item's stored fields but its place in the list (a removal moves every later one up)."""
    return {row[0]: tuple(row[1:]) for row in conn.execute(
        f"SELECT provider_id, {', '.join(_CONTENT)} FROM items WHERE profile_id = ? AND type = ?", (profile_id, type))}


def _positions(conn, profile_id):
    return catalog_store.positions(conn, profile_id, "movie")


def _provider_order(conn, profile_id):
    return [int(p) for (p,) in conn.execute(
        "SELECT provider_id FROM items WHERE profile_id = ? AND type = 'movie' ORDER BY position", (profile_id,))]


async def test_one_percent_changed_added_and_removed_changes_exactly_those_rows(settings, library, vault,
                                                                                   demo_media_dir):
    conn = library
    with DemoProvider(live=20, vod=300, series=10, seed=3, media_dir=demo_media_dir) as provider:
        profile = await profiles.add_profile(conn, vault, settings, name="Churn", url=provider.url,
                                             username=provider.username, password=provider.password)
        assert (await sync.sync_profile(settings, conn, vault, profile)).status == "ok"
        changes = provider.revise(1)
        assert len(changes.changed) == len(changes.added) == len(changes.removed) == 3
        gone, renamed = min(changes.removed), min(changes.changed)
        favorites.add(conn, profile.id, "movie", gone)
        favorites.add(conn, profile.id, "movie", renamed)
        history.record(conn, profile.id, "movie", gone, position_secs=61.0, duration_secs=5400.0)
        history.record(conn, profile.id, "movie", renamed, position_secs=1234.5, duration_secs=5400.0)
        kept = _kept(conn, profile.id)
        others = {t: _content(conn, profile.id, t) for t in ("live", "series")}
        before, held = _content(conn, profile.id, "movie"), _positions(conn, profile.id)
        provider.reset_stats()
        result = await sync.sync_profile(settings, conn, vault, profile)
        served = [row["stream_id"] for row in orjson.loads(provider.catalog.list_bytes("vod"))]

    assert result.status == "ok" and result.counts["movie"] == 300
    assert provider.stats()["requests"].get("not_modified") == 2  # live and series were not sent again
    after = _content(conn, profile.id, "movie")
    assert set(before) - set(after) == {str(i) for i in changes.removed}
    assert set(after) - set(before) == {str(i) for i in changes.added}
    differ = {p for p in set(before) & set(after) if before[p] != after[p]}
    assert differ == {str(i) for i in changes.changed}
    for p in differ:
        assert after[p][0] == before[p][0] + " [Remastered]"
    assert _provider_order(conn, profile.id) == served  # kept, changed and new rows in the provider's order
    now = _positions(conn, profile.id)
    assert all(now[p] == held[p] for p in set(before) & set(after))  # no item moved but those the panel moved
    assert {t: _content(conn, profile.id, t) for t in ("live", "series")} == others
    assert {h.provider_id for h in search.search(conn, profile.id, "remastered", include_adult=True)["movie"]} == {
        str(i) for i in changes.changed}
    for i in changes.added:
        name = after[str(i)][0]
        assert str(i) in {h.provider_id for h in search.search(conn, profile.id, name, limit=300, include_adult=True)["movie"]}
    assert not any(h.provider_id == str(gone) for h in search.search(conn, profile.id, before[str(gone)][0],
                                                                      limit=300, include_adult=True)["movie"])
    assert _kept(conn, profile.id) == kept  # favorites and resume positions, of gone and renamed movies too


def test_items_keep_their_positions_while_the_list_keeps_their_order():
    previous = {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4}

    def placed(ids):
        raw = [{"stream_id": i, "name": f"Movie {i}"} for i in ids]
        return [(row[0], row[4]) for row in catalog_store.read_rows("movie", raw, [], previous)]

    # 2 removed, 9 inserted before 5 (5 moves up one), 8 added last
    assert placed([1, 3, 4, 9, 5, 8]) == [("1", 0), ("3", 2), ("4", 3), ("9", 4), ("5", 5), ("8", 6)]
    reordered = placed([5, 1, 2, 3, 4])
    assert [p for _, p in reordered] == sorted({p for _, p in reordered})  # still the list's order, unique
    assert reordered[0] == ("5", 4)
    assert [row[4] for row in catalog_store.read_rows("movie", [{"stream_id": 7}, {"stream_id": 6}], [])] == [0, 1]
