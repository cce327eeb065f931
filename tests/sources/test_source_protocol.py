"""The Source protocol: the Xtream client satisfies it as it is, and its defaults are safe."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from xtplay.errors import ItemNotFound
from xtplay.sources.models import Account, Category
from xtplay.sources.playlist import PlaylistSource, PlaylistUrls
from xtplay.sources.source import Source, StreamUrlBuilder
from xtplay.sources.xmltv import XmltvReader
from xtplay.sources.xtream import StreamUrls, XtreamClient


def _operations(protocol: type) -> dict[str, Any]:
    """The protocol's methods, ``async with`` included."""
    return {name: member for name, member in vars(protocol).items()
            if inspect.isfunction(member) and (not name.startswith("_") or name in ("__aenter__", "__aexit__"))}


def _shape(function: Any) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def test_the_xtream_client_is_a_source() -> None:
    source: Source = XtreamClient("http://tv.example.com:8080", "alice", "s3cret")
    assert isinstance(source, Source)
    assert isinstance(source.urls, StreamUrlBuilder)
    assert isinstance(StreamUrls("http://tv.example.com", "alice", "s3cret"), StreamUrlBuilder)


SOURCE_OPERATIONS = {"__aenter__", "__aexit__", "aclose", "login", "live_categories", "vod_categories",
                     "series_categories", "raw_list", "changed_list", "vod_info", "series_info", "short_epg", "simple_data_table",
                     "stream_xmltv", "guides"}


@pytest.mark.parametrize(("protocol", "concrete", "expected"), [
    (Source, XtreamClient, SOURCE_OPERATIONS),
    (StreamUrlBuilder, StreamUrls, {"live", "movie", "episode", "timeshift"}),
    (Source, PlaylistSource, SOURCE_OPERATIONS),
    (StreamUrlBuilder, PlaylistUrls, {"live", "movie", "episode", "timeshift"}),
])
def test_the_xtream_classes_take_the_protocols_arguments(protocol, concrete, expected):
    operations = _operations(protocol)
    assert set(operations) == expected
    for name, declared in operations.items():
        actual = getattr(concrete, name)
        assert _shape(actual) == _shape(declared), name
        assert inspect.iscoroutinefunction(actual) == inspect.iscoroutinefunction(declared), name


class _Bare(Source):
    """A source with only what it MUST implement: live channels and their URLs."""

    urls = StreamUrls("http://tv.example.com", "alice", "s3cret")
    closed = False

    async def aclose(self) -> None:
        self.closed = True

    async def login(self) -> Account:
        return Account.from_dict({"username": "alice"})

    async def live_categories(self) -> list[Category]:
        return [Category.from_raw({"category_id": "1", "category_name": "News"})]

    async def raw_list(self, action: str, category_id: str | None = None) -> list[dict[str, Any]]:
        return [{"stream_id": 1, "name": "One", "category_id": "1"}] if action == "get_live_streams" else []


async def test_a_source_that_keeps_the_defaults_has_no_movies_series_or_guide():
    async with _Bare() as source:
        assert isinstance(source, Source)
        assert await source.vod_categories() == [] and await source.series_categories() == []
        assert await source.short_epg(1) == [] and await source.simple_data_table(1) == []
        with pytest.raises(ItemNotFound):
            await source.vod_info(1)
        with pytest.raises(ItemNotFound):
            await source.series_info(1)
        reader = XmltvReader(None)
        async with source.stream_xmltv() as chunks:
            read = [item async for chunk in chunks for item in reader.feed(chunk)]
        assert read + reader.close() == [] and reader.error is None  # an empty guide, not a broken one
    assert source.closed
