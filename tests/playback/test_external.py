"""Launching mpv for a viewer on this machine: offered only when mpv exists, started on a proxy
URL that carries no password. A stand-in ``mpv`` on the PATH records how it was started."""

from __future__ import annotations

import os
import stat

import httpx

from tests.plugins.waiting import wait_until


def _fake_mpv(tmp_path, monkeypatch):
    """An ``mpv`` that writes its arguments to a file and exits, first on the PATH."""
    record = tmp_path / "mpv-args.txt"
    exe = tmp_path / "bin" / "mpv"
    exe.parent.mkdir()
    exe.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{exe.parent}{os.pathsep}{os.environ['PATH']}")
    return record


def test_launch_without_mpv_is_a_clear_error(live_app, app_http, play_profile_id, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no mpv anywhere
    got = app_http.post(f"/play/{play_profile_id}/movie/1/launch", json={})
    assert got.status_code >= 400
    assert "mpv is not installed" in got.text


def test_launch_starts_mpv_on_a_proxy_url_without_password(live_app, app_http, play_profile_id, tmp_path, monkeypatch):
    record = _fake_mpv(tmp_path, monkeypatch)
    page = app_http.get("/watch/movie/1").text
    assert '"mpv": true' in page or '"mpv":true' in page  # the player offers the button
    got = app_http.post(f"/play/{play_profile_id}/movie/1/launch", json={})
    assert got.status_code == 200, got.text
    wait_until(record.exists, 10, "the stand-in mpv to be started")
    args = record.read_text().splitlines()
    url = args[-1]
    assert url.startswith(f"{live_app.url}/play/{play_profile_id}/movie/1/") and "k=" in url
    demo = live_app.demo
    assert demo.password not in " ".join(args) and demo.url not in " ".join(args)
    assert httpx.get(url, headers={"Range": "bytes=0-99"}, timeout=30).status_code == 206  # mpv could play it
