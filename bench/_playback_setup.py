"""Shared set-up of the playback benchmarks: a demo provider, a home with the synced "Demo"
profile, and ``xtplay serve`` in its own process (so its CPU can be measured alone)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def playback_stack(live_speed: float = 1.0, max_connections: int = 4):
    """Yield ``(app_url, app_pid, profile_id, demo)``; everything is stopped afterwards."""
    os.environ.setdefault("XTPLAY_KEYRING", "file")
    from xtplay import db
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault
    from xtplay.config import load_settings
    from xtplay.demo import DemoProvider
    from xtplay.library import sync

    with tempfile.TemporaryDirectory(prefix="xtplay-bench-") as home:
        settings = load_settings(home)
        media = load_settings().cache_dir / "demo-media"
        with DemoProvider(live=60, vod=120, series=30, media_dir=media, max_connections=max_connections,
                          live_speed=live_speed) as demo:
            conn = db.open_library(settings.db_path)
            vault = Vault.open(settings)

            async def setup():
                profile = await profiles.add_profile(conn, vault, settings, name="Demo", url=demo.url,
                                                     username=demo.username, password=demo.password)
                profiles.use_profile(conn, profile.id)
                result = await sync.sync_profile(settings, conn, vault, profile)
                assert result.status == "ok", result
                return profile.id

            profile_id = asyncio.run(setup())
            conn.close()
            port = free_port()
            env = dict(os.environ, XTPLAY_HOME=home)
            log = open(Path(home) / "serve.log", "wb")  # noqa: SIM115 - the server writes it until the stack stops
            proc = subprocess.Popen([sys.executable, "-m", "xtplay.cli", "--home", home, "serve", "--port", str(port),
                                     "--no-browser"], env=env, stdout=log, stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if proc.poll() is not None or time.monotonic() > deadline:
                        text = (Path(home) / "serve.log").read_text(errors="replace")[-2000:]
                        raise RuntimeError(f"xtplay serve did not start: {text}")
                    time.sleep(0.1)
                yield url, proc.pid, profile_id, demo
            finally:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                log.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks
