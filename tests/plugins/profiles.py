"""Fixtures for profiles and the vault: ``vault``, ``demo_profile``, ``library``.

The whole test session uses the 0600 key-file store (``XTPLAY_KEYRING=file``) so no test
writes into the OS keyring of the machine running it; vault tests that exercise the
keyring path unset it themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def _vault_uses_key_file() -> Iterator[None]:
    previous = os.environ.get("XTPLAY_KEYRING")
    os.environ["XTPLAY_KEYRING"] = "file"
    yield
    if previous is None:
        os.environ.pop("XTPLAY_KEYRING", None)
    else:
        os.environ["XTPLAY_KEYRING"] = previous


@pytest.fixture
def library(settings) -> Iterator:
    """A migrated library (real SQLite file) in the fresh home, closed after the test."""
    from xtplay import db

    conn = db.open_library(settings.db_path)
    yield conn
    conn.close()


@pytest.fixture
def vault(settings, monkeypatch: pytest.MonkeyPatch):
    """The vault of the fresh home, its master key in ``home/master.key``."""
    from xtplay.accounts.vault import Vault

    monkeypatch.setenv("XTPLAY_KEYRING", "file")
    return Vault.open(settings)


@pytest.fixture
async def demo_profile(settings, library, vault, demo):
    """``(settings, conn, vault, profile)``: a verified profile "Demo" on the demo provider."""
    from xtplay.accounts import profiles

    profile = await profiles.add_profile(
        library, vault, settings, name="Demo", url=demo.url, username=demo.username, password=demo.password
    )
    return settings, library, vault, profile
