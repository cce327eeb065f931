"""Property-based tests of the provider parsers: whatever bytes a provider sends (arbitrary,
or a real sample mutated), the Xtream JSON readers, the M3U parser and the XMLTV reader end
with a result or one of our typed errors, never another exception, and never hang (the
module's pytest timeout is the bound). Examples stay few so the suite stays quick; the
samples are the real playlists and guides in ../shared/fixtures."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SHARED_FIXTURES
from xtplay.errors import XtplayError
from xtplay.sources import models
from xtplay.sources.http import parse_json
from xtplay.sources.m3u import parse_playlist
from xtplay.sources.xmltv import iter_xmltv

pytestmark = pytest.mark.timeout(240)

FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
               database=None)
#: Field names real panels send, so generated rows reach the readers' branches.
KEYS = ["stream_id", "series_id", "num", "name", "title", "category_id", "category_ids", "category_name",
        "parent_id", "stream_icon", "cover", "added", "last_modified", "rating", "rating_5based", "is_adult",
        "tv_archive", "tv_archive_duration", "epg_channel_id", "container_extension", "direct_source",
        "stream_type", "user_info", "server_info", "auth", "status", "exp_date", "max_connections",
        "active_cons", "allowed_output_formats", "timezone", "timestamp_now", "time_now", "info",
        "movie_data", "episodes", "seasons", "season", "episode_num", "id", "duration_secs", "duration",
        "backdrop_path", "movie_image", "cover_big", "plot", "genre", "releasedate", "start", "end",
        "start_timestamp", "stop_timestamp", "description", "lang", "channel_id", "has_archive", "1", "0"]
SCALARS = (st.none() | st.booleans() | st.integers(-2**63, 2**64) | st.floats(allow_nan=True)
           | st.text(max_size=30) | st.sampled_from(["", "0", "1", "null", "N/A", "2024-13-45", "1e309",
                                                    "-1", "٣", "2025-01-01 00:00:00", "+0100"]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5)
                    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=8),
                    max_leaves=40)
ROWS = st.dictionaries(st.sampled_from(KEYS), JSON, max_size=14)


def _samples(folder: str) -> list[bytes]:
    found = []
    for path in sorted((SHARED_FIXTURES / folder).iterdir()):
        data = path.read_bytes()
        found.append(gzip.decompress(data) if path.suffix == ".gz" else data)
    return [sample[:60_000] for sample in found]  # the head of the big guides is enough to mutate


@st.composite
def mutated(draw: Any, samples: list[bytes]) -> bytes:
    """A real sample cut, spliced, with bytes flipped, inserted or repeated."""
    data = bytearray(draw(st.sampled_from(samples)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["cut", "flip", "insert", "repeat", "truncate", "delete"]))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(max_size=40) | st.sampled_from(
                [b"<", b"&", b"]]>", b"<!ENTITY x 'y'>", b'"', b"\x00", b"\xff\xfe", b"#EXTINF:", b"\n", b",", b"\r"]))
        elif kind == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 200))] * draw(st.integers(2, 5))
        elif kind == "truncate":
            del data[at:]
        else:
            del data[at:at + draw(st.integers(1, 300))]
    return bytes(data)


M3U_SAMPLES = _samples("m3u")
XMLTV_SAMPLES = _samples("xmltv")


# --- Xtream JSON -------------------------------------------------------------------------------


@FEW
@given(st.binary(max_size=400) | st.builds(lambda j: json.dumps(j).encode(), JSON))
def test_any_body_is_json_or_one_of_our_errors(body):
    try:
        parse_json("panel.example", body)
    except XtplayError:
        pass


@FEW
@given(ROWS)
def test_list_rows_are_read_or_refused_as_unusable(row):
    """A list row either reads or raises ValueError (the client skips and counts it)."""
    for build in (models.Category.from_raw, models.LiveStream.from_raw, models.Movie.from_raw,
                  models.Series.from_raw, models.Episode.from_raw, models.EpgEntry.from_raw):
        try:
            build(row)
        except (ValueError, XtplayError):
            pass


@FEW
@given(ROWS, st.dictionaries(st.sampled_from(["user_info", "server_info", "info", "movie_data", "episodes",
                                              "seasons"]), ROWS | JSON, max_size=6))
def test_whole_answers_read_or_fail_with_our_errors(extra, answer):
    """The login, movie-details and series-details answers are read whole (no row to skip)."""
    raw = {**extra, **answer}
    for read in (models.Account.from_raw, lambda r: models.MovieInfo.from_raw(r, stream_id=7),
                 lambda r: models.SeriesInfo.from_raw(r, series_id=7), models.Account.authenticated):
        try:
            read(raw)
        except XtplayError:
            pass


# --- M3U ---------------------------------------------------------------------------------------


@FEW
@given(st.binary(max_size=2000) | st.text(max_size=2000))
def test_any_bytes_are_a_playlist_or_our_error(data):
    try:
        playlist = parse_playlist(data)
    except XtplayError:
        return
    assert all(entry.url for entry in playlist.entries)


@FEW
@given(mutated(M3U_SAMPLES))
def test_mutated_real_playlists_parse(data):
    try:
        parse_playlist(data)
    except XtplayError:
        pass


# --- XMLTV -------------------------------------------------------------------------------------


def _read_guide(data: bytes, chunk: int | None = None) -> list:
    source = [data[i:i + chunk] for i in range(0, len(data), chunk)] if chunk else data
    items = []
    try:
        for item in iter_xmltv(source):
            items.append(item)
    except XtplayError:
        pass
    return items


@FEW
@given(st.binary(max_size=2000))
def test_any_bytes_are_a_guide_or_our_error(data):
    _read_guide(data)
    _read_guide(gzip.compress(data))


@FEW
@given(mutated(XMLTV_SAMPLES), st.integers(1, 5000))
def test_mutated_real_guides_read_alike_whole_or_in_chunks(data, chunk):
    assert _read_guide(data) == _read_guide(data, chunk)


@FEW
@given(mutated(XMLTV_SAMPLES))
def test_mutated_gzipped_guides_read(data):
    squeezed = gzip.compress(data)
    _read_guide(squeezed[: len(squeezed) * 3 // 4])  # a gzip stream cut short
    _read_guide(squeezed)


def test_entities_are_never_expanded():
    """A "billion laughs" guide is neither expanded nor allowed to eat the memory."""
    laughs = b'<?xml version="1.0"?><!DOCTYPE tv [<!ENTITY a "ha">' + b"".join(
        b'<!ENTITY %s "%s">' % (chr(98 + n).encode(), (b"&" + chr(97 + n).encode() + b";") * 10) for n in range(9)
    ) + b']><tv><channel id="x"><display-name>&j;</display-name></channel></tv>'
    items = _read_guide(laughs)
    assert all(len("".join(getattr(i, "names", ()))) < 1000 for i in items)
    external = (b'<?xml version="1.0"?><!DOCTYPE tv [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                b'<tv><channel id="x"><display-name>&e;</display-name></channel></tv>')
    assert all("root:" not in "".join(getattr(i, "names", ())) for i in _read_guide(external))


def test_the_samples_are_there():
    assert len(M3U_SAMPLES) >= 5 and len(XMLTV_SAMPLES) >= 5
    assert sum(len(_read_guide(sample)) for sample in XMLTV_SAMPLES) > 100  # real guides, read
