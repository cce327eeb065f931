"""The guide grid (channels × 3 hours) and catch-up decisions over a real library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.plugins.guide import hourly, make_xmltv
from xtplay import guide
from xtplay.errors import GuideError
from xtplay.guide import catchup

T0 = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def lib(guide_library):
    progs = hourly("demo.one", T0 - timedelta(days=4), 4 * 24 + 12, "One")
    progs += [{"channel": "bbc2", "start": T0 + timedelta(minutes=m), "stop": T0 + timedelta(minutes=m + 45), "title": f"Two {m}"}
              for m in range(-45, 240, 45)]
    data = make_xmltv([("demo.one", ["Demo One"]), ("bbc2", ["BBC Two"])], progs)
    guide.ingest_xmltv(guide_library.conn, guide_library.profile_id, "xtream", data, now=T0)
    guide.rematch(guide_library.conn, guide_library.profile_id)
    return guide_library


def test_grid_lays_out_three_hours(lib):
    at = T0 + timedelta(minutes=75)
    g = guide.grid(lib.conn, lib.profile_id, T0, hours=3, at=at)
    assert (g.start, g.end, g.channels_total) == (T0, T0 + timedelta(hours=3), 4)
    assert [r.channel_id for r in g.rows] == ["1", "2", "3", "4"]
    one = g.rows[0]
    assert one.name == "Demo One HD" and one.archive_days == 3
    assert [c.programme.title for c in one.cells] == ["One 96", "One 97", "One 98"]
    assert [round(c.left, 2) for c in one.cells] == [0, 33.33, 66.67]
    assert all(round(c.width, 2) == 33.33 for c in one.cells)
    assert [c.is_now for c in one.cells] == [False, True, False]
    assert [c.catchup for c in one.cells] == [True, False, False]  # only the finished one, on an archive channel
    two = g.rows[1]
    # the first programme began before the window: clipped to start at 0 and cover 30 of its 45 minutes
    assert two.cells[0].programme.title == "Two 0" and two.cells[0].left == 0
    assert two.cells[-1].programme.title == "Two 135" and sum(c.width for c in two.cells) == pytest.approx(100)
    assert not any(c.catchup for c in two.cells)  # no archive on channel 2
    assert g.rows[2].cells == [] and g.rows[3].cells == []  # "no programme information"
    assert g.now_position == pytest.approx(100 * 75 / 180)
    assert guide.grid(lib.conn, lib.profile_id, T0 + timedelta(hours=5), at=at).now_position is None


def test_grid_pages_through_channels_and_time(lib):
    g = guide.grid(lib.conn, lib.profile_id, T0, channels=2, channel_offset=2, at=T0)
    assert [r.channel_id for r in g.rows] == ["3", "4"] and g.next_offset is None and g.prev_offset == 0
    first = guide.grid(lib.conn, lib.profile_id, T0, channels=2, at=T0)
    assert first.next_offset == 2 and first.prev_offset is None
    assert (first.earlier, first.later) == (T0 - timedelta(minutes=90), T0 + timedelta(minutes=90))
    assert [round(p) for _, p in first.ticks(60)] == [0, 33, 67]
    assert guide.align(T0 + timedelta(minutes=47)) == T0 + timedelta(minutes=30)


def test_catchup_playable_only_inside_the_archive_window(lib):
    now = T0
    assert catchup.playable(lib.conn, lib.profile_id, "1", T0 - timedelta(hours=2), now=now)
    assert catchup.playable(lib.conn, lib.profile_id, "1", T0 - timedelta(days=3) + timedelta(hours=1), now=now)
    assert not catchup.playable(lib.conn, lib.profile_id, "1", T0 - timedelta(days=3, hours=1), now=now)  # too old
    assert not catchup.playable(lib.conn, lib.profile_id, "1", T0, now=now + timedelta(minutes=30))  # still on
    assert not catchup.playable(lib.conn, lib.profile_id, "1", T0 + timedelta(hours=2), now=now)  # future
    assert not catchup.playable(lib.conn, lib.profile_id, "1", T0 - timedelta(minutes=30), now=now)  # no such start
    assert not catchup.playable(lib.conn, lib.profile_id, "2", T0 - timedelta(minutes=45), now=now)  # no archive


@pytest.mark.parametrize("zone, start_param", [
    ("Europe/London", "2026-07-01:11-00"), ("America/New_York", "2026-07-01:06-00"),
    ("Asia/Kolkata", "2026-07-01:15-30"), ("UTC", "2026-07-01:10-00"),
])
def test_timeshift_start_is_in_the_provider_zone(lib, zone, start_param):
    req = catchup.timeshift_request(lib.conn, lib.profile_id, "1", T0 - timedelta(hours=2), ZoneInfo(zone), now=T0)
    assert req.stream_id == 1 and req.title == "One 94"
    assert catchup.start_param(req) == start_param
    assert req.minutes == 60 + catchup.MARGIN_MINUTES
    assert req.start == T0 - timedelta(hours=2) and req.programme_stop == T0 - timedelta(hours=1)


def test_timeshift_refuses_what_cannot_be_replayed(lib):
    with pytest.raises(GuideError, match="no catch-up"):
        catchup.timeshift_request(lib.conn, lib.profile_id, "2", T0 - timedelta(minutes=45), UTC, now=T0)
    with pytest.raises(GuideError, match="archive"):
        catchup.timeshift_request(lib.conn, lib.profile_id, "1", T0 + timedelta(hours=1), UTC, now=T0)
    with pytest.raises(GuideError, match="not in the guide"):
        catchup.timeshift_request(lib.conn, lib.profile_id, "1", T0 + timedelta(minutes=1), UTC, now=T0)


def test_timeshift_for_uses_the_profile_account_zone(lib):
    class P:
        id = lib.profile_id
        account = {"server_timezone": "Europe\\/Paris"}

    req = catchup.timeshift_for(lib.conn, P, "1", T0 - timedelta(hours=1), now=T0)
    assert catchup.start_param(req) == "2026-07-01:13-00"


def test_a_seek_asks_the_archive_from_that_minute_and_says_where_it_begins(lib):
    start = T0 - timedelta(hours=2)
    req = catchup.timeshift_request(lib.conn, lib.profile_id, "1", start, UTC, now=T0, offset_secs=610)
    assert catchup.start_param(req) == "2026-07-01:10-10" and catchup.offset_of(req) == 600
    assert req.minutes == 50 + catchup.MARGIN_MINUTES and req.programme_start == start  # still names the programme
    late = catchup.timeshift_request(lib.conn, lib.profile_id, "1", start, UTC, now=T0, offset_secs=99_999)
    assert catchup.offset_of(late) == 59 * 60  # never past the programme's last minute


def test_a_programme_on_the_air_can_be_started_over_from_its_beginning(lib):
    on_air = catchup.timeshift_request(lib.conn, lib.profile_id, "1", T0, UTC, now=T0 + timedelta(minutes=20))
    assert on_air.start == T0 and catchup.offset_of(on_air) == 0
    ahead = catchup.timeshift_request(lib.conn, lib.profile_id, "1", T0, UTC, now=T0 + timedelta(minutes=20),
                                      offset_secs=45 * 60)
    assert catchup.offset_of(ahead) == 19 * 60  # the archive holds only what was already on air
    assert not catchup.playable(lib.conn, lib.profile_id, "1", T0, now=T0 + timedelta(minutes=20))  # not in the guide's catch-up


def test_programme_search_finds_now_upcoming_and_catchup_in_that_order(lib):
    found = guide.search_programmes(lib.conn, lib.profile_id, "one 9", at=T0 + timedelta(minutes=30),
                                    behind=timedelta(hours=30), ahead=timedelta(hours=3))
    titles = [p.title for _, p in found]
    assert titles[0] == "One 96"  # on the air at 12:30
    assert titles[1:4] == ["One 97", "One 98", "One 99"]  # upcoming, by start
    assert set(titles[4:]) <= {f"One {n}" for n in range(90, 96)} and titles[4] == "One 95"  # catch-up, latest first
    assert {pid for pid, _ in found} == {"1"}
    assert guide.search_programmes(lib.conn, lib.profile_id, "Two", at=T0 + timedelta(minutes=30))[0][0] == "2"
    assert guide.search_programmes(lib.conn, lib.profile_id, "nothing like it", at=T0) == []


def test_programme_search_with_a_smaller_limit_gives_the_start_of_the_same_answer(lib):
    """Only what can still be in the answer is kept while blocks are read (the first on the air,
    the soonest upcoming, the latest finished): every limit must cut the same whole answer."""
    def search(limit: int) -> list[tuple[str, str]]:
        found = guide.search_programmes(lib.conn, lib.profile_id, "one", at=T0 + timedelta(minutes=30),
                                        behind=timedelta(hours=30), ahead=timedelta(hours=12), limit=limit)
        return [(pid, p.title) for pid, p in found]

    whole = search(1000)
    assert len(whole) > 20 and whole[0] == ("1", "One 96")
    assert whole[1:4] == [("1", "One 97"), ("1", "One 98"), ("1", "One 99")]
    for limit in (1, 2, 5, 12, 13, 20, len(whole) - 1, len(whole)):
        assert search(limit) == whole[:limit], limit
    assert search(0) == []
