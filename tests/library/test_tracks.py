"""Preferred audio and subtitle languages: the profile's, overridden per channel and series."""

from __future__ import annotations

from xtplay.library import tracks


def test_channel_and_series_choices_override_the_profile_preference(catalog_factory):
    conn, pid = catalog_factory.conn, catalog_factory.profile_id
    assert tracks.preferred(conn, pid) == tracks.Languages(None, None)
    tracks.set_preference(conn, pid, "fr", "off")
    assert tracks.preferred(conn, pid, channel_id="7") == tracks.Languages("fr", "off")
    tracks.remember(conn, pid, "channel", "7", audio="eng")
    tracks.remember(conn, pid, "series", "3", subtitle="de")
    assert tracks.preferred(conn, pid, channel_id="7") == tracks.Languages("eng", "off")  # the channel's audio
    assert tracks.preferred(conn, pid, series_id="3") == tracks.Languages("fr", "de")  # the series' subtitles
    assert tracks.preferred(conn, pid, channel_id="8") == tracks.Languages("fr", "off")  # others: the profile's
    tracks.remember(conn, pid, "series", "3", audio="it")  # one part changed, the other kept
    assert tracks.preferred(conn, pid, series_id="3") == tracks.Languages("it", "de")


def test_language_codes_compare_loosely():
    assert tracks.same_language("fre", "fr") and tracks.same_language("fra", "FR") and tracks.same_language("en-GB", "eng")
    assert not tracks.same_language("fre", "eng") and not tracks.same_language(None, None)


def test_every_spelling_of_a_language_for_players_that_match_track_labels_themselves():
    assert tracks.spellings("fr") == ["fr", "fra", "fre"] == tracks.spellings("FRE")
    assert tracks.spellings("en-GB") == ["en", "eng"]
    assert tracks.spellings("xx") == ["xx"] and tracks.spellings(None) == [] and tracks.spellings(" ") == []
