"""Every playback path over real sockets against every personality of the demo provider:
live (whatever the provider labels it), movies with exact ranges and seeking, episodes,
catch-up, the format memory, expiring tokens and capped connections."""

from __future__ import annotations

import json
import subprocess
import time

import httpx
import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.plugins.guide import past_programme
from xtplay.playback.sniff import StreamKind, kind_of


@pytest.fixture
def http(personality_app):
    with httpx.Client(base_url=personality_app.url, timeout=60) as client:
        yield client


def _open(http, pid: int, channel: str = "1", fmt: str | None = None, path: str | None = None) -> dict:
    got = http.get(path or f"/play/{pid}/live/{channel}/open", params={"fmt": fmt} if fmt else {})
    assert got.status_code == 200, got.text
    return got.json()


def _read(http, url: str, seconds: float, limit: int = 50_000_000) -> bytes:
    data = b""
    deadline = time.monotonic() + seconds
    with http.stream("GET", url) as response:
        assert response.status_code == 200, response.read()
        for chunk in response.iter_bytes():
            data += chunk
            if time.monotonic() > deadline or len(data) > limit:
                break
    return data


def _uris(text: str) -> list[tuple[str | None, str]]:
    """(byte range or None, URI) of each segment line of a media playlist."""
    out, byterange = [], None
    for line in text.splitlines():
        if line.startswith("#EXT-X-BYTERANGE:"):
            byterange = line.split(":", 1)[1]
        elif line and not line.startswith("#"):
            out.append((byterange, line))
            byterange = None
    return out


def _range_header(spec: str) -> dict:
    length, _, offset = spec.partition("@")
    return {"Range": f"bytes={int(offset)}-{int(offset) + int(length) - 1}"}


def _attr(text: str, tag: str) -> str | None:
    line = next((line for line in text.splitlines() if line.startswith(tag)), None)
    return line.split('URI="', 1)[1].split('"', 1)[0] if line else None


def _hls_media(http, src: str) -> tuple[str, list[bytes]]:
    """The media playlist behind ``src`` (through a master's first variant) and the decoded
    first bytes of its last segment: init segment and segment, decrypted when keyed."""
    text = http.get(src).text
    assert text.startswith("#EXTM3U")
    if "#EXT-X-STREAM-INF" in text:
        text = http.get(_uris(text)[0][1]).text
    pieces = []
    init = _attr(text, "#EXT-X-MAP")
    if init:
        spec = text.split("#EXT-X-MAP:", 1)[1].split('BYTERANGE="', 1)[1].split('"', 1)[0]
        answer = http.get(init, headers=_range_header(spec))
        assert answer.status_code == 206 and len(answer.content) == int(spec.split("@")[0])
        pieces.append(answer.content)
    byterange, uri = _uris(text)[-1]
    answer = http.get(uri, headers=_range_header(byterange) if byterange else {})
    assert answer.status_code in (200, 206)
    if byterange:
        assert answer.status_code == 206 and len(answer.content) == int(byterange.split("@")[0])
    body = answer.content
    key_uri = _attr(text, "#EXT-X-KEY")
    if key_uri:
        key = http.get(key_uri).content
        assert len(key) == 16
        seq = int(text.split("#EXT-X-MEDIA-SEQUENCE:", 1)[1].split()[0]) + len(_uris(text)) - 1
        decryptor = Cipher(algorithms.AES(key), modes.CBC(seq.to_bytes(16, "big"))).decryptor()
        unpadder = padding.PKCS7(128).unpadder()
        body = unpadder.update(decryptor.update(body) + decryptor.finalize()) + unpadder.finalize()
    pieces.append(body)
    return text, pieces


def _plays(http, opened: dict) -> None:
    """The engine ``/open`` chose is the one the bytes need."""
    if opened["engine"] == "ts":
        data = _read(http, opened["src"], 1.0, 200_000)
        assert kind_of(data) is StreamKind.TS
    else:
        assert opened["engine"] == "hls", opened
        _, pieces = _hls_media(http, opened["src"])
        assert all(kind_of(p) in (StreamKind.TS, StreamKind.MP4) for p in pieces)


@pytest.mark.parametrize("fmt", [None, "hls", "ts"], ids=["remembered", "hls-first", "ts-first"])
def test_a_live_channel_plays_as_its_bytes_say(personality_app, http, personality_profile_id, fmt):
    opened = _open(http, personality_profile_id, "2", fmt)
    _plays(http, opened)
    habits = personality_app.demo.personality
    if fmt is not None:
        asked = {"hls": "m3u8", "ts": "ts"}[fmt]
        served = habits.live_m3u8 if asked == "m3u8" else habits.live_ts
        if served != "html":
            assert opened["format"] == asked and opened["engine"] == ("hls" if served == "hls" else "ts")
        else:  # that format is an error page: the other one started, and the player hears why
            assert opened["format"] != asked and opened["tried"][0]["format"] == asked
            assert "web page" in opened["tried"][0]["message"]


def test_the_format_that_started_is_asked_for_first_next_time(personality_app, http, personality_profile_id):
    first = _open(http, personality_profile_id, "3")
    again = _open(http, personality_profile_id, "3")
    assert again["format"] == first["format"] and again["tried"] == []
    conn = personality_app.connect()
    try:
        rows = conn.execute("SELECT channel_id, ext FROM live_formats WHERE profile_id = ?",
                            (personality_profile_id,)).fetchall()
    finally:
        conn.close()
    known = {r[0]: r[1] for r in rows}
    assert known.get("3", known.get("")) == first["format"]


def test_live_ts_flows_on_packet_boundaries_past_a_capped_connection(personality_app, http, personality_profile_id):
    demo = personality_app.demo
    before = demo.stats()["streams_started"]
    opened = _open(http, personality_profile_id, "4", "ts" if demo.personality.live_ts == "ts" else "hls")
    assert opened["engine"] == "ts"
    cap = demo.personality.live_cap_seconds
    data = _read(http, opened["src"], (cap or 1.5) + 2.5)
    data = data[:len(data) - len(data) % 188]  # the reading stopped at a chunk, not a packet
    assert all(data[k] == 0x47 for k in range(0, len(data), 188)), "a packet is cut where connections meet"
    if cap:
        assert demo.stats()["streams_started"] - before >= 2  # re-opened after the provider closed it
        assert len(data) > 400_000  # ~5 s of the demo stream, not the 3 s one connection gives


def _media_file(demo, kind: str, ident: int) -> bytes:
    media = demo.state.media_set()
    chosen = demo.catalog.movie_media(ident) if kind == "movie" else demo.catalog.episode_media(ident)
    return media.path(chosen.key).read_bytes()


@pytest.mark.parametrize("kind", ["movie", "episode"])
def test_files_answer_exactly_the_range_asked_for(personality_app, http, personality_profile_id, kind):
    whole = _media_file(personality_app.demo, kind, 1)
    base = f"/play/{personality_profile_id}/{kind}/1"
    if kind == "episode":
        assert http.get(f"{base}/info", params={"series": 1}).status_code == 200
    for asked, expected in (("bytes=1000-1999", (1000, 1999)), ("bytes=-500", (len(whole) - 500, len(whole) - 1)),
                            ("bytes=5000-", (5000, len(whole) - 1))):
        got = http.get(f"{base}/file", headers={"Range": asked})
        assert got.status_code == 206, asked
        assert got.headers["content-range"] == f"bytes {expected[0]}-{expected[1]}/{len(whole)}", asked
        assert got.content == whole[expected[0]:expected[1] + 1], asked
    full = http.get(f"{base}/file")
    assert full.status_code == 200 and full.content == whole
    assert full.headers["content-type"] == "video/mp4"


def test_a_movie_seeks_by_remuxing_from_an_offset(personality_app, http, personality_profile_id, tmp_path):
    base = f"/play/{personality_profile_id}/movie/2"  # MKV with AC-3: converted
    assert http.get(f"{base}/info").json()["mode"] == "remux"
    out = tmp_path / "cut.mp4"
    out.write_bytes(http.get(f"{base}/remux.mp4", params={"start": 12}).content)
    probed = json.loads(subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", str(out)],
                                       capture_output=True, check=True).stdout)
    assert 100 < float(probed["format"]["duration"]) < 112  # the 120 s file from 12 s on


def test_a_catchup_plays(personality_app, http, personality_profile_id, personality_guide):
    programme = past_programme(personality_app, personality_profile_id)
    start = int(programme.start.timestamp())
    info = http.get(f"/play/{personality_profile_id}/catchup/1/{start}/info").json()
    _plays(http, _open(http, personality_profile_id, path=info["open"]))


@pytest.mark.parametrize("personality_app", ["tokenised"], indirect=True)
def test_expired_stream_tokens_are_resolved_again(personality_app, http, personality_profile_id):
    """Playlists and segments on the edge answer 403 once their token expired: the proxy asks
    the panel again (playlist) or finds the segment in a fresh copy of its playlist."""
    opened = _open(http, personality_profile_id, "5", "hls")
    assert opened["engine"] == "hls"
    master = http.get(opened["src"]).text
    variant = _uris(master)[0][1]
    old = http.get(variant).text
    old_segment = _uris(old)[-1][1]
    time.sleep(personality_app.demo.personality.token_seconds + 0.5)
    segment = http.get(old_segment)  # listed under the expired token
    assert segment.status_code == 200 and len(segment.content) > 1000
    fresh = http.get(variant)
    assert fresh.status_code == 200 and fresh.text.startswith("#EXTM3U")
    _, pieces = _hls_media(http, opened["src"])
    assert kind_of(pieces[-1]) is StreamKind.TS


def test_an_unknown_channel_is_a_typed_error_whatever_page_the_provider_sends(http, personality_profile_id):
    got = http.get(f"/play/{personality_profile_id}/live/999/open", headers={"Accept": "application/json"})
    assert got.status_code in (404, 502)
    body = got.json()
    message = body["message"] if "message" in body else body["error"]["message"]
    assert "HTTP 404" in message and "<" not in message


def test_a_start_the_player_gives_up_frees_its_provider_connection(live_app, demo, play_profile_id):
    with httpx.Client(base_url=live_app.url, timeout=30) as client:
        opened = _open(client, play_profile_id, "7", "ts")
        assert opened["engine"] == "ts" and demo.stats()["open_streams"] == 1
        assert client.get(opened["src"] + "&release=1").status_code == 204
    deadline = time.monotonic() + 5
    while demo.stats()["open_streams"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert demo.stats()["open_streams"] == 0
