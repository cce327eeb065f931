"""The sync's writer thread: chunks of a type land in one transaction, a failing chunk fails
its type only, a type left open is rolled back, and a sync in many chunks stores exactly
what one chunk would."""

from __future__ import annotations

import pytest

from xtplay.errors import StoreError
from xtplay.library import catalog, search, sync
from xtplay.library import store as catalog_store
from xtplay.library import writer as sync_writer


def _rows(type: str, names: list[str], first_id: int = 1) -> list[tuple]:
    raw = [{"stream_id" if type != "series" else "series_id": first_id + i, "name": n} for i, n in enumerate(names)]
    return catalog_store.normalise_raw(type, raw, [])


def _names(conn, profile_id: int, type: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM items WHERE profile_id = ? AND type = ? ORDER BY position", (profile_id, type))]


@pytest.fixture
def stored(catalog_factory):
    """A library with a few movies and channels already stored."""
    f = catalog_factory
    for n in ("Old Movie A", "Old Movie B"):
        f.add("movie", n)
    f.add("live", "Old Channel")
    f.save()
    return f


async def test_chunks_of_a_type_are_stored_in_order_as_one_catalog(stored):
    conn, pid = stored.conn, stored.profile_id
    names = [f"New Movie {i:02d}" for i in range(25)]
    rows = _rows("movie", names)
    seen: list[tuple[str, int, int]] = []
    writer = sync_writer.Writer(conn, pid, lambda *a: seen.append(a))
    writer.begin("movie", len(rows))
    for start in range(0, len(rows), 10):
        writer.put("movie", catalog_store.pack(rows[start:start + 10]), len(rows[start:start + 10]))
    done = writer.end("movie", [])
    await writer.close()
    assert done.result() == 25
    assert _names(conn, pid, "movie") == names  # the old movies left, the new ones in provider order
    assert [s[1] for s in seen] == [10, 20, 25]
    assert [h.name for h in search.search(conn, pid, "movie 07")["movie"]] == ["New Movie 07"]


async def test_a_chunk_that_cannot_be_stored_fails_its_type_only(stored):
    conn, pid = stored.conn, stored.profile_id
    writer = sync_writer.Writer(conn, pid)
    writer.begin("movie", 3)
    writer.put("movie", catalog_store.pack(_rows("movie", ["Half A"])), 1)
    broken = [("2", None, "", "", 1, None, None, None, None, None, None, None, None, None, None, 0, 0, None)]  # no name
    writer.put("movie", catalog_store.pack(broken), 1)
    writer.put("movie", catalog_store.pack(_rows("movie", ["Half C"], first_id=3)), 1)
    movies = writer.end("movie", [])
    writer.begin("live", 1)
    writer.put("live", catalog_store.pack(_rows("live", ["New Channel"])), 1)
    live = writer.end("live", [])
    await writer.close()
    with pytest.raises(StoreError):
        movies.result()
    assert live.result() == 1
    assert _names(conn, pid, "movie") == ["Old Movie A", "Old Movie B"]  # untouched, not half-written
    assert _names(conn, pid, "live") == ["New Channel"]
    assert not conn.in_transaction


async def test_a_type_left_open_is_rolled_back_when_the_writer_closes(stored):
    """What a cancelled sync leaves: the type it was reading keeps its previous catalog."""
    conn, pid = stored.conn, stored.profile_id
    writer = sync_writer.Writer(conn, pid)
    writer.begin("movie", 50)
    writer.put("movie", catalog_store.pack(_rows("movie", ["Never Finished"])), 1)
    await writer.close()
    assert _names(conn, pid, "movie") == ["Old Movie A", "Old Movie B"]
    assert not conn.in_transaction
    assert catalog_store.replace_type(conn, pid, "movie", [], _rows("movie", ["After"])) == 1  # connection usable


async def test_a_sync_in_many_chunks_stores_what_one_chunk_does(synced_profile, monkeypatch):
    settings, conn, vault, profile = synced_profile
    before = {
        t: [
            (i.provider_id, i.name, i.category_id)
            for i in catalog.items(conn, profile.id, t, limit=500, include_adult=True).items
        ]
        for t in catalog.TYPES
    }
    conn.execute("DELETE FROM items WHERE profile_id = ?", (profile.id,))
    conn.commit()
    monkeypatch.setattr(sync_writer, "CHUNK_ROWS", 7)
    events: list[sync.SyncProgress] = []
    result = await sync.sync_profile(settings, conn, vault, profile, progress=events.append)
    assert result.status == "ok"
    after = {
        t: [
            (i.provider_id, i.name, i.category_id)
            for i in catalog.items(conn, profile.id, t, limit=500, include_adult=True).items
        ]
        for t in catalog.TYPES
    }
    assert after == before
    positions = [
        r[0]
        for r in conn.execute(
            "SELECT position FROM items WHERE profile_id = ? AND type = 'movie' ORDER BY position", (profile.id,)
        )
    ]
    assert positions == list(range(len(before["movie"])))
    saving = [e.done for e in events if e.phase == "saving movie"]
    assert saving[0] == 0 and saving[1:] == sorted(saving[1:]) and len(set(saving)) > 10


async def test_stored_types_are_checkpointed_beside_the_writer(stored, settings):
    """The writer's commits leave the WAL to another connection, which copies each stored type
    into the library file; automatic checkpoints are back on afterwards."""
    conn, pid = stored.conn, stored.profile_id
    before = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    writer = sync_writer.Writer(conn, pid)
    writer.begin("movie", 300)
    writer.put("movie", catalog_store.pack(_rows("movie", [f"Film {i}" for i in range(300)])), 300)
    done = writer.end("movie", [])
    await writer.close()
    assert done.result() == 300
    pages, page_size = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
    assert settings.db_path.stat().st_size == pages * page_size  # every page is in the file itself
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == before > 0
