"""What the playlist reader makes of the things real playlists contain, and how a playlist
profile sorts and addresses its entries (kinds, ids, catch-up URLs)."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from xtplay.errors import StreamProtected
from xtplay.sources.m3u import PlaylistReader, parse_playlist
from xtplay.sources.playlist import (
    PlaylistIndex,
    PlaylistUrls,
    catchup_url,
    episode_parts,
    index_playlist,
    kind_of,
    stable_id,
)

START = datetime(2026, 3, 4, 20, 30, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 4, 22, 0, 0, tzinfo=UTC)


def one(text: str, base: str | None = None):
    (entry,) = parse_playlist(text, base_url=base).entries
    return entry


def test_tvg_attributes_channel_number_radio_and_shift():
    entry = one('#EXTINF:-1 tvg-id="a.tv" tvg-name="A_TV" tvg-logo="l.png" tvg-chno="12" tvg-shift="-1.5" '
                'radio="true" group-title="Music, Pop",A TV, "the" one\nhttp://h/a\n')
    assert (entry.tvg_id, entry.tvg_name, entry.tvg_logo, entry.group) == ("a.tv", "A_TV", "l.png", "Music, Pop")
    assert entry.name == 'A TV, "the" one' and entry.channel_number == 12 and entry.shift_hours == -1.5
    assert entry.is_radio and kind_of(entry) == "live"


def test_headers_from_vlcopt_and_pipe_and_drm_from_kodiprop():
    entry = one("#EXTINF:-1,X\n#EXTVLCOPT:http-user-agent=UA/1\n#EXTVLCOPT:http-origin=http://o\n"
                "http://h/x.m3u8|Referer=http://r/&User-Agent=UA/2\n")
    assert entry.headers == {"User-Agent": "UA/2", "Referer": "http://r/", "Origin": "http://o"}
    assert entry.url == "http://h/x.m3u8" and entry.drm is None
    locked = one("#EXTINF:-1,Y\n#KODIPROP:inputstream.adaptive.license_type=com.microsoft.playready\nhttp://h/y.mpd\n")
    assert locked.drm == "playready"
    urls = PlaylistUrls(index_playlist(parse_playlist("#EXTM3U\n#EXTINF:-1,Y\n#KODIPROP:inputstream.adaptive."
                                                      "license_key=http://k\nhttp://h/y.mpd\n"), "d"))
    with pytest.raises(StreamProtected, match="“Y” is protected \\(DRM\\), not playable here"):
        urls.live(stable_id("live", None, "y"))


def test_relative_locations_are_made_absolute_against_the_playlist():
    text = "#EXTM3U\n#EXTINF:-1,A\nstreams/a.ts\n#EXTINF:-1,B\n/root/b.ts\n#EXTINF:-1,C\n../c.ts\n"
    entries = parse_playlist(text, base_url="http://host:81/lists/tv/all.m3u").entries
    assert [e.url for e in entries] == ["http://host:81/lists/tv/streams/a.ts", "http://host:81/root/b.ts",
                                        "http://host:81/lists/c.ts"]


def test_guide_addresses_of_every_header_each_once():
    playlist = parse_playlist('#EXTM3U url-tvg="http://g/1.xml.gz,http://g/2.xml"\n#EXTM3U x-tvg-url="http://g/2.xml"\n'
                              "#EXTINF:-1,A\nhttp://h/a\n")
    assert playlist.guide_urls == ["http://g/1.xml.gz", "http://g/2.xml"]


def test_a_reader_fed_line_by_line_gives_the_same_entries():
    text = "\ufeff#EXTM3U\r\n#EXTINF:-1 group-title=\"G\",A\r\nhttp://h/a\r\nhttp://h/bare\r\n"
    reader = PlaylistReader()
    fed = [e for line in text.split("\n") if (e := reader.feed(line)) is not None]
    assert [(e.name, e.url, e.group) for e in fed] == [(e.name, e.url, e.group) for e in parse_playlist(text).entries]
    assert [e.url for e in fed] == ["http://h/a", "http://h/bare"]


@pytest.mark.parametrize(("line", "group", "kind"), [
    ("http://h/movie/u/p/1.mkv", "", "movie"),
    ("http://h/files/film.mp4", "Anything", "movie"),
    ("http://h/get/1234", "VOD Films", "movie"),
    ("http://h/live/u/p/1.ts", "Movies HD", "live"),
    ("http://h/channels/hbo.m3u8", "Movies", "live"),
    ("http://h/series/u/p/9.mp4", "", "episode"),
    ("http://h/files/Show.S01E02.mkv", "", "movie"),
    ("http://h/live/u/p/1.ts", "News", "live"),
    ("http://h/live/u/p/1.m3u8", "", "live"),
])
def test_kinds_from_paths_extensions_and_groups(line, group, kind):
    entry = one(f'#EXTINF:-1 group-title="{group}",Name\n{line}\n')
    assert kind_of(entry) == kind


def test_episode_names_are_split_into_show_season_and_episode():
    assert episode_parts("Some Show S02E05 The Return") == ("Some Show", 2, 5, "The Return")
    assert episode_parts("Other - 1x03") == ("Other", 1, 3, "Episode 3")
    assert episode_parts("Plain") == ("Plain", 1, 1, "Plain")


def test_duplicates_keep_the_first_and_ids_ignore_position_group_and_url():
    first = index_playlist(parse_playlist('#EXTM3U\n#EXTINF:-1 tvg-id="x" group-title="A",X\nhttp://h/t1/x\n'
                                          '#EXTINF:-1 tvg-id="x" group-title="A",X\nhttp://backup/x\n'), "d1")
    second = index_playlist(parse_playlist('#EXTM3U\n#EXTINF:-1,Y\nhttp://h/y\n'
                                           '#EXTINF:-1 tvg-id="x" group-title="B",X\nhttp://h/t2/x\n'), "d2")
    (row,) = first.raw_rows("get_live_streams")
    assert row["stream_id"] in {r["stream_id"] for r in second.raw_rows("get_live_streams")}
    assert first.streams[f"live:{row['stream_id']}"][0] == "http://h/t1/x"


@pytest.mark.parametrize(("kind", "source", "url", "expected"), [
    ("default", "http://h/arch/{utc}-{duration}.ts?s=${start}", "http://h/live/1.ts",
     f"http://h/arch/{int(START.timestamp())}-3600.ts?s={int(START.timestamp())}"),
    ("default", "http://h/{Y}/{m}/{d}/{H}-{M}-{S}/x.ts?o={offset}", "http://h/live/1.ts",
     "http://h/2026/03/04/20-30-00/x.ts?o=5400"),
    ("append", "?utc={utc}&lutc={lutc}", "http://h/live/1.m3u8?token=t",
     f"http://h/live/1.m3u8?token=t&utc={int(START.timestamp())}&lutc={int(NOW.timestamp())}"),
    ("shift", None, "http://h/live/1.m3u8",
     f"http://h/live/1.m3u8?utc={int(START.timestamp())}&lutc={int(NOW.timestamp())}"),
    ("flussonic", None, "http://h/ch1/index.m3u8", f"http://h/ch1/index-{int(START.timestamp())}-3600.m3u8"),
    ("flussonic", None, "http://h/ch1/mpegts", f"http://h/ch1/timeshift_abs-{int(START.timestamp())}.ts"),
    ("xc", None, "http://h:8080/live/user/pass/42.ts", "http://h:8080/timeshift/user/pass/60/2026-03-04:20-30/42.ts"),
    ("default", None, "http://h/ch/{start}/{end}.ts", f"http://h/ch/{int(START.timestamp())}/{int(START.timestamp()) + 3600}.ts"),
])
def test_catchup_urls_by_type(kind, source, url, expected):
    assert catchup_url(url, (kind, 7, source), START, 60, now=NOW) == expected


def test_catchup_attributes_are_read():
    entry = one('#EXTINF:-1 catchup="flussonic-hls" catchup-days="3",A\nhttp://h/a/index.m3u8\n')
    assert entry.catchup == ("flussonic", 3, None)
    assert one('#EXTINF:-1 catchup-source="http://h/{utc}",B\nhttp://h/b\n').catchup == ("default", 7, "http://h/{utc}")
    assert one('#EXTINF:-1 timeshift="2",C\nhttp://h/c\n').catchup is None



def test_an_index_stored_with_rows_as_objects_reads_back_the_same_rows() -> None:
    index = index_playlist(parse_playlist('#EXTM3U\n#EXTINF:-1 tvg-id="x" tvg-chno="4" catchup="default" group-title="A",X\n'
                                          'http://h/live/x.ts\n#EXTINF:-1 group-title="Movies",Film (1999)\nhttp://h/f.mkv\n'
                                          '#EXTINF:-1 group-title="Shows",Show S01E02\nhttp://h/series/s.mp4\n'), "d")
    rows = {action: index.raw_rows(action) for action in ("get_live_streams", "get_vod_streams", "get_series")}
    old = orjson.loads(index.to_json())
    old["rows"] = rows
    del old["records"]
    again = PlaylistIndex.from_json(orjson.dumps(old))
    assert {action: again.raw_rows(action) for action in rows} == rows
    assert rows["get_live_streams"][0]["num"] == 4 and rows["get_live_streams"][0]["tv_archive_duration"] == 7
    assert rows["get_vod_streams"][0]["container_extension"] == "mkv"
