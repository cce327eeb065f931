"""Stream delivery of the demo provider: files with Range, live TS and HLS, catch-up, limits."""

from __future__ import annotations

import array
import itertools
import json
import re
import subprocess
import time
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.plugins.waiting import wait_until
from xtplay.demo import DemoProvider
from xtplay.demo.media import MEDIA_FILES, ensure_media
from xtplay.demo.streams import hls_playlist, parse_range


def _codecs(url: str) -> dict[str, str]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "json", url],
                         capture_output=True, text=True, timeout=60, check=True)
    return {s["codec_type"]: s["codec_name"] for s in json.loads(out.stdout)["streams"]}


@pytest.mark.parametrize(("path", "video", "audio"), [
    ("/movie/{u}/{p}/1.mp4", "h264", "aac"),
    ("/movie/{u}/{p}/2.mkv", "h264", "ac3"),
    ("/movie/{u}/{p}/3.mp4", "hevc", "aac"),
    ("/movie/{u}/{p}/4.mkv", "h264", "aac"),
    ("/series/{u}/{p}/1.mp4", "h264", "aac"),
    ("/series/{u}/{p}/2.mkv", "h264", "ac3"),
])
def test_movies_and_episodes_have_the_promised_codecs(demo, path, video, audio):
    url = demo.url + path.format(u=demo.username, p=demo.password)
    assert _codecs(url) == {"video": video, "audio": audio}


def test_range_requests_return_the_right_bytes(demo, demo_media_dir):
    data = (demo_media_dir / MEDIA_FILES["h264_aac_mp4"]).read_bytes()
    url = f"{demo.url}/movie/{demo.username}/{demo.password}/1.mp4"
    with httpx.Client(timeout=30) as client:
        full = client.get(url)
        assert full.status_code == 200 and full.content == data
        assert full.headers["accept-ranges"] == "bytes"
        part = client.get(url, headers={"Range": "bytes=1000-1999"})
        assert part.status_code == 206
        assert part.content == data[1000:2000]
        assert part.headers["content-range"] == f"bytes 1000-1999/{len(data)}"
        tail = client.get(url, headers={"Range": "bytes=-500"})
        assert tail.status_code == 206 and tail.content == data[-500:]
        open_end = client.get(url, headers={"Range": f"bytes={len(data) - 10}-"})
        assert open_end.content == data[-10:]
        beyond = client.get(url, headers={"Range": f"bytes={len(data)}-"})
        assert beyond.status_code == 416
        assert client.head(url).headers["content-length"] == str(len(data))


def test_parse_range_edge_cases():
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=5-100", 10) == (5, 9)
    assert parse_range("bytes=-20", 10) == (0, 9)
    assert parse_range("bytes=0-1,4-5", 10) is None
    assert parse_range("bytes=7-3", 10) is None


def test_unknown_ids_wrong_extension_and_wrong_password(demo):
    u, p = demo.username, demo.password
    assert httpx.get(f"{demo.url}/movie/{u}/{p}/99999.mp4").status_code == 404
    assert httpx.get(f"{demo.url}/movie/{u}/{p}/2.mp4").status_code == 404
    assert httpx.get(f"{demo.url}/series/{u}/{p}/7.mp4").status_code == 404
    assert httpx.get(f"{demo.url}/movie/{u}/wrong/1.mp4").status_code == 401
    assert httpx.get(f"{demo.url}/live/{u}/wrong/1.ts").status_code == 401
    assert httpx.get(f"{demo.url}/live/{u}/{p}/1.flv").status_code == 405


@pytest.mark.parametrize("path", ["/live/{u}/{p}/1.ts", "/{u}/{p}/2"])
def test_live_ts_keeps_delivering_and_its_process_ends_with_the_viewer(demo, path):
    url = demo.url + path.format(u=demo.username, p=demo.password)
    received, first = 0, b""
    with httpx.Client(timeout=10) as client, client.stream("GET", url) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "video/mp2t"
        started = time.monotonic()
        # Keep the iterator: a dropped iter_bytes() generator is closed at once, and httpcore then
        # closes the connection, so the provider (rightly) ends the stream before the check below.
        reading = response.iter_bytes()
        for chunk in reading:
            first = first or chunk
            received += len(chunk)
            if time.monotonic() - started > 1.5 and received > 100_000:
                break
        assert demo.stats()["processes"] == 1, demo.stats()
        assert demo.stats()["open_streams"] == 1, demo.stats()
        reading.close()  # the viewer leaves
    assert first[0] == 0x47  # MPEG-TS sync byte
    wait_until(lambda: demo.stats()["processes"] == 0 and demo.stats()["open_streams"] == 0, 10,
               "the stream and its process to end")


def test_live_ts_loops_with_continuous_timestamps(demo_media_dir):
    """Reading past the clip's end proves the stream loops; the packet times never jump back."""
    clip = ensure_media(demo_media_dir).path("live_ts").stat().st_size
    with DemoProvider(live=10, vod=10, series=2, media_dir=demo_media_dir, live_speed=60) as provider:
        url = f"{provider.url}/live/{provider.username}/{provider.password}/1.ts"
        received = bytearray()
        with httpx.Client(timeout=15) as client, client.stream("GET", url) as response:
            for chunk in response.iter_bytes():
                received += chunk
                if len(received) > clip * 1.4:
                    break
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=dts_time",
                            "-of", "csv=p=0", "-"], input=bytes(received), capture_output=True, timeout=60)
    times = [float(t.strip(",")) for t in probe.stdout.decode().split() if t.strip(",") not in ("", "N/A")]
    assert times[-1] - times[0] > 120 * 1.2  # more than one loop of the 120 s clip
    assert all(b > a for a, b in itertools.pairwise(times))


def test_hls_playlist_slides_with_the_clock_and_marks_loops(demo_media_dir):
    media = ensure_media(demo_media_dir)
    token = "t"
    first = hls_playlist(media, token, 1, now=1_800_000_000)
    later = hls_playlist(media, token, 1, now=1_800_000_000 + 8)
    seq = lambda text: int(text.split("#EXT-X-MEDIA-SEQUENCE:")[1].split()[0])  # noqa: E731
    assert seq(later) == seq(first) + 2
    segments = [line for line in first.splitlines() if line.startswith("/hls/")]
    assert len(segments) == 5
    # over a whole loop there is always a discontinuity where the clip restarts
    seen = any("#EXT-X-DISCONTINUITY\n" in hls_playlist(media, token, 1, now=1_800_000_000 + 4 * k) for k in range(12))
    assert seen


def test_hls_over_http_serves_playlist_and_segments(demo):
    with httpx.Client(base_url=demo.url, timeout=10) as client:
        playlist = client.get(f"/live/{demo.username}/{demo.password}/1.m3u8")
        assert playlist.status_code == 200
        assert playlist.headers["content-type"] == "application/vnd.apple.mpegurl"
        assert demo.password not in playlist.text
        segment_urls = [line for line in playlist.text.splitlines() if line.startswith("/hls/")]
        segment = client.get(segment_urls[-1])
        assert segment.status_code == 200 and segment.content[0] == 0x47
        forged = segment_urls[-1].split("/")
        forged[2] = "0" * len(forged[2])
        assert client.get("/".join(forged)).status_code == 403
        short = client.get(f"/{demo.username}/{demo.password}/1.m3u8")
        assert short.status_code == 200 and "#EXTM3U" in short.text
    # a real HLS reader follows the playlist and its segments
    assert _codecs(f"{demo.url}/live/{demo.username}/{demo.password}/1.m3u8") == {"video": "h264", "audio": "aac"}


def test_timeshift_plays_inside_the_archive_window_only(demo):
    london = ZoneInfo("Europe/London")
    start = (datetime.now(london) - timedelta(hours=2)).strftime("%Y-%m-%d:%H-%M")
    u, p = demo.username, demo.password
    with httpx.Client(base_url=demo.url, timeout=10) as client:
        with client.stream("GET", f"/timeshift/{u}/{p}/30/{start}/1.ts") as response:
            assert response.status_code == 200
            chunk = next(response.iter_bytes())
            assert chunk[0] == 0x47
        query = {"username": u, "password": p, "stream": "1", "start": start, "duration": "30", "extension": "m3u8"}
        assert "#EXT-X-ENDLIST" in client.get("/streaming/timeshift.php", params=query).text
        playlist = client.get(f"/timeshift/{u}/{p}/30/{start}/1.m3u8").text
        assert playlist.rstrip().endswith("#EXT-X-ENDLIST")
        assert playlist.count("#EXTINF") == 30 * 60 // 4
        assert client.get(f"/timeshift/{u}/{p}/30/{start}/2.ts").status_code == 404  # no archive
        old = (datetime.now(london) - timedelta(days=5)).strftime("%Y-%m-%d:%H-%M")
        assert client.get(f"/timeshift/{u}/{p}/30/{old}/1.ts").status_code == 404  # beyond 3 days
        assert client.get(f"/timeshift/{u}/{p}/30/yesterday/1.ts").status_code == 404
    wait_until(lambda: demo.stats()["processes"] == 0, 10, "the stream processes to end")


def test_connection_limit_answers_458(demo_media_dir):
    with DemoProvider(live=10, vod=10, series=2, media_dir=demo_media_dir, max_connections=1) as provider:
        url = f"{provider.url}/live/{provider.username}/{provider.password}/1.ts"
        with httpx.Client(timeout=10) as client, client.stream("GET", url) as first:
            assert first.status_code == 200
            reading = first.iter_bytes()  # keep the iterator: dropping it closes the connection
            next(reading)
            second = client.get(f"{provider.url}/movie/{provider.username}/{provider.password}/1.mp4")
            assert second.status_code == 458
            assert provider.stats()["refused_streams"] == 1
        wait_until(lambda: provider.stats()["open_streams"] == 0, 10, "the first stream to close")
        assert httpx.get(f"{provider.url}/movie/{provider.username}/{provider.password}/1.mp4").status_code == 200


def test_stopping_the_provider_kills_its_stream_processes(demo_media_dir):
    provider = DemoProvider(live=10, vod=10, series=2, media_dir=demo_media_dir).start()
    client = httpx.Client(timeout=10)
    response = client.send(client.build_request("GET", f"{provider.url}/live/demo/demo-pass/1.ts"), stream=True)
    reading = response.iter_bytes()  # keep the iterator: dropping it closes the connection
    next(reading)
    procs = list(provider.state.processes)
    assert len(procs) == 1
    pid = procs[0].pid
    provider.stop()
    response.close()
    client.close()
    wait_until(lambda: not _alive(pid), 10, "the stream process to be killed")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_credentials_with_reserved_characters_work_when_percent_encoded(demo_media_dir):
    with DemoProvider(live=6, vod=6, series=1, media_dir=demo_media_dir, username="jo user", password="p/ss+w@rd") as p:
        enc_user, enc_pass = quote(p.username, safe=""), quote(p.password, safe="")
        with httpx.Client(base_url=p.url, timeout=10) as client:
            login = client.get("/player_api.php", params={"username": p.username, "password": p.password})
            assert login.json()["user_info"]["auth"] == 1
            movie = client.get(f"/movie/{enc_user}/{enc_pass}/1.mp4", headers={"Range": "bytes=0-9"})
            assert movie.status_code == 206
            assert client.get(f"/live/{enc_user}/{enc_pass}/1.m3u8").status_code == 200


def test_the_two_language_channel_serves_audio_renditions_lined_up_with_the_picture(demo):
    with httpx.Client(base_url=demo.url, timeout=10) as client:
        master = client.get(f"/live/{demo.username}/{demo.password}/5.m3u8").text
        audio = re.findall(r'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="(\w+)",NAME="([^"]+)",'
                           r'DEFAULT=(YES|NO),.*URI="([^"]+)"', master)
        assert [(lang, name, default) for lang, name, default, _ in audio] == [
            ("fra", "Français", "YES"), ("eng", "English", "NO")]
        variant = [line for line in master.splitlines() if line.startswith("/hls/")]
        assert 'AUDIO="aud"' in master and len(variant) == 1 and demo.password not in master
        lists = {"video": client.get(variant[0]).text, **{lang: client.get(uri).text for lang, _, _, uri in audio}}
        seq = {k: int(v.split("#EXT-X-MEDIA-SEQUENCE:")[1].split()[0]) for k, v in lists.items()}
        assert max(seq.values()) - min(seq.values()) <= 1  # one clock (a segment apart if it ticked between)
        parts = {k: [line for line in v.splitlines() if line.startswith("/hls/")] for k, v in lists.items()}
        assert all(len(p) == 5 for p in parts.values())
        forged = parts["fra"][-1].split("/")
        forged[2] = "0" * len(forged[2])
        assert client.get("/".join(forged)).status_code == 403
        assert client.get(variant[0].replace("video.m3u8", "klingon.m3u8")).status_code == 404
    assert _codecs(f"{demo.url}{variant[0]}") == {"video": "h264"}  # the picture alone
    for *_, uri in audio:
        assert _codecs(f"{demo.url}{uri}") == {"audio": "aac"}
    # the two languages are two different sounds (660 Hz French, the loop's own 440 Hz English)
    tones = {lang: _tone(f"{demo.url}{uri}") for lang, _, _, uri in audio}
    assert abs(tones["fra"] - 660) < 15 and abs(tones["eng"] - 440) < 15


def _tone(url: str) -> float:
    """The dominant frequency of two seconds of an audio stream (zero crossings of its samples)."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", url, "-t", "2", "-ac", "1", "-ar", "48000", "-f", "s16le", "-"],
                         capture_output=True, timeout=60, check=True).stdout
    samples = array.array("h", raw[: len(raw) // 2 * 2])
    crossings = sum(1 for a, b in itertools.pairwise(samples) if a < 0 <= b)
    return crossings / (len(samples) / 48000)
