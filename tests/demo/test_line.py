"""A slow line paces the demo provider's answers and delivers them whole."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from xtplay.demo import DemoProvider
from xtplay.demo.line import PIECE, Line


@pytest.fixture
def provider(demo_media_dir):
    with DemoProvider(live=5, vod=300, series=2, seed=2, media_dir=demo_media_dir, line_mbit=200) as demo:
        yield demo


def test_a_paced_list_arrives_whole_in_pieces(provider):
    params = {"username": provider.username, "password": provider.password, "action": "get_vod_streams"}
    expected = provider.catalog.list_bytes("vod")
    assert len(expected) > 3 * PIECE  # paced in several pieces
    with httpx.Client(base_url=provider.url, timeout=10) as client:
        with client.stream("GET", "/player_api.php", params=params) as answer:
            parts = list(answer.iter_raw())
        assert client.get("/_demo/line").json() == {"mbit": 200.0}
        assert client.post("/_demo/line", json={"mbit": None}).json() == {"mbit": None}
        unpaced = client.get("/player_api.php", params=params).content
        assert client.post("/_demo/line", json={"mbit": 0}).status_code == 400
    assert hashlib.sha256(b"".join(parts)).digest() == hashlib.sha256(expected).digest() == hashlib.sha256(
        unpaced).digest()


def test_a_line_needs_a_rate():
    with pytest.raises(ValueError):
        Line(0)
