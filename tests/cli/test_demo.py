"""``xtplay demo`` as ``make run`` starts it: a real process with the demo provider and the app."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.plugins.processes import free_port
from tests.plugins.waiting import wait_until


def _start_demo(home: Path, port: int) -> tuple[subprocess.Popen, list[str]]:
    env = dict(os.environ, XTPLAY_KEYRING="file")
    proc = subprocess.Popen(
        [sys.executable, "-m", "xtplay.cli", "--home", str(home), "demo", "--port", str(port), "--no-browser",
         "--live", "12", "--vod", "10", "--series", "4"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: list[str] = []
    url = ""

    def announced() -> bool:  # "running at" is printed just before uvicorn binds
        nonlocal url
        line = proc.stdout.readline()
        if not line:
            raise AssertionError("xtplay demo exited early")
        lines.append(line)
        if "xtplay is running at" in line:
            url = line.split("running at ", 1)[1].split()[0]
        return bool(url)

    def answers() -> bool:
        try:
            return httpx.get(url + "/healthz").status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(announced, 120, "xtplay demo to print its address", every=0)
        wait_until(answers, 60, "xtplay demo to answer /healthz", every=0.1)
    except AssertionError as exc:
        proc.kill()
        raise AssertionError(f"{exc}; it printed:\n" + "".join(lines)) from None
    return proc, lines


def _stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(20)
    finally:
        if proc.poll() is None:
            proc.kill()


def _wait_synced(url: str, live: int) -> str:
    def synced_page() -> str | None:
        page = httpx.get(url + "/settings").text
        return page if f"<dt>Live channels</dt><dd>{live}</dd>" in page else None

    return wait_until(synced_page, 60, "the demo profile to be synced", every=0.3)


def test_demo_command_serves_a_synced_demo_profile_and_repoints_it_on_restart(home, demo_media_dir):
    (home / "cache").mkdir()
    (home / "cache" / "demo-media").symlink_to(demo_media_dir, target_is_directory=True)  # no regeneration
    port = free_port()
    proc, lines = _start_demo(home, port)
    try:
        assert f"xtplay is running at http://127.0.0.1:{port}" in lines[-1]
        first_provider = re.search(r"Demo provider at (http://127\.0\.0\.1:\d+)", "".join(lines)).group(1)
        home_page = httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=False)
        assert home_page.status_code in (200, 303)  # the home screen (or the loading page while it syncs)
        _wait_synced(f"http://127.0.0.1:{port}", 12)
        profiles_page = httpx.get(f"http://127.0.0.1:{port}/profiles").text
        assert first_provider in profiles_page
    finally:
        assert _stop(proc) == 0

    proc, lines = _start_demo(home, port)  # a new provider port: the same profile follows it
    try:
        second_provider = re.search(r"Demo provider at (http://127\.0\.0\.1:\d+)", "".join(lines)).group(1)
        page = httpx.get(f"http://127.0.0.1:{port}/profiles").text
        assert second_provider in page and page.count('class="card profile-card') == 1
    finally:
        assert _stop(proc) == 0
