"""The home screen on the real app and library: the app opens on it, its rows, progress bars,
and every poster a keyboard-reachable link with its row and column."""

from __future__ import annotations

import re

from xtplay.library import favorites, history


def test_home_opens_with_its_rows_and_progress(browse_client, browse_library):
    conn, pid = browse_library.conn, browse_library.profile.id
    history.record(conn, pid, "movie", "1", 3000, 6000)  # Café Crème half-way
    favorites.add(conn, pid, "series", "1")
    page = browse_client.get("/")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    html = page.text
    titles = re.findall(r'<h2 id="row-(\w+)">', html)
    assert titles == ["continue", "favorites", "added"]  # rows with nothing in them are left out
    assert 'class="poster-progress" max="100" value="50"' in html
    cards = re.findall(r'<a href="([^"]+)" data-nav data-row="(\d+)" data-col="(\d+)"', html)
    assert ("/watch/movie/1", "0", "0") in cards
    assert len({(r, c) for _, r, c in cards}) == len(cards)  # one place per poster
    assert html.count("autofocus") == 1


def test_movie_grid_posters_show_progress(browse_client, browse_library):
    conn, pid = browse_library.conn, browse_library.profile.id
    history.record(conn, pid, "movie", "1", 1500, 6000)
    assert 'class="poster-progress" max="100" value="25"' in browse_client.get("/movies").text


def test_home_sends_a_first_run_to_the_welcome_page(web_client):
    home = web_client.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/welcome"
