"""Audio and subtitle track choice for files: the probe lists the streams, the remux follows
``audio=N`` (checked against the probe), and subtitles come out as WebVTT — over real sockets
against the demo provider's movie 5 (MKV: H.264, English AAC 440 Hz, French AC-3 880 Hz, SRT)."""

from __future__ import annotations

import array
import json
import subprocess

import pytest

from xtplay.demo.media import MEDIA_FILES
from xtplay.playback import probe, remux


def _ffprobe(path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
                         capture_output=True, check=True).stdout
    return json.loads(out)


def _tone_hz(path, seconds: float = 2.0) -> float:
    """The frequency of a file's (sine) audio, from its zero crossings (from 3 s in, past
    the first frames of a remux started at an offset)."""
    pcm = subprocess.run(["ffmpeg", "-v", "error", "-ss", "3", "-i", str(path), "-map", "0:a:0", "-t", str(seconds), "-ac", "1",
                          "-ar", "48000", "-f", "s16le", "pipe:1"], capture_output=True, check=True).stdout
    samples = array.array("h", pcm)
    crossings, high = 0, samples[0] > 0
    for value in samples:  # with hysteresis: codec noise near zero is not a crossing
        if (high and value < -1000) or (not high and value > 1000):
            crossings, high = crossings + 1, not high
    return crossings / 2 / (len(samples) / 48000)


def test_probe_of_the_multi_track_movie_lists_its_streams(demo_media_dir):
    result = probe.parse(_ffprobe(demo_media_dir / MEDIA_FILES["h264_multi_mkv"]))
    assert result.mode == "remux" and result.video_codec == "h264"
    assert [(t.index, t.codec, t.language, t.title) for t in result.audio_tracks] == [
        (0, "aac", "eng", "English"), (1, "ac3", "fre", "Français")]
    assert [(t.index, t.codec, t.language) for t in result.subtitle_tracks] == [(0, "subrip", "eng")]
    assert result.audio_track(1).codec == "ac3"
    with pytest.raises(Exception, match="no audio track 2"):
        result.audio_track(2)


def test_bitmap_subtitles_are_not_offered():
    result = probe.parse({"format": {"format_name": "matroska,webm"}, "streams": [
        {"codec_type": "video", "codec_name": "h264"}, {"codec_type": "audio", "codec_name": "aac"},
        {"codec_type": "subtitle", "codec_name": "hdmv_pgs_subtitle", "tags": {"language": "eng"}},
        {"codec_type": "subtitle", "codec_name": "ass", "tags": {"LANGUAGE": "ger"}}]})
    assert [(t.index, t.codec, t.language) for t in result.subtitle_tracks] == [(1, "ass", "ger")]


def test_remux_maps_the_chosen_audio_stream():
    args = remux.ffmpeg_args("http://x/file", "remux", 3.0, "ac3", audio=1)
    assert args[args.index("-map") + 1] == "0:v:0" and "0:a:1" in args
    assert args[args.index("-c:a") + 1] == "aac"
    assert "0:a:0?" in remux.ffmpeg_args("http://x/file", "remux")


def test_shift_vtt_counts_cues_from_the_start():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\nearly\n\n00:09.000 --> 00:11.500\nacross\n\n00:12.000 --> 00:14.000\nlater\n"
    shifted = remux.shift_vtt(text, 10.0)
    assert "early" not in shifted
    assert "00:00:00.000 --> 00:00:01.500\nacross" in shifted and "00:00:02.000 --> 00:00:04.000\nlater" in shifted
    assert remux.shift_vtt(text, 0) == text


def test_info_lists_tracks_and_remembers_them(live_app, app_http, play_profile_id):
    info = app_http.get(f"/play/{play_profile_id}/movie/5/info").json()
    assert info["mode"] == "remux"
    assert [(t["index"], t["language"]) for t in info["audio_tracks"]] == [(0, "eng"), (1, "fre")]
    assert [(t["index"], t["language"], t["src"]) for t in info["subtitle_tracks"]] == [
        (0, "eng", f"/play/{play_profile_id}/movie/5/subtitles/0.vtt")]
    demo = live_app.demo
    body = json.dumps(info)
    assert demo.password not in body and demo.url.split("//", 1)[1] not in body
    conn = live_app.connect()
    try:
        stored = probe.cached(conn, play_profile_id, "movie", "5")
        assert stored is not None and len(stored.audio_tracks) == 2 and len(stored.subtitle_tracks) == 1
    finally:
        conn.close()


def test_remux_with_audio_1_carries_the_french_track(live_app, app_http, play_profile_id, tmp_path):
    app_http.get(f"/play/{play_profile_id}/movie/5/info")
    tones = {}
    for n in (0, 1):
        got = app_http.get(f"/play/{play_profile_id}/movie/5/remux.mp4", params={"start": 6, "audio": n})
        assert got.status_code == 200 and got.headers["content-type"] == "video/mp4"
        out = tmp_path / f"audio{n}.mp4"
        out.write_bytes(got.content)
        streams = _ffprobe(out)["streams"]
        assert [s["codec_name"] for s in streams] == ["h264", "aac"]
        tones[n] = _tone_hz(out)
    assert 400 < tones[0] < 480 and 840 < tones[1] < 920, tones


def test_unknown_audio_or_subtitle_track_is_refused(app_http, play_profile_id):
    app_http.get(f"/play/{play_profile_id}/movie/5/info")
    assert app_http.get(f"/play/{play_profile_id}/movie/5/remux.mp4", params={"audio": 2}).status_code == 404
    assert app_http.get(f"/play/{play_profile_id}/movie/5/subtitles/1.vtt").status_code == 404
    app_http.get(f"/play/{play_profile_id}/movie/1/info")
    assert app_http.get(f"/play/{play_profile_id}/movie/1/subtitles/0.vtt").status_code == 404


def test_subtitles_come_as_webvtt_cues(app_http, play_profile_id):
    got = app_http.get(f"/play/{play_profile_id}/movie/5/subtitles/0.vtt")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/vtt")
    assert got.text.startswith("WEBVTT")
    assert "Demo subtitle at 0 seconds" in got.text and "Demo subtitle at 21 seconds" in got.text
    assert " --> " in got.text
    later = app_http.get(f"/play/{play_profile_id}/movie/5/subtitles/0.vtt", params={"start": 10}).text
    assert "Demo subtitle at 6 seconds" not in later
    assert "00:00:02.021 --> 00:00:04.521\nDemo subtitle at 12 seconds" in later
