"""The command line starts without the web app: FastAPI loads only in the commands that serve."""

from __future__ import annotations

import subprocess
import sys

PROBE = "import sys, xtplay.cli; print(sorted(m for m in ('fastapi', 'xtplay.web.app') if m in sys.modules))"


def test_every_command_is_registered_without_loading_fastapi():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
