"""The vault's AES-256-GCM sealing: round trip, fresh nonces, profile binding, tampering."""

from __future__ import annotations

import stat

import pytest

from xtplay.accounts.vault import BLOB_VERSION, NONCE_BYTES, Secret, Vault
from xtplay.errors import SecretUnreadable, VaultError


def test_round_trip_with_unicode(vault):
    blob = vault.encrypt(7, "pässwörd ✓ 密码")
    assert vault.decrypt(7, blob) == "pässwörd ✓ 密码"


def test_blob_layout_and_no_clear_text(vault):
    blob = vault.encrypt(1, "distinctive-Passw0rd")
    assert blob[0] == BLOB_VERSION
    assert len(blob) == 1 + NONCE_BYTES + len("distinctive-Passw0rd") + 16  # GCM tag
    assert b"distinctive-Passw0rd" not in blob


def test_each_encryption_uses_a_fresh_nonce(vault):
    blobs = {vault.encrypt(1, "same secret") for _ in range(20)}
    assert len(blobs) == 20
    assert len({b[1 : 1 + NONCE_BYTES] for b in blobs}) == 20


def test_profile_id_is_bound_as_associated_data(vault):
    blob = vault.encrypt(1, "secret")
    with pytest.raises(SecretUnreadable):
        vault.decrypt(2, blob, "Other")


@pytest.mark.parametrize("position", [0, 1, 1 + NONCE_BYTES, -1])
def test_tampered_blob_names_the_profile(vault, position):
    blob = bytearray(vault.encrypt(3, "Zq-tamper-9"))
    blob[position] ^= 0x01
    with pytest.raises(SecretUnreadable) as caught:
        vault.decrypt(3, bytes(blob), "My provider")
    message = str(caught.value)
    assert "My provider" in message and "Re-enter the password" in message
    assert "Zq-tamper-9" not in message


@pytest.mark.parametrize("blob", [None, b"", b"\x01", b"\x01" + b"\x00" * 20])
def test_missing_or_truncated_blob_is_unreadable(vault, blob):
    with pytest.raises(SecretUnreadable):
        vault.decrypt(1, blob, "P")


def test_key_file_is_0600_and_reused(settings, vault):
    key_file = settings.home / "master.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    blob = vault.encrypt(5, "kept")
    again = Vault.open(settings)
    assert again.decrypt(5, blob) == "kept"
    assert vault.source == again.source == "file"


def test_another_master_key_cannot_read_the_secret(settings, vault, tmp_path):
    blob = vault.encrypt(5, "kept")
    (settings.home / "master.key").unlink()
    fresh = Vault.open(settings)
    with pytest.raises(SecretUnreadable, match="Re-enter"):
        fresh.decrypt(5, blob, "Kept")


def test_loose_key_file_permissions_are_tightened(settings, vault):
    key_file = settings.home / "master.key"
    key_file.chmod(0o644)
    Vault.open(settings)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_damaged_key_file_is_a_clear_error(settings, vault):
    (settings.home / "master.key").write_text("not a key\n")
    with pytest.raises(VaultError, match=r"master\.key"):
        Vault.open(settings)


def test_secret_wrapper_never_shows_its_value():
    secret = Secret("hunter2-very-secret")
    assert "hunter2" not in repr(secret) and "hunter2" not in str(secret) and "hunter2" not in f"{secret}"
    assert "hunter2" not in repr([secret, {"p": secret}])
    assert secret.reveal() == "hunter2-very-secret"
    assert secret == Secret("hunter2-very-secret") and secret != Secret("other")


def test_concurrent_first_opens_agree_on_one_key(settings):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        vaults = list(pool.map(lambda _: Vault.open(settings), range(8)))
    blob = vaults[0].encrypt(1, "same key")
    assert all(v.decrypt(1, blob) == "same key" for v in vaults)
