"""Fixtures that run the app against every personality of the demo provider.

- ``personality_app`` (session, parametrised over :data:`PERSONALITIES`): a small demo provider
  with that personality, and the app with a synced "Demo" profile on it. One of each per
  personality for the whole session (pytest groups the tests by personality), so the
  integration and browser modules share them. ``personality_app.demo.personality`` says which.
- ``personality_profile_id``: the "Demo" profile's id in that app.
- ``personality_guide``: that app's programme guide, loaded (for catch-up).

The personalities run with shorter times than their defaults so that tests see a token expire
and a capped connection end within seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from xtplay.demo import DemoProvider
from xtplay.demo.personalities import get as personality

#: Every personality but the standard one (the rest of the suite covers that), test-sized.
PERSONALITIES = {
    "mislabelled": personality("mislabelled"),
    "tokenised": personality("tokenised", token_seconds=5.0),
    "no-range": personality("no-range"),
    "sloppy": personality("sloppy"),
    "capped": personality("capped", live_cap_seconds=3.0),
}


@pytest.fixture(scope="session", params=list(PERSONALITIES))
def personality_app(request: pytest.FixtureRequest, demo_media_dir, tmp_path_factory: pytest.TempPathFactory,
                    _vault_uses_key_file: None) -> Iterator[Any]:
    """The app with a synced "Demo" profile on a demo provider of one personality."""
    from tests.plugins.web import add_demo_profile, serve_app
    from xtplay.config import load_settings

    with DemoProvider(live=8, vod=8, series=3, seed=1, media_dir=demo_media_dir,
                      personality=PERSONALITIES[request.param]) as provider:
        settings = load_settings(tmp_path_factory.mktemp(f"app-{request.param}"))
        add_demo_profile(settings, provider)
        app = serve_app(settings, provider)
        try:
            yield app
        finally:
            app.stop()


@pytest.fixture
def personality_profile_id(personality_app) -> int:
    from xtplay.accounts import profiles

    conn = personality_app.connect()
    try:
        return profiles.get_profile(conn, "Demo").id
    finally:
        conn.close()


@pytest.fixture
def personality_guide(personality_app, personality_profile_id, in_thread) -> None:
    """The programme guide of the personality's app (loaded once per app)."""
    from xtplay import guide
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault

    app = personality_app
    if getattr(app, "guide_loaded", False):
        return

    def load() -> Any:
        conn = app.connect()
        try:
            profile = profiles.get_profile(conn, personality_profile_id)
            return asyncio.run(guide.refresh_guide(app.settings, conn, Vault.open(app.settings), profile))
        finally:
            conn.close()

    result = in_thread(load)
    assert result.programmes > 0, result
    app.guide_loaded = True
