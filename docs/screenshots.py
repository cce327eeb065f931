"""Screenshots of every page at TV/desktop size (1920×1080) and phone size (390×844).

Starts the bundled demo provider and the app in a temporary home, syncs the demo profile and
its guide, and drives the same Chromium the tests use; the pictures land in
``docs/screenshots/`` (the README links some of them). Run from the repository:
``python docs/screenshots.py`` (needs the ``[test]`` extra for Playwright, and ffmpeg).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
SIZES = {"tv": (1920, 1080), "phone": (390, 844)}
#: (name, path, what to wait for) of each page shot.
PAGES = [
    ("live", "/live", ".channel-row"),
    ("movies", "/movies", ".poster-card"),
    ("movie", "/movies/1", "#movie-details [aria-busy=false]"),
    ("series", "/series/1", ".episode-list"),
    ("guide", "/guide", ".guide-prog.is-now"),
    ("channel-guide", "/guide/channel/1", ".programme-list"),
    ("search", "/search?q=demo", ".search-group"),
    ("favorites", "/favorites", "h1"),
    ("history", "/history", "h1"),
    ("settings", "/settings", "h1"),
    ("profiles", "/profiles", ".profile-card"),
    ("player", "/watch/live/1", "#player"),
]


def _home() -> tuple[object, object, object]:
    """A temporary home with the demo profile synced and its guide loaded, the app serving it."""
    os.environ.setdefault("XTPLAY_KEYRING", "file")
    from tests.plugins.web import add_demo_profile, serve_app

    from xtplay import db, guide
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault
    from xtplay.config import load_settings
    from xtplay.demo import DemoProvider

    media = Path(tempfile.gettempdir()) / "xtplay-demo-media"
    media.mkdir(exist_ok=True)
    provider = DemoProvider(live=60, vod=200, series=30, seed=1, media_dir=media)
    provider.__enter__()
    settings = load_settings(Path(tempfile.mkdtemp(prefix="xtplay-shots-")))
    add_demo_profile(settings, provider)
    conn = db.connect(settings.db_path)
    try:
        profile = profiles.active_profile(conn)
        asyncio.run(guide.refresh_guide(settings, conn, Vault.open(settings), profile))
    finally:
        conn.close()
    return provider, serve_app(settings, provider), settings


def main() -> None:
    """Shoot every page at both sizes."""
    from playwright.sync_api import sync_playwright

    from xtplay.demo.media import ensure_media

    ensure_media(Path(tempfile.gettempdir()) / "xtplay-demo-media")
    result: list[tuple[object, object, object]] = []
    worker = threading.Thread(target=lambda: result.append(_home()))  # asyncio outside Playwright's loop
    worker.start()
    worker.join()
    provider, app, _settings = result[0]
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            for size, (width, height) in SIZES.items():
                context = browser.new_context(viewport={"width": width, "height": height},
                                              is_mobile=size == "phone", has_touch=size == "phone")
                page = context.new_page()
                for name, path, ready in PAGES:
                    page.goto(app.url + path)  # type: ignore[attr-defined]
                    page.wait_for_selector(ready, timeout=20_000)
                    page.wait_for_timeout(700)  # now/next, posters and the guide's scroll settle
                    page.screenshot(path=str(OUT / f"{name}-{size}.png"))
                    print(f"docs/screenshots/{name}-{size}.png")
                context.close()
            browser.close()
    finally:
        app.stop()  # type: ignore[attr-defined]
        provider.__exit__(None, None, None)  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
