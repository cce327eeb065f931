"""Fixtures of the demo provider, shared by every area's tests.

- ``demo_media_dir`` (session): the generated test media, cached across runs in pytest's cache
  directory (regenerated when its version stamp changes).
- ``demo_provider`` (session): one small demo provider (60 live, 120 movies, 30 series) on a
  free loopback port.
- ``demo`` (function): that provider with faults cleared and request counters reset before the
  test, and faults cleared after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.plugins.waiting import wait_until
from xtplay.demo import DemoProvider
from xtplay.demo.media import ensure_media


@pytest.fixture(scope="session")
def demo_media_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory holding the demo media (made once, reused by later runs)."""
    cache = getattr(request.config, "cache", None)
    path = Path(cache.mkdir("xtplay-demo-media")) if cache is not None else tmp_path_factory.mktemp("demo-media")
    ensure_media(path)
    return path


@pytest.fixture(scope="session")
def demo_provider(demo_media_dir: Path) -> Iterator[DemoProvider]:
    """A running demo provider for the whole session (small catalog)."""
    with DemoProvider(live=60, vod=120, series=30, seed=1, media_dir=demo_media_dir) as provider:
        yield provider


@pytest.fixture
def demo(demo_provider: DemoProvider) -> Iterator[DemoProvider]:
    """The session's demo provider, clean for this test: no faults, counters at zero, and no
    stream of an earlier test still holding one of the line's connections."""
    demo_provider.clear_faults()
    wait_until(lambda: not demo_provider.stats()["open_streams"], 5, "the streams of an earlier test to close")
    demo_provider.reset_stats()
    yield demo_provider
    demo_provider.clear_faults()
