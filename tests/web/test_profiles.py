"""Profile and settings pages on the real app, real library and the demo provider (TestClient)."""

from __future__ import annotations

import re

from tests.plugins.waiting import wait_until
from tests.plugins.web import csrf_of
from xtplay import db
from xtplay.accounts import profiles


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": client.csrf, **data})


def _add(client, demo, name="Demo", password=None, **extra):
    return _post(client, "/profiles", name=name, url=demo.url, username=demo.username,
                 password=password or demo.password, **extra)


def _wait_ready(client, profile_id, timeout=60):
    """Poll the loading page's endpoint like the browser does, until it redirects."""
    def ready():
        r = client.get(f"/profiles/{profile_id}/ready", headers={"HX-Request": "true"})
        if r.status_code == 204:
            return r
        assert "failed" not in r.text, r.text
        return None

    return wait_until(ready, timeout, "the first sync to finish", every=0.2)


def _library(client):
    return db.connect(client.app.state.settings.db_path)


def test_first_run_shows_the_welcome_with_form_and_demo_button(web_client):
    home = web_client.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/welcome"
    page = web_client.get("/welcome")
    assert page.status_code == 200
    assert "Server URL" in page.text and "Username" in page.text and 'name="password"' in page.text
    assert "Use the demo profile" in page.text
    assert web_client.get("/settings").headers["location"] == "/welcome"


def test_welcome_without_demo_has_no_demo_button(settings, _vault_uses_key_file):
    from fastapi.testclient import TestClient

    from xtplay.web.app import create_app

    with TestClient(create_app(settings)) as client:
        page = client.get("/welcome")
        assert page.status_code == 200 and "Use the demo profile" not in page.text
        assert client.post("/welcome/demo", data={"csrf_token": csrf_of(page.text)},
                           follow_redirects=False).headers["location"] == "/welcome"


def test_add_shows_inline_errors_and_saves_nothing(web_client, demo):
    empty = _post(web_client, "/profiles", name="", url="", username="", password="")
    assert empty.status_code == 422
    assert 'id="err-name"' in empty.text and "profile name is required" in empty.text
    bad_url = _post(web_client, "/profiles", name="X", url="ftp://x", username="u", password="p")
    assert bad_url.status_code == 422 and 'id="err-url"' in bad_url.text and 'value="ftp://x"' in bad_url.text
    wrong = _add(web_client, demo, password="not-the-password")
    assert wrong.status_code == 400 and "Wrong username or password" in wrong.text
    assert "not-the-password" not in wrong.text  # the password is never echoed back
    demo.set_fault("expired")
    expired = _add(web_client, demo)
    assert expired.status_code == 400 and "expired" in expired.text.lower()
    demo.clear_faults()
    with _library(web_client) as conn:
        assert profiles.list_profiles(conn) == []


def test_add_then_loading_then_list_with_account_facts(web_client, demo):
    added = _add(web_client, demo, origin="welcome")
    assert added.status_code == 303
    with _library(web_client) as conn:
        (profile,) = profiles.list_profiles(conn)
    assert added.headers["location"] in (f"/profiles/{profile.id}/loading", "/")
    loading = web_client.get(f"/profiles/{profile.id}/loading")
    assert loading.status_code in (200, 303)
    _wait_ready(web_client, profile.id)
    listing = web_client.get("/profiles")
    assert listing.status_code == 200
    assert "Demo" in listing.text and 'badge-ok">active</span>' in listing.text
    assert "0 of 4 in use" in listing.text
    exp = profile.account and profile.account.get("exp_date")
    assert f"<dt>Expires</dt><dd>{exp[:10] if exp else 'never'}</dd>" in listing.text
    assert "Last sync</dt><dd>ok" in listing.text
    assert demo.password not in listing.text
    header = web_client.get("/settings")
    assert 'id="profile-select"' in header.text and f'value="{profile.id}" selected' in header.text
    from xtplay.library import catalog

    with _library(web_client) as conn:
        assert catalog.counts(conn, profile.id)["live"] == 60


def test_test_connection_for_typed_and_saved_values(web_client, demo):
    ok = _post(web_client, "/profiles/test", url=demo.url, username=demo.username, password=demo.password)
    assert ok.status_code == 200 and "Connection works" in ok.text
    bad = _post(web_client, "/profiles/test", url=demo.url, username=demo.username, password="nope-nope")
    assert "Wrong username or password" in bad.text
    demo.set_fault("html")
    html = _post(web_client, "/profiles/test", url=demo.url, username=demo.username, password=demo.password)
    assert "instead of Xtream data" in html.text and "Traceback" not in html.text
    demo.clear_faults()
    _add(web_client, demo)
    with _library(web_client) as conn:
        (profile,) = profiles.list_profiles(conn)
    saved = _post(web_client, f"/profiles/{profile.id}/test")
    assert "Connection works" in saved.text
    _wait_ready(web_client, profile.id)


def test_edit_keeps_the_password_when_left_empty_and_verifies_changes(web_client, demo):
    _add(web_client, demo)
    with _library(web_client) as conn:
        (profile,) = profiles.list_profiles(conn)
    _wait_ready(web_client, profile.id)
    form = web_client.get(f"/profiles/{profile.id}/edit")
    assert form.status_code == 200 and f'value="{demo.url}"' in form.text
    assert 'name="password" type="password"' in form.text and demo.password not in form.text
    renamed = _post(web_client, f"/profiles/{profile.id}/edit", name="Renamed", url=demo.url, username=demo.username, password="")
    assert renamed.status_code == 303
    wrong = _post(web_client, f"/profiles/{profile.id}/edit", name="Renamed", url=demo.url, username="someone-else", password="")
    assert wrong.status_code == 400 and "Wrong username or password" in wrong.text
    with _library(web_client) as conn:
        now = profiles.get_profile(conn, profile.id)
    assert (now.name, now.username) == ("Renamed", demo.username)


def test_switch_profiles_from_the_header(web_client, demo):
    _add(web_client, demo, name="One")
    with _library(web_client) as conn:
        one = profiles.get_profile(conn, "One")
    _wait_ready(web_client, one.id)
    _add(web_client, demo, name="Two")
    with _library(web_client) as conn:
        two = profiles.get_profile(conn, "Two")
        assert profiles.active_profile(conn).id == two.id  # a new profile becomes the active one
    first_visit = web_client.get("/sync/status")
    assert first_visit.status_code == 200
    _wait_ready(web_client, two.id)
    back = _post(web_client, "/profiles/switch", profile_id=str(one.id))
    assert back.status_code == 303 and back.headers["location"] == "/"  # already synced: no loading
    with _library(web_client) as conn:
        assert profiles.active_profile(conn).id == one.id
    htmx = web_client.post("/profiles/switch", data={"profile_id": str(two.id)},
                           headers={"X-CSRF-Token": web_client.csrf, "HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["hx-redirect"] == "/"


def test_delete_needs_confirmation_and_removes_everything(web_client, demo):
    _add(web_client, demo)
    with _library(web_client) as conn:
        (profile,) = profiles.list_profiles(conn)
    _wait_ready(web_client, profile.id)
    ask = web_client.get(f"/profiles/{profile.id}/delete")
    assert ask.status_code == 200 and "60 channels" in ask.text and "Delete profile" in ask.text
    unconfirmed = _post(web_client, f"/profiles/{profile.id}/delete")
    assert unconfirmed.status_code == 303 and unconfirmed.headers["location"].endswith("/delete")
    with _library(web_client) as conn:
        assert len(profiles.list_profiles(conn)) == 1
    done = _post(web_client, f"/profiles/{profile.id}/delete", confirm="yes")
    assert done.status_code == 303 and done.headers["location"] == "/welcome"
    with _library(web_client) as conn:
        assert profiles.list_profiles(conn) == []
        assert conn.execute("SELECT count(*) FROM items WHERE profile_id = ?", (profile.id,)).fetchone()[0] == 0
    assert web_client.get(f"/profiles/{profile.id}/delete").status_code == 404


def test_one_click_demo_profile(web_client, demo):
    r = _post(web_client, "/welcome/demo")
    assert r.status_code == 303
    with _library(web_client) as conn:
        profile = profiles.get_profile(conn, "Demo")
    _wait_ready(web_client, profile.id)
    assert profile.url == demo.url
    again = _post(web_client, "/welcome/demo")  # idempotent: repoints, never duplicates
    assert again.status_code == 303
    with _library(web_client) as conn:
        assert [p.name for p in profiles.list_profiles(conn)] == ["Demo"]


def test_settings_save_validate_sync_now_and_clear_cache(web_client, demo):
    _add(web_client, demo)
    with _library(web_client) as conn:
        (profile,) = profiles.list_profiles(conn)
    _wait_ready(web_client, profile.id)
    page = web_client.get("/settings")
    assert page.status_code == 200 and "Every day" in page.text and 'id="cache-stats"' in page.text
    assert "<dt>Live channels</dt><dd>60</dd>" in page.text and "<dt>Movies</dt><dd>120</dd>" in page.text
    saved = _post(web_client, "/settings", sync_interval_hours="6", adult_enabled="1", timezone="Europe/Paris")
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?saved=1"
    with _library(web_client) as conn:
        p = profiles.get_profile(conn, profile.id)
    assert (p.sync_interval_hours, p.adult_enabled, p.timezone) == (6, True, "Europe/Paris")
    bad = _post(web_client, "/settings", sync_interval_hours="6", timezone="Mars/Olympus")
    assert bad.status_code == 422 and "is not a time zone" in bad.text
    manual = _post(web_client, "/settings", sync_interval_hours="0", timezone="")
    assert manual.status_code == 303
    with _library(web_client) as conn:
        p = profiles.get_profile(conn, profile.id)
    assert (p.sync_interval_hours, p.adult_enabled, p.timezone) == (0, False, None)

    started = web_client.post("/sync/now", data={}, headers={"X-CSRF-Token": web_client.csrf, "HX-Request": "true"})
    assert started.status_code == 200 and 'id="sync-status"' in started.text
    _wait_ready(web_client, profile.id)
    with _library(web_client) as conn:
        assert conn.execute("SELECT count(*) FROM sync_runs WHERE profile_id = ? AND status = 'ok'",
                            (profile.id,)).fetchone()[0] == 2
        conn.execute("INSERT INTO details (profile_id, type, provider_id, fetched_at, data) VALUES (?, 'movie', '1', 0, '{}')",
                     (profile.id,))
        conn.commit()
    assert "Clear the cache?" in web_client.get("/settings/clear-cache").text
    cleared = _post(web_client, "/settings/clear-cache", confirm="yes")
    assert cleared.headers["location"] == "/settings?cleared=1"
    with _library(web_client) as conn:
        assert conn.execute("SELECT count(*) FROM details WHERE profile_id = ?", (profile.id,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM items WHERE profile_id = ?", (profile.id,)).fetchone()[0] == 210


def test_provider_strings_and_profile_names_are_escaped(web_client, demo):
    evil = "<img src=x onerror=alert(1)>"
    _add(web_client, demo, name=evil)
    with _library(web_client) as conn:
        (profile,) = profiles.list_profiles(conn)
    _wait_ready(web_client, profile.id)
    for url in ("/profiles", "/settings", f"/profiles/{profile.id}/edit", f"/profiles/{profile.id}/delete"):
        page = web_client.get(url)
        assert evil not in page.text, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in page.text, url


def test_the_add_form_focuses_its_first_field_and_says_a_wrong_login_once(web_client, demo):
    form = web_client.get("/profiles/new").text
    assert re.search(r'id="f-name"[^>]*autofocus', form) and form.count("autofocus") == 1
    wrong = _add(web_client, demo, name="Living room", password="not-the-password")
    text = wrong.text
    assert text.count("Wrong username or password") == 1  # not "…: Wrong username or password."
    assert 'id="err-password"' in text and re.search(r'id="f-password"[^>]*autofocus', text)
    assert 'value="Living room"' in text and f'value="{demo.url}"' in text and f'value="{demo.username}"' in text
    assert "not-the-password" not in text
