"""``xtplay demo-provider`` serves until interrupted and honours its options."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx


def test_demo_provider_command_serves_until_ctrl_c(home: Path, demo_media_dir: Path):
    (home / "cache").mkdir()
    (home / "cache" / "demo-media").symlink_to(demo_media_dir)  # reuse the session's media
    proc = subprocess.Popen(
        [sys.executable, "-m", "xtplay.cli", "--home", str(home), "demo-provider", "--port", "0",
         "--live", "12", "--vod", "9", "--series", "3", "--seed", "5", "--username", "alice", "--password", "s3cret",
         "--fault", "too_many_connections"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match, line
        url = match.group(0)
        params = {"username": "alice", "password": "s3cret"}
        assert httpx.get(f"{url}/player_api.php", params=params).json()["user_info"]["auth"] == 1
        live = httpx.get(f"{url}/player_api.php", params={**params, "action": "get_live_streams"}).json()
        assert len(live) == 12
        refused = httpx.get(f"{url}/player_api.php", params={"username": "demo", "password": "demo-pass"})
        assert refused.json() == {"user_info": {"auth": 0}}
        assert httpx.get(f"{url}/movie/alice/s3cret/1.mp4").status_code == 458  # --fault applied
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "s3cret" not in out + err  # the password is never printed
