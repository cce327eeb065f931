"""The guide's part of the settings page, against the real app and the demo provider: load
the guide now, add and remove an XMLTV URL, with its password never shown."""

from __future__ import annotations

import html

from tests.plugins.waiting import wait_until


def _settings(client) -> str:
    return html.unescape(client.get("/settings").text)


def test_refresh_guide_now_loads_it_in_the_background(provider_client, synced_profile):
    from xtplay import guide

    _, conn, _, profile = synced_profile
    page = _settings(provider_client)
    assert "Programme guide" in page and "Refresh guide now" in page
    assert guide.last_success(conn, profile.id) is None
    response = provider_client.post_form("/settings/guide/refresh", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/settings?guide=refreshing")
    wait_until(lambda: guide.last_success(conn, profile.id) is not None, 30, "the guide to load", every=0.2)
    page = _settings(provider_client)
    assert "From the provider" in page and "ok: " in page and " programmes, " in page


def test_xmltv_urls_are_added_listed_without_password_and_removed(provider_client, synced_profile, demo):
    from xtplay import guide

    _, conn, _, profile = synced_profile
    bad = provider_client.post_form("/settings/guide/sources", {"url": "ftp://nowhere/guide.xml"})
    assert bad.status_code == 422 and "not an http(s) URL" in html.unescape(bad.text)
    url = f"{demo.url}/xmltv.php?username={demo.username}&password={demo.password}"
    added = provider_client.post_form("/settings/guide/sources", {"url": url}, follow_redirects=False)
    assert added.status_code == 303
    page = _settings(provider_client)
    assert "xmltv.php" in page and "not loaded yet" in page
    assert demo.password not in page
    (source,) = guide.sources(conn, profile.id)
    removed = provider_client.post_form(f"/settings/guide/sources/{source['id']}/remove", follow_redirects=False)
    assert removed.status_code == 303
    assert guide.sources(conn, profile.id) == []
    assert "None: the guide comes from the provider alone." in _settings(provider_client)


def test_guide_forms_need_the_csrf_token(provider_client):
    response = provider_client.client.post("/settings/guide/sources", data={"url": "http://127.0.0.1:9/x.xml"})
    assert response.status_code == 403
