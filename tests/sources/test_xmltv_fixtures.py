"""Every real-world XMLTV file in ../shared/fixtures/xmltv read by the streaming reader, with
counts, first programmes in UTC and channel names checked against the files themselves."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from xtplay.sources.xmltv import XmltvChannel, XmltvProgramme, iter_xmltv


def read(path):
    with open(path, "rb") as fh:
        items = list(iter_xmltv(fh))
    channels = [i for i in items if isinstance(i, XmltvChannel)]
    programmes = [i for i in items if isinstance(i, XmltvProgramme)]
    return channels, programmes


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_every_fixture_file_is_covered(shared_fixtures):
    names = {p.name for p in (shared_fixtures / "xmltv").iterdir() if p.is_file() and not p.name.endswith(".md")}
    assert names == {
        "DamianFlynn-Freeview-EPG__epg.xml", "iptv-org-epg__energeek.cl__content.xml",
        "iptv-org-epg__epg.iptvx.one__content.xml.gz", "iptv-org-epg__nzxmltv.com__content.xml",
        "iptv-org-epg__vantagetv.ee__content.xml", "iptv-org-epg__x1co.com.br__content.xml",
    }


def test_freeview_without_xml_declaration_plus_one_offset(shared_fixtures):
    channels, programmes = read(shared_fixtures / "xmltv" / "DamianFlynn-Freeview-EPG__epg.xml")
    assert len(channels) == 9 and len(programmes) == 2070
    assert channels[0] == XmltvChannel(
        "RTENews.ie", ("RTÉ News",), "https://raw.githubusercontent.com/dp247/mediaportal-uk-logos/master/TV/RTE-News.png")
    assert [c.display_names[0] for c in channels][-2:] == ["TG4", "Sky News"]
    first = programmes[0]
    # start="20260822160000 +0100" stop="20260822170000 +0100"
    assert (first.channel, first.title) == ("RTENews.ie", "Latest News and Weather")
    assert first.start_utc == utc(2026, 8, 22, 15) and first.stop_utc == utc(2026, 8, 22, 16)
    assert first.lang == "en"
    assert Counter(p.channel for p in programmes)["RTEOne.ie"] == 236
    assert all(p.stop is not None and p.stop > p.start for p in programmes)


def test_energeek_spanish_minus_three(shared_fixtures):
    channels, programmes = read(shared_fixtures / "xmltv" / "iptv-org-epg__energeek.cl__content.xml")
    assert [c.id for c in channels] == ["EnerGeek Retro", "EnerGeek Fanpop", "EnerGeek Animate", "EnerGeek 4",
                                        "EnerGeek Radio TV"]
    assert len(programmes) == 294
    first = programmes[0]
    # start="20221129000000 -0300"
    assert first.title == "Noir" and first.start_utc == utc(2022, 11, 29, 3) and first.stop_utc == utc(2022, 11, 29, 3, 30)
    assert first.description.startswith("Kirika Yuumura es una adolescente japonesa") and "decidirá" in first.description
    assert first.lang == "es"


def test_iptvx_gzip_cyrillic_plus_three(shared_fixtures):
    channels, programmes = read(shared_fixtures / "xmltv" / "iptv-org-epg__epg.iptvx.one__content.xml.gz")
    assert channels == [XmltvChannel("12-omsk", ("12 канал Омск", "12 канал (Омск)"), "https://iptvx.one/picons/12-omsk.png")]
    assert len(programmes) == 230
    first = programmes[0]
    # start="20250922014500 +0300" stop="20250922030000 +0300"; <desc> comes before <title>
    assert first.title == "д/с Необыкновенные люди"
    assert first.start_utc == utc(2025, 9, 21, 22, 45) and first.stop_utc == utc(2025, 9, 22, 0, 0)
    assert first.description.startswith("В этом документальном цикле")


def test_nzxmltv_tiny_with_episode_numbers_and_categories(shared_fixtures):
    channels, programmes = read(shared_fixtures / "xmltv" / "iptv-org-epg__nzxmltv.com__content.xml")
    assert [(c.id, c.display_names) for c in channels] == [("1", ("TVNZ 1",))]
    assert len(programmes) == 2
    first, second = programmes
    assert (first.title, first.subtitle, first.category) == ("Sunday", "Sunday", "Documentary")
    assert first.start_utc == utc(2023, 11, 21, 10, 30) and first.stop_utc == utc(2023, 11, 21, 11, 25)
    assert first.episode_num == "S2023 E37"  # xmltv_ns "2022.36.0" is zero-based
    assert second.episode_num == "S8 E6"  # "7.5.0"
    assert first.icon == "https://www.thetvdb.com/banners/posters/5dbebff2986f2.jpg"
    assert second.start == first.stop


def test_vantagetv_entities_and_three_channels(shared_fixtures):
    channels, programmes = read(shared_fixtures / "xmltv" / "iptv-org-epg__vantagetv.ee__content.xml")
    assert [c.id for c in channels] == ["vmusic", "vdance", "vrock"]
    assert len(programmes) == 332
    assert Counter(p.channel for p in programmes)["vdance"] == 126
    assert programmes[0].start_utc == utc(2026, 1, 26, 0, 1)
    assert programmes[2].title == "It's The 80's"  # &apos; decoded


def test_x1co_portuguese_categories_and_comments(shared_fixtures):
    channels, programmes = read(shared_fixtures / "xmltv" / "iptv-org-epg__x1co.com.br__content.xml")
    assert channels == [XmltvChannel("nickonline.br", ("NickOnline",), None)]
    assert len(programmes) == 91
    first, last = programmes[0], programmes[-1]
    # start="20260503084250 -0300" stop="20260503085222 -0300"
    assert first.start_utc == utc(2026, 5, 3, 11, 42, 50) and first.stop_utc == utc(2026, 5, 3, 11, 52, 22)
    assert (first.title, first.subtitle, first.category, first.lang) == ("Bob Esponja", "T5 Ep37", "Infantil", "pt")
    assert last.title == "Tainá e Os Guardiões da Amazônia" and last.start_utc == utc(2026, 5, 4, 11, 28, 1)
    assert Counter(p.category for p in programmes)["Publicidade"] >= 1


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_fixture_read_in_small_chunks_gives_the_same_items(shared_fixtures, chunk):
    path = shared_fixtures / "xmltv" / "iptv-org-epg__epg.iptvx.one__content.xml.gz"
    data = path.read_bytes()
    whole = list(iter_xmltv(data))
    pieces = list(iter_xmltv(data[i:i + chunk] for i in range(0, len(data), chunk)))
    assert pieces == whole and len(whole) == 231
