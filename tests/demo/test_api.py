"""The demo provider's player_api.php, xmltv.php, get.php and images over real sockets."""

from __future__ import annotations

import base64
import gzip
import io
import time

import httpx
import orjson
import pytest
from lxml import etree
from PIL import Image


@pytest.fixture
def api(demo):
    with httpx.Client(base_url=demo.url, timeout=30) as client:
        def call(action: str | None = None, method: str = "GET", **params):
            query = {"username": demo.username, "password": demo.password, **params}
            if action:
                query["action"] = action
            if method == "POST":
                return client.post("/player_api.php", data=query)
            return client.get("/player_api.php", params=query)
        call.client = client
        yield call


def test_login_answers_account_and_server_info_in_panel_shapes(api, demo):
    data = api().json()
    user, server = data["user_info"], data["server_info"]
    assert user["auth"] == 1 and user["status"] == "Active"
    assert user["username"] == demo.username
    assert int(user["exp_date"]) > time.time()  # a numeric string in the future
    assert isinstance(user["max_connections"], str)
    assert user["allowed_output_formats"] == ["m3u8", "ts"]
    assert server["timezone"] == "Europe/London"
    assert server["port"] == str(demo.port)
    assert abs(server["timestamp_now"] - time.time()) < 60
    assert len(server["time_now"]) == 19


def test_wrong_password_is_refused_like_xc(demo):
    response = httpx.get(f"{demo.url}/player_api.php", params={"username": demo.username, "password": "nope",
                                                              "action": "get_live_streams"})
    assert response.status_code == 200
    assert response.json() == {"user_info": {"auth": 0}}
    empty = httpx.get(f"{demo.url}/player_api.php", params={"username": demo.username})
    assert empty.status_code == 200 and empty.content == b""


def test_numeric_actions_unknown_actions_and_post_bodies(api):
    assert api("201").json() == api("get_live_categories").json()
    assert api("203").json() == api("get_vod_streams").json()
    assert "user_info" in api("get_account_info").json()
    assert api("get_series", method="POST").json() == api("get_series").json()


def test_lists_and_categories(api, demo):
    live = api("get_live_streams").json()
    assert len(live) == demo.catalog.live_count
    cats = api("get_vod_categories").json()
    assert all(isinstance(c["category_id"], str) and c["parent_id"] == 0 for c in cats)
    action_movies = api("get_vod_streams", category_id="101").json()
    assert action_movies and all(m["category_id"] == "101" for m in action_movies)
    assert {1, 2, 3, 4} <= {m["stream_id"] for m in action_movies}
    assert len(api("get_series").json()) == demo.catalog.series_count


def test_vod_and_series_info(api):
    info = api("get_vod_info", vod_id="2").json()
    assert info["movie_data"]["container_extension"] == "mkv"
    assert info["info"]["audio"]["codec_name"] == "ac3"
    assert api("get_vod_info", vod_id="99999").json() == {"info": []}
    series = api("get_series_info", series_id="1").json()
    assert [len(series["episodes"][s]) for s in ("1", "2")] == [3, 3]
    assert api("get_series_info", series_id="99999").json() == []


def test_short_epg_is_base64_and_starts_with_the_current_programme(api):
    listings = api("get_short_epg", stream_id="1", limit="3").json()["epg_listings"]
    assert len(listings) == 3
    now = time.time()
    assert int(listings[0]["start_timestamp"]) <= now < int(listings[0]["stop_timestamp"])
    assert listings[1]["start_timestamp"] == listings[0]["stop_timestamp"]
    title = base64.b64decode(listings[0]["title"]).decode()
    assert title and title.isprintable()
    assert listings[0]["channel_id"] == "demo.one"


def test_simple_data_table_marks_now_playing_and_archive(api):
    rows = api("get_simple_data_table", stream_id="1").json()["epg_listings"]
    assert sum(r["now_playing"] for r in rows) == 1
    assert any(r["has_archive"] == 1 for r in rows)  # channel 1 keeps 3 days of catch-up
    starts = [int(r["start_timestamp"]) for r in rows]
    assert starts == sorted(starts)
    no_archive = api("get_simple_data_table", stream_id="2").json()["epg_listings"]
    assert no_archive and all(r["has_archive"] == 0 for r in no_archive)


@pytest.mark.parametrize("compressed", [False, True])
def test_xmltv_covers_every_guide_channel_around_now(demo, compressed):
    headers = {"Accept-Encoding": "gzip" if compressed else "identity"}
    with httpx.Client(timeout=30) as client:
        response = client.get(f"{demo.url}/xmltv.php", params={"username": demo.username, "password": demo.password},
                              headers=headers)
    assert response.status_code == 200
    assert (response.headers.get("content-encoding") == "gzip") is compressed
    root = etree.fromstring(response.content)  # httpx has decoded the gzip body
    channel_ids = {c.get("id") for c in root.iter("channel")}
    expected = {r["epg_channel_id"] for r in orjson.loads(demo.catalog.list_bytes("live")) if r["epg_channel_id"]}
    assert channel_ids == expected
    ones = [p for p in root.iter("programme") if p.get("channel") == "demo.one"]
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    assert ones[0].get("start") < stamp < ones[-1].get("stop")
    assert all(p.findtext("title") for p in ones)


def test_xmltv_gzip_attachment_form(demo):
    response = httpx.get(f"{demo.url}/xmltv.php", params={"username": demo.username, "password": demo.password,
                                                          "gzip": "1"})
    assert response.headers["content-type"] == "application/octet-stream"
    assert gzip.decompress(response.content).startswith(b"<?xml")


def test_xmltv_and_m3u_refuse_wrong_credentials(demo):
    assert httpx.get(f"{demo.url}/xmltv.php", params={"username": "demo", "password": "bad"}).status_code == 401
    assert httpx.get(f"{demo.url}/get.php", params={"username": "demo", "password": "bad"}).status_code == 404


def _m3u(demo, type: str) -> list[str]:
    response = httpx.get(f"{demo.url}/get.php", params={"username": demo.username, "password": demo.password,
                                                        "type": type, "output": "ts"})
    assert response.text.startswith("#EXTM3U\r\n")
    return response.text.split("\r\n")


def _urls(lines: list[str], kind: str) -> list[str]:
    return [line for line in lines if line.startswith("http") and f"/{kind}/demo/demo-pass/" in line]


def test_m3u_plus_lists_every_channel_with_attributes(demo):
    lines = _m3u(demo, "m3u_plus")
    extinf = [line for line in lines if line.startswith("#EXTINF")]
    assert len(_urls(lines, "live")) == demo.catalog.live_count
    assert 'tvg-id="demo.one"' in extinf[0] and 'group-title="UK | ENTERTAINMENT"' in extinf[0]
    assert 'tvg-logo="http://127.0.0.1' in extinf[0] and 'timeshift="3"' in extinf[0]
    assert lines[2].endswith("/live/demo/demo-pass/1.ts")


def test_m3u_plus_lists_every_movie_and_episode_as_panels_do(demo):
    lines = _m3u(demo, "m3u_plus")
    catalog = demo.catalog
    movies, episodes = _urls(lines, "movie"), _urls(lines, "series")
    assert len(movies) == catalog.vod_count
    assert len(episodes) == sum(len(catalog.episodes_of(i)) for i in range(1, catalog.series_count + 1))
    first_movie = lines.index(movies[0])
    assert movies[0].endswith("/movie/demo/demo-pass/1.mp4") and movies[1].endswith("/2.mkv")
    assert lines[first_movie - 1] == ('#EXTINF:-1 tvg-name="Big Demo Movie (2021)" tvg-logo="'
                                      f'{demo.url}/images/movie/1.png" group-title="EN - ACTION",Big Demo Movie (2021)')
    first_episode = lines.index(episodes[0])
    assert episodes[0].endswith("/series/demo/demo-pass/1.mp4")
    assert lines[first_episode - 1].endswith('group-title="EN - SERIES",The Demo Show S01E01')
    assert lines[first_episode + 1].endswith("The Demo Show S01E02") and lines[first_episode + 2].endswith("/2.mkv")


def test_m3u_lists_the_same_streams_with_bare_lines(demo):
    plus, bare = _m3u(demo, "m3u_plus"), _m3u(demo, "m3u")
    assert [line for line in bare if line.startswith("http")] == [line for line in plus if line.startswith("http")]
    assert "#EXTINF:-1,The Demo Show S01E01" in bare and "#EXTINF:-1,Big Demo Movie (2021)" in bare


def test_images_are_served_locally(demo, api):
    icon = api("get_live_streams").json()[0]["stream_icon"]
    assert icon.startswith(demo.url)
    response = httpx.get(icon)
    assert icon.endswith(".png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as picture:
        assert picture.format == "PNG" and picture.size == (160, 90)
    assert httpx.get(icon).content == response.content  # the same picture every time
    assert httpx.get(f"{demo.url}/images/nothing/1.png").status_code == 404


def test_stats_count_requests_per_action(demo, api):
    api()
    api("get_live_streams")
    api("get_live_streams")
    stats = demo.stats()
    assert stats["requests"]["login"] == 1
    assert stats["requests"]["get_live_streams"] == 2
    assert httpx.get(f"{demo.url}/_demo/stats").json()["requests"]["get_live_streams"] == 2


def test_xmltv_is_generated_in_bounded_chunks():
    from xtplay.demo.catalog import Catalog
    from xtplay.demo.epg import xmltv_chunks

    chunks = list(xmltv_chunks(Catalog(live=1500, vod=4, series=1), chunk_size=64 * 1024))
    assert len(chunks) > 10
    assert max(len(c) for c in chunks) < 64 * 1024 + 48 * 1024  # at most one channel beyond the target
    root = etree.fromstring(b"".join(chunks))
    assert root.tag == "tv"


def test_a_busy_port_is_a_clear_error(demo, demo_media_dir):
    from xtplay.demo import DemoProvider
    from xtplay.errors import ConfigError

    with pytest.raises(ConfigError, match="cannot listen"):
        DemoProvider(live=5, vod=4, series=1, media_dir=demo_media_dir, port=demo.port).start()
