"""The whole journey in Chromium: first run → add profile → sync progress → browse each type →
details → search with a filter → favorite → history → delete profile."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def test_first_run_to_profile_deletion(fresh_app, browser_page, screenshot):
    page, app = browser_page, fresh_app
    demo = app.demo

    # First run: the welcome page explains what to enter.
    page.goto(app.url)
    page.wait_for_url(re.compile(r"/welcome$"))
    assert "Server URL" in page.content()
    screenshot(page, "welcome")

    # Add a profile; the loading page shows the sync's progress, then the app opens on its home screen.
    page.fill("#f-name", "My TV")
    page.fill("#f-url", demo.url)
    page.fill("#f-username", demo.username)
    page.fill("#f-password", demo.password)
    demo.set_fault("slow", paths=["get_series"], seconds=3)  # a sync long enough to watch
    page.click("button[type=submit]:has-text('Add profile')")
    page.wait_for_url(re.compile(r"/profiles/\d+/loading$"))
    assert "Getting “My TV” ready" in page.content()
    page.wait_for_selector("#loading-progress >> text=Loading the catalog")
    screenshot(page, "sync-progress")
    page.wait_for_url(re.compile(r"/$"), timeout=60_000)
    assert demo.password not in page.content()
    assert page.locator("[data-row-key=added] a[data-nav]").count() > 0  # the newest of the catalog

    # Live TV: a category, a channel list.
    page.click(".main-nav a:has-text('Live TV')")
    page.wait_for_url(re.compile(r"/live$"))
    page.locator(".browse-categories a", has_text="SPORTS").first.click()
    page.wait_for_url(re.compile(r"/live\?category="))
    assert page.locator(".channel-row").count() > 0
    assert page.locator('[aria-current="page"]', has_text="SPORTS").count() == 1

    # Movies: the grid, then a movie's page with its details loaded from the provider.
    page.click(".main-nav a:has-text('Movies')")
    page.wait_for_selector(".poster-card")
    page.locator(".poster-card a").first.click()
    page.wait_for_url(re.compile(r"/movies/\d+$"))
    page.wait_for_selector("#movie-details [aria-busy=false]")
    movie_url = page.url
    movie_title = page.locator("#movie-details h1").inner_text()

    # Favorite toggle on the movie page.
    page.click(".fav-btn")
    page.wait_for_selector('.fav-btn[aria-pressed="true"]')

    # Series: grid, series page with seasons and episodes.
    page.click(".main-nav a:has-text('Series')")
    page.wait_for_selector(".poster-card")
    page.locator(".poster-card a").first.click()
    page.wait_for_selector(".episode-list")
    assert page.locator('[role="tab"]').count() >= 1

    # Search with a filter: only movies.
    page.click(".main-nav a:has-text('Search')")
    page.locator("#q").type("demo", delay=20)
    page.wait_for_selector(".search-group")
    page.locator('input[name="type"][value="movie"]').check()
    page.wait_for_function("""() => {
        const groups = [...document.querySelectorAll('.search-group')].map(g => g.dataset.type);
        return groups.length > 0 && groups.every(t => t === 'movie');
    }""")

    # Favorites lists the movie.
    page.click(".main-nav a:has-text('Favorites')")
    assert movie_title.split(" (")[0] in page.locator("main").inner_text()

    # History: what the player records (through the history service) shows, and can be removed.
    from xtplay.accounts import profiles
    from xtplay.library import history

    conn = app.connect()
    try:
        profile = profiles.active_profile(conn)
        history.record(conn, profile.id, "movie", movie_url.rsplit("/", 1)[1], 754, 6000)
    finally:
        conn.close()
    page.goto(movie_url)
    page.wait_for_selector("text=Resume from 12:34")
    page.click(".main-nav a:has-text('History')")
    assert "stopped at 12:34" in page.locator("#history-list").inner_text()
    page.locator("#history-list button:has-text('Remove')").first.click()
    page.wait_for_function("() => !document.querySelector('#history-list li')")

    # Delete the profile: back to the first-run welcome.
    page.goto(f"{app.url}/profiles")
    page.locator(".profile-card a:has-text('Delete')").click()
    page.click("#confirm-delete")
    page.wait_for_url(re.compile(r"/welcome$"))
    assert page.js_errors == []
