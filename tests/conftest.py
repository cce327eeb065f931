"""Shared fixtures. Each area keeps its fixtures in ``tests/plugins/<area>.py``, loaded as
plugins here so that any folder's tests can use them and areas never edit one another's."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
#: The read-only real-world fixtures published by others (XMLTV, M3U), beside the project.
SHARED_FIXTURES = HERE.parent.parent / "shared" / "fixtures"

pytest_plugins = [
    "tests.plugins.browse",
    "tests.plugins.catalog",
    "tests.plugins.client",
    "tests.plugins.demo",
    "tests.plugins.guide",
    "tests.plugins.personalities",
    "tests.plugins.playback",
    "tests.plugins.playlists",
    "tests.plugins.profiles",
    "tests.plugins.web",
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh xtplay home directory, also set as ``XTPLAY_HOME`` for subprocesses."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("XTPLAY_HOME", str(path))
    return path


@pytest.fixture
def settings(home: Path):
    """Settings for the fresh home directory."""
    from xtplay.config import load_settings

    return load_settings(home)


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """Path to ../shared/fixtures; tests that need it fail loudly when it is missing."""
    assert SHARED_FIXTURES.is_dir(), f"shared fixtures not found at {SHARED_FIXTURES}"
    return SHARED_FIXTURES
