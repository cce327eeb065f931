"""Watch history, resume positions and continue-watching over a real library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from xtplay.accounts import profiles
from xtplay.library import history


@pytest.fixture
def filled(catalog_factory):
    f = catalog_factory
    f.category("movie", "10", "Drama")
    f.category("live", "1", "News")
    f.add("movie", "First Film", id=1, category_id="10")
    f.add("movie", "Second Film", id=2, category_id="10")
    f.add("live", "News 24", id=5, category_id="1")
    f.save()
    return f


def test_record_keeps_position_and_name(filled):
    conn, pid = filled.conn, filled.profile_id
    entry = history.record(conn, pid, "movie", 1, 125.5, 3600)
    assert (entry.name, entry.position_secs, entry.duration_secs, entry.watched) == ("First Film", 125.5, 3600, False)
    assert history.resume_position(conn, pid, "movie", "1") == 125.5
    assert round(entry.progress, 4) == round(125.5 / 3600, 4)


def test_watched_from_ninety_five_percent_and_sticky(filled):
    conn, pid = filled.conn, filled.profile_id
    assert history.record(conn, pid, "movie", 1, 3419, 3600).watched is False
    assert history.record(conn, pid, "movie", 1, 3420, 3600).watched is True
    again = history.record(conn, pid, "movie", 1, 60, 3600)  # watching it again from the start
    assert again.watched is True and again.position_secs == 60
    assert history.resume_position(conn, pid, "movie", 1) is None
    assert history.watched_ids(conn, pid, "movie") == {"1"}


def test_resume_needs_a_real_start_and_not_live(filled):
    conn, pid = filled.conn, filled.profile_id
    history.record(conn, pid, "movie", 2, 10, 3600)
    history.record(conn, pid, "live", 5, 900)
    assert history.resume_position(conn, pid, "movie", 2) is None
    assert history.resume_position(conn, pid, "live", 5) is None
    assert history.resume_position(conn, pid, "movie", 99) is None


def test_continue_watching_lists_started_unfinished_movies_and_episodes(filled):
    conn, pid = filled.conn, filled.profile_id
    start = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    history.record(conn, pid, "movie", 1, 600, 3600, at=start)
    history.record(conn, pid, "episode", "3", 300, 1500, name="S01E03 The Return", at=start + timedelta(minutes=1))
    history.record(conn, pid, "movie", 2, 3500, 3600, at=start + timedelta(minutes=2))  # watched
    history.record(conn, pid, "live", 5, 5000, at=start + timedelta(minutes=3))
    got = [(e.type, e.provider_id, e.name) for e in history.continue_watching(conn, pid)]
    assert got == [("episode", "3", "S01E03 The Return"), ("movie", "1", "First Film")]
    assert [e.provider_id for e in history.list(conn, pid)][:1] == ["5"]
    assert {e.type for e in history.list(conn, pid)} == {"movie", "episode", "live"}


def test_name_survives_the_item_leaving_and_later_records(filled):
    conn, pid = filled.conn, filled.profile_id
    history.record(conn, pid, "episode", "9", 40, 100, name="Pilot")
    assert history.record(conn, pid, "episode", "9", 50, 100).name == "Pilot"
    history.record(conn, pid, "movie", 2, 100, 3600)
    filled.rows["movie"] = [r for r in filled.rows["movie"] if r["_id"] != 2]
    filled.save()
    entry = next(e for e in history.list(conn, pid) if e.provider_id == "2")
    assert (entry.name, entry.item) == ("Second Film", None)


def test_mark_watched_remove_and_clear(filled, vault):
    conn, pid = filled.conn, filled.profile_id
    assert history.mark_watched(conn, pid, "movie", 2).watched is True
    assert history.mark_watched(conn, pid, "movie", 2, False).watched is False
    history.record(conn, pid, "movie", 1, 100, 3600)
    assert history.remove(conn, pid, "movie", 1) is True
    assert history.remove(conn, pid, "movie", 1) is False
    other = profiles.insert_profile(conn, vault, name="Other", url="http://127.0.0.1:9", username="u", password="pw-other")
    history.record(conn, other.id, "movie", "1", 100, 3600, name="Elsewhere")
    assert history.clear(conn, pid) == 1
    assert history.list(conn, pid) == []
    assert [e.name for e in history.list(conn, other.id)] == ["Elsewhere"]


def test_a_late_report_of_the_same_player_never_rolls_the_position_back(filled):
    conn, pid = filled.conn, filled.profile_id
    history.record(conn, pid, "movie", 1, 59, 3600, session="a", seq=3)
    late = history.record(conn, pid, "movie", 1, 45, 3600, session="a", seq=2)  # sent before, arrived after
    assert late.position_secs == 59
    again = history.record(conn, pid, "movie", 1, 45, 3600, session="a", seq=3)  # the same report twice
    assert again.position_secs == 59


def test_the_newest_player_wins_even_from_an_earlier_position(filled):
    conn, pid = filled.conn, filled.profile_id
    history.record(conn, pid, "movie", 1, 59, 3600, session="a", seq=9)
    assert history.record(conn, pid, "movie", 1, 40, 3600, session="b", seq=1).position_secs == 40
    assert history.record(conn, pid, "movie", 1, 70, 3600, session="b", seq=2).position_secs == 70


def test_started_reads_a_whole_page_of_items_in_one_query(filled):
    conn, pid = filled.conn, filled.profile_id
    history.record(conn, pid, "movie", 1, 600, 1200)
    history.record(conn, pid, "episode", "9", 90, 360)
    history.record(conn, pid, "movie", 2, 1190, 1200)  # watched
    history.record(conn, pid, "live", 5, 0, None)
    keys = [("movie", "1"), ("movie", "2"), ("episode", "9"), ("live", "5"),
            *[("movie", str(n)) for n in range(100, 200)]]
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        found = history.started(conn, pid, keys)
    finally:
        conn.set_trace_callback(None)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    assert {k: (e.position_secs, e.progress) for k, e in found.items()} == {
        ("movie", "1"): (600, 0.5), ("episode", "9"): (90, 0.25)}
    assert history.started(conn, pid, []) == {}
