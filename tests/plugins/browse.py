"""Fixtures for the browse, search, library and guide pages.

``browse_library`` fills a real library through the real catalog store (``catalog_factory``)
with a known catalog — enough channels for several pages, movies with genres, years and
ratings, a hostile channel name — and makes its profile the active one. ``browse_client``
is a TestClient over the real app on that library, with a helper for CSRF-protected posts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

#: How many channels the "News" category gets: more than two pages of the live list.
NEWS_CHANNELS = 130
HOSTILE_NAME = "<img src=x onerror=alert(1)>"


@dataclass
class BrowseLibrary:
    settings: Any
    conn: Any
    vault: Any
    profile: Any


@pytest.fixture
def browse_library(catalog_profile, catalog_factory) -> BrowseLibrary:
    """A synced-like library with known contents, its profile active."""
    from xtplay.accounts import profiles

    settings, conn, vault, profile = catalog_profile
    f = catalog_factory
    f.category("live", "10", "News")
    f.category("live", "20", "Sport")
    f.add("live", "Alpha News", category_id="10", num=1, epg_channel_id="alpha.news")
    f.add("live", "Beta News", category_id="10", num=2)
    f.add("live", HOSTILE_NAME, category_id="20", num=3)
    f.add("live", "Sky Sports Premier League", category_id="20", num=4, tv_archive=1, tv_archive_duration=3)
    for n in range(5, NEWS_CHANNELS + 3):
        f.add("live", f"News Channel {n:03d}", category_id="10", num=n)
    f.category("movie", "1", "Drama")
    f.category("movie", "2", "Comedy")
    f.add("movie", "Café Crème", category_id="1", rating=7.5, year=2001, genre="Drama, Romance",
          plot="A café story.", added="1700000000")
    f.add("movie", "Zebra Days", category_id="1", rating=5.0, year=2010, genre="Drama", added="1700000100")
    f.add("movie", "Laugh Riot", category_id="2", rating=8.2, year=2010, genre="Comedy", added="1700000200")
    for n in range(60):
        f.add("movie", f"Filler Movie {n:02d}", category_id="2", rating=3.0, year=1990, genre="Comedy",
              added=str(1600000000 + n))
    f.category("series", "5", "Crime")
    f.add("series", "Night Detective", category_id="5", rating=8.0, year=2019, genre="Crime", plot="Rain.")
    f.add("series", "Day Detective", category_id="5", rating=6.0, year=2020, genre="Crime")
    f.save()
    profiles.use_profile(conn, profile.id)
    return BrowseLibrary(settings, conn, vault, profiles.get_profile(conn, profile.id))


class BrowseClient:
    """A TestClient with ``post_form`` that sends the page's CSRF token."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def csrf(self) -> str:
        page = self.client.get("/search")
        match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post_htmx(self, url: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.post(url, data=data or {}, headers={"X-CSRF-Token": self.csrf(), "HX-Request": "true"})

    def post_form(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.post(url, data={**(data or {}), "csrf_token": self.csrf()}, **kw)


@pytest.fixture
def browse_client(browse_library) -> Any:
    """The real app over ``browse_library``, driven in-process."""
    from fastapi.testclient import TestClient

    from xtplay.web.app import create_app

    with TestClient(create_app(browse_library.settings)) as client:
        yield BrowseClient(client)


@pytest.fixture
def provider_client(synced_profile) -> Any:
    """The real app over the demo profile after a real sync (details come from the demo provider)."""
    from fastapi.testclient import TestClient

    from xtplay.accounts import profiles
    from xtplay.web.app import create_app

    settings, conn, vault, profile = synced_profile
    profiles.use_profile(conn, profile.id)
    with TestClient(create_app(settings)) as client:
        yield BrowseClient(client)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Run the browser tests last.

    Playwright's sync API keeps an event loop running in the main thread for as long as the
    session-scoped browser lives, and pytest-asyncio cannot start its own loop there after
    that ("Runner.run() cannot be called from a running event loop"). Moving every test that
    uses the browser after all others (stable order otherwise) keeps both working.
    """
    def uses_browser(item: Any) -> bool:
        names = getattr(item, "fixturenames", ())
        return "browser_page" in names or "browser" in names

    items.sort(key=uses_browser)
