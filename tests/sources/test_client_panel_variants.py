"""The JSON variants of the panels people pay for (XUI.one, Xtream UI, Xtream Codes 2.x), each
read from a small sample modelled on their answers: by the typed models, by the sync's fast row
reader, and over the wire where the client itself decides (login, details)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from xtplay.errors import AccountInactive, ItemNotFound
from xtplay.library.store import CategoryData, read_rows
from xtplay.sources.models import Account, EpgEntry, LiveStream, Movie, MovieInfo, Series, SeriesInfo
from xtplay.sources.xtream import XtreamClient

PASSWORD = "s3cret-line"

#: XUI.one 1.5: strings for dates and counters, ints for active_cons, extra server keys.
XUI_LOGIN = {
    "user_info": {"username": "alice", "password": PASSWORD, "message": "Welcome to XUI.one", "auth": 1,
                  "status": "Active", "exp_date": "4102444800", "is_trial": "0", "active_cons": 0,
                  "created_at": "1700000000", "max_connections": "1", "allowed_output_formats": ["m3u8", "ts", "rtmp"]},
    "server_info": {"xui": True, "version": "1.5.5", "revision": 2, "url": "panel.example", "port": "80",
                    "https_port": "443", "server_protocol": "http", "rtmp_port": "8880", "timestamp_now": 1717000000,
                    "time_now": "2024-05-29 18:26:40", "timezone": "Europe/Amsterdam"},
}
#: Xtream UI (the Python rewrite): ints where XC sends strings, no expiry for an unlimited line.
XTREAM_UI_LOGIN = {
    "user_info": {"username": "alice", "password": PASSWORD, "message": "", "auth": 1, "status": "Active",
                  "exp_date": None, "is_trial": 0, "active_cons": "0", "created_at": 1526616000,
                  "max_connections": 1, "allowed_output_formats": ["m3u8", "ts"]},
    "server_info": {"url": "ui.example", "port": 25461, "https_port": 25463, "server_protocol": "http",
                    "rtmp_port": 25462, "timezone": "UTC", "timestamp_now": 1717000000, "time_now": "2024-05-29 16:26:40"},
}
#: Xtream Codes 2.x: every number a string, ``auth`` an int, unlimited lines without ``exp_date``.
XC2_LOGIN = {
    "user_info": {"username": "alice", "password": PASSWORD, "message": "", "auth": 1, "status": "Active",
                  "exp_date": "1550619710", "is_trial": "0", "active_cons": "1", "created_at": "1526616000",
                  "max_connections": "2", "allowed_output_formats": ["m3u8", "ts", "rtmp"]},
    "server_info": {"url": "xc.example", "port": "8080", "https_port": "25463", "server_protocol": "http",
                    "rtmp_port": "8880", "timezone": "Europe\\/London", "timestamp_now": 1535215619,
                    "time_now": "2018-08-25 17:46:59", "process": True},
}


def with_user(sample: dict, **user: object) -> dict:
    """``sample`` with ``user_info`` fields replaced; a value of ``...`` removes the field."""
    info = {k: v for k, v in {**sample["user_info"], **user}.items() if v is not ...}
    return {**sample, "user_info": info}


# ---- login: expiry, numbers as ints or strings, status -----------------------------------------


@pytest.mark.parametrize("exp,expected", [
    (..., None),                                  # XC 2.x unlimited line: the key is absent
    (None, None),                                 # Xtream UI: null
    ("null", None),                               # a PHP panel printing null as text
    ("4102444800", datetime(2100, 1, 1, tzinfo=UTC)),   # unix time as a string (XC 2.x, XUI)
    (4102444800, datetime(2100, 1, 1, tzinfo=UTC)),     # unix time as an int
])
def test_expiry_variants(exp, expected):
    account = Account.from_raw(with_user(XUI_LOGIN, exp_date=exp))
    assert account.exp_date == expected
    assert account.is_active


@pytest.mark.parametrize("sample,trial,active,limit", [
    (XUI_LOGIN, False, 0, 1), (XTREAM_UI_LOGIN, False, 0, 1), (XC2_LOGIN, False, 1, 2),
])
def test_counters_as_ints_or_strings(sample, trial, active, limit):
    account = Account.from_raw(sample, now=datetime(2018, 1, 1, tzinfo=UTC))
    assert (account.is_trial, account.active_connections, account.max_connections) == (trial, active, limit)
    assert Account.authenticated(sample)


@pytest.mark.parametrize("auth,ok", [(1, True), ("1", True), (True, True), (0, False), ("0", False)])
def test_auth_as_int_string_or_bool(auth, ok):
    assert Account.authenticated(with_user(XTREAM_UI_LOGIN, auth=auth)) is ok


def test_is_trial_as_int_or_string():
    assert Account.from_raw(with_user(XTREAM_UI_LOGIN, is_trial=1)).is_trial is True
    assert Account.from_raw(with_user(XC2_LOGIN, is_trial="1"), now=datetime(2018, 1, 1, tzinfo=UTC)).is_trial is True


@pytest.fixture
async def client(scripted, fast_settings):
    async with XtreamClient(scripted.url, "alice", PASSWORD, settings=fast_settings) as c:
        yield c


@pytest.mark.parametrize("sample", [XUI_LOGIN, XTREAM_UI_LOGIN])
async def test_active_logins_of_each_panel(scripted, client, sample):
    scripted.on("login", json.dumps(sample))
    account = await client.login()
    assert account.is_active and account.max_connections == 1


@pytest.mark.parametrize("sample", [XUI_LOGIN, XTREAM_UI_LOGIN, XC2_LOGIN])
@pytest.mark.parametrize("status,kind,words", [
    ("Expired", "expired", "expired"), ("Banned", "banned", "banned"), ("Disabled", "disabled", "disabled"),
    ("EXPIRED", "expired", "expired"), ("banned", "banned", "banned"),
])
async def test_each_inactive_status_is_refused_at_login(scripted, client, sample, status, kind, words):
    scripted.on("login", json.dumps(with_user(sample, status=status)))
    with pytest.raises(AccountInactive) as info:
        await client.login()
    assert info.value.status == kind and words in str(info.value)
    assert scripted.count("login") == 1


async def test_active_status_with_a_past_string_expiry_is_refused_as_expired(scripted, client):
    scripted.on("login", json.dumps(XC2_LOGIN))  # exp_date 2019-02-19, status still "Active"
    with pytest.raises(AccountInactive) as info:
        await client.login()
    assert info.value.status == "expired" and "2019-02-19" in str(info.value)


# ---- list rows: strings where ints are usual, and the reverse ----------------------------------

CATEGORIES = [CategoryData("3", "Films", None, 0, False), CategoryData("12", "News", None, 1, False)]
ROW_FIELDS = ("provider_id", "name", "search_name", "category_id", "position", "num", "logo", "rating", "year",
              "genre", "plot", "cast", "added", "container", "epg_channel_id", "archive_days", "is_adult", "digest")


def row_of(type: str, raw: dict) -> dict:
    (row,) = read_rows(type, [raw], CATEGORIES)
    return dict(zip(ROW_FIELDS, row, strict=True))


def test_live_row_with_string_id_and_int_category():
    raw = {"num": "1", "name": "News 24", "stream_type": "live", "stream_id": "12", "stream_icon": "",
           "epg_channel_id": None, "added": "1526616000", "category_id": 3, "tv_archive": "1",
           "tv_archive_duration": "3", "is_adult": "0"}
    stream = LiveStream.from_raw(raw)
    assert (stream.stream_id, stream.category_id, stream.num, stream.tv_archive_duration) == (12, "3", 1, 3)
    row = row_of("live", raw)
    assert (row["provider_id"], row["category_id"], row["num"], row["archive_days"]) == ("12", "3", 1, 3)


def test_movie_row_with_ints_where_strings_are_usual():
    raw = {"num": 5, "name": "Heat (1995)", "stream_type": "movie", "stream_id": 44, "rating": 8.3,
           "rating_5based": 4.2, "added": 1526616000, "category_id": "12", "container_extension": "mkv",
           "is_adult": 0}
    movie = Movie.from_raw(raw)
    assert (movie.stream_id, movie.category_id, movie.rating, movie.year) == (44, "12", 8.3, 1995)
    row = row_of("movie", raw)
    assert (row["provider_id"], row["category_id"], row["rating"], row["year"], row["added"]) == (
        "44", "12", 8.3, 1995, 1526616000)


# ---- ratings, years, durations ------------------------------------------------------------------


@pytest.mark.parametrize("rating,expected", [
    ("7.5", 7.5), (7.5, 7.5), ("", None), ("7.5/10", 7.5), (None, None), ("7,5", 7.5), ("4/5", 8.0), ("N/A", None),
])
def test_rating_shapes(rating, expected):
    raw = {"stream_id": 1, "name": "M", "rating": rating, "category_id": "3"}
    assert Movie.from_raw(raw).rating == expected
    assert row_of("movie", raw)["rating"] == expected
    series = {"series_id": 1, "name": "S", "rating": rating, "category_id": "3"}
    assert Series.from_raw(series).rating == expected
    assert row_of("series", series)["rating"] == expected
    assert MovieInfo.from_raw({"info": {"rating": rating}, "movie_data": {"stream_id": 1}}).rating == expected


def test_an_empty_rating_falls_back_to_the_five_based_one():
    raw = {"stream_id": 1, "name": "M", "rating": "", "rating_5based": "3.5"}
    assert Movie.from_raw(raw).rating == 7.0
    assert row_of("movie", raw)["rating"] == 7.0


@pytest.mark.parametrize("fields,expected", [
    ({"name": "1917"}, None),                          # a title that is a number is not a year
    ({"name": "1899"}, None),
    ({"name": "2012"}, None),
    ({"name": "Blade Runner 2049"}, None),
    ({"name": "1917", "year": "2019"}, 2019),           # XUI's explicit year
    ({"name": "1917", "year": 2019}, 2019),
    ({"name": "2012", "release_date": "2009-11-13"}, 2009),
    ({"name": "2012", "releaseDate": "2009-11-13"}, 2009),
    ({"name": "Heat (1995)"}, 1995),
    ({"name": "Heat - 1995"}, 1995),
    ({"name": "Heat – 1995 "}, 1995),
    ({"name": "1917 (2019)"}, 2019),
    ({"name": "Heat", "year": ""}, None),
    ({"name": "Heat", "release_date": "13/11/1995"}, 1995),
])
def test_a_year_only_from_an_explicit_field_or_a_trailing_year_in_the_name(fields, expected):
    series = {"series_id": 1, **fields}
    assert Series.from_raw(series).year == expected
    assert row_of("series", series)["year"] == expected
    if "releaseDate" in fields:
        return  # the camel-case date is a series field (XC 2.x get_series)
    movie = {"stream_id": 1, **fields}
    assert Movie.from_raw(movie).year == expected
    assert row_of("movie", movie)["year"] == expected
    assert MovieInfo.from_raw({"info": fields, "movie_data": {"stream_id": 1}}).year == expected


@pytest.mark.parametrize("info,secs", [
    ({"duration": "01:49:00"}, 6540),
    ({"duration_secs": 6540, "duration": "01:49:00"}, 6540),
    ({"duration_secs": "6540"}, 6540),
    ({"duration_secs": 6540}, 6540),
    ({"duration_secs": "", "duration": "01:49:00"}, 6540),
    ({"duration_secs": 0, "duration": "109"}, 6540),    # bare digits are minutes
    ({"duration": "6540"}, 6540),                       # … unless no film lasts that many minutes
    ({"duration": ""}, None),
    ({}, None),
])
def test_duration_shapes(info, secs):
    assert MovieInfo.from_raw({"info": info, "movie_data": {"stream_id": 1}}).duration_secs == secs
    episodes = {"1": [{"id": "9", "episode_num": 1, "info": info}]}
    (episode,) = SeriesInfo.from_raw({"info": {"name": "S"}, "episodes": episodes}, series_id=1).episodes[1]
    assert episode.duration_secs == secs


# ---- get_vod_info -----------------------------------------------------------------------------


async def test_vod_info_with_empty_info_keeps_the_movie_data(scripted, client):
    scripted.on("get_vod_info", json.dumps({"info": [], "movie_data": {
        "stream_id": 44, "name": "Heat", "added": "1526616000", "category_id": "12", "container_extension": "mkv",
        "custom_sid": "", "direct_source": ""}}))
    info = await client.vod_info(44)
    assert (info.stream_id, info.name, info.container_extension, info.category_id) == (44, "Heat", "mkv", "12")
    assert info.plot is None and info.duration_secs is None and info.year is None


async def test_vod_info_without_movie_data_reads_the_info(scripted, client):
    scripted.on("get_vod_info", json.dumps({"info": {
        "name": "Heat", "o_name": "Heat", "movie_image": "http://img/heat.jpg", "releasedate": "1995-12-15",
        "duration_secs": "10200", "duration": "02:50:00", "rating": "8.3", "plot": "A heist.", "genre": "Crime"}}))
    info = await client.vod_info(44)
    assert (info.stream_id, info.name, info.year, info.duration_secs, info.rating) == (44, "Heat", 1995, 10200, 8.3)
    assert info.container_extension == "mp4"


async def test_vod_info_with_nothing_is_not_found(scripted, client):
    scripted.on("get_vod_info", json.dumps({"info": [], "movie_data": []}))
    with pytest.raises(ItemNotFound):
        await client.vod_info(44)


# ---- get_series_info --------------------------------------------------------------------------


def episode(eid: int, num: int, season: object = None, **info: object) -> dict:
    row = {"id": str(eid), "episode_num": num, "title": f"Show - E{num}", "container_extension": "mkv",
           "info": info or [], "custom_sid": "", "added": "", "direct_source": ""}
    if season is not None:
        row["season"] = season
    return row


def test_zero_based_season_numbers_decorate_one_based_episode_keys():
    """XUI lists ``seasons`` from 0 (TMDB order) while ``episodes`` is keyed "1", "2"."""
    raw = {
        "seasons": [
            {"air_date": "2008-01-20", "episode_count": 2, "id": 3572, "name": "Season 1", "season_number": 0,
             "cover": "http://img/s1.jpg"},
            {"air_date": "2009-03-08", "episode_count": 1, "id": 3573, "name": "Season 2", "season_number": 1,
             "cover": "http://img/s2.jpg"},
        ],
        "info": {"name": "Show", "releaseDate": "2008-01-20"},
        "episodes": {"1": [episode(10, 1, 1), episode(11, 2, 1)], "2": [episode(12, 1, 2)]},
    }
    info = SeriesInfo.from_raw(raw, series_id=7)
    assert [(s.season_number, s.name, s.cover, s.episode_count) for s in info.seasons] == [
        (1, "Season 1", "http://img/s1.jpg", 2), (2, "Season 2", "http://img/s2.jpg", 1)]
    assert {n: [e.id for e in eps] for n, eps in info.episodes.items()} == {1: [10, 11], 2: [12]}


def test_an_empty_specials_season_zero_does_not_shift_the_others():
    raw = {
        "seasons": [{"name": "Specials", "season_number": 0, "episode_count": 0, "cover": "http://img/s0.jpg"},
                    {"name": "Season 1", "season_number": 1, "episode_count": 1, "cover": "http://img/s1.jpg"}],
        "info": {"name": "Show"},
        "episodes": {"1": [episode(10, 1)], "2": [episode(11, 1)]},
    }
    info = SeriesInfo.from_raw(raw, series_id=7)
    assert [(s.season_number, s.name, s.cover) for s in info.seasons] == [
        (1, "Season 1", "http://img/s1.jpg"), (2, "Season 2", None)]


def test_one_based_seasons_match_their_keys():
    raw = {"seasons": [{"name": "Book One", "season_number": 1}, {"name": "Book Two", "season_number": "2"}],
           "info": {"name": "Show"}, "episodes": {"1": [episode(10, 1)], "2": [episode(11, 1)]}}
    assert [(s.season_number, s.name) for s in SeriesInfo.from_raw(raw, series_id=7).seasons] == [
        (1, "Book One"), (2, "Book Two")]


def test_episodes_as_a_flat_list_take_their_own_season():
    raw = {"info": {"name": "Show"}, "episodes": [episode(10, 1, "1"), episode(11, 2, "1"), episode(12, 1, 2)]}
    info = SeriesInfo.from_raw(raw, series_id=7)
    assert {n: [e.id for e in eps] for n, eps in info.episodes.items()} == {1: [10, 11], 2: [12]}


def test_a_flat_list_keeps_season_zero_and_reads_the_season_from_info():
    raw = {"info": {"name": "Show"}, "episodes": [episode(10, 1, "0"), episode(11, 1, season="3"),
                                                  {**episode(12, 2), "info": {"season": "3"}}, episode(13, 1)]}
    info = SeriesInfo.from_raw(raw, series_id=7)
    assert {n: [e.id for e in eps] for n, eps in info.episodes.items()} == {0: [10], 1: [13], 3: [11, 12]}


def test_episodes_as_a_reindexed_list_of_lists_trust_the_episodes_season():
    """A panel that ran the seasons through ``array_values``: index 0 holds season 1."""
    raw = {"info": {"name": "Show"}, "episodes": [[episode(10, 1, 1)], [episode(11, 1, "2")]]}
    info = SeriesInfo.from_raw(raw, series_id=7)
    assert {n: [e.id for e in eps] for n, eps in info.episodes.items()} == {1: [10], 2: [11]}


def test_episodes_of_a_season_keyed_by_position():
    raw = {"info": {"name": "Show"}, "episodes": {"1": {"0": episode(10, 1), "1": episode(11, 2)}}}
    assert [e.id for e in SeriesInfo.from_raw(raw, series_id=7).episodes[1]] == [10, 11]


async def test_series_info_without_seasons_and_with_empty_info(scripted, client):
    scripted.on("get_series_info", json.dumps({"info": [], "episodes": {"1": [episode(10, 1, duration="00:42:00")]}}))
    info = await client.series_info(7)
    assert info.info.series_id == 7 and info.info.name == "Series 7"
    assert [(s.season_number, s.name, s.episode_count) for s in info.seasons] == [(1, "Season 1", 1)]
    assert info.episodes[1][0].duration_secs == 42 * 60


async def test_series_info_with_episodes_missing_is_not_found_when_info_is_empty(scripted, client):
    scripted.on("get_series_info", json.dumps({"seasons": [], "info": [], "episodes": []}))
    with pytest.raises(ItemNotFound):
        await client.series_info(7)


# ---- guide text -------------------------------------------------------------------------------


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("title", ["News", "Kids", "Minari", "Sport", "Euronews", "ESPN", "Dark", "Love Island",
                                   "9-1-1", "Café Society", "Tagesschau", "Columbo"])
def test_guide_titles_base64_or_plain(title):
    row = {"id": "1", "epg_id": "1", "lang": "", "start": "2024-05-29 18:00:00", "end": "2024-05-29 19:00:00",
           "start_timestamp": "1717005600", "stop_timestamp": "1717009200", "channel_id": "news.uk"}
    assert EpgEntry.from_raw({**row, "title": b64(title), "description": b64("Tonight.")}).title == title
    plain = EpgEntry.from_raw({**row, "title": title, "description": "Tonight."})
    assert (plain.title, plain.description) == (title, "Tonight.")
