"""Every place a movie or an episode is listed shows how far it was watched (the same bar as on
home posters): search hits, favorites, history, continue watching, the movie page and a series'
episodes, read fresh on every request, over the real app and library."""

from __future__ import annotations

import re

from xtplay.library import favorites, history

HX = {"HX-Request": "true"}


def _bar(value: int) -> str:
    return f'class="poster-progress" max="100" value="{value}"'


def _row(page: str, marker: str) -> str:
    """The list row (``<li …>…</li>``) that holds ``marker``."""
    rows = [row for row in re.findall(r"<li\b.*?</li>", page, re.S) if marker in row]
    assert len(rows) == 1, f"{len(rows)} rows with {marker!r}"
    return rows[0]


def test_search_hits_of_started_movies_show_their_bar(browse_client, browse_library):
    conn, pid = browse_library.conn, browse_library.profile.id
    history.record(conn, pid, "movie", "1", 3000, 6000)  # Café Crème half-way
    history.record(conn, pid, "movie", "2", 5900, 6000)  # Zebra Days watched: no bar
    results = browse_client.get("/search/results?q=cafe", headers=HX)
    assert results.headers["cache-control"] == "no-store"
    assert _bar(50) in _row(results.text, 'data-hit="movie:1"')
    full = browse_client.get("/search?q=cafe").text  # the whole page (Enter) too
    assert _bar(50) in _row(full, 'data-hit="movie:1"')
    days = browse_client.get("/search/results?q=zebra", headers=HX).text
    assert 'data-hit="movie:2"' in days and "poster-progress" not in days
    history.record(conn, pid, "movie", "1", 4500, 6000)  # played on: the next answer has it
    assert _bar(75) in browse_client.get("/search/results?q=cafe", headers=HX).text


def test_show_all_pages_of_movie_hits_keep_the_bars(browse_client, browse_library):
    conn, pid = browse_library.conn, browse_library.profile.id
    ids = [r[0] for r in conn.execute("SELECT provider_id FROM items WHERE profile_id = ? AND type = 'movie' "
                                      "AND name LIKE 'Filler Movie%' ORDER BY position", (pid,))]
    for n, movie in enumerate(ids[:3]):
        history.record(conn, pid, "movie", movie, 600 * (n + 1), 6000)
    page = browse_client.get("/search?q=filler&only=movie").text
    assert {f"{n * 10}" for n in (1, 2, 3)} <= set(re.findall(r'class="poster-progress" max="100" value="(\d+)"', page))
    more = browse_client.get("/search/more?q=filler&only=movie&offset=0", headers=HX).text
    assert _bar(10) in _row(more, f'data-hit="movie:{ids[0]}"')


def test_favorites_show_the_bar_of_a_started_movie(browse_client, browse_library):
    conn, pid = browse_library.conn, browse_library.profile.id
    favorites.add(conn, pid, "movie", "1")
    favorites.add(conn, pid, "movie", "3")
    favorites.add(conn, pid, "series", "1")
    history.record(conn, pid, "movie", "1", 1500, 6000)
    page = browse_client.get("/favorites")
    assert page.headers["cache-control"] == "no-store"
    assert _bar(25) in _row(page.text, 'id="fav-movie-1"')
    assert "poster-progress" not in _row(page.text, 'id="fav-movie-3"')  # never played
    assert "poster-progress" not in _row(page.text, 'id="fav-series-1"')


def test_history_and_continue_watching_show_the_same_bar(browse_client, browse_library):
    conn, pid = browse_library.conn, browse_library.profile.id
    history.record(conn, pid, "movie", "1", 3600, 6000)
    history.record(conn, pid, "episode", "77", 300, 1200, name="Night Detective S1 E2")
    history.record(conn, pid, "movie", "2", 10, 6000)  # barely started: no resume, no bar
    for url in ("/history", "/continue"):
        page = browse_client.get(url).text
        assert _bar(60) in _row(page, 'id="hist-movie-1"')
        assert _bar(25) in _row(page, 'id="hist-episode-77"')
    assert "poster-progress" not in _row(browse_client.get("/history").text, 'id="hist-movie-2"')


def test_the_movie_page_shows_how_far_it_was_watched(browse_client, browse_library):
    conn, pid = browse_library.conn, browse_library.profile.id
    assert "poster-progress" not in browse_client.get("/movies/1").text
    history.record(conn, pid, "movie", "1", 1200, 6000)
    page = browse_client.get("/movies/1").text
    assert _bar(20) in page and "Resume from 20:00" in page


def test_episodes_of_a_series_show_their_bars(provider_client, synced_profile):
    _, conn, _, profile = synced_profile
    provider_client.get("/series/1/details", headers=HX)  # stores the episodes
    history.record(conn, profile.id, "episode", "1", 118, 120)  # watched: a mark, no bar
    history.record(conn, profile.id, "episode", "2", 60, 120)
    page = provider_client.get("/series/1/details?season=1", headers=HX)
    assert page.headers["cache-control"] == "no-store"
    episodes = page.text.split('<ol class="episode-list"', 1)[1]
    second = _row(episodes, 'href="/watch/episode/2"')
    assert _bar(50) in second and "▶ Resume" in second
    assert "poster-progress" not in _row(episodes, 'href="/watch/episode/1"')
