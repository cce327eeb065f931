"""A big list parsed a part at a time reads exactly as one parse does, errors included, and
gives the event loop turns between its parts (the next list keeps flowing, pages keep answering)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xtplay.errors import MalformedResponse, XtplayError
from xtplay.sources.http import parse_json, parse_json_in_turns

HOST = "panel.example"
FEW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
               database=None)
#: Strings made of what a cut looks for, so cuts land inside strings and inner values.
TRICKY = st.text(alphabet='},{[]"\\ aé\n', max_size=12)
VALUE = st.recursive(st.none() | st.integers(-2**63, 2**63 - 1) | TRICKY,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TRICKY, inner, max_size=3),
                     max_leaves=8)
ROWS = st.lists(st.dictionaries(st.sampled_from(["name", "plot", "info", "}", "{"]), VALUE, max_size=4), max_size=30)


def in_turns(body: bytes, part_bytes: int = 16) -> Any:
    return asyncio.run(parse_json_in_turns(HOST, body, part_bytes=part_bytes))


@FEW
@given(ROWS, st.integers(1, 80))
def test_a_list_in_parts_reads_as_one_parse(rows, part_bytes):
    body = orjson.dumps(rows)
    assert in_turns(body, part_bytes) == orjson.loads(body)


@FEW
@given(ROWS.filter(bool), st.integers(0, 400))
def test_a_cut_list_fails_as_one_parse_does(rows, cut):
    body = orjson.dumps(rows)[: max(1, len(orjson.dumps(rows)) - 1 - cut)] + b"]"
    try:
        expected: Any = parse_json(HOST, body)
    except XtplayError as exc:
        with pytest.raises(type(exc)) as caught:
            in_turns(body)
        assert str(caught.value) == str(exc)
    else:
        assert in_turns(body) == expected


def test_latin_1_bytes_inside_a_big_list_are_replaced_as_in_one_parse():
    body = orjson.dumps([{"name": f"Movie {i}", "plot": "x" * 20} for i in range(200)]).replace(b"Movie 150", b"Cin\xe9 150")
    assert in_turns(body) == parse_json(HOST, body)
    assert in_turns(body)[150]["name"] == "Cin\ufffd 150"


def test_a_truncated_big_list_is_incomplete_json():
    body = orjson.dumps([{"name": f"Movie {i}"} for i in range(500)])[:-40]
    with pytest.raises(MalformedResponse, match="incomplete or invalid JSON"):
        in_turns(body + b"]")


def test_the_event_loop_turns_between_the_parts():
    body = orjson.dumps([{"stream_id": i, "name": f"Channel {i}"} for i in range(2_000)])
    turns = 0

    async def ticker() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    async def both() -> Any:
        tick = asyncio.ensure_future(ticker())
        await asyncio.sleep(0)
        before = turns
        try:
            return await parse_json_in_turns(HOST, body, part_bytes=4_096), turns - before
        finally:
            tick.cancel()

    rows, during = asyncio.run(both())
    assert rows == orjson.loads(body)
    assert during >= len(body) // 4_096 - 1
