"""A track changed in the player is remembered for its channel or series, over real sockets."""

from __future__ import annotations

from xtplay.db import transaction
from xtplay.library import tracks


def test_a_channel_and_a_series_remember_their_own_track(live_app, app_http, play_profile_id):
    pid = play_profile_id
    app_http.get(f"/play/{pid}/episode/1/info", params={"series": "1"})  # stores the series' episodes
    assert app_http.post(f"/play/{pid}/live/1/tracks", json={"audio": "fre"}).json()["audio"] == "fre"
    assert app_http.post(f"/play/{pid}/episode/1/tracks", json={"subtitle": "off"}).json()["subtitle"] == "off"
    conn = live_app.connect()
    try:
        assert tracks.preferred(conn, pid, channel_id="1").audio == "fre"
        assert tracks.preferred(conn, pid, channel_id="2").audio is None  # only that channel
        assert tracks.preferred(conn, pid, series_id="1").subtitle == "off"
        assert tracks.preferred(conn, pid).subtitle is None  # the profile's preference untouched
    finally:
        conn.close()
    info = app_http.get(f"/play/{pid}/episode/2/info", params={"series": "1"}).json()  # same series
    assert info["start_tracks"]["subtitle"] == -1


def test_a_channels_info_names_the_languages_it_starts_in(live_app, app_http, play_profile_id):
    pid = play_profile_id
    conn = live_app.connect()
    try:
        tracks.set_preference(conn, pid, "en", "off")
        page_info = app_http.get(f"/play/{pid}/live/5/info").json()["languages"]
        assert page_info == {"audio": ["en", "eng"], "subtitle": "off"}  # the profile's preference
        assert app_http.post(f"/play/{pid}/live/5/tracks", json={"audio": "fra"}).status_code == 200
        assert app_http.get(f"/play/{pid}/live/5/info").json()["languages"]["audio"] == ["fr", "fra", "fre"]
        assert app_http.get(f"/play/{pid}/live/2/info").json()["languages"]["audio"] == ["en", "eng"]  # others
    finally:
        with transaction(conn):
            conn.execute("DELETE FROM track_choices WHERE profile_id = ?", (pid,))
        conn.close()


def test_a_catchup_starts_in_its_channels_languages(live_app, app_http, play_profile_id, play_guide):
    from datetime import UTC, datetime, timedelta

    from xtplay import guide

    pid = play_profile_id
    conn = live_app.connect()
    try:
        now = datetime.now(UTC)
        past = [p for p in guide.programmes_between(conn, pid, "1", now - timedelta(hours=8), now - timedelta(hours=1))
                if p.stop < now - timedelta(minutes=10)]
        assert past
        tracks.remember(conn, pid, "channel", "1", audio="deu", subtitle="off")
        info = app_http.get(f"/play/{pid}/catchup/1/{int(past[0].start.timestamp())}/info").json()
        assert info["languages"] == {"audio": ["de", "deu", "ger"], "subtitle": "off"}
    finally:
        with transaction(conn):
            conn.execute("DELETE FROM track_choices WHERE profile_id = ?", (pid,))
        conn.close()
