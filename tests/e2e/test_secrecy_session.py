"""Secrets stay secret in a running xtplay: a scripted session against the real ``xtplay serve``
process (add a profile, sync, browse every page, play live, a movie and an episode with ffmpeg
converting them, export, read the logs). The provider password then appears in no file of the
home, no page or API answer, no log line, and not in ``/proc/<pid>/cmdline`` or ``environ`` of
xtplay or of any ffmpeg/ffprobe it started (they read our own proxy URL, with an item token).

ffmpeg and ffprobe are found on the server's PATH through a small wrapper that writes down
the arguments and environment each was started with, then becomes the real program: a remux
of a short file can end before /proc could be read, its record cannot."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from tests.plugins.processes import free_port, wait_for_health
from tests.plugins.waiting import wait_until
from xtplay.demo import DemoProvider

SECRET = "Qv7.Unmistakable_Pw!93"
FORMS = {SECRET.encode(), quote(SECRET, safe="").encode(), quote_plus(SECRET).encode(),
         json.dumps(SECRET)[1:-1].encode()}
SRC = Path(__file__).resolve().parents[2] / "src"


def _leaks(data: bytes) -> list[bytes]:
    return [form for form in FORMS if form in data]


@pytest.fixture(scope="module")
def secret_provider(demo_media_dir: Path) -> Iterator[DemoProvider]:
    with DemoProvider(live=6, vod=6, series=2, seed=5, username="quiet-user", password=SECRET,
                      media_dir=demo_media_dir) as provider:
        yield provider


WRAPPER = """#!/bin/sh
{{ printf '%s\\0' "$0" "$@"; env; }} >> "{spy}/$(basename "$0").$$"
exec "{real}" "$@"
"""


@pytest.fixture
def spy(tmp_path: Path) -> Path:
    """A directory of ffmpeg/ffprobe wrappers that record how they were started (in it)."""
    import shutil

    folder = tmp_path / "spy"
    folder.mkdir()
    for name in ("ffmpeg", "ffprobe"):
        real = shutil.which(name)
        assert real, f"{name} is needed"
        wrapper = folder / name
        wrapper.write_text(WRAPPER.format(spy=folder, real=real))
        wrapper.chmod(0o755)
    return folder


@pytest.fixture
def server(tmp_path: Path, spy: Path) -> Iterator[tuple[subprocess.Popen, str, Path]]:
    """``xtplay serve`` as its own process on a free port, in a fresh home (ffmpeg through ``spy``)."""
    home = tmp_path / "home"
    home.mkdir()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XTPLAY_")}
    env.update(XTPLAY_KEYRING="file", PYTHONPATH=str(SRC), PYTHONUNBUFFERED="1",
               PATH=f"{spy}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.Popen([sys.executable, "-m", "xtplay.cli", "--home", str(home), "-v", "serve",
                             "--port", str(port), "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    output: list[bytes] = []
    threading.Thread(target=lambda: output.extend(proc.stdout or []), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(proc, url, 30)
    except AssertionError:
        raise AssertionError(b"".join(output).decode(errors="replace")) from None
    yield proc, url, home
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    assert not [line for line in output if _leaks(line)], "the server printed the password"


def _descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (ffmpeg, ffprobe), read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found += children
        frontier += children
    return found


def _proc_text(pid: int) -> tuple[str, bytes]:
    try:
        base = Path(f"/proc/{pid}")
        return base.joinpath("comm").read_text().strip(), base.joinpath("cmdline").read_bytes() + \
            base.joinpath("environ").read_bytes()
    except OSError:  # it ended meanwhile
        return "", b""


def test_the_password_is_nowhere_after_a_whole_session(secret_provider, server, spy):
    proc, url, home = server
    answers: list[bytes] = []
    seen_processes: dict[str, int] = {}
    process_leaks: list[str] = []

    def check_processes() -> None:
        for pid in [proc.pid, *_descendants(proc.pid)]:
            name, data = _proc_text(pid)
            if name:
                seen_processes[name] = seen_processes.get(name, 0) + 1
            if _leaks(data):
                process_leaks.append(name)

    with httpx.Client(base_url=url, timeout=60) as web:
        def keep(response: httpx.Response) -> httpx.Response:
            answers.append(response.content)
            answers.append(json.dumps(dict(response.headers)).encode())
            return response

        first = keep(web.get("/", follow_redirects=True))
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', first.text)
        assert csrf, first.text[:500]
        unsafe = {"X-CSRF-Token": csrf.group(1)}
        created = keep(web.post("/api/profiles", json={"name": "Quiet", "url": secret_provider.url,
                                                        "username": secret_provider.username, "password": SECRET}))
        assert created.status_code == 201, created.text
        pid = created.json()["id"]
        keep(web.post(f"/api/profiles/{pid}/use", json={}))
        keep(web.post(f"/api/profiles/{pid}/test", json={}))
        keep(web.post("/sync/now", headers=unsafe, data={"next": "/settings"}))

        def synced() -> bool:  # every list stored (series come last)
            with sqlite3.connect(f"file:{home / 'xtplay.db'}?mode=ro", uri=True) as conn:
                counts = dict(conn.execute("SELECT type, COUNT(*) FROM items WHERE profile_id = ? GROUP BY type",
                                           (pid,)).fetchall())
            return counts.get("live", 0) >= 6 and counts.get("movie", 0) >= 6 and counts.get("series", 0) >= 2

        wait_until(synced, 60, "the sync to fill the catalog", every=0.2)
        with sqlite3.connect(f"file:{home / 'xtplay.db'}?mode=ro", uri=True) as conn:
            live, movie, series = (conn.execute("SELECT provider_id FROM items WHERE profile_id = ? AND type = ? "
                                                "ORDER BY provider_id LIMIT 1", (pid, t)).fetchone()[0]
                                   for t in ("live", "movie", "series"))
        for path in ("/live", "/movies", "/series", f"/movies/{movie}", f"/movies/{movie}/details",
                     f"/series/{series}", f"/series/{series}/details", "/search?q=a", "/guide", "/favorites",
                     "/history", "/continue", "/settings", "/profiles", f"/profiles/{pid}/edit", "/welcome",
                     "/api/profiles", f"/api/profiles/{pid}", "/api/favorites", "/api/history", "/sync/status",
                     f"/watch/live/{live}", f"/watch/movie/{movie}", f"/play/{pid}/export.m3u",
                     f"/play/{pid}/movie/{movie}/playlist.m3u", f"/play/{pid}/live/{live}/playlist.m3u"):
            keep(web.get(path, follow_redirects=True))
        with sqlite3.connect(f"file:{home / 'xtplay.db'}?mode=ro", uri=True) as conn:
            episode = conn.execute("SELECT episode_id FROM episodes WHERE profile_id = ? LIMIT 1",
                                   (pid,)).fetchone()[0]
        keep(web.get(f"/watch/episode/{episode}", follow_redirects=True))

        # live through the proxy, movie and episode converted by ffmpeg: look at every process meanwhile
        with web.stream("GET", f"/play/{pid}/live/{live}/stream.ts") as stream:
            assert stream.status_code == 200
            next(stream.iter_bytes())
            check_processes()
        for kind, item in (("movie", movie), ("episode", episode)):
            info = keep(web.get(f"/play/{pid}/{kind}/{item}/info"))
            assert info.status_code == 200, info.text
            with web.stream("GET", f"/play/{pid}/{kind}/{item}/remux.mp4") as stream:
                assert stream.status_code == 200
                next(stream.iter_bytes())
                check_processes()
        keep(web.get(f"/play/{pid}/movie/{movie}/file", headers={"range": "bytes=0-1023"}))
        keep(web.post(f"/api/profiles/{pid}/test", json={}))

    assert process_leaks == []
    started = {p.name: p.read_bytes() for p in spy.iterdir() if "." in p.name}
    assert {"ffmpeg", "ffprobe"} <= {name.split(".")[0] for name in started}, sorted(started)
    assert all(b"/play/" in record for record in started.values())  # our own proxy, not the provider
    assert {name: _leaks(record) for name, record in started.items() if _leaks(record)} == {}
    assert [a for a in answers if _leaks(a)] == []
    files = [p for p in home.rglob("*") if p.is_file()]
    logs = [p for p in files if p.suffix == ".log" or "log" in p.parts]
    assert logs and any(p.stat().st_size > 0 for p in logs), [str(p) for p in files]
    leaked = {str(p.relative_to(home)): _leaks(p.read_bytes()) for p in files}
    assert {k: v for k, v in leaked.items() if v} == {}
