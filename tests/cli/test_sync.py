"""``xtplay sync`` through ``cli.main`` against the demo provider: the progress bar's last state
is the whole run done, one overall percentage with its step, then the one-line outcome."""

from __future__ import annotations

import logging
import sys

from click.testing import CliRunner

from xtplay.cli import main


def _xtplay(home, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    with runner.isolation(env={"XTPLAY_PASSWORD": None, **(env or {})}) as (out, err, _):
        try:
            code = main(["--home", str(home), *args])
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            root = logging.getLogger()
            for handler in list(root.handlers):  # the console handler points at the capture stream
                if getattr(handler, "_xtplay", False):
                    root.removeHandler(handler)
                    handler.close()
        return code, out.getvalue().decode(), err.getvalue().decode()


def test_sync_shows_one_overall_bar_that_ends_at_the_whole_run(home, demo):
    code, _, err = _xtplay(home, "profile", "add", "Demo", "--url", demo.url + "/player_api.php",
                           "--username", demo.username, env={"XTPLAY_PASSWORD": demo.password})
    assert code == 0, err
    code, _, err = _xtplay(home, "sync")
    assert code == 0, err
    lines = [line for line in err.splitlines() if line.strip()]
    bar = next(line for line in lines if line.startswith("Demo: "))
    assert "Done" in bar and "100%" in bar  # the overall figure, not the last list's count
    assert lines[-1].startswith("ok: 60 live, 120 movie, 30 series in ")
