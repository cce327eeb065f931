"""The app shell: error pages, security headers, offline banner, schedulers and the serve command."""

from __future__ import annotations

import re
import socket

import httpx
from fastapi.testclient import TestClient

from tests.plugins.waiting import wait_until
from tests.plugins.web import add_demo_profile, csrf_of
from xtplay import db
from xtplay.accounts import profiles
from xtplay.cli import main
from xtplay.library import catalog
from xtplay.web import auth
from xtplay.web.app import create_app


def test_not_found_is_a_page_for_people_and_json_for_the_api(web_client):
    page = web_client.get("/no/such/page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is nothing at this address." in page.text and '<header class="site-header">' in page.text
    api = web_client.get("/api/nothing")
    assert api.status_code == 404 and api.json()["error"] == "Not found"


def test_security_headers_on_every_response(web_client):
    for path in ("/welcome", "/static/css/app.css", "/api/nothing"):
        headers = web_client.get(path).headers
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path


def test_vendored_htmx_carries_version_and_licence(web_client):
    js = web_client.get("/static/vendor/htmx-2.0.11.min.js")
    assert js.status_code == 200 and js.text.startswith("/*! htmx 2.0.11") and "0BSD" in js.text[:200]
    assert "Zero-Clause BSD" in web_client.get("/static/vendor/htmx-LICENSE").text
    page = web_client.get("/welcome").text
    assert '<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>' in page
    assert 'hx-headers=\'{"X-CSRF-Token": "' in page


def test_unexpected_errors_show_no_traceback_or_secret(settings, _vault_uses_key_file):
    app = create_app(settings)

    def boom() -> None:
        raise RuntimeError("internal detail http://host/live/user/s3cr3t-pass/1.ts")

    app.add_api_route("/boom", boom)
    app.add_api_route("/api/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/boom")
        assert page.status_code == 500 and "unexpected problem" in page.text
        for text in (page.text, client.get("/api/boom").text):
            assert "Traceback" not in text and "RuntimeError" not in text and "s3cr3t-pass" not in text
        assert client.get("/api/boom").json()["retryable"] is True


def test_htmx_errors_come_back_as_a_swappable_panel_with_retry(settings, _vault_uses_key_file):
    from xtplay.errors import ProviderTimeout

    app = create_app(settings)

    def slow() -> None:
        raise ProviderTimeout("tv.example.com", 30)

    app.add_api_route("/slow", slow)
    with TestClient(app) as client:
        r = client.get("/slow?page=2", headers={"HX-Request": "true"})
        assert r.status_code == 200 and r.headers["x-xtplay-error"] == "504"
        assert 'class="error-panel"' in r.text and 'hx-get="/slow?page=2"' in r.text and ">Retry<" in r.text
        full = client.get("/slow")
        assert full.status_code == 504 and "did not answer after 30 s" in full.text and 'href="/slow"' in full.text


def test_a_failing_provider_shows_the_offline_banner_with_the_data_age(web_client, demo):
    page = web_client.get("/welcome")
    r = web_client.post("/profiles", data={"csrf_token": csrf_of(page.text), "name": "Demo", "url": demo.url,
                                          "username": demo.username, "password": demo.password})
    assert r.status_code == 303
    with db.connect(web_client.app.state.settings.db_path) as conn:
        (profile,) = profiles.list_profiles(conn)
    _wait_idle(web_client, profile.id)
    assert re.search(r'id="offline-banner"[^>]*\shidden>', web_client.get("/settings").text)  # there, hidden
    demo.set_fault("http403")  # the provider now refuses every call (no retries: fails fast)
    started = web_client.post("/sync/now", headers={"X-CSRF-Token": web_client.csrf, "HX-Request": "true"})
    assert started.status_code == 200
    _wait_idle(web_client, profile.id)
    page = web_client.get("/settings")
    assert 'id="offline-banner"' in page.text and "Showing data from" in page.text
    assert not re.search(r'id="offline-banner"[^>]*\shidden>', page.text)  # shown (no check yet: the sync failed)
    assert "HTTP 403" in page.text and "Traceback" not in page.text
    assert "<dt>Live channels</dt><dd>60</dd>" in page.text  # the previous catalog is still there
    demo.clear_faults()


def _wait_idle(client, profile_id, timeout=60):
    def idle() -> bool:
        r = client.get(f"/profiles/{profile_id}/ready", headers={"HX-Request": "true"})
        return r.status_code == 204 or "The first sync failed" in r.text

    wait_until(idle, timeout, "the sync to finish", every=0.2)


def test_served_app_starts_the_first_sync_of_an_empty_library(settings, demo, start_app, _vault_uses_key_file):
    profile = add_demo_profile(settings, demo, sync=False)
    live = start_app(settings, demo, schedulers=True)
    with live.connect() as conn:
        wait_until(lambda: not catalog.is_empty(conn, profile.id) and catalog.counts(conn, profile.id)["series"] != 0,
                   60, "the scheduler to sync the new profile", every=0.2)
    home = httpx.get(live.url + "/", follow_redirects=False)
    assert home.status_code == 200 and "Recently added" in home.text  # the home screen, synced


def test_live_app_fixture_serves_the_synced_demo_profile(live_app):
    r = httpx.get(live_app.url + "/settings")
    assert r.status_code == 200 and "Settings for “Demo”" in r.text
    assert "<dt>Live channels</dt><dd>60</dd>" in r.text


# --- the serve command -------------------------------------------------------------------------


def test_serve_refuses_a_network_address_without_an_access_password(home, capsys):
    assert main(["--home", str(home), "serve", "--host", "0.0.0.0", "--port", "1", "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert "Refusing to listen on 0.0.0.0" in err and "xtplay access-password" in err


def test_access_password_from_stdin_is_stored_hashed(home, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("Long-enough-pass\n"))
    assert main(["--home", str(home), "access-password", "set", "--stdin"]) == 0
    conn = db.open_library(home / "xtplay.db")
    try:
        stored = auth.access_password_hash(conn)
    finally:
        conn.close()
    assert stored and auth.verify_password("Long-enough-pass", stored) and "Long-enough-pass" not in stored
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--home", str(home), "access-password", "--stdin"]) == 1
    assert "at least 8" in capsys.readouterr().err
    assert main(["--home", str(home), "access-password", "clear"]) == 0


def test_serve_reports_a_busy_port_in_one_line(home, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["--home", str(home), "serve", "--port", str(port), "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert f"Cannot listen on 127.0.0.1:{port}" in err and "--port" in err
    assert "Traceback" not in err
