"""Favorites over a real library filled through the real catalog store."""

from __future__ import annotations

import pytest

from xtplay.accounts import profiles
from xtplay.errors import CatalogError
from xtplay.library import favorites


@pytest.fixture
def filled(catalog_factory):
    f = catalog_factory
    f.category("live", "1", "News")
    f.category("movie", "10", "Drama")
    f.add("live", "Café Crème TV", id=7, category_id="1")
    f.add("movie", "<b>Bold</b> Movie", id=42, category_id="10")
    f.add("movie", "Leaving Soon", id=43, category_id="10")
    f.save()
    return f


def test_add_copies_the_name_and_lists_newest_first(filled):
    conn, pid = filled.conn, filled.profile_id
    favorites.add(conn, pid, "live", 7)
    favorites.add(conn, pid, "movie", "42")
    listed = favorites.list(conn, pid)
    assert [(f.type, f.provider_id, f.name) for f in listed] == [
        ("movie", "42", "<b>Bold</b> Movie"),
        ("live", "7", "Café Crème TV"),
    ]
    assert all(f.available for f in listed)
    assert listed[0].item.name == "<b>Bold</b> Movie"
    assert favorites.is_favorite(conn, pid, "live", "7") and not favorites.is_favorite(conn, pid, "live", "8")
    assert favorites.favorite_ids(conn, pid, "movie") == {"42"}
    assert [f.provider_id for f in favorites.list(conn, pid, "live")] == ["7"]


def test_adding_twice_keeps_one_entry_and_the_first_date(filled):
    conn, pid = filled.conn, filled.profile_id
    first = favorites.add(conn, pid, "movie", 42)
    again = favorites.add(conn, pid, "movie", 42)
    assert again.added_at == first.added_at
    assert len(favorites.list(conn, pid)) == 1


def test_remove(filled):
    conn, pid = filled.conn, filled.profile_id
    favorites.add(conn, pid, "movie", 42)
    assert favorites.remove(conn, pid, "movie", 42) is True
    assert favorites.remove(conn, pid, "movie", 42) is False
    assert favorites.list(conn, pid) == []


def test_item_that_left_the_provider_stays_listed_as_unavailable(filled):
    conn, pid = filled.conn, filled.profile_id
    favorites.add(conn, pid, "movie", 43)
    # the provider drops movie 43: the next sync stores the catalog without it
    filled.rows["movie"] = [r for r in filled.rows["movie"] if r["_id"] != 43]
    filled.save()
    (fav,) = favorites.list(conn, pid)
    assert (fav.name, fav.available, fav.item) == ("Leaving Soon", False, None)
    assert fav.to_dict()["available"] is False


def test_unknown_item_or_type_is_refused(filled):
    conn, pid = filled.conn, filled.profile_id
    with pytest.raises(CatalogError, match="no movie 999"):
        favorites.add(conn, pid, "movie", 999)
    with pytest.raises(CatalogError, match="not an item type"):
        favorites.add(conn, pid, "radio", 1)


def test_favorites_are_per_profile_and_go_with_the_profile(filled, vault):
    conn, pid = filled.conn, filled.profile_id
    other = profiles.insert_profile(
        conn, vault, name="Other", url="http://127.0.0.1:9", username="u", password="pw-other"
    )
    favorites.add(conn, pid, "live", 7)
    favorites.add(conn, other.id, "episode", "5", name="Pilot")
    assert [f.provider_id for f in favorites.list(conn, other.id)] == ["5"]
    profiles.remove_profile(conn, vault, other.id)
    assert conn.execute("SELECT count(*) FROM favorites WHERE profile_id = ?", (other.id,)).fetchone()[0] == 0
    assert len(favorites.list(conn, pid)) == 1
