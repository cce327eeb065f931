"""Adding a playlist profile (``xtplay profile add NAME --m3u …``) against a real HTTP server:
checked before saving, the address sealed like a password, bad input refused in words."""

from __future__ import annotations

import gzip
import json
import logging
import sys

import pytest
from click.testing import CliRunner

from xtplay import db
from xtplay.accounts import playlists, profiles
from xtplay.accounts.vault import Vault
from xtplay.cli import main
from xtplay.errors import NotAPlaylist, ProviderUnreachable

TOKEN = "Tok3n-98765-secret"
PLAYLIST = """#EXTM3U url-tvg="http://guide.example/epg.xml.gz"
#EXTINF:-1 tvg-id="one.tv" tvg-chno="1" group-title="News",One TV
http://streams.example/live/user/{token}/1.ts
#EXTINF:-1 tvg-id="two.tv" group-title="Sport",Two TV
http://streams.example/live/user/{token}/2.ts
#EXTINF:-1 group-title="VOD Movies",A Film (2020)
http://streams.example/movie/user/{token}/3.mp4
""".replace("{token}", TOKEN)


@pytest.fixture
def xtplay(home):
    def run(*args: str) -> tuple[int, str, str]:
        runner = CliRunner()
        with runner.isolation(env={"XTPLAY_PASSWORD": None}) as (out, err, _):
            code = main(["--home", str(home), *args])
            sys.stdout.flush()
            sys.stderr.flush()
            return code, out.getvalue().decode(), err.getvalue().decode()

    yield run
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_xtplay", False):
            root.removeHandler(handler)
            handler.close()


def test_cli_adds_a_checked_playlist_whose_address_is_sealed(xtplay, playlist_server, settings, _vault_uses_key_file):
    url = playlist_server.put(f"/get.php?username=user&password={TOKEN}&type=m3u_plus", PLAYLIST)
    code, out, err = xtplay("profile", "add", "Home", "--m3u", url, "--user-agent", "MyBox/1.0")
    assert code == 0, err
    assert "3 entries found" in out and "2 live" in out and "1 movie" in out
    assert TOKEN not in out + err
    assert playlist_server.seen("/get.php")[0].headers["user-agent"] == "MyBox/1.0"
    code, listed, _ = xtplay("profile", "list", "--json")
    assert code == 0 and TOKEN not in listed
    assert json.loads(listed)[0]["kind"] == "m3u" and json.loads(listed)[0]["url"] == f"127.0.0.1:{playlist_server.port}"
    raw = settings.db_path.read_bytes()
    assert TOKEN.encode() not in raw and b"get.php" not in raw
    conn = db.open_library(settings.db_path)
    try:
        profile = profiles.get_profile(conn, "Home")
        assert profiles.playlist_locations(conn, Vault.open(settings), profile) == (url, ())
    finally:
        conn.close()


def test_cli_adds_a_playlist_file_with_a_guide(xtplay, tmp_path, shared_fixtures, _vault_uses_key_file):
    guide = tmp_path / "guide.xml"
    guide.write_text("<tv></tv>")
    code, out, err = xtplay("profile", "add", "Kodi", "--m3u", str(shared_fixtures / "m3u" / "kodi.m3u"),
                            "--xmltv", str(guide))
    assert code == 0, err
    assert "Added playlist profile “Kodi” (kodi.m3u; 1 entry found, 1 live, 1 guide address)" in out


def test_cli_refuses_a_playlist_with_a_password_option(xtplay, tmp_path):
    code, _out, err = xtplay("profile", "add", "X", "--m3u", str(tmp_path / "a.m3u"), "--url", "http://a")
    assert code == 1 and "not --url" in err


@pytest.mark.parametrize(("body", "said"), [
    (b"<!DOCTYPE html><html><head><title>Login</title></head><body>Sign in</body></html>",
     "returned a web page, not a playlist"),
    (b"", "is empty"),
    (bytes(range(256)) * 8, "is a binary file, not a playlist"),
    (b"#EXTM3U\n# nothing here\n", "has a playlist header but no streams"),
    (b"hello\nworld\n", "is not an M3U playlist"),
])
def test_what_is_not_a_playlist_is_refused_in_words_and_nothing_is_saved(
        playlist_server, settings, body, said, _vault_uses_key_file):
    kind = "text/html" if body.startswith(b"<!") else "audio/x-mpegurl"
    url = playlist_server.put("/list.m3u", body, content_type=kind)
    conn = db.open_library(settings.db_path)
    try:
        with pytest.raises(NotAPlaylist) as caught:
            _add(conn, settings, url)
        assert said in str(caught.value) and f"127.0.0.1:{playlist_server.port}" in str(caught.value)
        assert profiles.list_profiles(conn) == []
    finally:
        conn.close()


def test_an_address_that_answers_not_found_is_refused_as_no_playlist(playlist_server, settings,
                                                                    _vault_uses_key_file):
    url = playlist_server.put("/get.php", b"", status=404)
    conn = db.open_library(settings.db_path)
    try:
        with pytest.raises(NotAPlaylist, match=r"has no playlist \(HTTP 404\): check the address"):
            _add(conn, settings, url)
        assert profiles.list_profiles(conn) == []
    finally:
        conn.close()


def test_a_missing_file_and_a_dead_address_are_refused(settings, tmp_path, _vault_uses_key_file):
    conn = db.open_library(settings.db_path)
    try:
        with pytest.raises(NotAPlaylist, match=r"The file nowhere\.m3u does not exist"):
            _add(conn, settings, str(tmp_path / "nowhere.m3u"))
        with pytest.raises(ProviderUnreachable):
            _add(conn, settings, "http://127.0.0.1:9/list.m3u")
        assert profiles.list_profiles(conn) == []
    finally:
        conn.close()


def test_a_gzip_file_and_a_gzip_answer_are_read(playlist_server, settings, tmp_path, _vault_uses_key_file):
    packed = tmp_path / "list.m3u.gz"
    packed.write_bytes(gzip.compress(PLAYLIST.encode()))
    url = playlist_server.put("/list.m3u.gz", PLAYLIST, gzip=True, content_type="application/gzip")
    conn = db.open_library(settings.db_path)
    try:
        first, check = _add(conn, settings, str(packed), name="File")
        assert check is not None and check.entries == 3
        _second, check = _add(conn, settings, url, name="Address")
        assert check is not None and check.entries == 3 and check.guides == 1
    finally:
        conn.close()


def _add(conn, settings, m3u: str, name: str = "P"):
    from tests.plugins.web import run_async

    return run_async(playlists.add_playlist_profile(conn, Vault.open(settings), settings, name=name, m3u=m3u))


def test_export_and_import_keep_a_playlist_profile_and_its_guides(playlist_server, settings, tmp_path,
                                                                  _vault_uses_key_file):
    from xtplay.accounts import export

    url = playlist_server.put(f"/get.php?password={TOKEN}", PLAYLIST)
    conn = db.open_library(settings.db_path)
    try:
        vault = Vault.open(settings)
        from tests.plugins.web import run_async

        run_async(playlists.add_playlist_profile(conn, vault, settings, name="Home", m3u=url,
                                                 xmltv=["http://guide.example/more.xml"]))
        export.export_profiles(conn, vault, tmp_path / "out.xtplay", "long enough passphrase")
        assert TOKEN.encode() not in (tmp_path / "out.xtplay").read_bytes()
        (outcome,) = export.import_profiles(conn, vault, tmp_path / "out.xtplay", "long enough passphrase",
                                            on_conflict="rename")
        copy = profiles.get_profile(conn, outcome.saved_as)
        assert copy.kind == "m3u" and copy.name != "Home"
        assert profiles.playlist_locations(conn, vault, copy) == (url, ("http://guide.example/more.xml",))
    finally:
        conn.close()


def test_a_file_of_one_endless_line_and_an_empty_file_are_refused(settings, tmp_path, _vault_uses_key_file):
    endless = tmp_path / "minified.m3u"
    endless.write_bytes(b"#EXTM3U " + b"x" * (2 << 20))
    empty = tmp_path / "empty.m3u"
    empty.write_bytes(b"")
    conn = db.open_library(settings.db_path)
    try:
        with pytest.raises(NotAPlaylist, match="a line of over a megabyte"):
            _add(conn, settings, str(endless))
        with pytest.raises(NotAPlaylist, match=r"The file empty\.m3u is empty"):
            _add(conn, settings, str(empty))
    finally:
        conn.close()
