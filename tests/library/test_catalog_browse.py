"""Browsing a real library file: categories with counts, keyset pages, sorts, adult hiding."""

from __future__ import annotations

import pytest

from xtplay.errors import CatalogError
from xtplay.library import catalog


@pytest.fixture
def movies(catalog_factory):
    f = catalog_factory
    f.category("movie", "1", "Action")
    f.category("movie", "2", "Comedy")
    f.category("movie", "3", "XXX Adults")
    f.category("movie", "4", "Empty one")
    for i in range(25):
        f.add("movie", f"Action {i:02d}", category_id="1", rating=str(i % 10) if i % 5 else "",
              added=str(1_600_000_000 + i * 1000))
    f.add("movie", "Zebra comedy", category_id="2", rating="7,5")
    f.add("movie", "alpha comedy", category_id="2", rating=9)
    f.add("movie", "Private", category_id="3")
    f.add("movie", "Flagged", category_id="2", is_adult="1")
    f.add("movie", "Lost", category_id="999")
    f.add("movie", "Nowhere", category_id=None)
    f.save()
    return f


def test_categories_have_counts_hide_adult_and_empty_and_bucket_orphans(movies):
    cats = catalog.categories(movies.conn, movies.profile_id, "movie")
    assert [(c.id, c.name, c.count) for c in cats] == [
        ("1", "Action", 25), ("2", "Comedy", 2), ("", "Uncategorised", 2)]
    with_adult = catalog.categories(movies.conn, movies.profile_id, "movie", include_adult=True)
    assert [(c.id, c.count, c.is_adult) for c in with_adult] == [
        ("1", 25, False), ("2", 3, False), ("3", 1, True), ("", 2, False)]


def test_uncategorised_bucket_browses_its_items(movies):
    page = catalog.items(movies.conn, movies.profile_id, "movie", category_id="")
    assert sorted(i.name for i in page.items) == ["Lost", "Nowhere"]


def test_keyset_pages_walk_every_item_once_in_each_sort(movies):
    for sort in catalog.SORTS:
        seen, cursor = [], None
        while True:
            page = catalog.items(movies.conn, movies.profile_id, "movie", category_id="1", sort=sort, after=cursor, limit=7)
            seen += [i.provider_id for i in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert len(seen) == 25 and len(set(seen)) == 25, sort


def test_sorts_order_items(movies):
    conn, pid = movies.conn, movies.profile_id
    by_name = [i.name for i in catalog.items(conn, pid, "movie", category_id="2", sort="name").items]
    assert by_name == ["alpha comedy", "Zebra comedy"]
    by_rating = catalog.items(conn, pid, "movie", category_id="1", sort="rating", limit=100).items
    ratings = [i.rating for i in by_rating]
    rated = [r for r in ratings if r is not None]
    assert rated == sorted(rated, reverse=True) and ratings[-1] is None and ratings.index(None) == len(rated)
    by_added = [i.added for i in catalog.items(conn, pid, "movie", category_id="1", sort="added", limit=100).items]
    assert by_added == sorted(by_added, reverse=True)
    provider = [i.name for i in catalog.items(conn, pid, "movie", category_id="1", limit=3).items]
    assert provider == ["Action 00", "Action 01", "Action 02"]


def test_adult_items_hidden_unless_enabled(movies):
    conn, pid = movies.conn, movies.profile_id
    names = {i.name for i in catalog.items(conn, pid, "movie", limit=500).items}
    assert "Private" not in names and "Flagged" not in names
    names = {i.name for i in catalog.items(conn, pid, "movie", limit=500, include_adult=True).items}
    assert {"Private", "Flagged"} <= names


def test_rating_with_decimal_comma_is_a_number(movies):
    item = catalog.get_item(movies.conn, movies.profile_id, "movie", movies.rows["movie"][25]["_id"])
    assert item is not None and item.name == "Zebra comedy" and item.rating == 7.5 and item.category_name == "Comedy"


def test_get_item_of_unknown_id_is_none(movies):
    assert catalog.get_item(movies.conn, movies.profile_id, "movie", 424242) is None
    assert catalog.get_item(movies.conn, movies.profile_id, "live", 1) is None


def test_bad_cursor_and_sort_are_catalog_errors(movies):
    with pytest.raises(CatalogError):
        catalog.items(movies.conn, movies.profile_id, "movie", after="not-a-cursor")
    with pytest.raises(CatalogError):
        catalog.items(movies.conn, movies.profile_id, "movie", sort="price")
    with pytest.raises(CatalogError):
        catalog.categories(movies.conn, movies.profile_id, "radio")


def test_channel_by_number(catalog_factory):
    f = catalog_factory
    f.add("live", "One", num=7)
    f.add("live", "Two", num=8, tv_archive=1, tv_archive_duration="3", epg_channel_id="two.uk")
    f.save()
    two = catalog.channel_by_number(f.conn, f.profile_id, 8)
    assert two is not None and two.name == "Two" and two.archive_days == 3 and two.epg_channel_id == "two.uk"
    assert catalog.channel_by_number(f.conn, f.profile_id, 99) is None


def test_profiles_do_not_see_each_other(catalog_profile, catalog_factory):
    from tests.plugins.catalog import CatalogFactory
    from xtplay.accounts import profiles

    _, conn, vault, first = catalog_profile
    other = profiles.insert_profile(conn, vault, name="Other", url="http://127.0.0.1:9", username="o", password="pw-other")
    catalog_factory.add("live", "Mine")
    catalog_factory.save()
    theirs = CatalogFactory(conn, other.id)
    theirs.add("live", "Theirs")
    theirs.save()
    assert [i.name for i in catalog.items(conn, first.id, "live").items] == ["Mine"]
    assert [i.name for i in catalog.items(conn, other.id, "live").items] == ["Theirs"]


def test_offline_state_of_never_synced_profile(catalog_profile):
    _, conn, _, profile = catalog_profile
    state = catalog.offline_state(conn, profile.id)
    assert state.empty and state.synced_at is None and state.age_seconds is None
