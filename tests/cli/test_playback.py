"""``xtplay playback m3u``: the profile as an M3U, without the password unless --direct."""

from __future__ import annotations

from xtplay.cli import main


def test_m3u_export_has_proxy_urls_and_no_password(synced_profile, tmp_path, capsys):
    settings, conn, _, profile = synced_profile
    playable = conn.execute("SELECT count(*) FROM items WHERE profile_id = ? AND type IN ('live', 'movie') "
                            "AND is_adult = 0", (profile.id,)).fetchone()[0]
    out = tmp_path / "demo.m3u"
    assert main(["--home", str(settings.home), "playback", "m3u", "Demo", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("#EXTM3U\n") and text.count("#EXTINF") == playable > 100
    assert f"http://127.0.0.1:8470/play/{profile.id}/live/1/stream.ts?k=" in text
    assert "demo-pass" not in text and "/live/demo/" not in text
    assert "Wrote" in capsys.readouterr().err


def test_m3u_direct_export_says_it_holds_the_password(synced_profile, tmp_path, capsys):
    settings, _, _, _ = synced_profile
    out = tmp_path / "direct.m3u"
    assert main(["--home", str(settings.home), "playback", "m3u", "Demo", str(out), "--direct"]) == 0
    assert "/live/demo/demo-pass/1.ts" in out.read_text()
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert "password" in capsys.readouterr().err
