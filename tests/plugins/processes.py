"""Servers the tests start as their own processes: a free loopback port to give them, and the
wait until one answers, so no test keeps a copy of either."""

from __future__ import annotations

import socket
import subprocess

import httpx

from tests.plugins.waiting import wait_until


def free_port() -> int:
    """A loopback port nothing listens on now (also a closed port for "dead server" cases)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(proc: subprocess.Popen, url: str, timeout: float) -> None:
    """Wait until the server ``proc`` started answers ``url``/healthz; fail early, with what the
    process printed, when it exits instead."""

    def up() -> bool:
        try:
            return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return proc.poll() is not None

    wait_until(up, timeout, f"{url} to answer /healthz")
    assert proc.poll() is None, f"the server exited with {proc.returncode}"
