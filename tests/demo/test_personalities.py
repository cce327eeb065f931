"""The demo provider's personalities are chosen by name, on the command line or in code, and
each behaves as its family of panels does (the playback side is in test_playback_personalities)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from xtplay.demo import DemoProvider
from xtplay.demo.personalities import PERSONALITIES, get
from xtplay.errors import ConfigError


def test_an_unknown_personality_is_refused_with_the_known_ones():
    with pytest.raises(ConfigError) as refused:
        get("friendly")
    assert all(name in str(refused.value) for name in PERSONALITIES)
    assert get("tokenised", token_seconds=2).token_seconds == 2 and get("tokenised").token_seconds == 30


def test_the_command_serves_the_personality_asked_for(home: Path, demo_media_dir: Path):
    (home / "cache").mkdir()
    (home / "cache" / "demo-media").symlink_to(demo_media_dir)
    proc = subprocess.Popen(
        [sys.executable, "-m", "xtplay.cli", "--home", str(home), "demo-provider", "--port", "0", "--live", "5",
         "--vod", "4", "--series", "1", "--personality", "no-range"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        assert "personality no-range" in line
        movie = f"{url}/movie/demo/demo-pass/1.mp4"
        assert httpx.head(movie).status_code == 501
        whole = httpx.get(movie, headers={"Range": "bytes=0-99"})
        assert whole.status_code == 200 and len(whole.content) > 100  # Range ignored
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    assert proc.returncode == 0


def test_sloppy_json_and_a_tokenised_edge(demo_media_dir):
    with DemoProvider(live=5, vod=8, series=2, media_dir=demo_media_dir, personality="sloppy") as demo:
        api = f"{demo.url}/player_api.php"
        auth = {"username": demo.username, "password": demo.password}
        user = httpx.get(api, params=auth).json()["user_info"]
        assert user["exp_date"] is None and user["is_trial"] == 0 and "allowed_output_formats" not in user
        assert httpx.get(api, params={**auth, "action": "get_vod_info", "vod_id": 4}).json()["info"] == []
        series = httpx.get(api, params={**auth, "action": "get_series_info", "series_id": 1}).json()
        assert isinstance(series["episodes"], list) and series["seasons"][0]["season_number"] == 0
        assert httpx.get(f"{demo.url}/movie/demo/demo-pass/999.mp4").headers["content-type"].startswith("text/html")
    with DemoProvider(live=5, vod=4, series=1, media_dir=demo_media_dir,
                      personality=get("tokenised", token_seconds=0.5)) as demo:
        first = httpx.get(f"{demo.url}/movie/demo/demo-pass/1.mp4", headers={"Range": "bytes=0-9"})
        assert first.status_code == 302
        edge = first.headers["location"]
        assert not edge.startswith(demo.url) and "/edge/" in edge
        assert httpx.get(edge, headers={"Range": "bytes=0-9"}).status_code == 206
        time.sleep(0.7)
        assert httpx.get(edge, headers={"Range": "bytes=0-9"}).status_code == 403  # the token expired
