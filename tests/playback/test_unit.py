"""Playback pieces on their own: playlist rewriting, error mapping, probing real files,
ffmpeg conversion and its clean-up, external-player tokens and playlists."""

from __future__ import annotations

import itertools
import json
import os
import subprocess

import pytest

from xtplay.errors import ConversionsBusy, ItemNotFound, ProviderRefused, ProviderServerError, TooManyConnections
from xtplay.playback import external, hls, probe, proxy, remux
from xtplay.playback.resolve import Target

UPSTREAM = "http://panel.example.com:8080/live/alice/s3cret-pw/17.m3u8"

MASTER = """#EXTM3U
#EXT-X-VERSION:6
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",URI="audio/en/index.m3u8?token=abc"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Deutsch",URI="https://cdn.example.net/subs/de.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO="aud",SUBTITLES="subs"
low/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=3000000,AUDIO="aud"
/hls/alice/s3cret-pw/17/high.m3u8
"""

MEDIA = """#EXTM3U
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:7
#EXT-X-KEY:METHOD=AES-128,URI="key.bin?password=s3cret-pw"
#EXT-X-MAP:URI="init.mp4"

#EXTINF:4.0,
seg_007.ts
#EXTINF:4.0,
http://other.example.org:25461/hlsr/tok/alice/s3cret-pw/seg_008.ts
"""


def _rewrite(text: str) -> tuple[str, hls.TokenMap]:
    tokens = hls.TokenMap()
    out = hls.rewrite_playlist(text, UPSTREAM, "/play/1/live/17/hls", lambda u, _: tokens.token_for(1, u))
    return out, tokens


@pytest.mark.parametrize("playlist", [MASTER, MEDIA], ids=["master", "media"])
def test_rewritten_playlist_has_no_upstream_host_user_or_password(playlist):
    out, _ = _rewrite(playlist)
    for secret in ("s3cret-pw", "alice", "panel.example.com", "cdn.example.net", "other.example.org", "token=abc", "http"):
        assert secret not in out
    uris = [line for line in out.splitlines() if line and not line.startswith("#")]
    attr_uris = [part.split('"')[1] for line in out.splitlines() for part in line.split("URI=")[1:]]
    assert uris and all(u.startswith("/play/1/live/17/hls/") for u in uris + attr_uris)


def test_every_rewritten_uri_maps_back_to_its_absolute_upstream_url():
    out, tokens = _rewrite(MEDIA)
    mapped = [tokens.url_for(1, line.rsplit("/", 1)[1]) for line in out.splitlines() if line and not line.startswith("#")]
    assert mapped == ["http://panel.example.com:8080/live/alice/s3cret-pw/seg_007.ts",
                      "http://other.example.org:25461/hlsr/tok/alice/s3cret-pw/seg_008.ts"]
    key_token = out.split('#EXT-X-KEY:METHOD=AES-128,URI="')[1].split('"')[0].rsplit("/", 1)[1]
    assert tokens.url_for(1, key_token) == "http://panel.example.com:8080/live/alice/s3cret-pw/key.bin?password=s3cret-pw"
    out2, _ = _rewrite(MASTER)
    assert "#EXT-X-STREAM-INF:BANDWIDTH=800000" in out2 and out2.startswith("#EXTM3U\n")


def test_a_token_is_stable_per_url_and_refused_for_another_profile():
    tokens = hls.TokenMap(limit=2)
    a = tokens.token_for(1, "http://x/a.ts")
    assert tokens.token_for(1, "http://x/a.ts") == a
    with pytest.raises(ItemNotFound):
        tokens.url_for(2, a)
    tokens.token_for(1, "http://x/b.ts")
    tokens.token_for(1, "http://x/c.ts")
    with pytest.raises(ItemNotFound):  # oldest forgotten beyond the limit
        tokens.url_for(1, a)


def test_upstream_statuses_become_errors_a_person_can_act_on():
    assert isinstance(proxy.upstream_error(458, "of “Demo”"), TooManyConnections)
    forbidden = proxy.upstream_error(403, "of “Demo”")
    assert isinstance(forbidden, ProviderRefused) and "connections" in str(forbidden) and forbidden.retryable
    assert isinstance(proxy.upstream_error(404, "x"), ItemNotFound)
    assert isinstance(proxy.upstream_error(503, "x"), ProviderServerError)
    shown = proxy.error_json(proxy.upstream_error(458, "of “Demo”"))
    assert shown["ok"] is False and shown["retryable"] is True and "connections" in shown["message"]


@pytest.mark.parametrize(("fmt", "video", "audio", "mode"), [
    ("mov,mp4,m4a,3gp,3g2,mj2", "h264", "aac", "direct"),
    ("mov,mp4,m4a,3gp,3g2,mj2", "h264", "mp3", "direct"),
    ("mov,mp4,m4a,3gp,3g2,mj2", "h264", "ac3", "remux"),
    ("matroska,webm", "h264", "aac", "remux"),
    ("matroska,webm", "h264", "eac3", "remux"),
    ("mov,mp4,m4a,3gp,3g2,mj2", "hevc", "aac", "transcode"),
    ("mpegts", "mpeg2video", "mp2", "transcode"),
])
def test_decision_follows_what_a_browser_decodes(fmt, video, audio, mode):
    assert probe.decide(fmt, video, audio) == mode


@pytest.mark.parametrize(("name", "mode", "video", "audio"), [
    ("movie_h264_aac.mp4", "direct", "h264", "aac"),
    ("movie_h264_ac3.mkv", "remux", "h264", "ac3"),
    ("movie_hevc_aac.mp4", "transcode", "hevc", "aac"),
    ("movie_h264_aac.mkv", "remux", "h264", "aac"),
])
async def test_ffprobe_of_the_demo_media_gives_the_right_decision(demo_media_dir, name, mode, video, audio):
    found = await probe.run_ffprobe(str(demo_media_dir / name))
    assert (found.mode, found.video_codec, found.audio_codec) == (mode, video, audio)
    assert found.duration and found.duration > 5


def test_probe_decisions_are_stored_per_item(demo_profile):
    _, conn, _, profile = demo_profile
    assert probe.cached(conn, profile.id, "movie", "2") is None
    result = probe.ProbeResult("matroska,webm", "h264", "ac3", 24.0, "remux")
    probe.store(conn, profile.id, "movie", "2", result)
    assert probe.cached(conn, profile.id, "movie", "2") == result
    probe.forget(conn, profile.id, "movie", "2")
    assert probe.cached(conn, profile.id, "movie", "2") is None


def _codecs(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "out.mp4"
    path.write_bytes(data)
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", str(path)],
                         capture_output=True, check=True).stdout
    return [s["codec_name"] for s in json.loads(out)["streams"]]


@pytest.mark.parametrize(("name", "mode"), [("movie_h264_ac3.mkv", "remux"), ("movie_hevc_aac.mp4", "transcode")])
async def test_ffmpeg_turns_undecodable_files_into_h264_aac_mp4(demo_media_dir, tmp_path, name, mode):
    pool = remux.FfmpegPool(limit=1)
    data = b"".join([c async for c in pool.stream(remux.ffmpeg_args(str(demo_media_dir / name), mode, start=20.0))])
    assert _codecs(data, tmp_path) == ["h264", "aac"]
    assert pool.running == 0


def _first_packets(path, stream: str, n: int = 5) -> list[float]:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", stream, "-show_entries", "packet=pts_time",
                          "-of", "csv=p=0", "-read_intervals", "%+#20", str(path)], capture_output=True, check=True, text=True)
    return [float(line.strip(",")) for line in out.stdout.split()][:n]


async def test_a_remux_from_mid_file_keeps_audio_continuous_and_with_the_video(demo_media_dir, tmp_path):
    """Copied video can only start at a keyframe; the audio must start there too. Cut exactly at
    the seek point instead, it began with a gap as long as the distance to that keyframe
    (1.3 s here), which browsers play as a jump."""
    pool = remux.FfmpegPool(limit=1)
    args = remux.ffmpeg_args(str(demo_media_dir / "movie_h264_ac3.mkv"), "remux", start=7.3, audio_codec="ac3")
    (tmp_path / "cut.mp4").write_bytes(b"".join([c async for c in pool.stream(args)]))
    video, audio = _first_packets(tmp_path / "cut.mp4", "v"), _first_packets(tmp_path / "cut.mp4", "a")
    assert abs(video[0] - audio[0]) < 0.1
    assert max(b - a for a, b in itertools.pairwise(audio)) < 0.1  # AAC frames are 21 ms apart


async def test_ffmpeg_is_killed_when_the_viewer_stops_reading(demo_media_dir):
    pool = remux.FfmpegPool(limit=1)
    chunks = pool.stream(remux.ffmpeg_args(str(demo_media_dir / "movie_hevc_aac.mp4"), "transcode"))
    await anext(chunks)
    (pid,) = [p.pid for p in pool._procs]
    await chunks.aclose()
    assert pool.running == 0 and pid not in remux._running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def test_the_pool_bounds_concurrent_conversions(demo_media_dir, monkeypatch):
    monkeypatch.setattr(remux, "SLOT_WAIT", 0.3)
    pool = remux.FfmpegPool(limit=1)
    first = pool.stream(remux.ffmpeg_args(str(demo_media_dir / "movie_hevc_aac.mp4"), "transcode"))
    await anext(first)
    second = pool.stream(remux.ffmpeg_args(str(demo_media_dir / "movie_hevc_aac.mp4"), "transcode"))
    with pytest.raises(ConversionsBusy, match="already running") as told:
        await anext(second)
    assert told.value.status_code == 503 and told.value.retryable
    await first.aclose()
    assert pool.running == 0


def test_item_tokens_admit_only_their_own_target(demo_profile):
    _, conn, _, profile = demo_profile
    movie = Target(profile.id, "movie", "1")
    token = external.item_token(conn, movie)
    assert external.token_allows(conn, f"/play/{profile.id}/movie/1/file", token)
    assert not external.token_allows(conn, f"/play/{profile.id}/movie/2/file", token)
    assert not external.token_allows(conn, "/settings", token)
    assert not external.token_allows(conn, f"/play/{profile.id}/movie/1/file", token[:-2] + "xx")
    catch = Target(profile.id, "catchup", "1", 1700000000)
    assert external.token_allows(conn, f"/play/{profile.id}/catchup/1/1700000000/stream.ts", external.item_token(conn, catch))


def test_single_item_playlist_has_proxy_url_and_no_password_unless_direct(demo_profile, demo):
    _, conn, vault, profile = demo_profile
    target = Target(profile.id, "live", "1")
    text = external.item_m3u(conn, vault, profile, target, "http://127.0.0.1:8470", "Demo One HD")
    assert text.startswith("#EXTM3U\n#EXTINF:-1,Demo One HD\nhttp://127.0.0.1:8470/play/")
    assert demo.password not in text and demo.url not in text and "?k=" in text
    direct = external.item_m3u(conn, vault, profile, target, "http://127.0.0.1:8470", "Demo One HD", direct=True)
    assert demo.password in direct and direct.count("\n") == 3


async def test_shutdown_kills_every_running_conversion(demo_media_dir):
    pool = remux.FfmpegPool(limit=2)
    streams = [pool.stream(remux.ffmpeg_args(str(demo_media_dir / "movie_hevc_aac.mp4"), "transcode")) for _ in range(2)]
    for stream in streams:
        await anext(stream)
    pids = [p.pid for p in pool._procs]
    assert len(pids) == 2
    await pool.shutdown()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    for stream in streams:
        await stream.aclose()
    assert pool.running == 0 and not set(pids) & remux._running


def test_the_conversions_at_once_are_set_from_the_environment(tmp_path, monkeypatch):
    from xtplay.config import CONVERSIONS_ENV, DEFAULT_CONVERSIONS, load_settings
    from xtplay.errors import ConfigError

    monkeypatch.delenv(CONVERSIONS_ENV, raising=False)
    assert load_settings(tmp_path).conversions == DEFAULT_CONVERSIONS == remux.DEFAULT_LIMIT
    monkeypatch.setenv(CONVERSIONS_ENV, "6")
    assert load_settings(tmp_path).conversions == 6
    for wrong in ("many", "0", "-2", "1.5"):
        monkeypatch.setenv(CONVERSIONS_ENV, wrong)
        with pytest.raises(ConfigError, match=CONVERSIONS_ENV):
            load_settings(tmp_path)
