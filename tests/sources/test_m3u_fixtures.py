"""parse_m3u against every real playlist in ../shared/fixtures/m3u (see its README)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xtplay.sources.m3u import parse_m3u, parse_playlist


@pytest.fixture(scope="module")
def m3u_dir(shared_fixtures: Path) -> Path:
    return shared_fixtures / "m3u"


def read(m3u_dir: Path, name: str):
    return parse_playlist((m3u_dir / name).read_bytes())


def test_every_fixture_is_covered_here(m3u_dir):
    tested = {"base.m3u", "comment.m3u", "duplicate.m3u", "free-tv__playlist_japan.m3u8", "kodi.m3u",
              "pipe.m3u", "url_tvg.m3u", "user_agent.m3u", "vlcopt.m3u"}
    assert {p.name for p in m3u_dir.iterdir() if p.suffix in (".m3u", ".m3u8")} == tested


def test_base(m3u_dir):
    playlist = read(m3u_dir, "base.m3u")
    assert playlist.guide_urls == ["http://195.154.221.171/epg/guidealbania.xml.gz"]
    names = [e.name for e in playlist.entries]
    assert names == ["Channel 1 (Tested)", "Channel 2", "=>(★ TURKİYE ★)<=", "TRT 1 HD", "name,with comma",
                     "The Good, the Bad and the Ugly"]
    first = playlist.entries[0]
    # indented lines; a comma inside the quoted logo URL does not end the attributes
    assert first.tvg_id == "CH1" and first.tvg_name == "Ch 1" and first.group == "Music"
    assert first.tvg_logo.endswith("xshow_08.png,Mic_.2KNN9OHw1p.png.pagespeed.ce.2KNN9OHw1p.png")
    assert first.attrs["tvg-rec"] == "3" and first.attrs["tvg-url"] == "http://195.154.221.171/epg/guide.xml.gz"
    assert first.referrer == "http://player.livesports.pw/la2/"
    assert first.user_agent.startswith("Mozilla/5.0 (Macintosh")
    assert first.url == "http://livestream.htp.tv/hls-live/livepkgr/_definst_/H1/H1_HQ.m3u8"
    second = playlist.entries[1]
    assert (second.duration, second.tvg_id, second.url) == (16, "CH2", "stream/chunklist.m3u8")
    # the second #EXTM3U and the banner line in the middle are skipped; a blank line before a URL is fine
    assert playlist.entries[2].url == "http://wodpro24.tr4545.in:8080/expred/peru8k.mp4"
    trt = playlist.entries[3]
    assert trt.attrs["catchup"] == "shift" and trt.attrs["catchup-days"] == "3" and trt.attrs["timeshift"] == "3"
    assert trt.attrs["tvg-shift"] == "-4.5" and trt.attrs["lang"] == "tur"
    assert trt.attrs["catchup-source"].startswith("https://m3u-server/hls-apple-s4-c494-abcdef.m3u8?utc=")
    assert trt.url.endswith("/index.m3u8")
    assert playlist.entries[4].url.startswith("http://free.fullspeed.tv/iptv-query?streaming-ip=https://www.youtube.com/c/")
    assert "República" in playlist.entries[4].url
    assert playlist.entries[5].tvg_name == "The Good, the Bad and the Ugly" and playlist.entries[5].url == "movie.m3u8"


def test_comment(m3u_dir):
    (entry,) = parse_m3u((m3u_dir / "comment.m3u").read_text())
    assert entry.name == "tamazight tv8" and entry.duration == -1 and entry.group is None
    assert entry.url == "http://cdn-hls.globecast.tv/live/ramdisk/tamazight_tv8_snrt/hls_snrt/index.m3u8"


def test_duplicate_entries_are_kept(m3u_dir):
    playlist = read(m3u_dir, "duplicate.m3u")
    assert len(playlist.entries) == 2 and playlist.entries[0] == playlist.entries[1]
    assert playlist.guide_urls == ["http://195.154.221.171/epg/guidealbania.xml.gz"]  # url-tvg spelling


def test_japan(m3u_dir):
    playlist = read(m3u_dir, "free-tv__playlist_japan.m3u8")
    assert len(playlist.guide_urls) == 101 and playlist.guide_urls[0].endswith("epg_ripper_AL1.xml.gz")
    entries = playlist.entries
    assert len(entries) == 43  # 52 #EXTINF, 9 of them "[NO PUBLIC STREAM]"
    assert not any("NO PUBLIC STREAM" in e.url or " " in e.url for e in entries)
    first = entries[0]
    assert (first.name, first.tvg_name, first.tvg_id) == ("NHK総合 (東京)", "NHK総合 (東京)", "JOAKDTV.jp")
    assert first.group == "日本 / Japan" and first.attrs["tvg-chno"] == "D011" and first.attrs["tvg-country"] == "JP"
    assert first.url == "https://naori-test.netgenx.site/pxx.php?shk_cid=hdgd01#.m3u8"
    assert "NHK BSP4K" not in {e.name for e in entries}  # placeholder URL → dropped
    assert "J SPORTS 1" not in {e.name for e in entries}
    last = entries[-1]
    assert last.name == "TOKYO MX チャンネル" and last.tvg_id is None  # tvg-id=""
    assert all(e.group == "日本 / Japan" for e in entries)


def test_kodi(m3u_dir):
    playlist = read(m3u_dir, "kodi.m3u")
    (entry,) = playlist.entries
    assert entry.name == "RTP 1" and entry.group == "TV" and entry.tvg_id == "rtp1hd.tv.vodafone.pt"
    assert entry.url == "https://streaming-live.rtp.pt/liverepeater/rtpClean1HD.smil/playlist.m3u8"
    assert entry.options["inputstream"] == "inputstream.adaptive"
    assert entry.options["inputstream.adaptive.manifest_type"] == "hls"
    assert entry.user_agent == "RTP Play/2.0.26 (Linux;Android 11) ExoPlayerLib/2.11.8"
    assert playlist.guide_urls == ["https://github.com/LITUATUI/M3UPT/raw/main/epg/epg-vodafone.xml.gz"]


def test_pipe(m3u_dir):
    sport, news = parse_m3u((m3u_dir / "pipe.m3u").read_text())
    assert (sport.name, sport.tvg_id, sport.duration) == ("Sport channel", "SportChannel", 17)
    assert sport.url == "http://192.54.104.122:8080/d/abcdef/video.mp4"
    assert sport.user_agent == "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; AS; rv:11.0) like Gecko"
    assert sport.referrer == "http://180upload.abc/embed-uaqmgcckhpcl.html"
    assert (news.name, news.duration, news.url) == ("News channel", 555, "http://my-news-stream:8999/d/letsplay/video.mp4")
    assert news.referrer == "http://test.abc/blank.html"
    assert news.user_agent.startswith("Mozilla/5.0 (Macintosh")


@pytest.mark.parametrize("name", ["url_tvg.m3u", "user_agent.m3u"])
def test_user_agent_attribute(m3u_dir, name):
    (entry,) = parse_m3u((m3u_dir / name).read_bytes())
    assert (entry.name, entry.tvg_id, entry.group) == ("Agromais", "Agromais.br", "Entertainment")
    assert entry.url == "https://agromais/playlist.m3u8"
    assert entry.user_agent.startswith("Mozilla/5.0 (iPhone; CPU iPhone OS 12_2")


def test_vlcopt(m3u_dir):
    (entry,) = parse_m3u((m3u_dir / "vlcopt.m3u").read_text())
    assert entry.name == "Test Channel" and entry.tvg_name == "TestChannel" and entry.duration == 0
    assert entry.group == "Entertainment"  # group-title wins over #EXTGRP
    assert entry.user_agent == "Dalvik/2.1.0 (Linux; U; Android 6.0.1;)"  # quotes stripped
    assert entry.url == "http://test.channel.com/iptv/secret/1/index.m3u8"
