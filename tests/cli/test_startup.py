"""The command line starts without the web app: FastAPI loads only in the commands that serve,
and a command loads only its own module (``xtplay sync`` pays for neither uvicorn nor the demo)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("fastapi", "uvicorn", "xtplay.web.app", "xtplay.demo", "xtplay.commands.serve")

PROBE = f"""
import json, sys
HEAVY = {HEAVY!r}
from xtplay.cli import cli
import click
ctx = click.Context(cli)
names = sys.argv[1:] or cli.list_commands(ctx)
found = {{name: cli.get_command(ctx, name) is not None for name in names}}
print(json.dumps({{"found": found, "loaded": sorted(m for m in HEAVY if m in sys.modules)}}))
"""


def _probe(*names: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, *names], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout)


def test_every_command_is_registered_without_loading_fastapi():
    result = _probe()
    expected = {"serve", "demo", "demo-provider", "access-password", "profile", "sync", "search", "guide", "playback"}
    assert expected <= set(result["found"])
    assert all(result["found"].values())
    assert "fastapi" not in result["loaded"]
    assert "xtplay.web.app" not in result["loaded"]


def test_sync_loads_neither_the_web_server_nor_the_demo_provider():
    result = _probe("sync")
    assert result["found"] == {"sync": True}
    assert result["loaded"] == []


def test_an_unknown_command_is_still_refused():
    out = subprocess.run([sys.executable, "-m", "xtplay.cli", "no-such-command"], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "no-such-command" in out.stderr
