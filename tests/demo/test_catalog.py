"""The demo catalog: deterministic, realistic, with the fixed ids other areas rely on."""

from __future__ import annotations

import orjson

from xtplay.demo.catalog import Catalog


def _rows(catalog: Catalog, kind: str) -> list[dict]:
    return orjson.loads(catalog.list_bytes(kind))


def test_same_seed_gives_identical_lists_and_another_seed_differs():
    a, b, c = (Catalog(live=80, vod=150, series=40, seed=s) for s in (7, 7, 8))
    for kind in ("live", "vod", "series"):
        assert a.list_bytes(kind) == b.list_bytes(kind)
    assert a.list_bytes("vod") != c.list_bytes("vod")
    assert a.series_info(9) == b.series_info(9)


def test_fixed_live_channels():
    rows = {r["stream_id"]: r for r in _rows(Catalog(live=60, vod=10, series=2), "live")}
    one = rows[1]
    assert one["name"] == "Demo One HD"
    assert one["epg_channel_id"] == "demo.one"
    assert one["tv_archive"] == 1 and int(one["tv_archive_duration"]) == 3
    assert rows[2]["name"] == "Demo Two"
    assert rows[3]["name"] == "<img src=x onerror=alert(1)>"
    names = [r["name"] for r in rows.values()]
    assert any("Sky Sports Premier League" in n for n in names)
    assert any("Café Crème" in n for n in names)
    assert any(n.startswith("UK | ") for n in names) and any(n.startswith("FR: ") for n in names)


def test_names_cover_non_latin_scripts_and_tags():
    catalog = Catalog(live=400, vod=400, series=50)
    names = [r["name"] for r in _rows(catalog, "live")] + [r["category_name"] for r in catalog.categories("live")]
    text = " ".join(names)
    assert any("\u0400" <= ch <= "\u04ff" for ch in text), "Cyrillic"
    assert any("\u0600" <= ch <= "\u06ff" for ch in text), "Arabic"
    assert any("\u3040" <= ch <= "\u9fff" for ch in text), "CJK"
    assert any(n.endswith((" HD", " 4K", " FHD")) for n in names)


def test_fixed_movies_have_their_containers_and_codecs():
    catalog = Catalog(live=10, vod=10, series=2)
    rows = {r["stream_id"]: r for r in _rows(catalog, "vod")}
    assert [rows[i]["container_extension"] for i in (1, 2, 3, 4)] == ["mp4", "mkv", "mp4", "mkv"]
    assert catalog.vod_info(2)["info"]["audio"]["codec_name"] == "ac3"
    assert catalog.vod_info(3)["info"]["video"]["codec_name"] == "hevc"
    assert catalog.vod_info(2)["movie_data"]["stream_id"] == 2
    assert catalog.vod_info(999) == {"info": []}


def test_series_one_has_two_seasons_of_three_episodes_with_ids_1_to_6():
    catalog = Catalog(live=10, vod=10, series=3)
    info = catalog.series_info(1)
    assert sorted(info["episodes"]) == ["1", "2"]
    ids = [int(e["id"]) for season in ("1", "2") for e in info["episodes"][season]]
    assert ids == [1, 2, 3, 4, 5, 6]
    by_id = {int(e["id"]): e for season in info["episodes"].values() for e in season}
    assert by_id[1]["container_extension"] == "mp4"
    assert by_id[2]["container_extension"] == "mkv"
    assert catalog.episode_media(2).key == "h264_ac3_mkv"
    assert catalog.series_info(4) == []
    # every episode id of another show resolves back to it
    other = catalog.series_info(2)
    for season, episodes in other["episodes"].items():
        for ep in episodes:
            assert catalog.episode_location(int(ep["id"]))[:2] == (2, int(season))
    assert catalog.episode_location(7) is None


def test_rows_carry_the_quirks_real_panels_send():
    catalog = Catalog(live=300, vod=400, series=60)
    live, vod, series = (_rows(catalog, k) for k in ("live", "vod", "series"))
    assert any(r["epg_channel_id"] is None for r in live)
    assert any(isinstance(r["tv_archive_duration"], str) for r in live)
    assert any(r["category_id"] is None for r in live)
    assert all(isinstance(r["added"], str) for r in live)
    ratings = [r["rating"] for r in vod]
    assert "" in ratings and any(isinstance(x, float) for x in ratings) and any("," in str(x) for x in ratings)
    assert any(r["container_extension"] == "MKV" for r in vod)
    assert any(r["backdrop_path"] is None or r["backdrop_path"] == "" for r in series)
    # images point at the provider itself, never outside
    assert all(r["stream_icon"] == "" or r["stream_icon"].startswith("/images/") or "/images/" in r["stream_icon"]
               for r in live)


def test_category_lists_filter_and_renumber():
    catalog = Catalog(live=200, vod=10, series=2)
    sports = orjson.loads(catalog.list_bytes("live", "2"))
    assert sports and all(r["category_id"] == "2" for r in sports)
    assert [r["num"] for r in sports] == list(range(1, len(sports) + 1))
    assert orjson.loads(catalog.list_bytes("live", "13")) == []  # an empty category exists
    assert orjson.loads(catalog.list_bytes("live", "nope")) == []


def test_full_size_catalog_generates_every_row():
    catalog = Catalog(live=30_000, vod=100_000, series=20_000, seed=1)
    for kind, count, key in (("live", 30_000, "stream_id"), ("vod", 100_000, "stream_id"), ("series", 20_000, "series_id")):
        body = catalog.list_bytes(kind)
        assert catalog.list_bytes(kind) is body  # serialised once, then served from the cache
        rows = orjson.loads(body)
        assert len(rows) == count
        assert rows[0][key] == 1 and rows[-1][key] == count
