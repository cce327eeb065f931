"""Movie and series pages against the demo provider over real sockets: details, errors, retry."""

from __future__ import annotations

import html
import re

HX = {"HX-Request": "true"}


def test_movie_details_load_from_the_provider(provider_client):
    page = html.unescape(provider_client.get("/movies/1/details", headers=HX).text)
    assert "<html" not in page
    assert 'aria-busy="false"' in page
    for label in ("Director", "Cast", "Released"):
        assert f"<dt>{label}</dt>" in page
    assert re.search(r'<p class="plot">[^<]{10,}</p>', page)
    assert re.search(r"<span>(\d+ h )?\d+ min</span>", page)  # running time
    assert 'href="/watch/movie/1"' in page


def test_uncached_details_show_the_library_with_a_note_then_retry_works(provider_client, demo):
    demo.set_fault("http500")
    failed = provider_client.get("/movies/5/details", headers=HX)
    assert failed.status_code == 200 and 'class="error-panel"' not in failed.text
    assert "Shown from the library" in failed.text and "Two Voices" in failed.text  # the library's own row
    assert re.search(r'hx-get="/movies/5/details\?refresh=1"[^>]*>Retry</button>', failed.text)
    demo.clear_faults()
    retried = provider_client.get("/movies/5/details", headers=HX)
    assert "X-Xtplay-Error" not in retried.headers
    assert "<dt>Director</dt>" in retried.text


def test_details_seen_before_are_served_when_the_provider_fails(provider_client, demo):
    assert "<dt>Director</dt>" in provider_client.get("/movies/2/details", headers=HX).text
    demo.set_fault("http500")
    again = provider_client.get("/movies/2/details?refresh=1", headers=HX).text
    assert "Shown from the library" in again and "<dt>Director</dt>" in again
    assert "Retry" in again


def test_series_page_has_season_tabs_and_episodes(provider_client, synced_profile):
    page = provider_client.get("/series/1").text
    assert 'hx-get="/series/1/details" hx-trigger="load"' in page
    first = html.unescape(provider_client.get("/series/1/details", headers=HX).text)
    assert first.count('role="tab"') == 2
    assert re.search(r'aria-selected="true"\s+hx-get="/series/1/details\?season=1"', first)
    assert first.count('<li class="episode') == 3
    assert 'href="/watch/episode/1"' in first
    second = provider_client.get("/series/1/details?season=2", headers=HX).text
    assert second.count('<li class="episode') == 3
    listed = second.split('<ol class="episode-list"', 1)[1]  # above it: "Play S1 E1" for the whole series
    assert 'href="/watch/episode/4"' in listed and 'href="/watch/episode/1"' not in listed


def test_episodes_show_watched_and_resume_state(provider_client, synced_profile):
    from xtplay.library import history

    _, conn, _, profile = synced_profile
    provider_client.get("/series/1/details", headers=HX)  # stores the episodes
    history.record(conn, profile.id, "episode", "1", 95, 100)
    history.record(conn, profile.id, "episode", "2", 600, 1800)
    page = provider_client.get("/series/1/details?season=1", headers=HX).text
    watched = re.findall(r'<li class="episode is-watched">', page)
    assert len(watched) == 1
    assert "stopped at 10:00" in page and 'href="/watch/episode/2"' in page  # resumes where History says then
