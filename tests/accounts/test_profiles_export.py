"""Encrypted export and import of profiles (scrypt + AES-256-GCM), file never in clear."""

from __future__ import annotations

import json
import stat

import pytest

from xtplay import db
from xtplay.accounts import export as profile_export
from xtplay.accounts import profiles
from xtplay.accounts.vault import Vault
from xtplay.config import load_settings
from xtplay.errors import ConfigError, SecretUnreadable, VaultError

PASSPHRASE = "correct horse battery staple"


async def _add(conn, vault, settings, name, password, **kw):
    return await profiles.add_profile(
        conn, vault, settings, name=name, url="http://tv.example.com:8080", username=f"user-{name}",
        password=password, verify=False, **kw,
    )


async def test_export_then_import_on_another_home(library, vault, settings, tmp_path):
    await _add(library, vault, settings, "Home", "Exp0rt-Pw-Home")
    p = await _add(library, vault, settings, "Cabin", "Exp0rt-Pw-Cabin", user_agent="Kodi/21")
    profiles.set_preferences(library, p, sync_interval_hours=12, adult_enabled=True, timezone="Europe/Berlin")
    target = tmp_path / "profiles.xtplay.json"

    result = profile_export.export_profiles(library, vault, target, PASSPHRASE)
    assert sorted(result.exported) == ["Cabin", "Home"] and result.skipped == []
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    raw = target.read_bytes()
    for clear in (b"Exp0rt-Pw-Home", b"Exp0rt-Pw-Cabin", b"user-Home", b"tv.example.com", b"Cabin"):
        assert clear not in raw
    document = json.loads(raw)
    assert document["kdf"] == {"name": "scrypt", "n": 2**15, "r": 8, "p": 1, "salt": document["kdf"]["salt"]}
    assert document["cipher"] == "AES-256-GCM" and document["count"] == 2

    other = load_settings(tmp_path / "other-home")
    conn = db.open_library(other.db_path)
    try:
        other_vault = Vault.open(other)
        outcomes = profile_export.import_profiles(conn, other_vault, target, PASSPHRASE)
        assert sorted((o.name, o.action) for o in outcomes) == [("Cabin", "added"), ("Home", "added")]
        cabin = profiles.get_profile(conn, "cabin")
        assert (cabin.user_agent, cabin.sync_interval_hours, cabin.adult_enabled, cabin.timezone) == (
            "Kodi/21",
            12,
            True,
            "Europe/Berlin",
        )
        assert profiles.stream_credentials(conn, other_vault, cabin) == (
            "http://tv.example.com:8080",
            "user-Cabin",
            "Exp0rt-Pw-Cabin",
        )
    finally:
        conn.close()


async def test_wrong_passphrase_is_refused_and_nothing_imported(library, vault, settings, tmp_path):
    await _add(library, vault, settings, "Home", "pw-one")
    target = tmp_path / "out.json"
    profile_export.export_profiles(library, vault, target, PASSPHRASE)
    profiles.remove_profile(library, vault, "Home")
    with pytest.raises(VaultError, match="Wrong passphrase"):
        profile_export.import_profiles(library, vault, target, "not the passphrase")
    assert profiles.list_profiles(library) == []


async def test_altered_file_is_refused(library, vault, settings, tmp_path):
    await _add(library, vault, settings, "Home", "pw-one")
    target = tmp_path / "out.json"
    profile_export.export_profiles(library, vault, target, PASSPHRASE)
    document = json.loads(target.read_text())
    sealed = bytearray(profile_export._unb64(document["ciphertext"]))
    sealed[5] ^= 1
    document["ciphertext"] = profile_export._b64(bytes(sealed))
    target.write_text(json.dumps(document))
    with pytest.raises(VaultError, match="altered"):
        profile_export.read_export(target, PASSPHRASE)


async def test_existing_names_are_skipped_or_renamed(library, vault, settings, tmp_path):
    await _add(library, vault, settings, "Home", "pw-one")
    target = tmp_path / "out.json"
    profile_export.export_profiles(library, vault, target, PASSPHRASE)

    [skipped] = profile_export.import_profiles(library, vault, target, PASSPHRASE)
    assert (skipped.name, skipped.action, skipped.saved_as) == ("Home", "skipped", None)
    assert "exists" in skipped.reason

    [renamed] = profile_export.import_profiles(library, vault, target, PASSPHRASE, on_conflict="rename")
    assert (renamed.action, renamed.saved_as) == ("renamed", "Home (imported)")
    [again] = profile_export.import_profiles(library, vault, target, PASSPHRASE, on_conflict="rename")
    assert again.saved_as == "Home (imported 2)"
    assert len(profiles.list_profiles(library)) == 3


async def test_export_of_chosen_profiles_and_unreadable_ones_skipped(library, vault, settings, tmp_path):
    await _add(library, vault, settings, "Home", "pw-one")
    broken = await _add(library, vault, settings, "Broken", "pw-two")
    with db.transaction(library):
        library.execute("UPDATE profiles SET secret = ? WHERE id = ?", (b"\x01" + b"\x00" * 40, broken.id))
    result = profile_export.export_profiles(library, vault, tmp_path / "all.json", PASSPHRASE)
    assert result.exported == ["Home"] and result.skipped[0][0] == "Broken"
    only = profile_export.export_profiles(library, vault, tmp_path / "one.json", PASSPHRASE, ["home"])
    assert only.exported == ["Home"]
    with pytest.raises(SecretUnreadable):
        profile_export.export_profiles(library, vault, tmp_path / "none.json", PASSPHRASE, ["Broken"])


def test_short_passphrase_and_foreign_files_are_refused(library, vault, tmp_path):
    with pytest.raises(ConfigError, match="at least"):
        profile_export.check_passphrase("short")
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"hello": "world"}')
    with pytest.raises(ConfigError, match="not an xtplay profile export"):
        profile_export.read_export(foreign, PASSPHRASE)
    foreign.write_text("not json at all")
    with pytest.raises(ConfigError, match="not an xtplay profile export"):
        profile_export.read_export(foreign, PASSPHRASE)
    with pytest.raises(ConfigError, match="Cannot read"):
        profile_export.read_export(tmp_path / "missing.json", PASSPHRASE)
