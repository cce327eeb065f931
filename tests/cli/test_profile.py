"""``xtplay profile …`` through ``cli.main`` (the real entry point): outputs, exit codes, prompts."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from click.testing import CliRunner

from tests.plugins.processes import free_port
from xtplay.cli import main

PASSWORD = "Cli-Pa55word-Zx9"


@pytest.fixture
def xtplay(home):
    """Runs ``xtplay --home HOME ARGS…`` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        runner = CliRunner()
        clean = {"XTPLAY_PASSWORD": None, "XTPLAY_EXPORT_PASSPHRASE": None, **(env or {})}
        with runner.isolation(input=input, env=clean) as (out, err, _):
            code = main(["--home", str(home), *args])
            sys.stdout.flush()
            sys.stderr.flush()
            return code, out.getvalue().decode(), err.getvalue().decode()

    yield run
    root = logging.getLogger()
    for handler in list(root.handlers):  # the console handler points at the closed capture stream
        if getattr(handler, "_xtplay", False):
            root.removeHandler(handler)
            handler.close()


def test_add_from_stdin_then_list_and_show_as_json(xtplay):
    code, out, err = xtplay("profile", "add", "Home", "--url", "tv.example.com:8080/", "--username", "alice",
                            "--password-stdin", "--no-verify", input=PASSWORD + "\n")
    assert code == 0, err
    assert "Added profile “Home”" in out and "http://tv.example.com:8080" in out
    code, out, _ = xtplay("profile", "list", "--json")
    [row] = json.loads(out)
    assert (row["name"], row["url"], row["username"], row["active"]) == ("Home", "http://tv.example.com:8080", "alice", True)
    assert PASSWORD not in out and "password" not in row
    code, out, _ = xtplay("profile", "show", "home", "--json")
    assert code == 0 and json.loads(out)["name"] == "Home" and PASSWORD not in out


def test_password_from_hidden_prompt_and_from_env(xtplay):
    code, out, err = xtplay("profile", "add", "Prompted", "--url", "a.example.com", "--username", "u", "--no-verify",
                            input=PASSWORD + "\n")
    assert code == 0, err
    assert PASSWORD not in out and PASSWORD not in err  # the prompt does not echo
    code, out, err = xtplay("profile", "add", "FromEnv", "--url", "b.example.com", "--username", "u", "--no-verify",
                            env={"XTPLAY_PASSWORD": PASSWORD})
    assert code == 0, err
    code, out, _ = xtplay("profile", "list")
    assert "Prompted" in out and "FromEnv" in out and PASSWORD not in out


def test_no_option_puts_the_password_on_the_command_line(xtplay):
    code, _, err = xtplay("profile", "add", "X", "--url", "a.example.com", "--username", "u", "--password", PASSWORD)
    assert code != 0 and "No such option" in err


def test_failures_exit_non_zero_with_one_line(xtplay):
    args = ("profile", "add", "Home", "--url", "a.example.com", "--username", "u", "--no-verify")
    assert xtplay(*args, env={"XTPLAY_PASSWORD": PASSWORD})[0] == 0
    code, out, err = xtplay(*args, env={"XTPLAY_PASSWORD": PASSWORD})
    assert code == 1 and err.strip().count("\n") == 0 and "already exists" in err
    code, _, err = xtplay("profile", "show", "Nobody")
    assert code == 1 and err.strip() == "error: No profile named “Nobody”."
    code, _, err = xtplay("profile", "add", "Bad", "--url", "ftp://x", "--username", "u", "--no-verify",
                          env={"XTPLAY_PASSWORD": PASSWORD})
    assert code == 1 and "http://" in err and err.strip().count("\n") == 0


def test_edit_use_and_remove(xtplay):
    for name in ("One", "Two"):
        assert xtplay("profile", "add", name, "--url", f"{name}.example.com", "--username", "u", "--no-verify",
                      env={"XTPLAY_PASSWORD": PASSWORD})[0] == 0
    code, out, err = xtplay("profile", "edit", "Two", "--name", "Deux", "--sync-interval", "6", "--adult",
                            "--timezone", "Europe/Paris", "--no-verify")
    assert code == 0, err
    shown = json.loads(xtplay("profile", "show", "deux", "--json")[1])
    assert (shown["sync_interval_hours"], shown["adult_enabled"], shown["timezone"]) == (6, True, "Europe/Paris")
    code, _, err = xtplay("profile", "edit", "Deux")
    assert code == 1 and "Nothing to change" in err

    assert xtplay("profile", "use", "Deux")[1].strip() == "Active profile: “Deux”."
    assert [r["name"] for r in json.loads(xtplay("profile", "list", "--json")[1]) if r["active"]] == ["Deux"]

    code, _, err = xtplay("profile", "remove", "Deux", input="n\n")
    assert code == 1 and "Aborted" in err
    code, out, _ = xtplay("profile", "remove", "Deux", "--yes")
    assert code == 0 and "Removed profile “Deux”" in out and "Active profile: “One”" in out
    assert [r["name"] for r in json.loads(xtplay("profile", "list", "--json")[1])] == ["One"]


def test_export_and_import_round_trip(xtplay, tmp_path):
    assert xtplay("profile", "add", "Home", "--url", "a.example.com", "--username", "u", "--no-verify",
                  env={"XTPLAY_PASSWORD": PASSWORD})[0] == 0
    target = tmp_path / "backup.json"
    # prompt twice without echo; a mismatch is asked again
    answers = "long passphrase\nother one\nlong passphrase\nlong passphrase\n"
    code, out, err = xtplay("profile", "export", str(target), input=answers)
    assert code == 0, err
    assert "Exported 1 profile(s)" in out and "long passphrase" not in out
    assert PASSWORD.encode() not in target.read_bytes()

    code, out, err = xtplay("profile", "import", str(target), env={"XTPLAY_EXPORT_PASSPHRASE": "wrong passphrase"})
    assert code == 1 and "Wrong passphrase" in err
    code, out, _ = xtplay("profile", "import", str(target), env={"XTPLAY_EXPORT_PASSPHRASE": "long passphrase"})
    assert code == 0 and "Skipped “Home”" in out and "0 of 1" in out
    code, out, _ = xtplay("profile", "import", str(target), "--rename", env={"XTPLAY_EXPORT_PASSPHRASE": "long passphrase"})
    assert code == 0 and "as “Home (imported)”" in out


def test_add_verifies_against_the_demo_provider(xtplay, demo):
    code, out, err = xtplay("profile", "add", "Demo", "--url", demo.url + "/player_api.php", "--username", demo.username,
                            env={"XTPLAY_PASSWORD": demo.password})
    assert code == 0, err
    assert "active" in out
    code, out, err = xtplay("profile", "test", "Demo")
    assert code == 0 and out.startswith("Login OK for “Demo”: active")
    shown = json.loads(xtplay("profile", "show", "Demo", "--json")[1])
    assert shown["account"]["status"] == "active" and shown["account_checked_at"]
    code, out, _ = xtplay("profile", "show", "Demo")
    assert "server time zone" in out and demo.password not in out


def test_failed_login_saves_nothing(xtplay, demo):
    code, _, err = xtplay("profile", "add", "Demo", "--url", demo.url, "--username", demo.username,
                          env={"XTPLAY_PASSWORD": "not-the-password"})
    assert code == 1 and "Wrong username or password" in err
    code, _, err = xtplay("profile", "add", "Gone", "--url", f"127.0.0.1:{free_port()}", "--username", "u",
                          env={"XTPLAY_PASSWORD": PASSWORD})
    assert code == 1 and "Cannot reach" in err
    assert json.loads(xtplay("profile", "list", "--json")[1]) == []


def test_edit_password_from_stdin_or_prompt(xtplay, home):
    from xtplay import db
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault
    from xtplay.config import load_settings

    assert xtplay("profile", "add", "Home", "--url", "a.example.com", "--username", "u", "--no-verify",
                  env={"XTPLAY_PASSWORD": PASSWORD})[0] == 0
    code, _, err = xtplay("profile", "edit", "Home", "--password-stdin", "--no-verify", input="Second-Pw-1\n")
    assert code == 0, err
    code, out, err = xtplay("profile", "edit", "Home", "--change-password", "--no-verify", input="Third-Pw-2\n")
    assert code == 0 and "Third-Pw-2" not in out + err
    settings = load_settings(home)
    conn = db.open_library(settings.db_path)
    try:
        assert profiles.stream_credentials(conn, Vault.open(settings), "Home")[2] == "Third-Pw-2"
    finally:
        conn.close()


def test_edit_that_fails_verification_changes_nothing(xtplay, demo):
    assert xtplay("profile", "add", "Demo", "--url", demo.url, "--username", demo.username,
                  env={"XTPLAY_PASSWORD": demo.password})[0] == 0
    code, _, err = xtplay("profile", "edit", "Demo", "--username", "somebody-else")
    assert code == 1 and "Wrong username or password" in err
    assert json.loads(xtplay("profile", "show", "Demo", "--json")[1])["username"] == demo.username
