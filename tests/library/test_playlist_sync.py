"""A playlist profile synced into the library over a real HTTP server: live by group, movies,
series, channel numbers; identity kept across re-syncs; an unchanged playlist writes nothing."""

from __future__ import annotations

import pytest

from tests.plugins.playlists import add_playlist_profile
from tests.plugins.web import run_async
from xtplay import db
from xtplay.accounts import playlists
from xtplay.accounts.vault import Vault
from xtplay.library import catalog, details, favorites, history, search
from xtplay.library import sync as sync_module
from xtplay.sources.playlist import PlaylistIndex


def playlist(token: str = "tok1", news: str = "News", reverse: bool = False) -> str:
    entries = [
        f'#EXTINF:-1 tvg-id="alpha.tv" tvg-chno="7" tvg-logo="http://logos/a.png" group-title="{news}",Alpha HD\n'
        f"http://streams.example/live/u/{token}/1.ts",
        f'#EXTINF:-1 tvg-id="beta.tv" tvg-chno="8" group-title="{news}",Beta\nhttp://streams.example/live/u/{token}/2.ts',
        f'#EXTINF:-1 radio="true",Gamma FM\nhttp://radio.example/{token}/gamma.mp3',
        f'#EXTINF:-1 group-title="Movies",The Long Film (2019)\nhttp://streams.example/movie/u/{token}/3.mkv',
        f'#EXTINF:-1 group-title="Films",Short Film\nhttp://streams.example/u/{token}/short.mp4',
        f'#EXTINF:-1 group-title="Shows",Some Show S01E01 Pilot\nhttp://streams.example/series/u/{token}/10.mp4',
        f'#EXTINF:-1 group-title="Shows",Some Show S01E02\nhttp://streams.example/series/u/{token}/11.mp4',
        f'#EXTINF:-1 group-title="Shows",Some Show S02E01\nhttp://streams.example/series/u/{token}/12.mp4',
    ]
    if reverse:
        entries.reverse()
    return "#EXTM3U\n" + "\n".join(entries) + "\n"


@pytest.fixture
def library(settings, _vault_uses_key_file):
    conn = db.open_library(settings.db_path)
    yield conn
    conn.close()


def _sync(settings, conn, profile):
    return run_async(sync_module.sync_profile(settings, conn, Vault.open(settings), profile))


def test_live_by_group_movies_and_series_with_channel_numbers(playlist_server, settings, library):
    url = playlist_server.put("/list.m3u", playlist())
    profile = add_playlist_profile(settings, url)
    assert catalog.counts(library, profile.id) == {"live": 3, "movie": 2, "series": 1}
    groups = [c.name for c in catalog.categories(library, profile.id, "live")]
    assert groups == ["News", "Radio"]
    alpha = catalog.channel_by_number(library, profile.id, 7)
    assert alpha is not None and alpha.name == "Alpha HD" and alpha.logo == "http://logos/a.png"
    assert {h.name for h in search.search(library, profile.id, "film")["movie"]} == {"The Long Film (2019)", "Short Film"}
    (show,) = catalog.items(library, profile.id, "series").items
    found = run_async(details.series(settings, library, Vault.open(settings), profile, show.provider_id))
    seasons = {n: [e.title for e in eps] for n, eps in found.episodes.items()}
    assert show.name == "Some Show" and seasons == {1: ["Pilot", "Episode 2"], 2: ["Episode 1"]}


def test_favorites_and_history_survive_reorder_renamed_group_and_new_token(playlist_server, settings, library):
    url = playlist_server.put("/list.m3u", playlist())
    profile = add_playlist_profile(settings, url)
    alpha = catalog.channel_by_number(library, profile.id, 7)
    film = next(m for m in catalog.items(library, profile.id, "movie").items if m.name.startswith("The Long"))
    favorites.add(library, profile.id, "live", alpha.provider_id)
    history.record(library, profile.id, "movie", film.provider_id, position_secs=120, duration_secs=3600)
    playlist_server.put("/list.m3u", playlist(token="tok2", news="Info", reverse=True))
    result = _sync(settings, library, profile)
    assert result.status == "ok"
    again = catalog.get_item(library, profile.id, "live", alpha.provider_id)
    assert again is not None and again.name == "Alpha HD"
    assert {c.name for c in catalog.categories(library, profile.id, "live")} == {"Radio", "Info"}
    assert favorites.is_favorite(library, profile.id, "live", alpha.provider_id)
    assert history.resume_position(library, profile.id, "movie", film.provider_id) == 120
    assert catalog.get_item(library, profile.id, "movie", film.provider_id) is not None


def test_an_unchanged_playlist_is_asked_with_its_etag_and_writes_nothing(playlist_server, settings, library):
    url = playlist_server.put("/list.m3u", playlist(), etag='"v1"')
    profile = add_playlist_profile(settings, url)
    _watch_item_writes(library)
    sealed = library.execute("SELECT secret FROM playlist_index WHERE profile_id = ?", (profile.id,)).fetchone()
    result = _sync(settings, library, profile)
    assert result.status == "ok" and result.counts["live"] == 3
    asked = playlist_server.seen("/list.m3u")[-1]
    assert asked.headers.get("if-none-match") == '"v1"'
    assert library.execute("SELECT count(*) FROM temp.touched").fetchone()[0] == 0
    assert library.execute("SELECT secret FROM playlist_index WHERE profile_id = ?", (profile.id,)).fetchone() == sealed


def _watch_item_writes(conn) -> None:
    conn.execute("CREATE TEMP TABLE touched (id INTEGER)")
    for event in ("INSERT", "UPDATE", "DELETE"):
        row = "old" if event == "DELETE" else "new"
        conn.execute(f"CREATE TEMP TRIGGER t_{event} AFTER {event} ON items BEGIN INSERT INTO touched VALUES ({row}.id); END")


def test_a_same_playlist_without_validators_rewrites_no_item(playlist_server, settings, library):
    url = playlist_server.put("/list.m3u", playlist())
    profile = add_playlist_profile(settings, url)
    _watch_item_writes(library)
    assert _sync(settings, library, profile).status == "ok"
    assert library.execute("SELECT count(*) FROM temp.touched").fetchone()[0] == 0


def test_a_broken_playlist_at_sync_keeps_the_previous_library(playlist_server, settings, library):
    url = playlist_server.put("/list.m3u", playlist())
    profile = add_playlist_profile(settings, url)
    playlist_server.put("/list.m3u", "<html><body>Maintenance</body></html>", content_type="text/html")
    result = _sync(settings, library, profile)
    assert result.status == "failed" and "returned a web page, not a playlist" in result.errors["live"]
    assert catalog.counts(library, profile.id) == {"live": 3, "movie": 2, "series": 1}


def test_the_playlist_address_and_stream_tokens_never_reach_a_log(playlist_server, settings, library, caplog):
    import logging

    secret = "Very-Secret-Token-42"
    url = playlist_server.put(f"/get.php?username=me&password={secret}&type=m3u_plus", playlist(token="tok1"))
    with caplog.at_level(logging.DEBUG):
        profile = add_playlist_profile(settings, url)
        playlist_server.put(f"/get.php?username=me&password={secret}&type=m3u_plus",
                            "<html>down</html>", content_type="text/html")
        _sync(settings, library, profile)
    assert caplog.records and secret not in caplog.text


def test_last_modified_is_asked_back_and_a_dead_address_keeps_the_library(playlist_server, settings, library):
    stamp = "Wed, 02 Dec 2026 10:00:00 GMT"
    url = playlist_server.put("/list.m3u", playlist(), last_modified=stamp)
    profile = add_playlist_profile(settings, url)
    assert _sync(settings, library, profile).status == "ok"
    assert playlist_server.seen("/list.m3u")[-1].headers.get("if-modified-since") == stamp
    conn = db.open_library(settings.db_path)
    try:
        conn.execute("UPDATE profiles SET secret = ? WHERE id = ?", (Vault.open(settings).encrypt(
            profile.id, '{"m3u": "http://127.0.0.1:9/list.m3u", "xmltv": []}'), profile.id))
        conn.commit()
    finally:
        conn.close()
    result = _sync(settings, library, profile)
    assert result.status == "failed" and "127.0.0.1:9" in result.errors["live"]
    assert catalog.counts(library, profile.id) == {"live": 3, "movie": 2, "series": 1}


def test_an_unchanged_playlist_restores_items_removed_from_the_library_from_its_stored_index(
        playlist_server, settings, library):
    url = playlist_server.put("/list.m3u", playlist(), etag='"v1"')
    profile = add_playlist_profile(settings, url)
    before = [(i.provider_id, i.name, i.logo) for i in catalog.items(library, profile.id, "live").items]
    with library:
        library.execute("DELETE FROM items WHERE profile_id = ? AND type = 'live'", (profile.id,))
    playlists._cache.clear()  # as in a new process: the sync opens the stored summary, then the lists
    result = _sync(settings, library, profile)  # answered 304: only the stored index has the entries
    assert result.status == "ok" and playlist_server.seen("/list.m3u")[-1].headers.get("if-none-match") == '"v1"'
    assert [(i.provider_id, i.name, i.logo) for i in catalog.items(library, profile.id, "live").items] == before
    (show,) = catalog.items(library, profile.id, "series").items
    found = run_async(details.series(settings, library, Vault.open(settings), profile, show.provider_id))
    assert sum(len(eps) for eps in found.episodes.values()) == 3


def test_the_index_is_stored_in_sealed_parts_and_one_stored_whole_still_opens(playlist_server, settings, library):

    url = playlist_server.put("/list.m3u", playlist())
    profile = add_playlist_profile(settings, url)
    vault = Vault.open(settings)
    sealed = library.execute("SELECT secret FROM playlist_index WHERE profile_id = ?", (profile.id,)).fetchone()[0]
    assert b"streams.example" not in sealed and b"tok1" not in sealed
    playlists._cache.clear()
    summary = playlists.stored_summary(library, vault, profile)
    whole = playlists.stored_index(library, vault, profile)
    assert summary is not None and not summary.complete and not summary.records
    assert whole is not None and whole.complete and summary.categories == whole.categories
    assert summary.entry_count == whole.entry_count == len(whole.streams) == 8
    with library:  # as stored before parts: one sealed JSON text
        library.execute("UPDATE playlist_index SET secret = ?, stored_at = stored_at + 1 WHERE profile_id = ?",
                        (vault.encrypt_bytes(profile.id, whole.to_json()), profile.id))
    playlists._cache.clear()
    old = playlists.stored_index(library, vault, profile)
    assert old is not None and old.streams == whole.streams and old.records == PlaylistIndex.from_json(
        whole.to_json()).records
    assert playlists.stored_summary(library, vault, profile).streams == whole.streams


def test_the_demo_providers_playlist_gives_its_movies_and_series_with_their_episodes(demo, settings, library):
    url = f"{demo.url}/get.php?username={demo.username}&password={demo.password}&type=m3u_plus&output=ts"
    profile = add_playlist_profile(settings, url)
    cat = demo.catalog
    # a playlist knows a movie or a show by its name: two of the same name are one entry
    movies = {cat.movie_row(i)["name"] for i in range(1, cat.vod_count + 1)}
    shows = {cat.series_row(i)["name"] for i in range(1, cat.series_count + 1)}
    assert catalog.counts(library, profile.id) == {"live": cat.live_count, "movie": len(movies), "series": len(shows)}
    assert {i.name for i in catalog.items(library, profile.id, "movie").items} <= movies
    assert "EN - ACTION" in {c.name for c in catalog.categories(library, profile.id, "movie")}
    show = next(i for i in catalog.items(library, profile.id, "series").items if i.name == "The Demo Show")
    found = run_async(details.series(settings, library, Vault.open(settings), profile, show.provider_id))
    listed = [(season, number, cat.episode_media(eid).container) for season, number, eid in cat.episodes_of(1)]
    assert [(e.season, e.episode_num, e.container) for eps in found.episodes.values() for e in eps] == listed
    assert len(listed) == 6 and {c for _s, _n, c in listed} == {"mp4", "mkv"}
