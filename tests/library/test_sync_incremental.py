"""Re-syncs cost only what changed: an unchanged list is neither parsed nor written, a changed
one stores exactly its changes, and favorites, history and resume positions never move."""

from __future__ import annotations

import os

import orjson

from xtplay import db
from xtplay.accounts import profiles
from xtplay.demo import DemoProvider
from xtplay.library import catalog, favorites, history, search, sync, versions
from xtplay.library import store as catalog_store

DIGESTS = 20  # the migration that gives each item the digest of its raw object


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
    return {p: held[0] for p, held in catalog_store.held(conn, profile_id, "movie").items()}


def _provider_order(conn, profile_id):
    return [int(p) for (p,) in conn.execute(
        "SELECT provider_id FROM items WHERE profile_id = ? AND type = 'movie' ORDER BY position", (profile_id,))]


async def _synced(settings, conn, vault, provider, name):
    """A profile on ``provider``, synced once."""
    profile = await profiles.add_profile(conn, vault, settings, name=name, url=provider.url,
                                         username=provider.username, password=provider.password)
    assert (await sync.sync_profile(settings, conn, vault, profile)).status == "ok"
    return profile


def _differences(before, after):
    """The ids removed, added and changed between two :func:`_content` readings."""
    return (set(before) - set(after), set(after) - set(before),
            {p for p in set(before) & set(after) if before[p] != after[p]})


def _ids(numbers):
    return {str(i) for i in numbers}


async def test_one_percent_changed_added_and_removed_changes_exactly_those_rows(settings, library, vault,
                                                                                   demo_media_dir):
    conn = library
    with DemoProvider(live=20, vod=300, series=10, seed=3, media_dir=demo_media_dir) as provider:
        profile = await _synced(settings, conn, vault, provider, "Churn")
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
    removed, added, differ = _differences(before, after)
    assert (removed, added, differ) == (_ids(changes.removed), _ids(changes.added), _ids(changes.changed))
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
    previous = {str(i): (i - 1, None, None, f"movie {i}") for i in range(1, 6)}

    def placed(ids):
        raw = [{"stream_id": i, "name": f"Movie {i}"} for i in ids]
        return [(row[0], row[4]) for row in catalog_store.read_rows("movie", raw, [], previous)]

    # 2 removed, 9 inserted before 5 (5 moves up one), 8 added last
    assert placed([1, 3, 4, 9, 5, 8]) == [("1", 0), ("3", 2), ("4", 3), ("9", 4), ("5", 5), ("8", 6)]
    reordered = placed([5, 1, 2, 3, 4])
    assert [p for _, p in reordered] == sorted({p for _, p in reordered})  # still the list's order, unique
    assert reordered[0] == ("5", 4)
    assert [row[4] for row in catalog_store.read_rows("movie", [{"stream_id": 7}, {"stream_id": 6}], [])] == [0, 1]


def _read_again(raw, categories, previous, type="movie"):
    """read_rows over a copy of ``raw`` (it puts each object's ``num`` back last)."""
    return list(catalog_store.read_rows(type, [dict(r) for r in raw], categories, previous))


def _held_after(rows):
    return {row[0]: (row[4], row[5], row[-1], row[2]) for row in rows}


def test_a_resync_reads_again_only_the_objects_that_changed():
    cats = [catalog_store.CategoryData("1", "Films", None, 0, False),
            catalog_store.CategoryData("2", "Docs", None, 1, False)]
    raw = [{"num": i, "stream_id": i, "name": f"Movie {i}", "category_id": "1" if i < 4 else "2",
            "plot": f"Plot {i}"} for i in range(1, 6)]
    first = _read_again(raw, cats, None)
    assert all(len(row) == len(first[0]) > 4 and row[-1] is not None for row in first)
    previous = _held_after(first)
    # 2 removed (3, 4 and 5 renumbered), 4's plot changed, 6 new
    revised = [dict(r) for r in raw if r["stream_id"] != 2]
    for n, r in enumerate(revised, start=1):
        r["num"] = n
    revised[2]["plot"] = "Another plot"
    revised.append({"num": 5, "stream_id": 6, "name": "Movie 6", "category_id": "1"})
    again = _read_again(revised, cats, previous)
    assert [row for row in again if len(row) == 4] == [("1", None, "movie 1", False), ("3", None, "movie 3", False),
                                                      ("5", None, "movie 5", False)]  # a movie's number is not kept
    assert [row[0] for row in again if len(row) > 4] == ["4", "6"]
    # a channel's is (digits zap to it): a kept channel comes with its new number
    channels = _held_after(_read_again(raw, cats, None, "live"))
    assert [row for row in _read_again(revised, cats, channels, "live") if len(row) == 4] == [
        ("1", 1, "movie 1", False), ("3", 2, "movie 3", True), ("5", 4, "movie 5", True)]
    # the category list decides a row as much as its bytes: 2 turns adult, 1 disappears
    adult = [catalog_store.CategoryData("2", "Docs XXX", None, 0, True)]
    assert all(len(row) > 4 for row in _read_again(raw, adult, previous))
    # an item stored without a digest (before digests, or from a playlist) is read whole
    unknown = {p: (pos, num, None, name) for p, (pos, num, _, name) in previous.items()}
    assert all(len(row) > 4 for row in _read_again(raw, cats, unknown))


def _vocabulary_of_names(conn, profile_id):
    return {w for (name,) in conn.execute("SELECT search_name FROM items WHERE profile_id = ?", (profile_id,))
            for w in search.words(name) if len(w) >= 4}


def _terms(conn, profile_id):
    return {t for (t,) in conn.execute("SELECT term FROM search_terms WHERE profile_id = ?", (profile_id,))}


def test_the_migration_leaves_every_item_without_a_digest_and_only_channels_numbered(settings, vault, monkeypatch):
    real = db.migrations()
    monkeypatch.setattr(db, "migrations", lambda: [m for m in real if m[0] < DIGESTS])
    conn = db.open_library(settings.db_path)
    profile = profiles.insert_profile(conn, vault, name="Old", url="http://127.0.0.1:9", username="u", password="pw")
    conn.executemany("INSERT INTO items (profile_id, type, provider_id, name, search_name, position, num) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [(profile.id, "live", "1", "One", "one", 0, 1), (profile.id, "movie", "2", "Heat", "heat", 0, 2)])
    conn.commit()
    conn.close()
    monkeypatch.setattr(db, "migrations", lambda: real)
    conn = db.open_library(settings.db_path)
    try:
        assert [tuple(r) for r in conn.execute("SELECT type, name, num, digest FROM items ORDER BY type")] == [
            ("live", "One", 1, None), ("movie", "Heat", None, None)]
    finally:
        conn.close()


async def test_a_library_synced_before_digests_resyncs_exactly_and_stores_them(settings, library, vault,
                                                                               demo_media_dir):
    conn = library
    with DemoProvider(live=20, vod=300, series=10, seed=3, media_dir=demo_media_dir) as provider:
        profile = await _synced(settings, conn, vault, provider, "Old")
        conn.execute("UPDATE items SET digest = NULL")  # as the migration leaves a library synced before it
        conn.commit()
        before = _content(conn, profile.id, "movie")
        changes = provider.revise(1)
        assert (await sync.sync_profile(settings, conn, vault, profile)).status == "ok"
        after = _content(conn, profile.id, "movie")
        assert _differences(before, after) == (_ids(changes.removed), _ids(changes.added), _ids(changes.changed))
        assert conn.execute("SELECT count(*) FROM items WHERE type = 'movie' AND digest IS NULL").fetchone()[0] == 0
        served = orjson.loads(provider.catalog.list_bytes("live"))
        assert dict(conn.execute("SELECT provider_id, num FROM items WHERE type = 'live'").fetchall()) == {
            str(row["stream_id"]): row["num"] for row in served}  # the channels' numbers, for zapping
        # and back: the digests now spare the unchanged rows, and the library is the first one again
        provider.revise(0)
        assert (await sync.sync_profile(settings, conn, vault, profile)).status == "ok"
        assert _content(conn, profile.id, "movie") == before
        assert _terms(conn, profile.id) == _vocabulary_of_names(conn, profile.id)


async def test_the_typo_vocabulary_keeps_the_words_of_the_rows_a_resync_did_not_read(settings, library, vault,
                                                                                       demo_media_dir):
    conn = library
    with DemoProvider(live=20, vod=300, series=10, seed=3, media_dir=demo_media_dir) as provider:
        profile = await _synced(settings, conn, vault, provider, "Words")
        provider.revise(1)
        assert (await sync.sync_profile(settings, conn, vault, profile)).status == "ok"
    terms = _terms(conn, profile.id)
    assert "remastered" in terms
    assert terms == _vocabulary_of_names(conn, profile.id)


def test_channels_renumbered_by_a_removal_get_their_new_numbers_and_nothing_else(catalog_profile):
    _, conn, _, profile = catalog_profile
    raw = [{"num": i, "stream_id": i, "name": f"Channel {i}", "epg_channel_id": f"c{i}.uk"} for i in range(1, 6)]

    def store(rows):
        listed = catalog_store.read_rows("live", [dict(r) for r in rows], [],
                                         catalog_store.held(conn, profile.id, "live"))
        catalog_store.replace_type(conn, profile.id, "live", [], list(listed))

    store(raw)
    before = _content(conn, profile.id, "live")
    revised = [dict(r, num=n) for n, r in enumerate((r for r in raw if r["stream_id"] != 2), start=1)]
    store(revised)
    assert dict(conn.execute("SELECT provider_id, num FROM items WHERE type = 'live'").fetchall()) == {
        "1": 1, "3": 2, "4": 3, "5": 4}
    assert _content(conn, profile.id, "live") == {p: c for p, c in before.items() if p != "2"}
    assert catalog.channel_by_number(conn, profile.id, 2).provider_id == "3"  # zapping follows
