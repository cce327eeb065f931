"""The "M3U playlist" choice of the Add profile page, on the real app against a real playlist server."""

from __future__ import annotations

from tests.plugins.waiting import wait_until
from xtplay import db
from xtplay.accounts import profiles
from xtplay.library import catalog

TOKEN = "F0rm-T0ken-5ecret"
PLAYLIST = f"""#EXTM3U
#EXTINF:-1 tvg-id="a" group-title="News",Alpha
http://streams.example/{TOKEN}/a.ts
#EXTINF:-1 tvg-id="b" group-title="News",Beta
http://streams.example/{TOKEN}/b.ts
"""


def _htmx(client, path, files=None, **data):
    return client.post(path, data=data, files=files, headers={"X-CSRF-Token": client.csrf, "HX-Request": "true"})


def test_the_add_page_offers_a_playlist_and_checks_it_before_saving(web_client, playlist_server):
    page = web_client.get("/profiles/new")
    assert page.status_code == 200 and 'id="playlist-form"' in page.text and 'name="m3u_file"' in page.text
    url = playlist_server.put(f"/get.php?token={TOKEN}", PLAYLIST)
    tested = _htmx(web_client, "/profiles/playlist/test", m3u=url)
    assert "Playlist works: 2 entries found, 2 live" in tested.text
    web_page = playlist_server.put("/page", "<html><body>Sign in</body></html>", content_type="text/html")
    refused = _htmx(web_client, "/profiles/playlist", name="Bad", m3u=web_page)
    assert "returned a web page, not a playlist" in refused.text
    added = _htmx(web_client, "/profiles/playlist", name="Home list", m3u=url)
    assert added.status_code == 204 and added.headers["HX-Redirect"]
    with db.connect(web_client.app.state.settings.db_path) as conn:
        (profile,) = profiles.list_profiles(conn)
        assert profile.kind == "m3u" and TOKEN not in profile.url
        wait_until(lambda: catalog.counts(conn, profile.id)["live"] == 2, 30, "the first sync")
    listing = web_client.get("/profiles")
    assert "Home list" in listing.text and TOKEN not in listing.text


def test_an_uploaded_playlist_file_becomes_a_profile(web_client):
    files = {"m3u_file": ("mine.m3u", PLAYLIST.encode(), "audio/x-mpegurl")}
    tested = _htmx(web_client, "/profiles/playlist/test", files=files)
    assert "2 entries found" in tested.text
    added = _htmx(web_client, "/profiles/playlist", files=files, name="Upload")
    assert added.status_code == 204
    with db.connect(web_client.app.state.settings.db_path) as conn:
        (profile,) = profiles.list_profiles(conn)
        wait_until(lambda: catalog.counts(conn, profile.id)["live"] == 2, 30, "the first sync")
    uploads = list((web_client.app.state.settings.home / "playlists").iterdir())
    assert len(uploads) == 1  # the tested copy is gone, the saved one kept


def test_an_empty_playlist_form_says_what_is_missing(web_client):
    answer = _htmx(web_client, "/profiles/playlist", name="X")
    assert "Enter the playlist address, or choose a playlist file." in answer.text
    page = {"m3u_file": ("page.m3u", b"<html><body>no</body></html>", "audio/x-mpegurl")}
    refused = _htmx(web_client, "/profiles/playlist", files=page, name="X")
    assert "holds a web page, not a playlist" in refused.text
    uploads = web_client.app.state.settings.home / "playlists"
    assert not uploads.exists() or not list(uploads.iterdir())  # the refused upload is not kept


def test_a_playlist_profile_is_renamed_and_tested_from_its_edit_page(web_client, playlist_server):
    url = playlist_server.put("/list.m3u", PLAYLIST)
    assert _htmx(web_client, "/profiles/playlist", name="Old", m3u=url).status_code == 204
    with db.connect(web_client.app.state.settings.db_path) as conn:
        (profile,) = profiles.list_profiles(conn)
    page = web_client.get(f"/profiles/{profile.id}/edit")
    assert page.status_code == 200 and TOKEN not in page.text
    tested = _htmx(web_client, f"/profiles/{profile.id}/test", url=profile.url, username="")
    assert "Connection works" in tested.text
    saved = web_client.post(f"/profiles/{profile.id}/edit", data={"csrf_token": web_client.csrf, "name": "New",
                                                                  "url": profile.url, "username": ""})
    assert saved.status_code == 303
    with db.connect(web_client.app.state.settings.db_path) as conn:
        assert profiles.get_profile(conn, profile.id).name == "New"


def test_an_xtream_form_error_stays_on_the_xtream_form(web_client, demo):
    answer = web_client.post("/profiles", data={"csrf_token": web_client.csrf, "name": "", "url": demo.url,
                                                "username": "u", "password": "p"})
    form = answer.text.split('id="playlist-form"', 1)[1]
    assert "The profile name is required." in answer.text and "The profile name is required." not in form
