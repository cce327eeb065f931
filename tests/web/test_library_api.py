"""``/api/favorites``, ``/api/history`` and ``/api/continue`` on the real app with a synced demo profile."""

from __future__ import annotations

import pytest

from tests.plugins.web import add_demo_profile

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def api(web_client, settings, demo):
    add_demo_profile(settings, demo)
    return web_client


def test_favorites_round_trip(api):
    added = api.post("/api/favorites", json={"type": "live", "provider_id": "3"})
    assert added.status_code == 201 and added.json()["favorite"]["name"] == EVIL
    api.post("/api/favorites", json={"type": "movie", "provider_id": "1"})
    listed = api.get("/api/favorites").json()["favorites"]
    assert [(f["type"], f["provider_id"]) for f in listed] == [("movie", "1"), ("live", "3")]
    assert all(f["available"] for f in listed) and listed[1]["item"]["num"] is not None
    assert [f["type"] for f in api.get("/api/favorites?type=live").json()["favorites"]] == ["live"]
    assert api.delete("/api/favorites/live/3").json() == {"removed": True}
    assert api.delete("/api/favorites/live/3").json() == {"removed": False}


def test_favorite_errors_are_json_with_status(api):
    missing = api.post("/api/favorites", json={"type": "movie", "provider_id": "99999"})
    assert missing.status_code == 404 and missing.json()["error"] == "Not in the library"
    bad_type = api.post("/api/favorites", json={"type": "radio", "provider_id": "1"})
    assert bad_type.status_code == 400 and "not an item type" in bad_type.json()["message"]
    invalid = api.post("/api/favorites", json={"provider_id": "1"})
    assert invalid.status_code == 422 and invalid.json()["error"] == "Invalid request"


def test_history_resume_and_continue(api):
    r = api.post("/api/history", json={"type": "movie", "provider_id": "1", "position_secs": 754, "duration_secs": 1800})
    assert r.status_code == 200 and r.json()["entry"]["watched"] is False
    api.post("/api/history", json={"type": "episode", "provider_id": "2", "position_secs": 60, "duration_secs": 100,
                                   "name": "S01E02"})
    api.post("/api/history", json={"type": "live", "provider_id": "1", "position_secs": 0})
    cont = api.get("/api/continue").json()["items"]
    assert [(e["type"], e["provider_id"], e["position_secs"]) for e in cont] == [("episode", "2", 60), ("movie", "1", 754)]
    done = api.post("/api/history/movie/1/watched", json={"watched": True}).json()["entry"]
    assert done["watched"] is True
    assert [e["provider_id"] for e in api.get("/api/continue").json()["items"]] == ["2"]
    assert len(api.get("/api/history").json()["history"]) == 3
    assert api.delete("/api/history/live/1").json() == {"removed": True}
    assert api.delete("/api/history").json() == {"removed": 2}
    assert api.get("/api/history").json() == {"history": []}
    negative = api.post("/api/history", json={"type": "movie", "provider_id": "1", "position_secs": -5})
    assert negative.status_code == 422


def test_library_api_without_a_profile_says_so(web_client):
    r = web_client.get("/api/favorites")
    assert r.status_code == 409 and r.json()["error"] == "No profile"
