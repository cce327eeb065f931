"""The programme search ignores accents and case on both sides, in its pre-filter too: titles
are stored with their folded form, so "cafe" finds "Café du matin", "café" finds "Cafe",
and other scripts match whatever their case, over a real library and a real XMLTV ingest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from tests.plugins.guide import make_xmltv
from xtplay import guide
from xtplay.guide import blocks
from xtplay.library import search

T0 = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
TITLES = ["Café du matin", "Cafe Society", "CAFÉ DES SPORTS", "Cafe\u0301 noir",  # the last one decomposed
          "НОВОСТИ", "Straße der Lieder", "Weather"]


@pytest.fixture
def lib(guide_library):
    # six hours apart: each programme in a block of its own, so the pre-filter decides each one
    progs = [{"channel": "CAFE.creme", "start": T0 + timedelta(hours=6 * n), "stop": T0 + timedelta(hours=6 * n + 1),
              "title": title} for n, title in enumerate(TITLES)]
    data = make_xmltv([("CAFE.creme", ["Café Crème"])], progs)
    guide.ingest_xmltv(guide_library.conn, guide_library.profile_id, "xtream", data, now=T0)
    guide.rematch(guide_library.conn, guide_library.profile_id)
    return guide_library


def _titles(lib, text: str) -> set[str]:
    return {p.title for _, p in guide.search_programmes(lib.conn, lib.profile_id, text, at=T0,
                                                             ahead=timedelta(hours=48))}


@pytest.mark.parametrize("typed", ["cafe", "café", "CAFE", "Café", "CAFÉ"])
def test_accents_and_case_of_the_query_and_the_title_do_not_matter(lib, typed):
    assert _titles(lib, typed) == {"Café du matin", "Cafe Society", "CAFÉ DES SPORTS", "Cafe\u0301 noir"}


def test_two_words_each_start_a_title_word_whatever_their_accents(lib):
    assert _titles(lib, "cafe matin") == {"Café du matin"}
    assert _titles(lib, "café sports") == {"CAFÉ DES SPORTS"}
    assert _titles(lib, "cafe noir") == {"Cafe\u0301 noir"}


def test_other_scripts_and_expanding_letters_match_in_any_case(lib):
    assert _titles(lib, "новости") == {"НОВОСТИ"}
    assert _titles(lib, "strasse") == {"Straße der Lieder"}
    assert _titles(lib, "STRASSE lieder") == {"Straße der Lieder"}
    assert _titles(lib, "cafes") == set()  # no title word starts with it


def test_accented_titles_are_stored_with_their_folded_form_and_plain_ones_as_they_are(lib):
    data = lib.conn.execute("SELECT data FROM programme_blocks WHERE channel_key = 'CAFE.creme'").fetchall()
    stored = {e[2]: e for row in data for e in orjson.loads(row[0])}
    assert stored["Café du matin"][5] == "cafe du matin"
    assert stored["НОВОСТИ"][5] == "новости"
    assert len(stored["Weather"]) == 5 and len(stored["Cafe Society"]) == 5  # LIKE already ignores ASCII case
    assert blocks.search_title(stored["Weather"]) == "weather"


def test_entries_written_before_titles_were_folded_still_match_once_their_block_is_read(lib):
    """An older block (no folded copy) that the pre-filter lets through ("tonight" is in its
    raw text) is matched on its title folded then."""
    old = [[int((T0 + timedelta(hours=2)).timestamp()), int((T0 + timedelta(hours=3)).timestamp()),
            "Café Crème tonight", None, None]]
    lib.conn.execute("UPDATE programme_blocks SET data = ? WHERE channel_key = 'CAFE.creme'", (orjson.dumps(old),))
    assert _titles(lib, "crème tonight") == {"Café Crème tonight"}


def _accented_word(titles: list[str]) -> tuple[str, str]:
    """A stored title and one of its words whose folded form differs from it (accents, case)."""
    for title in titles:
        for word in search.words(title):
            if search.fold(word) != word.lower():
                return title, search.fold(word)
    raise AssertionError(f"no accented title among {titles[:10]}")


async def test_the_providers_guide_is_found_without_its_accents(synced_profile):
    settings, conn, vault, profile = synced_profile
    assert (await guide.refresh_guide(settings, conn, vault, profile)).status == "ok"
    found = {p.title for _, p in guide.search_programmes(conn, profile.id, "amelie", limit=200)}
    assert found == {"Cooking with Amélie"}
    assert "Новости" in {p.title for _, p in guide.search_programmes(conn, profile.id, "НОВОСТИ", limit=200)}


async def test_a_channel_day_from_the_data_table_is_found_without_its_accents(synced_profile):
    settings, conn, vault, profile = synced_profile
    assert await guide.load_channel_day(settings, conn, vault, profile, "1") > 20  # no XMLTV: only this listing
    now = datetime.now(UTC)
    listed = [p.title for p in guide.programmes_between(conn, profile.id, "1", now - timedelta(hours=23), now)]
    title, word = _accented_word(listed)
    assert title in {p.title for _, p in guide.search_programmes(conn, profile.id, word, at=now, limit=200)}
