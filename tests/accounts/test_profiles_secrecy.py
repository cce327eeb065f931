"""A distinctive password, after add/test/sync/export/API use, appears nowhere: not in any file of
the home directory (database, WAL, logs, backups, exports) nor in any response or output."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from xtplay import db
from xtplay.cli import main
from xtplay.demo import DemoProvider
from xtplay.web.profiles.api import router

SECRET = "Zk8.Distinctive_Pw!47"
FORMS = {SECRET.encode(), quote(SECRET, safe="").encode(), quote_plus(SECRET).encode(), json.dumps(SECRET)[1:-1].encode()}


@pytest.fixture(scope="module")
def secret_demo(demo_media_dir: Path):
    """A small demo provider whose password is the distinctive one."""
    with DemoProvider(
        live=8, vod=8, series=3, seed=3, username="secret-user", password=SECRET, media_dir=demo_media_dir
    ) as provider:
        yield provider


def _leaks(data: bytes) -> list[bytes]:
    return [form for form in FORMS if form in data]


def _run(home: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    runner = CliRunner()
    with runner.isolation(env={"XTPLAY_PASSWORD": None, **(env or {})}) as (out, err, _):
        code = main(["--home", str(home), "-v", *args])
        sys.stdout.flush()
        sys.stderr.flush()
        text = out.getvalue().decode() + err.getvalue().decode()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_xtplay", False):
            root.removeHandler(handler)
            handler.close()
    return code, text


def test_password_appears_nowhere(home, settings, secret_demo, tmp_path):
    outputs: list[str] = []
    keeper = db.connect(settings.db_path)  # held open so the WAL file stays on disk to be searched

    def cli(*args: str, env: dict[str, str] | None = None, ok: bool = True) -> None:
        code, text = _run(home, *args, env=env)
        assert (code == 0) == ok, text
        outputs.append(text)

    cli(
        "profile",
        "add",
        "Secret",
        "--url",
        secret_demo.url,
        "--username",
        secret_demo.username,
        env={"XTPLAY_PASSWORD": SECRET},
    )
    cli("profile", "test", "Secret")
    cli("profile", "list")
    cli("profile", "list", "--json")
    cli("profile", "show", "Secret")
    cli("profile", "show", "Secret", "--json")
    cli("sync", "Secret", "--json")
    # a failing login whose attempt carried the password
    secret_demo.set_fault("html")
    try:
        cli("profile", "test", "Secret", ok=False)
    finally:
        secret_demo.clear_faults()
    (home / "exports").mkdir()
    cli(
        "profile",
        "export",
        str(home / "exports" / "profiles.json"),
        env={"XTPLAY_EXPORT_PASSPHRASE": "export passphrase 1"},
    )

    responses: list[bytes] = []
    app = FastAPI()
    app.state.settings = settings
    app.state.vault = None
    app.include_router(router)
    with TestClient(app) as api:
        created = api.post(
            "/api/profiles",
            json={"name": "Secret API", "url": secret_demo.url, "username": secret_demo.username, "password": SECRET},
        )
        assert created.status_code == 201, created.text
        pid = created.json()["id"]
        for response in (
            created,
            api.get("/api/profiles"),
            api.get(f"/api/profiles/{pid}"),
            api.post(f"/api/profiles/{pid}/test"),
            api.patch(f"/api/profiles/{pid}", json={"password": SECRET, "sync_interval_hours": 12}),
            api.post(f"/api/profiles/{pid}/use"),
            api.post(
                "/api/profiles",
                json={"name": "Secret API", "url": secret_demo.url, "username": "x", "password": SECRET},
            ),
            api.post("/api/profiles", json={"name": "Bad", "password": SECRET}),
        ):
            responses.append(response.content)
            responses.append(json.dumps(dict(response.headers)).encode())

    # the whole web app: every kind of page the profile's data reaches
    from xtplay.web.app import create_app

    with TestClient(create_app(settings)) as web:
        sid = next(p["id"] for p in web.get("/api/profiles").json()["profiles"] if p["name"] == "Secret")
        assert web.post(f"/api/profiles/{sid}/use", json={}).status_code == 200  # the synced one
        for path in (
            "/",
            "/live",
            "/movies",
            "/series",
            "/movies/1",
            "/series/1",
            "/search?q=demo",
            "/guide",
            "/favorites",
            "/history",
            "/settings",
            "/profiles",
            f"/profiles/{sid}/edit",
            f"/profiles/{sid}/delete",
            "/api/profiles",
            f"/api/profiles/{sid}",
            "/sync/status",
            "/watch/movie/1",
            "/watch/live/1",
            f"/play/{sid}/movie/1/info",
            f"/play/{sid}/live/1/info",
            f"/play/{sid}/live/1/index.m3u8",
            f"/play/{sid}/movie/1/playlist.m3u",
            f"/play/{sid}/export.m3u",
        ):
            page = web.get(path, follow_redirects=True)
            responses.append(page.content)
            responses.append(json.dumps(dict(page.headers)).encode())
        assert any(b"Secret" in r for r in responses), "the pages should show the profile"

    db.backup(keeper, home / "xtplay.db.v0.manual.bak")
    try:
        files = [p for p in home.rglob("*") if p.is_file()]
        leaked = {str(p.relative_to(home)): _leaks(p.read_bytes()) for p in files}
    finally:
        keeper.close()
    names = {p.name for p in files}
    assert {"xtplay.db", "xtplay.db-wal", "xtplay.log", "profiles.json", "master.key"} <= names
    assert any(n.endswith(".bak") for n in names)
    assert (home / "logs" / "xtplay.log").stat().st_size > 0
    assert {k: v for k, v in leaked.items() if v} == {}
    assert [o for o in outputs if _leaks(o.encode())] == []
    assert [r for r in responses if _leaks(r)] == []
