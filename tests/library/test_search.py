"""Search over a real library file: accents, substrings, typos, ranking, filters, history."""

from __future__ import annotations

import pytest

from xtplay.errors import CatalogError
from xtplay.library import search


@pytest.fixture
def lib(catalog_factory):
    f = catalog_factory
    f.category("live", "10", "UK | SPORTS")
    f.category("movie", "20", "Drama")
    f.category("movie", "21", "Adult XXX")
    f.add("live", "Sky Sports Premier League", category_id="10")
    f.add("live", "UK | BBC One HD", category_id="10")
    f.add("live", "Première Chaîne", category_id="10")
    f.add("movie", "Café Crème", category_id="20", genre="Comedy", year="2019", rating="6.1")
    f.add("movie", "The Godfather", category_id="20", genre="Crime, Drama", year="1972", rating="9.2",
          cast="Marlon Brando, Al Pacino", plot="The aging patriarch of an organized crime dynasty.")
    f.add("movie", "Godfather", category_id="20", genre="Crime", year="1990", rating="7.0")
    f.add("movie", "Godzilla", category_id="20", genre="Action", year="2014", rating="6.4")
    f.add("movie", "Москва слезам не верит", category_id="20", year="1980")
    f.add("movie", "Hidden Godfather", category_id="21")
    f.add("series", "Breaking Bad", genre="Drama", year="2008", rating="9.5")
    f.add("series", "Premier Leaguers", genre="Sport")
    f.save()
    return f


def names(groups):
    return {t: [h.name for h in hits] for t, hits in groups.items()}


def test_fold_strips_case_and_accents():
    assert search.fold("  Café   CRÈME ") == "cafe creme"
    assert search.fold("Straße") == "strasse"


def test_accent_and_case_insensitive(lib):
    got = names(search.search(lib.conn, lib.profile_id, "cafe creme"))
    assert got["movie"] == ["Café Crème"]
    got = names(search.search(lib.conn, lib.profile_id, "PREMIERE chaine"))
    assert got["live"] == ["Première Chaîne"]


def test_substring_inside_a_name(lib):
    got = names(search.search(lib.conn, lib.profile_id, "premier"))
    assert "Sky Sports Premier League" in got["live"]
    assert got["series"] == ["Premier Leaguers"]


def test_one_typo_in_a_long_word_still_finds(lib):
    for typo in ("premeir", "premiar", "godfahter", "brakeing", "godfathr"):
        got = search.search(lib.conn, lib.profile_id, typo)
        assert any(got.values()), typo
    got = names(search.search(lib.conn, lib.profile_id, "premeir league"))
    assert got["live"] == ["Sky Sports Premier League"]
    got = names(search.search(lib.conn, lib.profile_id, "sporst"))
    assert got["live"] == ["Sky Sports Premier League"]


def test_typo_in_short_word_is_not_guessed(lib):
    assert not any(search.search(lib.conn, lib.profile_id, "bbq").values())


def test_exact_and_prefix_rank_first(lib):
    got = names(search.search(lib.conn, lib.profile_id, "godfather"))
    assert got["movie"][:2] == ["Godfather", "The Godfather"]
    assert "Hidden Godfather" not in got["movie"]  # adult category hidden


def test_plot_genre_and_cast_are_searched(lib):
    assert names(search.search(lib.conn, lib.profile_id, "pacino"))["movie"] == ["The Godfather"]
    assert names(search.search(lib.conn, lib.profile_id, "dynasty"))["movie"] == ["The Godfather"]


def test_non_latin_script(lib):
    assert names(search.search(lib.conn, lib.profile_id, "москва"))["movie"] == ["Москва слезам не верит"]


def test_short_words_filter_by_name(lib):
    got = names(search.search(lib.conn, lib.profile_id, "uk one"))
    assert got["live"] == ["UK | BBC One HD"]
    assert names(search.search(lib.conn, lib.profile_id, "hd"))["live"] == ["UK | BBC One HD"]


def test_filters(lib):
    conn, pid = lib.conn, lib.profile_id
    assert names(search.search(conn, pid, "god", types=["movie"], min_rating=7)) == {"movie": ["Godfather", "The Godfather"]}
    assert names(search.search(conn, pid, "god", types=["movie"], year_from=1980, year_to=2000))["movie"] == ["Godfather"]
    assert names(search.search(conn, pid, "god", types=["movie"], genre="action"))["movie"] == ["Godzilla"]
    assert names(search.search(conn, pid, "premier", category_id="10")) == {
        "live": ["Première Chaîne", "Sky Sports Premier League"], "movie": [], "series": []}
    assert "Hidden Godfather" in names(search.search(conn, pid, "hidden", include_adult=True))["movie"]


def test_no_results_is_empty_groups(lib):
    assert search.search(lib.conn, lib.profile_id, "zzzzqqqq") == {"live": [], "movie": [], "series": []}
    assert search.search(lib.conn, lib.profile_id, "   ") == {"live": [], "movie": [], "series": []}
    assert search.search(lib.conn, lib.profile_id, '"*:^ ()', types=["live"]) == {"live": []}


def test_unknown_type_is_an_error(lib):
    with pytest.raises(CatalogError):
        search.search(lib.conn, lib.profile_id, "x", types=["radio"])


def test_history_record_list_clear(lib):
    conn, pid = lib.conn, lib.profile_id
    search.record(conn, pid, "Godfather")
    search.record(conn, pid, "café")
    search.record(conn, pid, "godfather")
    assert set(search.history(conn, pid)) == {"godfather", "cafe"}
    assert search.suggest(conn, pid, "GOD")[0] == "godfather"
    assert "Godzilla" in search.suggest(conn, pid, "god")
    assert search.clear_history(conn, pid, "CAFÉ") == 1
    assert search.history(conn, pid) == ["godfather"]
    search.clear_history(conn, pid)
    assert search.history(conn, pid) == []


def test_saved_presets(lib):
    conn, pid = lib.conn, lib.profile_id
    search.save_preset(conn, pid, "Good old", {"types": ["movie"], "min_rating": 7, "year_to": 1999})
    search.save_preset(conn, pid, "Good old", {"types": ["movie"], "min_rating": 8})
    assert search.presets(conn, pid) == {"Good old": {"types": ["movie"], "min_rating": 8}}
    preset = search.presets(conn, pid)["Good old"]
    assert names(search.search(conn, pid, "godfather", **preset))["movie"] == ["The Godfather"]
    with pytest.raises(CatalogError):
        search.save_preset(conn, pid, "bad", {"price": 3})
    assert search.delete_preset(conn, pid, "Good old") and not search.delete_preset(conn, pid, "Good old")


def test_corrections_from_vocabulary(lib):
    assert "premier" in search.corrections(lib.conn, lib.profile_id, "premeir")
    assert "sports" in search.corrections(lib.conn, lib.profile_id, "spxrts")


def test_two_letter_words_match_word_starts(lib):
    got = names(search.search(lib.conn, lib.profile_id, "bbc hd"))
    assert got["live"] == ["UK | BBC One HD"]
    assert names(search.search(lib.conn, lib.profile_id, "uk"))["live"] == ["UK | BBC One HD"]
    assert names(search.search(lib.conn, lib.profile_id, "ky"))["live"] == []  # inside "Sky": not a word start


def test_search_ignores_other_profiles(lib, catalog_profile):
    from tests.plugins.catalog import CatalogFactory
    from xtplay.accounts import profiles

    _, conn, vault, _ = catalog_profile
    other = profiles.insert_profile(conn, vault, name="Other", url="http://127.0.0.1:9", username="o", password="pw-other")
    theirs = CatalogFactory(conn, other.id)
    theirs.add("movie", "The Godfather Part II")
    theirs.save()
    assert "The Godfather Part II" not in names(search.search(conn, lib.profile_id, "godfather"))["movie"]
    assert names(search.search(conn, other.id, "godfather"))["movie"] == ["The Godfather Part II"]


def test_names_with_symbols_are_found_as_typed(catalog_factory):
    from xtplay.library import search as library_search

    f = catalog_factory
    f.category("live", "7", "Entertainment")
    f.add("live", "ITV", category_id="7", num=1)
    f.add("live", "ITV +1", category_id="7", num=2)
    f.add("live", "Tom & Jerry TV", category_id="7", num=3)
    f.add("live", "Nature 4K", category_id="7", num=4)
    f.save()
    conn, pid = f.conn, f.profile_id

    def names(q):
        return [h.name for h in library_search.search(conn, pid, q, types=["live"])["live"]]

    assert names("+1") == ["ITV +1"]
    assert names("itv +1") == ["ITV +1"]
    assert names("&") == ["Tom & Jerry TV"]
    assert names("tom & jerry") == ["Tom & Jerry TV"]
    assert names("4K") == ["Nature 4K"]


def test_filters_work_without_text(catalog_factory):
    from xtplay.library import search as library_search

    f = catalog_factory
    f.category("movie", "1", "Films")
    f.add("movie", "Old Drama", category_id="1", year=1970, rating=6.0, genre="Drama")
    f.add("movie", "New Drama", category_id="1", year=2020, rating=8.0, genre="Drama")
    f.add("movie", "New Comedy", category_id="1", year=2021, rating=7.0, genre="Comedy")
    f.save()
    conn, pid = f.conn, f.profile_id
    found = library_search.search(conn, pid, "", types=["movie"], genre="drama")["movie"]
    assert [h.name for h in found] == ["New Drama", "Old Drama"]  # best rated first
    recent = library_search.search(conn, pid, "", year_from=2020)
    assert [h.name for h in recent["movie"]] == ["New Drama", "New Comedy"]
    assert library_search.search(conn, pid, "") == {"live": [], "movie": [], "series": []}  # nothing asked
