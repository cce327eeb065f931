"""Access password, signed sessions, CSRF and login throttling, on the real app."""

from __future__ import annotations

import dataclasses
import time

import pytest
from fastapi.testclient import TestClient

from tests.plugins.web import csrf_of
from xtplay import db
from xtplay.web import auth
from xtplay.web.app import create_app

PASSWORD = "Corr3ct-Horse-Battery"


# --- the pieces -------------------------------------------------------------------------


def test_password_hash_is_scrypt_salted_and_verifies():
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first.startswith("scrypt$") and first != second and PASSWORD not in first
    assert auth.verify_password(PASSWORD, first) and auth.verify_password(PASSWORD, second)
    assert not auth.verify_password("corr3ct-horse-battery", first)
    assert not auth.verify_password(PASSWORD, "garbage") and not auth.verify_password(PASSWORD, "md5$x$y$z$a$b")


def test_session_cookie_is_signed_and_expires():
    key, other = b"k" * 32, b"o" * 32
    session = auth.Session(authenticated=True)
    value = auth.encode_session(key, session)
    assert auth.decode_session(key, value) == session
    assert auth.decode_session(other, value) is None
    body, sig = value.rsplit(".", 1)
    forged = auth.encode_session(key, auth.Session(sid=session.sid, authenticated=False)).rsplit(".", 1)[0]
    assert auth.decode_session(key, f"{forged}.{sig}") is None
    old = auth.Session(authenticated=True, issued=int(time.time()) - auth.SESSION_MAX_AGE - 5)
    assert auth.decode_session(key, auth.encode_session(key, old)) is None
    for junk in (None, "", "abc", "a.b.c", "%%%.sig"):
        assert auth.decode_session(key, junk) is None


def test_csrf_token_is_bound_to_the_session():
    key = b"k" * 32
    a, b = auth.Session(), auth.Session()
    assert auth.csrf_valid(key, a, auth.csrf_token(key, a))
    assert not auth.csrf_valid(key, b, auth.csrf_token(key, a))
    assert not auth.csrf_valid(key, a, None) and not auth.csrf_valid(key, None, auth.csrf_token(key, a))


def test_throttle_allows_a_few_failures_then_waits_longer_each_time():
    throttle = auth.LoginThrottle(free_attempts=3, base_delay=10)
    for _ in range(3):
        assert throttle.retry_after("1.2.3.4") == 0
        throttle.failed("1.2.3.4")
    first = throttle.retry_after("1.2.3.4")
    assert 0 < first <= 10
    throttle.failed("1.2.3.4")
    assert throttle.retry_after("1.2.3.4") > first
    assert throttle.retry_after("5.6.7.8") == 0
    throttle.succeeded("1.2.3.4")
    assert throttle.retry_after("1.2.3.4") == 0


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("192.168.1.10", False), ("::", False), ("example.com", False), ("", False)])
def test_loopback_addresses(host, loopback):
    assert auth.is_loopback(host) is loopback


def test_access_password_stored_hashed_in_app_state(library):
    assert auth.access_password_hash(library) is None
    auth.set_access_password(library, PASSWORD)
    stored = auth.access_password_hash(library)
    assert stored and PASSWORD not in stored and auth.verify_password(PASSWORD, stored)
    with pytest.raises(Exception, match="at least 8"):
        auth.set_access_password(library, "short")
    assert auth.clear_access_password(library) is True
    assert auth.access_password_hash(library) is None


# --- the app off loopback: login required --------------------------------------------------


@pytest.fixture
def lan_client(settings, _vault_uses_key_file):
    """The app as ``serve --host 0.0.0.0`` builds it, with an access password set."""
    conn = db.open_library(settings.db_path)
    auth.set_access_password(conn, PASSWORD)
    conn.close()
    app = create_app(dataclasses.replace(settings, host="0.0.0.0"))
    assert app.state.require_login
    with TestClient(app, follow_redirects=False) as client:
        yield client


def _login(client, password, token=None):
    page = client.get("/login?next=/profiles")
    return client.post("/login", data={"password": password, "next": "/profiles",
                                       "csrf_token": token if token is not None else csrf_of(page.text)})


def test_every_page_and_api_needs_login(lan_client):
    page = lan_client.get("/settings?x=1")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fsettings%3Fx%3D1"
    api = lan_client.get("/api/favorites")
    assert api.status_code == 401 and api.json()["error"] == "Login required"
    htmx = lan_client.get("/sync/status", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["hx-redirect"].startswith("/login")
    assert lan_client.get("/login").status_code == 200
    assert lan_client.get("/static/css/app.css").status_code == 200


def test_login_sets_a_hardened_session_cookie_and_logout_ends_it(lan_client):
    before = lan_client.cookies.get(auth.COOKIE_NAME)
    done = _login(lan_client, PASSWORD)
    assert done.status_code == 303 and done.headers["location"] == "/profiles"
    cookie = done.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert lan_client.cookies.get(auth.COOKIE_NAME) != before  # a new session id on login
    assert lan_client.get("/welcome").status_code == 200
    token = csrf_of(lan_client.get("/welcome").text)
    out = lan_client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert lan_client.get("/welcome").status_code == 303


def test_wrong_password_then_throttled_even_for_the_right_one(lan_client):
    for _ in range(5):
        wrong = _login(lan_client, "not-the-password")
        assert wrong.status_code == 401 and "Wrong password." in wrong.text
    blocked = _login(lan_client, PASSWORD)
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert "Too many failed attempts" in blocked.text
    assert lan_client.get("/welcome").status_code == 303  # still logged out
    assert PASSWORD not in blocked.text


def test_login_form_needs_its_csrf_token(lan_client):
    refused = _login(lan_client, PASSWORD, token="forged")
    assert refused.status_code == 403
    assert lan_client.get("/welcome").status_code == 303


def test_a_forged_cookie_is_not_a_login(lan_client, settings):
    forged = auth.encode_session(b"x" * 32, auth.Session(authenticated=True))
    lan_client.cookies.set(auth.COOKIE_NAME, forged)
    assert lan_client.get("/welcome").status_code == 303


def test_next_never_leaves_the_site(lan_client):
    page = lan_client.get("/login")
    done = lan_client.post("/login", data={"password": PASSWORD, "next": "//evil.example/x", "csrf_token": csrf_of(page.text)})
    assert done.status_code == 303 and done.headers["location"] == "/"


# --- CSRF on loopback (no login, still protected) --------------------------------------------


def test_form_posts_without_the_token_are_refused(web_client):
    refused = web_client.post("/profiles/switch", data={"profile_id": "1"})
    assert refused.status_code == 403 and "did not come from xtplay" in refused.text
    wrong = web_client.post("/profiles/switch", data={"profile_id": "1", "csrf_token": "nope"})
    assert wrong.status_code == 403
    other_session = TestClient(web_client.app, follow_redirects=False)
    other_session.get("/welcome")
    stolen = other_session.post("/profiles/switch", data={"profile_id": "1", "csrf_token": web_client.csrf})
    assert stolen.status_code == 403


def test_htmx_header_token_is_accepted(web_client):
    ok = web_client.post("/profiles/test", data={"url": "", "username": "", "password": ""},
                         headers={"X-CSRF-Token": web_client.csrf, "HX-Request": "true"})
    assert ok.status_code == 200 and "server URL is required" in ok.text
    bad = web_client.post("/profiles/test", data={"url": ""}, headers={"X-CSRF-Token": "x", "HX-Request": "true"})
    assert bad.status_code == 403 and bad.headers["hx-refresh"] == "true"  # reload: the page gets a fresh token


def test_cross_site_json_is_refused_same_site_json_passes(web_client):
    cross = web_client.post("/api/favorites", json={"type": "live", "provider_id": "1"},
                            headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
    fetch_site = web_client.delete("/api/history", headers={"Sec-Fetch-Site": "cross-site"})
    assert fetch_site.status_code == 403
    same = web_client.post("/api/favorites", json={"type": "live", "provider_id": "1"},
                           headers={"Origin": "http://testserver"})
    assert same.status_code == 409 and same.json()["error"] == "No profile"  # past CSRF, into the route


def test_external_player_token_opens_only_its_own_play_url(lan_client, settings):
    from xtplay.playback import external
    from xtplay.playback.resolve import Target

    conn = db.connect(settings.db_path)
    try:
        token = external.item_token(conn, Target(1, "movie", "7"))
    finally:
        conn.close()
    with_token = lan_client.get(f"/play/1/movie/7/file?k={token}")
    assert with_token.status_code != 401  # past the guard (the route itself decides what exists)
    assert lan_client.get("/play/1/movie/7/file?k=forged").status_code == 401
    assert lan_client.get(f"/play/1/movie/8/file?k={token}").status_code == 401
    assert lan_client.get(f"/settings?k={token}").status_code == 303
