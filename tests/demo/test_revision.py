"""The second version of the movie list: 1 % changed, added and removed, switched over HTTP,
and every answer about a movie following the version served."""

from __future__ import annotations

import httpx
import pytest

from xtplay.demo import DemoProvider
from xtplay.demo.revision import CHANGED_MARK, movie_changes


@pytest.fixture
def provider(demo_media_dir):
    with DemoProvider(live=5, vod=400, series=2, seed=5, media_dir=demo_media_dir) as demo:
        yield demo


def _movies(client, demo):
    answer = client.get("/player_api.php", params={"username": demo.username, "password": demo.password,
                                                   "action": "get_vod_streams"})
    return answer.headers["etag"], {row["stream_id"]: row for row in answer.json()}


def test_revision_one_changes_adds_and_removes_one_percent_and_back(provider):
    with httpx.Client(base_url=provider.url, timeout=10) as client:
        etag, first = _movies(client, provider)
        answer = client.post("/_demo/catalog", json={"revision": 1}).json()
        new_etag, second = _movies(client, provider)
        assert client.get("/_demo/catalog").json() == answer
        assert client.post("/_demo/catalog", json={"revision": 7}).status_code == 400
        info = client.get("/player_api.php", params={"username": provider.username, "password": provider.password,
                                                     "action": "get_vod_info", "vod_id": answer["movies"]["removed"][0]})
        client.post("/_demo/catalog", json={"revision": 0})
        assert _movies(client, provider) == (etag, first)
    moved = answer["movies"]
    assert answer["revision"] == 1 and [len(moved[k]) for k in ("changed", "added", "removed")] == [4, 4, 4]
    assert new_etag != etag
    assert set(first) - set(second) == set(moved["removed"])
    assert set(second) - set(first) == set(moved["added"]) == {401, 402, 403, 404}
    kept = (set(first) & set(second)) - set(moved["changed"])
    assert all({**first[i], "num": 0} == {**second[i], "num": 0} for i in kept)  # only their numbers moved
    assert {i for i in set(first) & set(second) if first[i]["name"] != second[i]["name"]} == set(moved["changed"])
    assert all(second[i]["name"] == first[i]["name"] + CHANGED_MARK for i in moved["changed"])
    assert [row["num"] for row in second.values()] == list(range(1, 401))  # numbered as a panel numbers its list
    assert info.json() == {"info": []}


def test_the_changes_follow_from_seed_and_size_and_spare_the_fixed_movies():
    one, again = movie_changes(1, 100_000, 1), movie_changes(1, 100_000, 1)
    assert one == again and len(one.changed) == len(one.added) == len(one.removed) == 1000
    assert not one.changed & one.removed and min(one.changed | one.removed) > 5
    assert movie_changes(2, 100_000, 1) != one
    assert movie_changes(1, 100_000, 0).to_dict() == {"changed": [], "added": [], "removed": []}
