"""Hostile provider strings are inert on every page, in the real Chromium.

A provider in front of the demo one rewrites what it answers: every channel, movie, series,
category and programme name, every plot and description carries markup that would run script
(``<img onerror>``, ``<script>``, an ``<svg onload>`` breaking out of an attribute), and every
logo, poster and backdrop URL is a ``javascript:`` URL or one that tries to close its
attribute. The profile syncs through the ordinary path; then each page is opened and walked
with the keyboard, and no dialog may fire. The same strings must show as text."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.plugins.web import add_demo_profile, run_async
from xtplay.demo import DemoProvider

pytestmark = pytest.mark.e2e

MARKUP = ["<img src=x onerror=alert('img')>", "<script>alert('script')</script>",
          "\"><svg onload=alert('svg')>", "'><iframe src=javascript:alert('frame')></iframe>"]
URLS = ["javascript:alert('logo')", "x\" onerror=\"alert('attr')", "data:text/html,<script>alert('data')</script>"]
TEXT_KEYS = {"name", "title", "plot", "description", "category_name", "genre", "cast", "director", "o_name"}
URL_KEYS = {"stream_icon", "cover", "movie_image", "cover_big", "backdrop_path"}


def _poison(value: Any, counter: list[int]) -> Any:
    """``value`` with every text and image field hostile (cycling through the payloads)."""
    if isinstance(value, list):
        return [_poison(v, counter) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        counter[0] += 1
        if key in TEXT_KEYS and isinstance(item, str) and item:
            listing = "start_timestamp" in value  # short EPG: base64 text
            text = f"{MARKUP[counter[0] % len(MARKUP)]} {item if not listing else ''}".strip()
            out[key] = base64.b64encode(text.encode()).decode() if listing else text
        elif key in URL_KEYS and item:
            chosen = URLS[counter[0] % len(URLS)]
            out[key] = [chosen] if isinstance(item, list) else chosen
        else:
            out[key] = _poison(item, counter)
    return out


def _poison_xmltv(text: str) -> str:
    hostile = "&lt;img src=x onerror=alert('xmltv')&gt; &lt;script&gt;alert('xmltv2')&lt;/script&gt; "
    return re.sub(r"(<(?:title|desc|display-name)[^>]*>)", lambda m: m.group(1) + hostile, text)


class HostileProvider:
    """Forwards to ``upstream`` and rewrites its catalog answers (media passes unchanged)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        client = httpx.Client(timeout=30)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("range", "user-agent")}
                with client.stream("GET", outer.upstream + self.path, headers=headers) as answer:
                    if path.endswith(("player_api.php", "xmltv.php")):
                        body = answer.read()
                        if path.endswith("xmltv.php"):
                            body = _poison_xmltv(body.decode("utf-8", "replace")).encode()
                        else:
                            try:
                                body = json.dumps(_poison(json.loads(body), [0])).encode()
                            except ValueError:
                                pass
                        self.send_response(answer.status_code)
                        self.send_header("content-type", answer.headers.get("content-type", "application/json"))
                        self.send_header("content-length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                        return
                    self.send_response(answer.status_code)
                    for key in ("content-type", "content-length", "content-range", "accept-ranges", "location"):
                        if key in answer.headers:
                            self.send_header(key, answer.headers[key])
                    self.end_headers()
                    try:
                        for chunk in answer.iter_raw():
                            self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError, httpx.HTTPError):
                        return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def hostile_app(demo_media_dir: Path, tmp_path_factory: pytest.TempPathFactory, _vault_uses_key_file: None
                ) -> Iterator[Any]:
    from tests.plugins.web import serve_app
    from xtplay import db, guide
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault
    from xtplay.config import load_settings

    with DemoProvider(live=12, vod=10, series=3, seed=9, media_dir=demo_media_dir) as demo:
        hostile = HostileProvider(demo.url)

        class Front:
            url, username, password = hostile.url, demo.username, demo.password

        settings = load_settings(tmp_path_factory.mktemp("hostile-home"))
        profile = add_demo_profile(settings, Front)
        conn = db.open_library(settings.db_path)
        try:
            run_async(guide.refresh_guide(settings, conn, Vault.open(settings), profiles.get_profile(conn, profile.id)))
        finally:
            conn.close()
        app = serve_app(settings)
        try:
            yield app, profile.id
        finally:
            app.stop()
            hostile.close()


def _ids(app: Any, pid: int) -> dict[str, str]:
    conn = app.connect()
    try:
        return {t: conn.execute("SELECT provider_id FROM items WHERE profile_id = ? AND type = ? ORDER BY provider_id "
                                "LIMIT 1", (pid, t)).fetchone()[0] for t in ("live", "movie", "series")}
    finally:
        conn.close()


def _settled(page) -> None:
    """Wait for the page's fragments to load: the network goes quiet, except on a player
    page whose stream never does (there, its first seconds)."""
    try:
        page.wait_for_load_state("networkidle", timeout=5_000)
    except PlaywrightTimeout:
        pass


def test_no_hostile_string_runs_on_any_page(hostile_app, browser_page):
    app, pid = hostile_app
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    page.evaluate("alert('sentinel')")  # the listener sees a dialog when one fires
    assert dialogs == ["about:blank: sentinel"]
    dialogs.clear()
    ids = _ids(app, pid)
    stored = app.connect()
    try:
        names = [r[0] for r in stored.execute("SELECT name FROM items WHERE profile_id = ?", (pid,))]
    finally:
        stored.close()
    assert names and all(any(m in n for m in MARKUP) for n in names), names[:3]

    with httpx.Client(base_url=app.url, timeout=30) as api:  # favorites and history to show
        api.get("/live")
        for kind in ("live", "movie", "series"):
            api.post("/api/favorites", json={"type": kind, "provider_id": ids[kind]})
        api.post(f"/play/{pid}/movie/{ids['movie']}/progress", json={"position": 30, "duration": 600})
        cookies = dict(api.cookies)
    page.context.add_cookies([{"name": k, "value": v, "url": app.url} for k, v in cookies.items()])

    paths = ["/live", "/movies", "/series", f"/movies/{ids['movie']}", f"/series/{ids['series']}", "/search?q=img",
             "/search?q=script", "/guide", f"/guide/channel/{ids['live']}", "/favorites", "/history", "/continue",
             "/settings", "/profiles", f"/watch/live/{ids['live']}", f"/watch/movie/{ids['movie']}"]
    shown = ""
    for path in paths:
        page.goto(app.url + path)
        _settled(page)
        for key in ("Tab", "ArrowDown", "ArrowDown", "ArrowRight", "Tab"):
            page.keyboard.press(key)
        page.wait_for_timeout(150)  # let a handler that would fire do so
        shown += page.inner_text("body")
    assert dialogs == []
    assert "<script>alert('script')</script>" in shown  # the strings are there, as text
    assert "<img src=x onerror=alert('img')>" in shown
