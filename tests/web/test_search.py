"""The search page, its partial and the catalog JSON API over a real library."""

from __future__ import annotations

import html
import re


def _group_names(page: str) -> dict[str, list[str]]:
    groups = {}
    for section in re.findall(r'<section class="search-group"[^>]*data-type="(\w+)">(.*?)</section>', page, re.S):
        type, body = section
        groups[type] = [html.unescape(re.sub(r"<[^>]+>", "", m)).split(" · ")[0].strip()
                        for m in re.findall(r'<a href="[^"]+" data-nav>(.*?)</a></li>', body, re.S)]
    return groups


def test_results_are_grouped_by_type(browse_client):
    page = browse_client.get("/search/results?q=detective", headers={"HX-Request": "true"}).text
    groups = _group_names(page)
    assert list(groups) == ["series"]
    assert set(g.strip() for g in groups["series"]) == {"Night Detective", "Day Detective"}
    assert "<html" not in page


def test_accents_and_case_do_not_matter(browse_client):
    groups = _group_names(browse_client.get("/search/results?q=CAFE creme").text)
    assert groups == {"movie": ["Café Crème"]}


def test_type_and_rating_filters(browse_client):
    both = _group_names(browse_client.get("/search/results?q=news").text)
    assert set(both) == {"live"}
    only_movies = browse_client.get("/search/results?q=news&type=movie").text
    assert "No results for “news” with these filters" in html.unescape(only_movies)
    rated = _group_names(browse_client.get("/search/results?q=detective&min_rating=7").text)
    assert rated == {"series": ["Night Detective"]}
    years = _group_names(browse_client.get("/search/results?q=days&year_from=2005&year_to=2015").text)
    assert years == {"movie": ["Zebra Days"]}


def test_no_results_state(browse_client):
    page = html.unescape(browse_client.get("/search/results?q=qqqqxxxxzzzz").text)
    assert 'id="no-results"' in page
    assert "No results for “qqqqxxxxzzzz”" in page


def test_enter_remembers_the_query_and_typing_does_not(browse_client):
    browse_client.get("/search/results?q=alpha")
    assert "Recent searches" not in browse_client.get("/search").text
    browse_client.get("/search?q=Alpha News")
    page = browse_client.get("/search").text
    assert "Recent searches" in page and 'href="/search?q=alpha%20news"' in page
    browse_client.post_form("/search/history/clear")
    assert "Recent searches" not in browse_client.get("/search").text


def test_suggestions_complete_the_typed_text(browse_client):
    page = html.unescape(browse_client.get("/search/results?q=sky").text)
    assert "Suggestions" in page and "Sky Sports Premier League" in page


def test_saved_presets_round_trip(browse_client):
    saved = browse_client.post_form("/search/presets?q=detective&type=series&min_rating=7",
                                    {"name": "Good crime"}, follow_redirects=False)
    assert saved.status_code == 303
    page = browse_client.get("/search").text
    assert "Good crime" in page
    opened = browse_client.get("/search?preset=Good crime", follow_redirects=False)
    assert opened.status_code == 303
    target = browse_client.get(opened.headers["location"]).text
    assert _group_names(target) == {"series": ["Night Detective"]}
    assert 'value="series" checked' in target
    browse_client.post_form("/search/presets/delete", {"name": "Good crime"})
    assert "Good crime" not in browse_client.get("/search").text


def test_api_search_json_is_grouped_by_type(browse_client):
    data = browse_client.get("/api/search?q=detective").json()
    assert data["q"] == "detective"
    assert data["counts"] == {"live": 0, "movie": 0, "series": 2}
    hit = data["results"]["series"][0]
    assert {"type", "id", "name", "url"} <= set(hit)
    assert hit["type"] == "series" and hit["url"] == f"/series/{hit['id']}"
    assert browse_client.get("/api/search?q=x&type=bogus").status_code == 422


def test_api_categories_items_and_item(browse_client):
    cats = browse_client.get("/api/categories?type=live").json()
    assert [(c["name"], c["count"]) for c in cats["categories"]] == [("News", 130), ("Sport", 2)]
    first = browse_client.get("/api/items?type=live&category=10&limit=100").json()
    assert len(first["items"]) == 100 and first["next_cursor"]
    rest = browse_client.get(f"/api/items?type=live&category=10&limit=100&after={first['next_cursor']}").json()
    assert len(rest["items"]) == 30 and rest["next_cursor"] is None
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in rest["items"]}
    item = browse_client.get("/api/items/movie/1").json()
    assert item["name"] == "Café Crème" and item["favorite"] is False and item["resume_secs"] is None
    assert item["watch_url"] == "/watch/movie/1"
    missing = browse_client.get("/api/items/movie/999")
    assert missing.status_code == 404 and "error" in missing.json()
    assert browse_client.get("/api/items?type=bogus").status_code == 422


def test_api_never_carries_credentials(browse_client, browse_library):
    for url in ("/api/search?q=news", "/api/items?type=live", "/api/items/live/1", "/api/categories?type=movie"):
        assert "secret-pass" not in browse_client.get(url).text


def test_api_search_pages_with_offset_without_repeats(browse_client):
    seen: list[str] = []
    offset = 0
    while True:
        hits = browse_client.get(f"/api/search?q=news&type=live&limit=40&offset={offset}").json()["results"]["live"]
        if not hits:
            break
        seen += [h["id"] for h in hits]
        offset += len(hits)
    assert len(seen) == len(set(seen))
    assert len(seen) >= 130  # every "News Channel nnn" of the fixture is reachable
    assert browse_client.get("/api/search?q=news&offset=-1").status_code == 422


def test_filters_without_text_list_what_they_let_through(browse_client):
    page = browse_client.get("/search/results", params={"type": "movie", "genre": "Comedy"}).text
    assert "Laugh Riot" in page and "Café Crème" not in page and "with filters" in page
    assert "Type to search" not in browse_client.get("/search/results", params={"year_from": 2010}).text
