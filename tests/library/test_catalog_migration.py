"""Upgrading a filled library to the lean search indexes (migration 0007): every item stays
findable by name, genre, cast and plot, each type's index holds that type only, and later
syncs (updates, removals) keep working through the recreated indexes."""

from __future__ import annotations

import pytest

from tests.plugins.catalog import CatalogFactory
from xtplay import db
from xtplay.accounts import profiles
from xtplay.library import search
from xtplay.library.search import fold

LEAN = 7  # the migration that recreates the full-text indexes


@pytest.fixture
def old_library(settings, vault, monkeypatch):
    """A library at the schema before 0007, filled with a small catalog, then upgraded."""
    real = db.migrations()
    monkeypatch.setattr(db, "migrations", lambda: [m for m in real if m[0] < LEAN])
    conn = db.open_library(settings.db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LEAN - 1
    profile = profiles.insert_profile(conn, vault, name="Old", url="http://127.0.0.1:9", username="u", password="pw")
    f = CatalogFactory(conn, profile.id)
    f.add("live", "Sky Sports Premier League")
    f.add("live", "Canal Plus Sport")
    f.add("movie", "Café Crème", genre="Comedy", cast="Ava Stone", plot="A barista in Lyon.")
    f.add("movie", "The Godfather", genre="Crime", cast="Marlon Brando", plot="An organized crime dynasty.")
    f.add("series", "Breaking Bad", genre="Drama", plot="A chemistry teacher turns to crime.")
    _store_as_then(conn, f)
    conn.close()
    monkeypatch.setattr(db, "migrations", lambda: real)
    conn = db.open_library(settings.db_path)
    f.conn = conn
    yield conn, f, profile.id
    conn.close()


def _store_as_then(conn, f):
    """The factory's rows written as the columns of that schema hold them (today's sync writes
    columns later migrations added)."""
    conn.executemany(
        'INSERT INTO items (profile_id, type, provider_id, name, search_name, position, genre, "cast", plot) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(f.profile_id, type, str(r["_id"]), r["name"], fold(r["name"]), n, r.get("genre"), r.get("cast"), r.get("plot"))
         for type, rows in f.rows.items() for n, r in enumerate(rows)])
    conn.commit()


def found(conn, profile_id, q):
    return {t: [h.name for h in hits] for t, hits in search.search(conn, profile_id, q).items() if hits}


def test_upgrade_keeps_every_item_findable(old_library, settings):
    conn, _, pid = old_library
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.schema_version() >= LEAN
    assert list(settings.home.glob(f"xtplay.db.v{LEAN - 1}.*.bak"))  # backed up before the upgrade
    assert found(conn, pid, "premier") == {"live": ["Sky Sports Premier League"]}
    assert found(conn, pid, "cafe creme") == {"movie": ["Café Crème"]}
    assert found(conn, pid, "brando") == {"movie": ["The Godfather"]}  # cast
    assert found(conn, pid, "crime") == {"movie": ["The Godfather"], "series": ["Breaking Bad"]}  # genre, plot
    assert found(conn, pid, "barist") == {"movie": ["Café Crème"]}  # a plot word's prefix


def indexed_rows(conn, table):
    """The rows a names index holds, read from the index itself (its content is a view of all items)."""
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab_{table} USING fts5vocab('main', '{table}', 'instance')")
    return {r[0] for r in conn.execute(f"SELECT DISTINCT doc FROM temp.vocab_{table}")}


def test_each_type_index_holds_its_own_items_only(old_library):
    conn, _, _ = old_library
    for table, type in (("live_names", "live"), ("movie_names", "movie"), ("series_names", "series")):
        items = {r[0] for r in conn.execute("SELECT id FROM items WHERE type = ?", (type,))}
        assert items and indexed_rows(conn, table) == items


def test_later_syncs_update_and_remove_through_the_new_indexes(old_library):
    conn, f, pid = old_library
    f.rows["movie"] = [r for r in f.rows["movie"] if r["name"] != "The Godfather"]  # left the provider
    f.rows["movie"][0]["plot"] = "A pastry chef in Paris."  # changed
    f.save(("movie",))
    assert found(conn, pid, "godfather") == {}
    assert found(conn, pid, "brando") == {}
    assert found(conn, pid, "barista") == {}
    assert found(conn, pid, "pastry") == {"movie": ["Café Crème"]}
    assert indexed_rows(conn, "movie_names") == {r[0] for r in conn.execute("SELECT id FROM items WHERE type = 'movie'")}
