"""Next up in a series, per-device recent channels and poster progress, over a real library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from xtplay.library import history, next_up, recent_channels


def _episodes(conn, pid, series_id="9", seasons=((1, 3), (2, 2))):
    n = 0
    for season, count in seasons:
        for ep in range(1, count + 1):
            n += 1
            conn.execute("INSERT INTO episodes (profile_id, series_id, episode_id, season, episode_num, title,"
                         " duration_secs) VALUES (?, ?, ?, ?, ?, ?, 120)",
                         (pid, series_id, f"{series_id}{n:02d}", season, ep, f"Episode {ep}"))
    conn.commit()


def test_series_offers_resume_then_the_next_episode(catalog_factory):
    f = catalog_factory
    conn, pid = f.conn, f.profile_id
    _episodes(conn, pid)
    assert next_up.for_series(conn, pid, "9") is None  # nothing played yet
    history.record(conn, pid, "episode", "903", 60, 120)  # S1 E3 half-way
    found = next_up.for_series(conn, pid, "9")
    assert (found.label, found.resume, found.progress) == ("S1 E3", 60, 0.5)
    history.record(conn, pid, "episode", "903", 118, 120)  # watched to the credits
    found = next_up.for_series(conn, pid, "9")
    assert (found.label, found.episode_id, found.resume) == ("S2 E1", "904", None)
    assert [n.episode_id for n in next_up.in_progress(conn, pid)] == ["904"]
    history.record(conn, pid, "episode", "905", 119, 120)  # the last one watched: the series is done
    assert next_up.for_series(conn, pid, "9") is None and next_up.in_progress(conn, pid) == []


def test_next_up_skips_episodes_already_watched(catalog_factory):
    f = catalog_factory
    conn, pid = f.conn, f.profile_id
    _episodes(conn, pid)
    t = datetime(2026, 1, 1, tzinfo=UTC)
    history.record(conn, pid, "episode", "902", 120, 120, at=t)  # S1 E2 seen long ago
    history.record(conn, pid, "episode", "901", 120, 120, at=t + timedelta(days=1))  # then S1 E1 again
    assert next_up.for_series(conn, pid, "9").episode_id == "903"


def test_recent_channels_are_per_device(catalog_factory):
    f = catalog_factory
    f.category("live", "1", "News")
    for n in (1, 2, 3):
        f.add("live", f"Channel {n}", id=n, category_id="1", num=n)
    f.save()
    conn, pid = f.conn, f.profile_id
    t = datetime(2026, 1, 1, tzinfo=UTC)
    recent_channels.note(conn, "tv", pid, "1", at=t)
    recent_channels.note(conn, "tv", pid, "2", at=t + timedelta(minutes=1))
    recent_channels.note(conn, "phone", pid, "3", at=t)
    recent_channels.note(conn, "tv", pid, "1", at=t + timedelta(minutes=2))
    assert [c.name for c in recent_channels.recent(conn, "tv", pid)] == ["Channel 1", "Channel 2"]
    assert [c.name for c in recent_channels.recent(conn, "phone", pid)] == ["Channel 3"]


def test_poster_progress_lists_started_unfinished_items_only(catalog_factory):
    f = catalog_factory
    conn, pid = f.conn, f.profile_id
    history.record(conn, pid, "movie", "1", 60, 120)
    history.record(conn, pid, "movie", "2", 118, 120)  # watched
    history.record(conn, pid, "movie", "3", 10, 120)  # barely started
    assert history.progress_by_id(conn, pid, "movie", ["1", "2", "3", "4"]) == {"1": 0.5}
