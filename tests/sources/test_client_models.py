"""Every quirk of ../shared/docs/xtream-api.md parses into typed records (raw dicts, no network)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from xtplay.sources.models import (
    Account,
    Category,
    EpgEntry,
    Episode,
    LiveStream,
    Movie,
    MovieInfo,
    Series,
    SeriesInfo,
    decode_epg_text,
    server_zone,
)


def login(**user: object) -> dict:
    base = {
        "username": "alice", "password": "s3cret", "message": "", "auth": 1, "status": "Active",
        "exp_date": "4102444800", "is_trial": "0", "active_cons": "0", "created_at": "1526616000",
        "max_connections": "2", "allowed_output_formats": ["m3u8", "ts", "rtmp"],
    }
    base.update(user)
    server = {"url": "live.example.net", "port": "8080", "https_port": "", "server_protocol": "http",
              "rtmp_port": "8880", "timezone": "Europe\\/London", "timestamp_now": 1535215619,
              "time_now": "2018-08-25 17:46:59", "process": True}
    return {"user_info": base, "server_info": server}


# ---- account ----------------------------------------------------------------------------


def test_account_reads_string_numbers_and_formats():
    account = Account.from_raw(login())
    assert account.username == "alice"
    assert account.status == "active" and account.is_active
    assert account.exp_date == datetime(2100, 1, 1, tzinfo=UTC)
    assert account.is_trial is False
    assert (account.active_connections, account.max_connections) == (0, 2)
    assert account.allowed_output_formats == ("m3u8", "ts", "rtmp")
    assert account.created_at == datetime.fromtimestamp(1526616000, UTC)
    assert account.server_timezone == "Europe\\/London"
    assert account.server_tz == ZoneInfo("Europe/London")
    assert account.server_time == datetime.fromtimestamp(1535215619, UTC)
    assert account.server_url == "live.example.net"


@pytest.mark.parametrize("exp", [None, "", "0", 0, "-1", "null"])
def test_account_without_expiry(exp):
    assert Account.from_raw(login(exp_date=exp)).exp_date is None


def test_account_int_expiry_and_iso_expiry():
    assert Account.from_raw(login(exp_date=4102444800)).exp_date.year == 2100
    assert Account.from_raw(login(exp_date="2099-05-01T00:00:00")).exp_date == datetime(2099, 5, 1, tzinfo=UTC)


def test_active_status_with_past_expiry_means_expired():
    account = Account.from_raw(login(status="Active", exp_date="1550619710"))
    assert account.status == "expired"
    assert account.exp_date == datetime.fromtimestamp(1550619710, UTC)


@pytest.mark.parametrize("status", ["Banned", "DISABLED", "expired"])
def test_account_status_is_lower_cased(status):
    assert Account.from_raw(login(status=status)).status == status.lower()


def test_account_missing_status_is_active_and_odd_counts_are_none():
    raw = login(active_cons="N/A", max_connections=3, is_trial=1)
    del raw["user_info"]["status"]
    account = Account.from_raw(raw)
    assert account.status == "active"
    assert account.active_connections is None
    assert account.max_connections == 3
    assert account.is_trial is True


def test_account_from_empty_objects():
    account = Account.from_raw({"user_info": {}, "server_info": []})
    assert account.allowed_output_formats == ()
    assert account.server_tz == UTC
    assert account.to_dict()["allowed_output_formats"] == []


def test_server_zone_variants():
    assert server_zone("UTC+3") == timezone(timedelta(hours=3))
    assert server_zone("GMT-05:30") == timezone(-timedelta(hours=5, minutes=30))
    # unusable name: the offset of the wall clock against the timestamp, snapped to 15 minutes
    stamp = 1535215619
    wall = (datetime.fromtimestamp(stamp, UTC) + timedelta(hours=2, seconds=40)).strftime("%Y-%m-%d %H:%M:%S")
    assert server_zone("Mars/Olympus", wall, stamp) == timezone(timedelta(hours=2))
    assert server_zone(None) == UTC


# ---- categories and lists -------------------------------------------------------------------


def test_category_id_string_or_int_and_parent_zero():
    assert Category.from_raw({"category_id": "12", "category_name": "UK | SPORTS", "parent_id": 0}) == Category(
        "12", "UK | SPORTS", None)
    assert Category.from_raw({"category_id": 7, "category_name": None, "parent_id": "3"}) == Category(
        "7", "Category 7", "3")
    with pytest.raises(ValueError):
        Category.from_raw({"category_name": "no id"})


def test_live_stream_xc2_row():
    row = {"num": 1, "name": "UK: SKY SPORTS NEWS HD", "stream_type": "live", "stream_id": 1234,
           "stream_icon": "", "epg_channel_id": "skysportsnews.uk", "added": "1532728123", "category_id": "12",
           "custom_sid": ":0:1:12C4:7E9:2:11A0000:0:0:0:", "tv_archive": 1, "tv_archive_duration": "6",
           "direct_source": "http://upstream/x.ts"}
    stream = LiveStream.from_raw(row)
    assert stream.stream_id == 1234 and stream.num == 1
    assert stream.name == "UK: SKY SPORTS NEWS HD"
    assert stream.icon is None
    assert stream.epg_channel_id == "skysportsnews.uk"
    assert stream.category_id == "12"
    assert stream.added == datetime.fromtimestamp(1532728123, UTC)
    assert stream.tv_archive is True and stream.tv_archive_duration == 6
    assert stream.is_adult is False


def test_live_stream_nulls_and_strings():
    stream = LiveStream.from_raw({"stream_id": "99", "name": None, "num": "", "stream_icon": None,
                                  "epg_channel_id": None, "category_id": "", "added": "",
                                  "is_adult": "None", "tv_archive": "1", "tv_archive_duration": 0,
                                  "category_ids": [3, 4]})
    assert stream.stream_id == 99 and stream.num is None
    assert stream.name == "Channel 99"  # PHP turned invalid UTF-8 into null
    assert (stream.icon, stream.epg_channel_id, stream.category_id, stream.added) == (None, None, None, None)
    assert stream.is_adult is False
    assert stream.tv_archive is False  # archive without a duration is no archive
    assert stream.category_ids == ("3", "4")
    assert LiveStream.from_raw({"stream_id": 5, "is_adult": "1"}).is_adult is True


def test_live_stream_without_id_is_rejected():
    with pytest.raises(ValueError):
        LiveStream.from_raw({"name": "x", "stream_id": ""})


@pytest.mark.parametrize("rating,expected", [("7.6", 7.6), ("", None), (5.5, 5.5), (None, None), ("7,5", 7.5)])
def test_movie_rating_shapes(rating, expected):
    assert Movie.from_raw({"stream_id": 1, "name": "A", "rating": rating}).rating == expected


def test_movie_row_fields():
    movie = Movie.from_raw({"num": 3, "name": "Heat (1995)", "stream_type": "movie", "stream_id": "42",
                            "stream_icon": "http://img/p.jpg", "rating": "", "rating_5based": 4,
                            "added": "1519215426", "category_id": None, "container_extension": "MKV",
                            "custom_sid": None, "direct_source": ""})
    assert movie.stream_id == 42 and movie.num == 3
    assert movie.rating == 8.0  # from rating_5based when rating is empty
    assert movie.container_extension == "MKV"  # verbatim: it goes into the URL
    assert movie.year == 1995
    assert movie.category_id is None
    assert movie.icon == "http://img/p.jpg"


def test_movie_xui_extras():
    movie = Movie.from_raw({"stream_id": 8, "title": "Dune", "name": None, "year": "2021", "plot": "Sand.",
                            "cast": ["A", "B"], "genre": "Sci-Fi", "container_extension": None})
    assert movie.name == "Dune" and movie.year == 2021 and movie.plot == "Sand."
    assert movie.cast == "A, B"
    assert movie.container_extension == "mp4"


def test_series_row():
    series = Series.from_raw({"num": 1, "name": "Show", "series_id": 77, "cover": "c.jpg", "plot": "p",
                              "cast": "c", "director": "d", "genre": "g", "releaseDate": "2018-03-01",
                              "last_modified": "1534763504", "rating": "8.0", "rating_5based": 4,
                              "backdrop_path": None, "youtube_trailer": "", "episode_run_time": "60",
                              "category_id": "5"})
    assert series.series_id == 77 and series.rating == 8.0 and series.year == 2018
    assert series.release_date == "2018-03-01"
    assert series.backdrop == () and series.youtube_trailer is None
    assert series.episode_run_time == 60 and series.category_id == "5"
    assert series.last_modified == datetime.fromtimestamp(1534763504, UTC)


@pytest.mark.parametrize("backdrop,expected", [(["a", "b"], ("a", "b")), ("x.jpg", ("x.jpg",)), ("", ()),
                                               (None, ()), ({"0": "y"}, ("y",))])
def test_backdrop_shapes(backdrop, expected):
    assert Series.from_raw({"series_id": 1, "backdrop_path": backdrop}).backdrop == expected


# ---- details ------------------------------------------------------------------------------


def test_vod_info_full():
    raw = {"info": {"name": "Heat", "movie_image": "p.jpg", "releasedate": "1995-12-15", "plot": "Cops.",
                    "cast": "Al Pacino", "director": "Michael Mann", "genre": "Crime", "rating": "8.3",
                    "duration_secs": 10200, "duration": "02:50:00", "backdrop_path": "b.jpg",
                    "youtube_trailer": "abc", "video": [{"codec_name": "hevc"}], "audio": {"codec_name": "ac3"}},
           "movie_data": {"stream_id": 42, "name": "Heat (1995)", "added": "1", "category_id": "3",
                          "container_extension": "mkv"}}
    info = MovieInfo.from_raw(raw)
    assert (info.stream_id, info.name, info.container_extension) == (42, "Heat", "mkv")
    assert info.duration_secs == 10200 and info.year == 1995 and info.rating == 8.3
    assert info.poster == "p.jpg" and info.backdrop == ("b.jpg",)
    assert (info.video_codec, info.audio_codec) == ("hevc", "ac3")
    assert info.category_id == "3"


def test_vod_info_without_metadata_uses_movie_data():
    info = MovieInfo.from_raw({"info": [], "movie_data": {"stream_id": "5", "name": "Bare", "container_extension": "avi"}})
    assert (info.stream_id, info.name, info.container_extension, info.plot) == (5, "Bare", "avi", None)


@pytest.mark.parametrize("duration,secs", [("01:52:00", 6720), ("95", 5700), ("", None), ("1:30", 5400)])
def test_vod_duration_forms(duration, secs):
    assert MovieInfo.from_raw({"info": {"duration": duration}}, stream_id=1).duration_secs == secs


def episode(id_, num, season=1, **extra):
    row = {"id": str(id_), "episode_num": num, "title": f"Show - S0{season}E0{num}", "container_extension": "mp4",
           "info": {"duration_secs": 1500, "plot": "x", "movie_image": "i.jpg", "rating": "7"}, "added": "",
           "season": season}
    row.update(extra)
    return row


def test_series_info_episodes_keyed_by_season_string():
    raw = {"seasons": [{"season_number": 1, "name": "Season One", "episode_count": 9, "cover": "s1.jpg",
                        "air_date": "2018-01-01"}, {"season_number": 0, "name": "Specials"}],
           "info": {"name": "Show", "cover": "c.jpg", "backdrop_path": ["b"]},
           "episodes": {"2": [episode(21, 1, 2)], "1": [episode(12, 2), episode(11, 1)]}}
    info = SeriesInfo.from_raw(raw, series_id=9)
    assert info.info.series_id == 9 and info.info.name == "Show"
    assert list(info.episodes) == [1, 2]
    assert [e.id for e in info.episodes[1]] == [11, 12]  # ordered by episode number
    first = info.episodes[1][0]
    assert isinstance(first, Episode)
    assert (first.season, first.episode_num, first.duration_secs, first.rating, first.image) == (1, 1, 1500, 7.0, "i.jpg")
    # seasons come from the episodes; the empty "Specials" is not invented, names decorate
    assert [(s.season_number, s.name, s.episode_count) for s in info.seasons] == [(1, "Season One", 2), (2, "Season 2", 1)]
    assert info.seasons[0].cover == "s1.jpg"


def test_series_info_episodes_as_list_of_lists_from_season_zero():
    raw = {"seasons": [], "info": [], "episodes": [[episode(1, 1, 0)], [episode(2, 1, 1), episode(3, 2, 1)]]}
    info = SeriesInfo.from_raw(raw, series_id=4)
    assert list(info.episodes) == [0, 1]
    assert [e.id for e in info.episodes[1]] == [2, 3]
    assert info.info.name == "Series 4"


def test_series_info_without_episodes_and_episode_info_list():
    assert SeriesInfo.from_raw({"seasons": [], "info": {"name": "S"}}, series_id=1).episodes == {}
    raw = {"episodes": {"1": [{"id": "7", "episode_num": "3", "title": "", "info": [], "season": "1"},
                              {"id": "8", "title": "no num", "info": []}]}}
    eps = SeriesInfo.from_raw(raw, series_id=1).episodes[1]
    assert [(e.id, e.episode_num) for e in eps] == [(8, 2), (7, 3)]
    assert eps[1].title == "Episode 3" and eps[1].duration_secs is None and eps[1].container_extension == "mp4"


def test_duplicate_season_episode_rows_are_kept():
    raw = {"episodes": {"1": [episode(1, 1), episode(2, 1, container_extension="mkv")]}}
    eps = SeriesInfo.from_raw(raw, series_id=1).episodes[1]
    assert [e.id for e in eps] == [1, 2]


# ---- guide --------------------------------------------------------------------------------


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_epg_xc2_row_prefers_timestamps():
    row = {"id": "16364796", "epg_id": "63", "title": b64("Les Infos"), "lang": "fr",
           "start": "2025-02-24 00:11:24", "end": "2025-02-24 01:00:00", "description": b64("Café crème ☕"),
           "channel_id": "demo.one", "start_timestamp": "1740355884", "stop_timestamp": "1740358800"}
    entry = EpgEntry.from_raw(row, ZoneInfo("Europe/Paris"))
    assert entry.epg_id == "16364796"
    assert entry.title == "Les Infos" and entry.description == "Café crème ☕"
    assert entry.start == datetime.fromtimestamp(1740355884, UTC)
    assert entry.end == datetime.fromtimestamp(1740358800, UTC)
    assert entry.start.tzinfo is not None and entry.channel_id == "demo.one" and entry.has_archive is False


def test_epg_xui_row_end_is_epoch_and_stop_is_string():
    row = {"id": "1", "title": b64("X"), "description": "", "start": "2025-03-03 13:33:13",
           "end": "1741012393", "stop": "2025-03-03 14:33:13", "channel_id": "c", "has_archive": 1}
    entry = EpgEntry.from_raw(row, ZoneInfo("UTC"))
    assert entry.start == datetime(2025, 3, 3, 13, 33, 13, tzinfo=UTC)
    assert entry.end == datetime.fromtimestamp(1741012393, UTC)
    assert entry.has_archive is True


def test_epg_strings_only_read_in_server_zone():
    row = {"title": b64("T"), "start": "2025-06-01 20:00:00", "stop": "2025-06-01 21:00:00"}
    entry = EpgEntry.from_raw(row, ZoneInfo("Europe/London"))
    assert entry.start == datetime(2025, 6, 1, 19, 0, tzinfo=UTC)
    assert entry.end == datetime(2025, 6, 1, 20, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        EpgEntry.from_raw({"title": "x"})


def test_base64_is_decoded_leniently():
    assert decode_epg_text(b64("Nouvelles à 20h")) == "Nouvelles à 20h"
    assert decode_epg_text(b64("ab?>").rstrip("=")) == "ab?>"  # missing padding
    urlsafe = base64.urlsafe_b64encode("é???>>>".encode()).decode()
    assert "-" in urlsafe or "_" in urlsafe
    assert decode_epg_text(urlsafe) == "é???>>>"
    assert decode_epg_text("News at 9") == "News at 9"  # not base64: raw text
    assert decode_epg_text("Test") == "Test"  # valid base64, but not text
    assert decode_epg_text(None) == ""


def test_account_round_trips_through_its_json_form():
    account = Account.from_raw(login(allowed_output_formats=["ts"]))
    again = Account.from_dict(account.to_dict())
    assert again == account
    assert Account.authenticated(login()) and not Account.authenticated({"user_info": {"auth": "0"}})
    assert Account.authenticated({"user_info": {"username": "x"}}) and not Account.authenticated({"user_info": {}})
