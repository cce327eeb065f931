"""Live TV, movie and series browse pages over a real library, through the real app."""

from __future__ import annotations

import html
import re

from tests.plugins.browse import HOSTILE_NAME, NEWS_CHANNELS

LOAD_MORE = re.compile(r'class="load-more" hx-get="([^"]+)" hx-trigger="revealed"')


def _names(page: str, cls: str) -> list[str]:
    return [html.unescape(n) for n in re.findall(rf'<span class="{cls}">([^<]*)</span>', page)]


def _scroll_all(client, first_url: str, cls: str) -> tuple[list[str], int]:
    """Follow every "load more" row like the browser does; the names seen and the pages fetched."""
    page = client.get(first_url)
    assert page.status_code == 200
    names, pages = _names(page.text, cls), 1
    more = LOAD_MORE.search(page.text)
    while more:
        part = client.get(html.unescape(more.group(1)), headers={"HX-Request": "true"})
        assert part.status_code == 200
        assert "<html" not in part.text  # a partial, never a whole page
        names += _names(part.text, cls)
        pages += 1
        more = LOAD_MORE.search(part.text)
    return names, pages


def test_live_category_scrolls_in_pages_without_gaps_or_repeats(browse_client):
    names, pages = _scroll_all(browse_client, "/live?category=10", "channel-name")
    assert len(names) == NEWS_CHANNELS
    assert len(set(names)) == NEWS_CHANNELS
    assert names[:2] == ["Alpha News", "Beta News"]
    assert pages == 3  # 130 channels, 50 a page: no response carries the whole category


def test_live_page_lists_categories_with_counts_and_channel_numbers(browse_client):
    page = browse_client.get("/live").text
    assert re.search(r"<span>News</span><span class=\"count\">130</span>", page)
    assert re.search(r"<span>Sport</span><span class=\"count\">2</span>", page)
    assert '<span class="channel-num">4</span>' in page
    sport = browse_client.get("/live?category=20").text
    assert _names(sport, "channel-name") == [HOSTILE_NAME, "Sky Sports Premier League"]


def test_provider_strings_are_escaped(browse_client):
    for url in ("/live?category=20", "/search?q=img", "/search/results?q=img", "/favorites"):
        body = browse_client.get(url).text
        assert "<img src=x onerror=alert(1)>" not in body, url
    assert "&lt;img src=x onerror=alert(1)&gt;" in browse_client.get("/live?category=20").text
    # JSON carries the exact name, as data (never rendered as HTML by the browser).
    api = browse_client.get("/api/search?q=img")
    assert api.headers["content-type"].startswith("application/json")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert api.json()["results"]["live"][0]["name"] == HOSTILE_NAME


def test_channel_links_go_to_the_player(browse_client, browse_library):
    page = browse_client.get("/live?category=20").text
    assert 'href="/watch/live/4?list=cat%3A20"' in page, "the player zaps inside the category"
    assert 'href="/watch/live/4?list=fav"' not in page
    assert 'href="/watch/live/1"' in browse_client.get("/live").text


def test_digits_jump_to_a_channel_number(browse_client):
    found = browse_client.get("/live/number/4", follow_redirects=False)
    assert found.status_code == 303
    assert found.headers["location"] == "/watch/live/4"
    missing = browse_client.get("/live/number/9999", follow_redirects=False)
    assert missing.status_code == 404
    assert "9999" in missing.text


def test_movies_grid_sorts(browse_client):
    by_rating = _names(browse_client.get("/movies?sort=rating").text, "poster-title")
    assert by_rating[:2] == ["Laugh Riot", "Café Crème"]
    by_name = _names(browse_client.get("/movies?sort=name&category=1").text, "poster-title")
    assert by_name == ["Café Crème", "Zebra Days"]
    by_added = _names(browse_client.get("/movies?sort=added").text, "poster-title")
    assert by_added[:3] == ["Laugh Riot", "Zebra Days", "Café Crème"]


def test_movies_filters_by_genre_year_and_rating(browse_client):
    def names(query: str) -> set[str]:
        got, _ = _scroll_all(browse_client, f"/movies?{query}", "poster-title")
        return set(got)

    assert names("genre=drama") == {"Café Crème", "Zebra Days"}
    assert names("year=2010") == {"Zebra Days", "Laugh Riot"}
    assert names("min_rating=7") == {"Café Crème", "Laugh Riot"}
    assert names("genre=comedy&min_rating=8") == {"Laugh Riot"}
    assert names("genre=western") == set()
    assert "Nothing matches these filters" in browse_client.get("/movies?genre=western").text


def test_movies_grid_pages_by_keyset(browse_client):
    names, pages = _scroll_all(browse_client, "/movies", "poster-title")
    assert len(names) == 63 and len(set(names)) == 63
    assert pages == 2


def test_bad_filter_value_is_an_error_page(browse_client):
    page = browse_client.get("/movies?year=abc")
    assert page.status_code == 422
    assert "not a number" in page.text


def test_series_grid_lists_series(browse_client):
    page = browse_client.get("/series").text
    assert _names(page, "poster-title") == ["Night Detective", "Day Detective"]
    assert 'href="/series/1"' in page


def test_movie_page_shows_library_data_and_loads_details(browse_client):
    page = browse_client.get("/movies/1").text
    assert "Café Crème" in page
    assert 'hx-get="/movies/1/details" hx-trigger="load"' in page
    assert "Loading details from the provider" in page
    assert 'href="/watch/movie/1"' in page


def test_unknown_item_is_not_found(browse_client):
    assert browse_client.get("/movies/999").status_code == 404
    assert browse_client.get("/series/999").status_code == 404


def test_favorite_toggle_and_favorites_page(browse_client):
    on = browse_client.post_htmx("/favorites/movie/1/toggle")
    assert on.status_code == 200 and 'aria-pressed="true"' in on.text
    browse_client.post_htmx("/favorites/live/3/toggle")
    page = browse_client.get("/favorites").text
    assert "Café Crème" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'aria-pressed="true"' in browse_client.get("/movies/1").text
    off = browse_client.post_htmx("/favorites/movie/1/toggle")
    assert 'aria-pressed="false"' in off.text
    gone = browse_client.post_htmx("/favorites/live/3/remove")
    assert gone.status_code == 200
    assert "No favorites yet" in browse_client.get("/favorites").text


def test_favorite_of_unknown_item_is_refused(browse_client):
    assert browse_client.post_htmx("/favorites/movie/999/toggle").headers.get("X-Xtplay-Error") == "404"


def test_history_continue_watching_and_resume(browse_client, browse_library):
    from xtplay.library import history

    conn, pid = browse_library.conn, browse_library.profile.id
    history.record(conn, pid, "movie", "1", 754, 6000)
    history.record(conn, pid, "movie", "2", 5900, 6000)  # watched
    history.record(conn, pid, "live", "4", 0, None)
    movie = browse_client.get("/movies/1").text
    assert "Resume from 12:34" in movie and 'href="/watch/movie/1"' in movie  # the player reads it fresh
    assert 'href="/watch/movie/1?t=0"' in movie
    hist = browse_client.get("/history").text
    for name in ("Café Crème", "Zebra Days", "Sky Sports Premier League"):
        assert name in hist
    cont = browse_client.get("/continue").text
    assert "Café Crème" in cont and "stopped at 12:34" in cont
    assert "Zebra Days" not in cont
    browse_client.post_htmx("/history/movie/1/remove")
    assert "Café Crème" not in browse_client.get("/history").text
    assert "Resume from" not in browse_client.get("/movies/1").text
    cleared = browse_client.post_htmx("/history/clear")
    assert cleared.status_code == 204
    assert "Nothing watched yet" in browse_client.get("/history").text


def test_plain_form_posts_need_the_csrf_token(browse_client):
    refused = browse_client.client.post("/history/clear", data={})
    assert refused.status_code == 403
    done = browse_client.post_form("/history/clear", follow_redirects=False)
    assert done.status_code == 303


def test_pages_without_a_profile_go_to_welcome(settings):
    from fastapi.testclient import TestClient

    from xtplay.web.app import create_app

    with TestClient(create_app(settings)) as client:
        for url in ("/live", "/movies", "/search", "/guide", "/favorites"):
            answer = client.get(url, follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"] == "/welcome", url


def test_favorite_channels_have_their_own_list(browse_client):
    assert "No favorite channels yet" in browse_client.get("/live?favorites=1").text
    guide_page = browse_client.get("/guide/channel/4").text
    assert 'hx-post="/favorites/live/4/toggle"' in guide_page
    browse_client.post_htmx("/favorites/live/4/toggle")
    page = browse_client.get("/live?favorites=1").text
    assert _names(page, "channel-name") == ["Sky Sports Premier League"]
    assert 'aria-pressed="true"' in browse_client.get("/guide/channel/4").text


def test_a_category_of_20000_channels_is_served_a_page_at_a_time(catalog_profile, catalog_factory):
    from fastapi.testclient import TestClient

    from xtplay.accounts import profiles
    from xtplay.web.app import create_app

    settings, conn, _, profile = catalog_profile
    catalog_factory.category("live", "9", "Huge")
    for n in range(20_000):
        catalog_factory.add("live", f"Channel {n:05d}", id=n + 1, category_id="9", num=n + 1)
    catalog_factory.save(("live",))
    profiles.use_profile(conn, profile.id)
    with TestClient(create_app(settings)) as client:
        first = client.get("/live?category=9").text
        assert first.count('class="channel-row"') == 50
        cursor_url = html.unescape(LOAD_MORE.search(first).group(1))
        seen = 50
        for _ in range(3):  # a few pages deep, each one page long
            part = client.get(cursor_url).text
            assert part.count('class="channel-row"') == 50
            seen += 50
            cursor_url = html.unescape(LOAD_MORE.search(part).group(1))
        assert f"Channel {seen:05d}" in client.get(cursor_url).text


def test_movie_details_template_links_the_trailer_and_escapes_everything(browse_library):
    from xtplay.library import catalog
    from xtplay.web.templating import templates

    item = catalog.get_item(browse_library.conn, browse_library.profile.id, "movie", "1")
    info = {"name": "Café Crème", "plot": "<script>alert(1)</script>", "director": "A & B",
            "youtube_trailer": "dQw4w9WgXcQ", "duration_secs": 5400, "backdrop": ["http://img/b.jpg"]}
    out = templates.get_template("_item_movie_details.html").render(item=item, info=info, favorite=False, resume=None)
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "<script>" not in out
    assert "A &amp; B" in out and "1 h 30 min" in out
    # pictures come from xtplay's artwork cache, never the provider's address
    assert 'class="backdrop" src="/art/movie/1/backdrop?v=' in out and "http://img/b.jpg" not in out
