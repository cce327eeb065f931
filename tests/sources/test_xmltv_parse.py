"""The XMLTV reader on hand-made guides: time zones and offsets, daylight saving, broken and
truncated input."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from xtplay.errors import GuideError
from xtplay.sources.xmltv import XmltvChannel, XmltvProgramme, XmltvTimeParser, iter_xmltv


def programmes(data: bytes, **kw) -> list[XmltvProgramme]:
    return [i for i in iter_xmltv(data, **kw) if isinstance(i, XmltvProgramme)]


def doc(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><tv>{body}</tv>'.encode()


def utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


@pytest.mark.parametrize("text, expected", [
    ("20261025013000 +0100", utc(2026, 10, 25, 0, 30)),
    ("20261025013000 +0000", utc(2026, 10, 25, 1, 30)),
    ("20261025013000 -0500", utc(2026, 10, 25, 6, 30)),
    ("20261025013000 +0530", utc(2026, 10, 24, 20, 0)),
    ("20261025013000 +1245", utc(2026, 10, 24, 12, 45)),
    ("20261025013000 -03:30", utc(2026, 10, 25, 5, 0)),
    ("20261025013000+0200", utc(2026, 10, 24, 23, 30)),
    ("202610250130 +0100", utc(2026, 10, 25, 0, 30)),
    ("20261025013000 Z", utc(2026, 10, 25, 1, 30)),
])
def test_offsets_are_honoured(text, expected):
    assert XmltvTimeParser(ZoneInfo("Asia/Tokyo"))(text) == expected


def test_missing_offset_uses_the_default_zone_across_the_october_change():
    london = XmltvTimeParser(ZoneInfo("Europe/London"))
    # 25 Oct 2026: clocks go back at 02:00 BST → 01:00 GMT.
    assert london("20261025003000") == utc(2026, 10, 24, 23, 30)  # BST, +1
    assert london("20261025030000") == utc(2026, 10, 25, 3, 0)  # GMT, +0
    assert london("20260701120000") == utc(2026, 7, 1, 11, 0)
    assert XmltvTimeParser()("20260701120000") == utc(2026, 7, 1, 12, 0)  # UTC when no zone is given


def test_unreadable_times_skip_the_programme_not_the_guide():
    data = doc('<programme start="garbage" channel="a"><title>X</title></programme>'
               '<programme start="20260101000000 +0000" stop="20260101010000 +0000" channel="a"><title>Y</title></programme>'
               '<programme start="20260101010000 +0000" channel=""><title>Z</title></programme>')
    progs = programmes(data)
    assert [p.title for p in progs] == ["Y"]
    assert progs[0].start == utc(2026, 1, 1) and progs[0].stop == utc(2026, 1, 1, 1)


def test_a_programme_without_stop_keeps_none():
    progs = programmes(doc('<programme start="20260101000000 +0000" channel="a"><title>Open</title></programme>'))
    assert progs[0].stop is None and progs[0].stop_utc is None


def test_first_title_wins_and_its_language_is_kept():
    progs = programmes(doc('<programme start="20260101000000 +0000" stop="20260101003000 +0000" channel="a">'
                           '<title lang="et">Öine video</title><title lang="en">Night Videos</title>'
                           '<episode-num system="onscreen">S02E05</episode-num></programme>'))
    assert (progs[0].title, progs[0].lang, progs[0].episode_num) == ("Öine video", "et", "S02E05")


def test_bad_entities_and_markup_in_text_are_tolerated():
    data = doc('<channel id="c&amp;1"><display-name>A &amp; B &nbsp; &bogus;</display-name></channel>'
               '<programme start="20260101000000 +0000" stop="20260101010000 +0000" channel="c&amp;1">'
               '<title>Tom &amp; Jerry &eacute;t&eacute; &copy;</title><desc>Q&A 1 & 3</desc></programme>'
               '<programme start="20260101010000 +0000" stop="20260101020000 +0000" channel="c&amp;1">'
               '<title>After</title></programme>')
    items = list(iter_xmltv(data))
    channel = items[0]
    assert isinstance(channel, XmltvChannel) and channel.id == "c&1" and channel.display_names[0].startswith("A & B")
    progs = [i for i in items if isinstance(i, XmltvProgramme)]
    assert [p.title.split(" ")[0] for p in progs] == ["Tom", "After"]
    assert progs[0].description.startswith("Q")
    assert progs[1].start == utc(2026, 1, 1, 1)


def test_truncated_guide_yields_what_was_read_then_raises():
    full = doc("".join(
        f'<programme start="202601010{h}0000 +0000" stop="202601010{h + 1}0000 +0000" channel="a"><title>P{h}</title></programme>'
        for h in range(6)))
    cut = full[: full.index(b"<title>P4")]
    seen: list = []
    with pytest.raises(GuideError, match="truncated"):
        for item in iter_xmltv(cut):
            seen.append(item)
    assert [p.title for p in seen] == ["P0", "P1", "P2", "P3"]


def test_truncated_gzip_raises_after_the_readable_part():
    full = doc("".join(
        f'<programme start="20260101{h:02d}0000 +0000" stop="20260101{h + 1:02d}0000 +0000" channel="a">'
        f'<title>P{h}</title><desc>{"x" * 200}</desc></programme>' for h in range(20)))
    packed = gzip.compress(full)
    seen: list = []
    with pytest.raises(GuideError):
        for item in iter_xmltv(packed[: len(packed) * 2 // 3]):
            seen.append(item)
    assert 0 < len(seen) < 20 and seen[0].title == "P0"


def test_an_html_page_is_not_a_guide():
    with pytest.raises(GuideError):
        list(iter_xmltv(b"<html><body><h1>502 Bad Gateway</h1></body></html>"))


def test_empty_body_is_not_a_guide():
    with pytest.raises(GuideError):
        list(iter_xmltv(b""))


def test_xc_one_line_guide_with_duplicate_channel_ids():
    data = (b'<?xml version="1.0" encoding="utf-8" ?><!DOCTYPE tv SYSTEM "xmltv.dtd"><tv generator-info-name="x">'
            b'<channel id="bbc1.uk"><display-name>BBC One</display-name><icon src="http://i/1.png" /></channel>'
            b'<channel id="bbc1.uk"><display-name>BBC One HD</display-name></channel>'
            b'<programme start="20250224001124 +0100" stop="20250224011124 +0100" channel="bbc1.uk">'
            b'<title>News</title><desc>Headlines</desc></programme></tv>')
    items = list(iter_xmltv(data))
    assert [type(i).__name__ for i in items] == ["XmltvChannel", "XmltvChannel", "XmltvProgramme"]
    assert items[0].icon == "http://i/1.png" and items[1].display_names == ("BBC One HD",)
    assert items[2].start == utc(2025, 2, 23, 23, 11, 24) and items[2].description == "Headlines"
