"""``/api/profiles`` on a tiny FastAPI app with the real router, real SQLite and the demo provider."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.plugins.processes import free_port
from xtplay import db
from xtplay.web.profiles.api import router

PASSWORD = "Api-Pa55word-Qw7"


@pytest.fixture
def api(settings):
    """A client for an app that holds only the profiles router."""
    db.open_library(settings.db_path).close()
    app = FastAPI()
    app.state.settings = settings
    app.state.vault = None
    app.include_router(router)
    with TestClient(app) as client:
        yield client


def _body(**kw):
    return {"name": "Home", "url": "tv.example.com:8080/", "username": "alice", "password": PASSWORD, "verify": False} | kw


def test_create_list_show_edit_use_delete(api):
    created = api.post("/api/profiles", json=_body())
    assert created.status_code == 201, created.text
    home = created.json()
    assert (home["name"], home["url"], home["active"], home["has_password"]) == ("Home", "http://tv.example.com:8080", True, True)
    assert "password" not in home and PASSWORD not in created.text
    second = api.post("/api/profiles", json=_body(name="Cabin")).json()

    listing = api.get("/api/profiles").json()
    assert [p["name"] for p in listing["profiles"]] == ["Cabin", "Home"]
    assert listing["active_id"] == home["id"]

    assert api.get(f"/api/profiles/{second['id']}").json()["name"] == "Cabin"
    assert api.get("/api/profiles/cabin").json()["id"] == second["id"]

    edited = api.patch(f"/api/profiles/{second['id']}", json={"name": "Chalet", "sync_interval_hours": 6, "verify": False})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["name"], edited.json()["sync_interval_hours"]) == ("Chalet", 6)

    used = api.post(f"/api/profiles/{second['id']}/use")
    assert used.status_code == 200 and used.json()["active"] is True
    assert api.get("/api/profiles").json()["active_id"] == second["id"]

    deleted = api.delete(f"/api/profiles/{second['id']}")
    assert deleted.status_code == 200
    assert deleted.json() == {"deleted": second["id"], "name": "Chalet", "active_id": home["id"]}
    assert [p["name"] for p in api.get("/api/profiles").json()["profiles"]] == ["Home"]


def test_errors_are_json_with_their_status(api):
    missing = api.get("/api/profiles/999")
    assert missing.status_code == 404
    assert missing.json() == {"error": "No such profile", "message": "No profile named “999”.", "retryable": False}

    api.post("/api/profiles", json=_body())
    dup = api.post("/api/profiles", json=_body(name="HOME"))
    assert dup.status_code == 409 and dup.json()["error"] == "Profile exists"

    bad_url = api.post("/api/profiles", json=_body(name="X", url="ftp://nope"))
    assert bad_url.status_code == 400 and "http://" in bad_url.json()["message"]

    assert api.delete("/api/profiles/nobody").status_code == 404
    assert api.post("/api/profiles/nobody/test").status_code == 404


def test_invalid_body_never_echoes_the_password(api):
    response = api.post("/api/profiles", json={"name": "X", "password": PASSWORD, "surprise": 1})
    assert response.status_code == 422
    assert response.json()["error"] == "Invalid request"
    assert "url" in response.json()["message"]
    assert PASSWORD not in response.text


def test_create_verifies_against_the_demo_provider(api, demo):
    response = api.post("/api/profiles", json=_body(name="Demo", url=demo.url, username=demo.username,
                                                    password=demo.password, verify=True))
    assert response.status_code == 201, response.text
    account = response.json()["account"]
    assert account["status"] == "active" and "allowed_output_formats" in account
    assert demo.password not in response.text

    tested = api.post(f"/api/profiles/{response.json()['id']}/test")
    assert tested.status_code == 200
    assert tested.json()["ok"] is True and tested.json()["profile"]["account_checked_at"]
    assert demo.password not in tested.text


@pytest.mark.parametrize(
    ("fault", "status", "words"),
    [("wrong-password", 401, "Wrong username or password"), ("expired", 401, "expired"),
     ("html", 502, "instead of Xtream data"), ("unreachable", 502, "Cannot reach")],
)
def test_failed_verification_saves_nothing(api, demo, fault, status, words):
    url, password = demo.url, demo.password
    if fault == "wrong-password":
        password = "not-" + demo.password
    elif fault == "unreachable":
        url = f"http://127.0.0.1:{free_port()}"
    else:
        demo.set_fault(fault)
    response = api.post("/api/profiles", json=_body(name="Demo", url=url, username=demo.username, password=password, verify=True))
    assert response.status_code == status, response.text
    assert words in response.json()["message"]
    assert password not in response.text
    assert api.get("/api/profiles").json()["profiles"] == []


def test_edit_of_credentials_reverifies(api, demo):
    created = api.post("/api/profiles", json=_body(name="Demo", url=demo.url, username=demo.username,
                                                   password=demo.password, verify=True)).json()
    refused = api.patch(f"/api/profiles/{created['id']}", json={"password": "wrong-one"})
    assert refused.status_code == 401
    # the stored password is unchanged: a test still logs in
    assert api.post(f"/api/profiles/{created['id']}/test").status_code == 200


PLAYLIST = ('#EXTM3U url-tvg="http://guide.example/epg.xml"\n#EXTINF:-1 tvg-id="a.tv" group-title="News",Alpha\n'
            "http://streams.example/live/u/Tok-Api-77/1.ts\n#EXTINF:-1 group-title=\"Movies\",Film (2001)\n"
            "http://streams.example/movie/u/Tok-Api-77/2.mkv\n")


def test_create_a_checked_playlist_profile_whose_address_is_never_answered(api, playlist_server, settings):
    address = playlist_server.put("/get.php?username=u&password=Tok-Api-77&type=m3u_plus", PLAYLIST)
    created = api.post("/api/profiles", json={"name": "Lounge", "m3u": address,
                                              "xmltv": ["http://guide.example/extra.xml"]})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["kind"], body["url"], body["username"]) == ("m3u", f"127.0.0.1:{playlist_server.port}", "")
    assert body["check"] == {"entries": 2, "live": 1, "movies": 1, "series": 0, "guides": 1}
    assert "Tok-Api-77" not in created.text and "get.php" not in created.text
    assert "Tok-Api-77" not in api.get(f"/api/profiles/{body['id']}").text
    conn = db.open_library(settings.db_path)
    try:
        from xtplay.accounts.profiles import get_profile, playlist_locations
        from xtplay.accounts.vault import Vault

        location, guides = playlist_locations(conn, Vault.open(settings), get_profile(conn, body["id"]))
    finally:
        conn.close()
    assert (location, list(guides)) == (address, ["http://guide.example/extra.xml"])


def test_a_playlist_profile_is_checked_like_the_form_and_the_cli(api, playlist_server):
    page = playlist_server.put("/page.m3u", "<html><body>Log in</body></html>", content_type="text/html")
    refused = api.post("/api/profiles", json={"name": "Page", "m3u": page})
    assert refused.status_code == 502 and refused.json()["error"] == "Not a playlist", refused.text
    assert "web page" in refused.json()["message"] and "/page.m3u" not in refused.text
    both = api.post("/api/profiles", json={"name": "Both", "m3u": page + "?token=Sec-9", "url": "http://x",
                                           "username": "u", "password": PASSWORD})
    assert both.status_code == 422 and "not url, username or password" in both.json()["message"]
    assert "Sec-9" not in both.text and PASSWORD not in both.text
    guide_alone = api.post("/api/profiles", json={"name": "Guide", "xmltv": ["http://guide.example/x.xml"]})
    assert guide_alone.status_code == 422 and "xmltv goes with m3u" in guide_alone.json()["message"]
    unchecked = api.post("/api/profiles", json={"name": "Later", "m3u": page, "verify": False})
    assert unchecked.status_code == 201 and unchecked.json()["check"] is None
    assert [p["name"] for p in api.get("/api/profiles").json()["profiles"]] == ["Later"]
