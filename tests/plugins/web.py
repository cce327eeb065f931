"""Fixtures of the web app: the real app served by uvicorn on a free port, and headless Chromium.

- ``start_app`` (function): a factory ``start_app(settings, demo=None, require_login=None)`` →
  :class:`LiveApp`; every app it starts is stopped after the test.
- ``live_app`` (session): the app in its own home with the "Demo" profile on the session's
  ``demo_provider``, already synced. Shared: tests must not delete or rename that profile.
- ``fresh_app`` (function): the app in a new, empty home (first run), with the demo provider
  attached (so the welcome page offers the one-click demo profile).
- ``browser`` (module) / ``browser_page`` (function): Playwright's sync API on the Debian
  ``/usr/bin/chromium``, headless; a fresh context (no cookies) per test. While a module using
  them runs, the main thread has Playwright's event loop: use ``run_async(coro)`` there. When a test fails its
  page is saved under ``test-artifacts/failures/``.
- ``save_screenshot(page, name)``: keeps a screenshot under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@dataclass
class LiveApp:
    """A running app: ``url`` (no trailing slash), its ``settings``, the ``demo`` provider if any."""

    url: str
    settings: Any
    demo: Any | None
    app: Any
    _server: Any = field(repr=False, default=None)
    _thread: threading.Thread | None = field(repr=False, default=None)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
            assert not self._thread.is_alive(), "the app did not stop within 10 s"

    def connect(self):
        """A connection to the app's library (close it)."""
        from xtplay import db

        return db.connect(self.settings.db_path)


def serve_app(settings: Any, demo: Any | None = None, require_login: bool | None = None,
              schedulers: bool = False) -> LiveApp:
    """Start ``create_app(settings)`` with uvicorn in a thread on a free loopback port."""
    import uvicorn

    from xtplay.web.app import create_app

    app = create_app(settings, demo=demo, require_login=require_login, schedulers=schedulers)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=2, loop="asyncio")
    server = uvicorn.Server(config)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported by the waiting thread below
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"xtplay-app-{port}", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"the app failed to start: {failure[0] if failure else 'see the log'}")
        thread.join(0.01)
    return LiveApp(f"http://127.0.0.1:{port}", settings, demo, app, server, thread)


def run_async(coro: Any) -> Any:
    """Run a coroutine to completion in a thread of its own (Playwright's sync API keeps an
    event loop running in the main thread, where ``asyncio.run`` is refused)."""
    result: list[Any] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coro))
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def refresh_live_guide(live_app: Any) -> None:
    """Load the demo's guide into the live app's active profile, as "Refresh guide now" does."""
    from xtplay import guide
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault

    conn = live_app.connect()
    try:
        profile = profiles.active_profile(conn)
        result = run_async(guide.refresh_guide(live_app.settings, conn, Vault.open(live_app.settings), profile))
        assert not result.errors, result.errors
    finally:
        conn.close()


def add_demo_profile(settings: Any, demo: Any, *, sync: bool = True) -> Any:
    """Add the "Demo" profile on ``demo`` to the home of ``settings`` (and sync it)."""
    from xtplay import db
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault

    conn = db.open_library(settings.db_path)
    try:
        vault = Vault.open(settings)
        profile = run_async(profiles.add_profile(conn, vault, settings, name="Demo", url=demo.url,
                                                   username=demo.username, password=demo.password))
        profiles.use_profile(conn, profile.id)
        if sync:
            from xtplay.library import sync as sync_module

            result = run_async(sync_module.sync_profile(settings, conn, vault, profile))
            assert result.status == "ok", result
        return profile
    finally:
        conn.close()


@pytest.fixture
def start_app() -> Iterator[Any]:
    """Factory for apps stopped at the end of the test."""
    started: list[LiveApp] = []

    def start(settings: Any, demo: Any | None = None, require_login: bool | None = None,
              schedulers: bool = False) -> LiveApp:
        app = serve_app(settings, demo, require_login, schedulers)
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()


@pytest.fixture(scope="session")
def live_app(demo_provider: Any, tmp_path_factory: pytest.TempPathFactory,
             _vault_uses_key_file: None) -> Iterator[LiveApp]:
    """The app with a synced "Demo" profile (session-wide; do not delete the profile)."""
    from xtplay.config import load_settings

    settings = load_settings(tmp_path_factory.mktemp("live-app-home"))
    add_demo_profile(settings, demo_provider)
    app = serve_app(settings, demo_provider)
    yield app
    app.stop()


@pytest.fixture
def fresh_app(settings: Any, demo: Any, start_app: Any, _vault_uses_key_file: None) -> LiveApp:
    """The app on an empty home (first run), with the demo provider attached."""
    return start_app(settings, demo)


# --- Chromium --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright, one per test module.

    Not session-wide on purpose: while Playwright's sync API is started, the main thread has
    a running event loop, so ``asyncio.run`` (and pytest-asyncio) fail there. Stopping it at
    the end of each browser module keeps every other module unaffected; inside a browser
    module, run coroutines with :func:`run_async`."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install the Debian package chromium"
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        pw.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"_web_report_{report.when}", report)


@contextlib.contextmanager
def open_page(browser: Any, request: pytest.FixtureRequest, **context_options: Any) -> Iterator[Any]:
    """A page in a fresh browser context made with ``context_options`` (viewport, touch …); it
    collects the page's script errors in ``page.js_errors`` and keeps a screenshot and the HTML
    when the test fails."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        report = getattr(request.node, "_web_report_call", None)
        if report is not None and report.failed:
            target = ARTIFACTS / "failures"
            target.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
            try:
                page.screenshot(path=str(target / f"{name}.png"), full_page=True)
                (target / f"{name}.html").write_text(page.content(), encoding="utf-8")
            except Exception:
                pass
        context.close()


@pytest.fixture
def browser_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a fresh browser context the size of a laptop screen."""
    with open_page(browser, request, viewport={"width": 1280, "height": 800}) as page:
        yield page


def save_screenshot(page: Any, name: str) -> Path:
    """Keep a screenshot of the page as ``test-artifacts/screenshots/<name>.png``."""
    target = ARTIFACTS / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


@pytest.fixture
def screenshot() -> Any:
    """``screenshot(page, name)``: see :func:`save_screenshot`."""
    return save_screenshot


# --- TestClient helpers ------------------------------------------------------------------------

_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_of(html: str) -> str:
    """The CSRF token a full page carries in its <meta>."""
    match = _CSRF_META.search(html)
    assert match, "the page has no csrf-token meta"
    return match.group(1)


@pytest.fixture
def web_client(settings: Any, demo: Any, _vault_uses_key_file: None) -> Iterator[Any]:
    """A TestClient (cookies kept, lifespan run) on the real app of a fresh home, demo attached.

    ``client.csrf`` holds a valid CSRF token for its session."""
    from fastapi.testclient import TestClient

    from xtplay.web.app import create_app

    app = create_app(settings, demo=demo)
    with TestClient(app, follow_redirects=False) as client:
        client.csrf = csrf_of(client.get("/no-such-page").text)  # any full page carries it
        yield client
