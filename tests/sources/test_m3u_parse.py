"""parse_m3u on the shapes providers' get.php produces (§5.7 of the API notes) and odd input."""

from __future__ import annotations

from xtplay.sources.m3u import decode_playlist, parse_m3u, parse_playlist


def test_xtream_m3u_plus_with_crlf_bom_and_latin1():
    body = (b"\xef\xbb\xbf#EXTM3U\r\n#EXT-X-SESSION-DATA:DATA-ID=\"XC_VM.x\"\r\n"
            b'#EXTINF:-1 tvg-id="a.fr" tvg-name="Caf\xe9 Cr\xe8me" tvg-logo="" group-title="FR | INFO" timeshift="2",'
            b"Caf\xe9 Cr\xe8me, le direct\r\nhttp://h:8080/live/u/p/1.ts\r\n"
            b'#EXTINF:-1 tvg-name="Show S01E02" group-title="Series",Show S01E02\r\nhttp://h:8080/series/u/p/77.mkv\r\n')
    playlist = parse_playlist(body)
    first, second = playlist.entries
    assert first.name == "Café Crème, le direct" and first.tvg_name == "Café Crème"
    assert first.tvg_logo is None and first.group == "FR | INFO" and first.attrs["timeshift"] == "2"
    assert first.url == "http://h:8080/live/u/p/1.ts"
    assert (second.name, second.url) == ("Show S01E02", "http://h:8080/series/u/p/77.mkv")
    assert playlist.attrs == {}


def test_utf8_is_kept_and_cp1252_lines_are_read():
    assert decode_playlist("Ünïcode ✓".encode()) == "Ünïcode ✓"
    assert decode_playlist(b"ok\n\x93quoted\x94\n") == "ok\n“quoted”\n"


def test_bare_m3u_and_a_plain_list_of_urls():
    entries = parse_m3u("#EXTM3U\n#EXTINF:-1,One\nhttp://a/1\nhttp://a/2\n# comment\nnot a url\n")
    assert [(e.name, e.url) for e in entries] == [("One", "http://a/1"), ("http://a/2", "http://a/2")]
    assert entries[0].tvg_id is None and entries[0].attrs == {}


def test_entry_without_location_is_dropped_and_next_one_kept():
    entries = parse_m3u("#EXTINF:-1,Lost\n#EXTINF:-1,Found\nhttp://a/found\n#EXTINF:-1,Tail\n")
    assert [e.name for e in entries] == ["Found"]


def test_name_falls_back_to_tvg_name_then_url():
    entries = parse_m3u('#EXTINF:-1 tvg-name="From attr",\nhttp://a/1\n#EXTINF:-1\nhttp://a/2\n')
    assert [e.name for e in entries] == ["From attr", "http://a/2"]


def test_unquoted_and_mixed_case_attributes():
    (entry,) = parse_m3u("#EXTINF:-1 TVG-ID=abc Group-Title=\"News\" tvg-chno=5,Name\nhttp://a/x\n")
    assert entry.tvg_id == "abc" and entry.group == "News" and entry.attrs["tvg-chno"] == "5"


def test_extgrp_used_without_group_title():
    (entry,) = parse_m3u("#EXTINF:-1,Name\n#EXTGRP:Kids\nhttp://a/x\n")
    assert entry.group == "Kids"


def test_empty_and_garbage_input():
    assert parse_m3u("") == []
    assert parse_m3u(b"") == []
    assert parse_m3u("<html><body>404</body></html>") == []
