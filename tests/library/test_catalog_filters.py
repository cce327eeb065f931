"""Filtered browsing: genre, year range and minimum rating narrow the keyset pages in SQL."""

from __future__ import annotations

import random

import pytest

from xtplay.library import catalog

GENRES = ["Drama", "Comedy", "Crime, Drama", "Action", "Sci-Fi & Fantasy", "drama_50%", None]


@pytest.fixture
def movies(catalog_factory):
    """700 movies with varied genres, years and ratings (some missing) in two categories."""
    f = catalog_factory
    f.category("movie", "1", "One")
    f.category("movie", "2", "Two")
    rnd = random.Random(7)
    for n in range(700):
        fields = {"category_id": rnd.choice(["1", "2"]), "added": str(1_600_000_000 + rnd.randrange(10_000))}
        genre = rnd.choice(GENRES)
        if genre is not None:
            fields["genre"] = genre
        if rnd.random() < 0.9:
            fields["year"] = str(rnd.randrange(1980, 2024))
        if rnd.random() < 0.85:
            fields["rating"] = str(round(rnd.uniform(0, 10), 1))
        f.add("movie", f"Movie {rnd.randrange(1000):03d} {n}", **fields)
    f.save()
    return f


def _walk(conn, profile_id, limit=37, **kw):
    """Every page of a filtered listing, following cursors."""
    out, cursor, pages = [], None, 0
    while True:
        page = catalog.items(conn, profile_id, "movie", after=cursor, limit=limit, **kw)
        assert len(page.items) <= limit
        out += page.items
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            return out, pages


def _keep(item, genre=None, year_from=None, year_to=None, min_rating=None):
    if genre and genre.casefold() not in (item.genre or "").casefold():
        return False
    if year_from is not None and (item.year is None or item.year < year_from):
        return False
    if year_to is not None and (item.year is None or item.year > year_to):
        return False
    return min_rating is None or (item.rating is not None and item.rating >= min_rating)


CASES = [
    {"genre": "drama"},
    {"genre": "DRAMA", "min_rating": 6.5},
    {"year_from": 2000, "year_to": 2009},
    {"year_from": 2015},
    {"year_to": 1985, "min_rating": 2},
    {"genre": "crime", "year_from": 1990, "year_to": 2020, "min_rating": 5},
    {"genre": "_50%"},  # LIKE wildcards in the text are matched literally
    {"genre": "fantasy", "category_id": "2"},
]


@pytest.mark.parametrize("sort", catalog.SORTS)
@pytest.mark.parametrize("filters", CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_filtered_pages_are_the_filtered_listing_in_order(movies, sort, filters):
    conn, pid = movies.conn, movies.profile_id
    category = filters.get("category_id")
    wanted = {k: v for k, v in filters.items() if k != "category_id"}
    everything, _ = _walk(conn, pid, limit=500, sort=sort, category_id=category)
    expected = [i.provider_id for i in everything if _keep(i, **wanted)]
    assert expected, "the case should match something"
    got, pages = _walk(conn, pid, sort=sort, category_id=category, **wanted)
    assert [i.provider_id for i in got] == expected
    assert pages == max(1, -(-len(expected) // 37))  # full pages: no short page before the last
    assert all(_keep(i, **wanted) for i in got)


def test_the_literal_wildcard_genre_matches_only_itself(movies):
    got, _ = _walk(movies.conn, movies.profile_id, genre="_50%")
    assert got and {i.genre for i in got} == {"drama_50%"}
    assert _walk(movies.conn, movies.profile_id, genre="a%a")[0] == []  # as a wildcard it would find "Drama"


def test_filters_that_match_nothing_give_an_empty_last_page(movies):
    page = catalog.items(movies.conn, movies.profile_id, "movie", genre="western", min_rating=9.9)
    assert page.items == [] and page.next_cursor is None
    page = catalog.items(movies.conn, movies.profile_id, "movie", year_from=2030)
    assert page.items == [] and page.next_cursor is None


def test_movie_grid_rows_page_through_a_sparse_filter(movies, settings):
    """The movies page and its htmx rows serve only matches, a full page at a time."""
    import re

    from fastapi.testclient import TestClient

    from xtplay.accounts import profiles
    from xtplay.web.app import create_app

    profiles.use_profile(movies.conn, movies.profile_id)
    expected = [i for i in _walk(movies.conn, movies.profile_id, limit=500, sort="rating")[0]
                if _keep(i, genre="drama", min_rating=7)]
    assert len(expected) > 48  # more than one page of posters
    with TestClient(create_app(settings)) as client:
        html = client.get("/movies?sort=rating&genre=drama&min_rating=7").text
        names = re.findall(r'<span class="poster-title">([^<]+)</span>', html)
        more = re.search(r'hx-get="([^"]+)" hx-trigger="revealed"', html)
        while more:
            rows = client.get(more.group(1).replace("&amp;", "&")).text
            names += re.findall(r'<span class="poster-title">([^<]+)</span>', rows)
            more = re.search(r'hx-get="([^"]+)" hx-trigger="revealed"', rows)
    assert names == [i.name for i in expected]


@pytest.mark.parametrize("whole_category_max", [1, 10**6], ids=["walk-type-index", "sort-in-category-index"])
@pytest.mark.parametrize("sort", catalog.SORTS)
@pytest.mark.parametrize("filters", [{}, {"genre": "drama"}, {"year_from": 2000, "min_rating": 4}],
                         ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "none")
def test_category_pages_are_the_type_listing_of_that_category(movies, monkeypatch, whole_category_max, sort, filters):
    """Both ways of paging a category (sort it inside its own index, or walk the type's sort
    index) give the type's own listing narrowed to the category, page after page."""
    conn, pid = movies.conn, movies.profile_id
    monkeypatch.setattr(catalog, "WHOLE_CATEGORY_MAX", whole_category_max)
    monkeypatch.setattr(catalog, "WHOLE_FILTERED_CATEGORY_MAX", whole_category_max)
    everything, _ = _walk(conn, pid, limit=500, sort=sort, **filters)
    for category in ("1", "2"):
        expected = [i.provider_id for i in everything if i.category_id == category]
        assert 50 < len(expected) < len(everything)
        got, pages = _walk(conn, pid, sort=sort, category_id=category, **filters)
        assert [i.provider_id for i in got] == expected
        assert pages == -(-len(expected) // 37)
