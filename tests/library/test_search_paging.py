"""Paging through long searches: ``search.search(offset=…)`` and the search page's "Show all"
infinite scroll reach every hit of a 1,000+ result search once, a page per response."""

from __future__ import annotations

import re

import pytest

from xtplay.library import search

#: Movies whose name starts with the query, contains it later, or only mention it in the plot:
#: the three ranking steps of a search, so pages cross from one step to the next.
PREFIXED, INNER, PLOT_ONLY = 700, 380, 60
TOTAL = PREFIXED + INNER + PLOT_ONLY


@pytest.fixture
def big(catalog_factory):
    f = catalog_factory
    f.category("movie", "1", "Films")
    f.category("live", "9", "Channels")
    for n in range(PREFIXED):
        f.add("movie", f"Starlight {n:04d}", category_id="1", year=str(1990 + n % 30), rating=str(n % 10))
    for n in range(INNER):
        f.add("movie", f"The Starlight Years {n:04d}", category_id="1", year="2005")
    for n in range(PLOT_ONLY):
        f.add("movie", f"Quiet Film {n:04d}", category_id="1", plot="Under the starlight of a long night.")
    for n in range(50):
        f.add("movie", f"Unrelated {n:04d}", category_id="1")
        f.add("live", f"Starlight TV {n:02d}", category_id="9")
    f.save()
    return f


def _all_pages(conn, profile_id, q, size, **kw):
    hits, offset, pages = [], 0, 0
    while True:
        page = search.search(conn, profile_id, q, types=["movie"], limit=size, offset=offset, **kw)["movie"]
        assert len(page) <= size
        pages += 1
        if not page:
            return hits, pages
        hits += page
        offset += size


@pytest.mark.parametrize("size", [50, 97, 500])
def test_offsets_walk_every_match_once(big, size):
    hits, pages = _all_pages(big.conn, big.profile_id, "starlight", size)
    ids = [h.provider_id for h in hits]
    assert len(ids) == len(set(ids)) == TOTAL
    names = [h.name for h in hits]
    assert all("starlight" in n.lower() for n in names[:PREFIXED + INNER])
    assert set(names[PREFIXED + INNER:]) == {f"Quiet Film {n:04d}" for n in range(PLOT_ONLY)}
    assert names[:PREFIXED] == sorted(names[:PREFIXED])  # names starting with the query first
    assert pages == -(-TOTAL // size) + 1  # the last call answers an empty page


def test_the_first_page_is_the_plain_search(big):
    first = search.search(big.conn, big.profile_id, "starlight", limit=40)
    assert search.search(big.conn, big.profile_id, "starlight", limit=40, offset=0) == first
    second = search.search(big.conn, big.profile_id, "starlight", limit=40, offset=40)
    for type in ("movie", "live"):
        assert not {h.provider_id for h in first[type]} & {h.provider_id for h in second[type]}
    assert len(second["live"]) == 10  # 50 channels: 40 on the first page, 10 after


def test_paging_with_filters_and_past_the_end(big):
    hits, _ = _all_pages(big.conn, big.profile_id, "starlight", 100, year_from=2005, year_to=2005)
    expected = INNER + sum(1 for n in range(PREFIXED) if 1990 + n % 30 == 2005)
    assert len({h.provider_id for h in hits}) == len(hits) == expected
    assert search.search(big.conn, big.profile_id, "starlight", types=["movie"], offset=5000)["movie"] == []


def test_a_corrected_typo_pages_too(big):
    hits, _ = _all_pages(big.conn, big.profile_id, "starlihgt", 300)  # one swap: corrected
    assert len({h.provider_id for h in hits}) == len(hits) >= PREFIXED + INNER


def _hits(html):
    return re.findall(r'data-hit="([^"]+)"', html)


def _more(html):
    found = re.search(r'hx-get="(/search/more[^"]+)" hx-trigger="revealed"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_show_all_pages_through_every_hit(big, settings):
    from fastapi.testclient import TestClient

    from xtplay.accounts import profiles
    from xtplay.web.app import create_app
    from xtplay.web.browse.search import ALL_PAGE

    profiles.use_profile(big.conn, big.profile_id)
    with TestClient(create_app(settings)) as client:
        grouped = client.get("/search?q=starlight").text
        assert re.search(r"/search\?q=starlight&(amp;)?only=movie", grouped)  # the "Show all" link
        html = client.get("/search?q=starlight&only=movie").text
        seen = _hits(html)
        assert len(seen) == ALL_PAGE and f"{ALL_PAGE}+ results" in html
        url, responses = _more(html), 1
        while url:
            part = client.get(url, headers={"HX-Request": "true"})
            assert part.status_code == 200 and "<html" not in part.text
            page = _hits(part.text)
            assert 0 < len(page) <= ALL_PAGE
            seen += page
            url, responses = _more(part.text), responses + 1
    assert len(seen) == len(set(seen)) == TOTAL
    assert all(h.startswith("movie:") for h in seen)
    assert responses == -(-TOTAL // ALL_PAGE)


def test_show_all_rejects_a_bad_page_request(big, settings):
    from fastapi.testclient import TestClient

    from xtplay.accounts import profiles
    from xtplay.web.app import create_app

    profiles.use_profile(big.conn, big.profile_id)
    with TestClient(create_app(settings)) as client:
        assert client.get("/search/more?q=starlight&only=film&offset=100").status_code == 422
        assert client.get("/search/more?q=starlight&only=movie&offset=-1").status_code == 422
        past = client.get("/search/more?q=starlight&only=movie&offset=100000")
        assert past.status_code == 200 and _hits(past.text) == [] and _more(past.text) is None


def test_show_all_scrolls_in_the_browser(big, settings, start_app, browser_page):
    """Real Chromium: scrolling "Show all" to the end loads every hit through htmx's revealed."""
    from xtplay.accounts import profiles

    profiles.use_profile(big.conn, big.profile_id)
    app = start_app(settings)
    page = browser_page
    page.goto(app.url + "/search?q=starlight&only=movie")
    for _ in range(40):
        if page.locator("li.load-more").count() == 0:
            break
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(200)
    assert page.locator("li.load-more").count() == 0, "the list never reached its end"
    hits = page.locator("[data-hit]").evaluate_all("els => els.map(e => e.dataset.hit)")
    assert len(hits) == len(set(hits)) == TOTAL
    assert page.js_errors == []
