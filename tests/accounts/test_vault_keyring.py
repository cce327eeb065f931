"""Where the master key lives: the OS keyring when usable, else a 0600 file with one warning."""

from __future__ import annotations

import logging
import stat

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringLocked

from xtplay.accounts.vault import KEYRING_SERVICE, Vault
from xtplay.errors import ConfigError, VaultError


class MemoryKeyring(KeyringBackend):
    """A real keyring backend (keyring's own interface) that keeps entries in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


class LockedKeyring(MemoryKeyring):
    """A keyring that exists but refuses to store anything (a locked desktop keyring)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")


@pytest.fixture
def backend(monkeypatch):
    """Lets a test pick the keyring backend; the previous one is restored after."""
    monkeypatch.delenv("XTPLAY_KEYRING", raising=False)
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


def _vault_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "xtplay.accounts.vault" and r.levelno == logging.WARNING]


def test_no_keyring_backend_falls_back_to_a_0600_file_with_one_warning(settings, backend, caplog):
    backend(fail.Keyring())
    caplog.set_level(logging.WARNING, logger="xtplay.accounts.vault")
    vault = Vault.open(settings)
    key_file = settings.home / "master.key"
    assert vault.source == "file"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    blob = vault.encrypt(1, "works")
    again = Vault.open(settings)
    assert again.decrypt(1, blob) == "works"
    warnings = _vault_warnings(caplog)
    assert len(warnings) == 1
    assert "keyring" in warnings[0] and str(key_file) in warnings[0]


def test_usable_keyring_holds_the_key_and_no_file_is_written(settings, backend):
    memory = MemoryKeyring()
    backend(memory)
    vault = Vault.open(settings)
    assert vault.source == "keyring"
    assert not (settings.home / "master.key").exists()
    [(service, user)] = memory.entries
    assert service == KEYRING_SERVICE and str(settings.home) in user
    blob = vault.encrypt(4, "from keyring")
    assert Vault.open(settings).decrypt(4, blob) == "from keyring"


def test_each_home_gets_its_own_keyring_entry(tmp_path, backend):
    from xtplay.config import load_settings

    memory = MemoryKeyring()
    backend(memory)
    first = Vault.open(load_settings(tmp_path / "one"))
    second = Vault.open(load_settings(tmp_path / "two"))
    assert len(memory.entries) == 2
    from xtplay.errors import SecretUnreadable

    with pytest.raises(SecretUnreadable):
        second.decrypt(1, first.encrypt(1, "x"))


def test_keyring_that_fails_falls_back_to_the_file(settings, backend, caplog):
    backend(LockedKeyring())
    caplog.set_level(logging.WARNING, logger="xtplay.accounts.vault")
    vault = Vault.open(settings)
    assert vault.source == "file"
    assert (settings.home / "master.key").exists()
    assert len(_vault_warnings(caplog)) == 1


def test_existing_key_file_wins_over_a_keyring(settings, backend):
    backend(fail.Keyring())
    blob = Vault.open(settings).encrypt(2, "old secret")
    backend(MemoryKeyring())
    vault = Vault.open(settings)
    assert vault.source == "file"
    assert vault.decrypt(2, blob) == "old secret"


def test_env_forces_the_file_even_with_a_keyring(settings, backend, monkeypatch, caplog):
    memory = MemoryKeyring()
    backend(memory)
    monkeypatch.setenv("XTPLAY_KEYRING", "file")
    caplog.set_level(logging.WARNING, logger="xtplay.accounts.vault")
    assert Vault.open(settings).source == "file"
    assert memory.entries == {}
    assert _vault_warnings(caplog) == []  # chosen on purpose: nothing to warn about


def test_unknown_env_value_is_refused(settings, monkeypatch):
    monkeypatch.setenv("XTPLAY_KEYRING", "gnome")
    with pytest.raises(ConfigError, match="XTPLAY_KEYRING"):
        Vault.open(settings)


def test_keyring_that_held_the_key_and_now_fails_is_an_error_not_a_new_key(settings, backend, monkeypatch):
    memory = MemoryKeyring()
    backend(memory)
    blob = Vault.open(settings).encrypt(3, "in keyring")
    assert (settings.home / "master.key.in-keyring").exists()
    backend(fail.Keyring())
    with pytest.raises(VaultError, match="keyring, which cannot be used now"):
        Vault.open(settings)
    assert not (settings.home / "master.key").exists()
    backend(memory)  # unlocked again: everything still readable
    assert Vault.open(settings).decrypt(3, blob) == "in keyring"
    monkeypatch.setenv("XTPLAY_KEYRING", "file")  # the documented way out: a file key, passwords re-entered
    assert Vault.open(settings).source == "file"
