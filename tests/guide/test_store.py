"""Guide storage and queries over a real library: ingest and swap, matching, now/next at a
frozen clock, a channel's day across a daylight-saving change, retention."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.plugins.guide import hourly, make_xmltv
from xtplay import guide
from xtplay.errors import GuideError

T0 = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
CHANNELS = [("demo.one", ["Demo One"]), ("bbc2", ["BBC Two"]), ("cafe.creme", ["Café Crème"]), ("orphan", ["Orphan"])]


def standard_guide(prefix: str = "Show", hours: int = 30) -> bytes:
    progs = []
    for cid, _ in CHANNELS:
        progs += hourly(cid, T0, hours, prefix=f"{prefix} {cid}")
    return make_xmltv(CHANNELS, progs)


def load(lib, data: bytes, source: str = "xtream", **kw) -> int:
    stored = guide.ingest_xmltv(lib.conn, lib.profile_id, source, data, now=kw.pop("now", T0), **kw)
    guide.rematch(lib.conn, lib.profile_id)
    return stored


def everything(lib) -> list:
    """Every stored programme of the library's channels 1–4, by channel then start."""
    far = timedelta(days=30)
    return [p for pid in "1234" for p in guide.programmes_between(lib.conn, lib.profile_id, pid, T0 - far, T0 + far)]


def count(lib) -> int:
    return guide.programme_count(lib.conn, lib.profile_id)


def test_now_next_at_a_frozen_clock(guide_library):
    assert load(guide_library, standard_guide()) == 4 * 30
    at = T0 + timedelta(minutes=90)
    result = guide.now_next(guide_library.conn, guide_library.profile_id, ["1", "2", "3", "4"], at=at)
    now, nxt = result["1"]
    assert (now.title, nxt.title) == ("Show demo.one 1", "Show demo.one 2")
    assert now.start == T0 + timedelta(hours=1) and now.stop == T0 + timedelta(hours=2)
    assert now.progress(at) == pytest.approx(0.5) and now.is_on(at) and not nxt.is_on(at)
    assert now.channel_id == "1"
    assert result["2"].now.title == "Show bbc2 1"  # matched by normalised name "UK | BBC Two HD" → "BBC Two"
    assert result["3"].now.title == "Show cafe.creme 1"  # epg id "CAFE.creme" in another case
    assert result["4"] == guide.NowNext(None, None)  # "no programme information"
    before = guide.now_next(guide_library.conn, guide_library.profile_id, ["1"], at=T0 - timedelta(minutes=1))["1"]
    assert before.now is None and before.next.title == "Show demo.one 0"
    after = guide.now_next(guide_library.conn, guide_library.profile_id, ["1"], at=T0 + timedelta(hours=40))["1"]
    assert after == guide.NowNext(None, None)


def test_rematch_reports_unmatched_channels(guide_library):
    guide.ingest_xmltv(guide_library.conn, guide_library.profile_id, "xtream", standard_guide(), now=T0)
    matched, unmatched = guide.rematch(guide_library.conn, guide_library.profile_id)
    assert matched == 3 and unmatched == ["Nowhere TV"]
    how = dict(guide_library.conn.execute("SELECT provider_id, matched_by FROM guide_map WHERE profile_id=?",
                                          (guide_library.profile_id,)).fetchall())
    assert how == {"1": "id", "2": "name", "3": "id"}


def test_a_truncated_guide_keeps_the_previous_one(guide_library):
    load(guide_library, standard_guide("Good"))
    before = count(guide_library)
    broken = standard_guide("Broken")
    with pytest.raises(GuideError):
        load(guide_library, broken[: len(broken) // 2])
    assert count(guide_library) == before  # nothing of the broken run is left behind
    now = guide.now_next(guide_library.conn, guide_library.profile_id, ["1"], at=T0 + timedelta(minutes=5))["1"].now
    assert now.title == "Good demo.one 0"
    runs = guide.last_runs(guide_library.conn, guide_library.profile_id)
    assert [r["status"] for r in runs[:2]] == ["failed", "ok"] and "truncated" in runs[0]["error"]


def test_a_new_guide_replaces_the_old_one_entirely(guide_library):
    load(guide_library, standard_guide("Old"))
    load(guide_library, standard_guide("New", hours=10))
    assert count(guide_library) == 40
    titles = {p.title.split(" ")[0] for p in everything(guide_library)}
    assert titles == {"New"}


def test_sources_are_independent(guide_library):
    load(guide_library, standard_guide("Provider"))
    extra = make_xmltv([("nowhere.tv", ["Nowhere"])], hourly("nowhere.tv", T0, 5, "Extra"))
    load(guide_library, extra, source="url:1")
    result = guide.now_next(guide_library.conn, guide_library.profile_id, ["1", "4"], at=T0 + timedelta(minutes=1))
    assert result["1"].now.title.startswith("Provider") and result["4"].now.title == "Extra 0"
    with pytest.raises(GuideError):
        load(guide_library, extra[:100], source="url:1")
    again = guide.now_next(guide_library.conn, guide_library.profile_id, ["1", "4"], at=T0 + timedelta(minutes=1))
    assert again == result


def test_channel_day_across_the_london_clock_change(guide_library):
    load(guide_library, standard_guide(hours=30))
    london = ZoneInfo("Europe/London")
    day = guide.channel_guide(guide_library.conn, guide_library.profile_id, "1", date(2026, 10, 25), london)
    # 25 Oct 2026 lasts 25 hours in London: 23:00 UTC on the 24th to 00:00 UTC on the 26th.
    assert len(day) == 25
    assert day[0].start == datetime(2026, 10, 24, 23, tzinfo=UTC)
    local_hours = [p.start.astimezone(london).hour for p in day]
    assert local_hours[:4] == [0, 1, 1, 2] and local_hours[-1] == 23
    assert day[-1].stop == datetime(2026, 10, 26, 0, tzinfo=UTC)
    tokyo = guide.channel_guide(guide_library.conn, guide_library.profile_id, "1", date(2026, 10, 25), ZoneInfo("Asia/Tokyo"))
    assert [p.start.astimezone(ZoneInfo("Asia/Tokyo")).hour for p in tokyo] == list(range(7, 24))  # guide starts 07:00 JST


def test_offsets_in_several_zones_land_on_the_same_instant(guide_library):
    at = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # Europe's spring change is at 01:00 UTC
    progs = [
        {"channel": "demo.one", "start": at, "stop": at + timedelta(hours=1), "title": "Paris", "offset": "+0100"},
        {"channel": "bbc2", "start": at, "stop": at + timedelta(hours=1), "title": "Kolkata", "offset": "+0530"},
        {"channel": "cafe.creme", "start": at, "stop": at + timedelta(hours=1), "title": "Sao Paulo", "offset": "-0300"},
    ]
    load(guide_library, make_xmltv(CHANNELS, progs), now=at)
    result = guide.now_next(guide_library.conn, guide_library.profile_id, ["1", "2", "3"], at=at + timedelta(minutes=1))
    assert {pid: (nn.now.title, nn.now.start) for pid, nn in result.items()} == {
        "1": ("Paris", at), "2": ("Kolkata", at), "3": ("Sao Paulo", at)}


def test_missing_offsets_read_in_the_given_zone(guide_library):
    data = make_xmltv(CHANNELS[:1], [{"channel": "demo.one", "start": T0, "stop": T0 + timedelta(hours=1),
                                      "title": "Wall clock", "offset": None}])
    load(guide_library, data, default_tz=ZoneInfo("Europe/Berlin"))
    # written as 22:00 wall clock; in Berlin (CEST, +2 on 24 Oct) that is 20:00 UTC
    now = guide.now_next(guide_library.conn, guide_library.profile_id, ["1"], at=T0 - timedelta(minutes=90))["1"].now
    assert now.title == "Wall clock" and now.start == T0 - timedelta(hours=2)


def test_retention_drops_old_and_far_programmes_and_prunes(guide_library):
    progs = hourly("demo.one", T0 - timedelta(days=10), 2, "Ancient") + hourly("demo.one", T0, 2, "Current") \
        + hourly("demo.one", T0 + timedelta(days=9), 2, "Far")
    load(guide_library, make_xmltv(CHANNELS[:1], progs), retention=guide.Retention(days_back=7, days_ahead=7))
    titles = [p.title for p in everything(guide_library)]
    assert titles == ["Current 0", "Current 1"]
    gone = guide.prune(
        guide_library.conn,
        guide_library.profile_id,
        guide.Retention(days_back=1),
        now=T0 + timedelta(days=1, hours=1, minutes=30),
    )
    assert gone == 1
    assert [p.title for p in everything(guide_library)] == ["Current 1"]


def test_programmes_without_stop_end_where_the_next_starts(guide_library):
    progs = [
        {"channel": "demo.one", "start": T0 + timedelta(minutes=m), "stop": None, "title": f"P{m}"} for m in (0, 20, 50)
    ]
    load(guide_library, make_xmltv(CHANNELS[:1], progs))
    rows = [(p.title, int((p.stop - p.start).total_seconds())) for p in everything(guide_library)]
    assert rows == [("P0", 1200), ("P20", 1800), ("P50", guide.DEFAULT_LENGTH)]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("UK | BBC Two HD", "bbctwo"),
        ("FR: TF1 FHD", "tf1"),
        ("Café Crème", "cafecreme"),
        ("Sky Sports Premier League 4K", "skysportspremierleague"),
        ("RTÉ2", "rte2"),
        ("CNN (backup)", "cnn"),
    ],
)
def test_normalised_names(name, expected):
    assert guide.normalise_name(name) == expected


def test_profile_removal_cascades_to_the_guide(guide_library):
    load(guide_library, standard_guide())
    with guide_library.conn:
        guide_library.conn.execute("DELETE FROM profiles WHERE id=?", (guide_library.profile_id,))
    for table in ("programme_blocks", "guide_channels", "guide_current", "guide_map", "guide_runs"):
        assert guide_library.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_subtitle_category_episode_and_icon_survive_storage(guide_library, shared_fixtures):
    conn, pid = guide_library.conn, guide_library.profile_id
    with conn:
        conn.execute("UPDATE items SET epg_channel_id='1' WHERE profile_id=? AND provider_id='4'", (pid,))
    path = shared_fixtures / "xmltv" / "iptv-org-epg__nzxmltv.com__content.xml"
    with open(path, "rb") as fh:
        guide.ingest_xmltv(conn, pid, "xtream", fh, now=datetime(2023, 11, 21, 10, tzinfo=UTC))
    guide.rematch(conn, pid)
    day = guide.channel_guide(conn, pid, "4", date(2023, 11, 21), UTC)
    assert [p.title for p in day][:1] == ["Sunday"]
    first = day[0]
    assert (first.subtitle, first.category, first.episode_num) == ("Sunday", "Documentary", "S2023 E37")
    assert first.icon == "https://www.thetvdb.com/banners/posters/5dbebff2986f2.jpg"
    assert first.to_dict()["start"] == "2023-11-21T10:30:00+00:00"


def test_time_ordered_guides_with_duplicates_store_every_programme_once(guide_library, monkeypatch):
    from xtplay.guide import store as guide_store

    monkeypatch.setattr(guide_store, "BATCH_PROGRAMMES", 7)  # force many partial blocks
    progs = []
    for hour in range(30):  # channels interleaved, as guides sorted by time are
        for cid in ("demo.one", "bbc2", "cafe.creme"):
            progs.append(
                {
                    "channel": cid,
                    "start": T0 + timedelta(hours=hour),
                    "stop": T0 + timedelta(hours=hour + 1),
                    "title": f"{cid} {hour}",
                }
            )
    progs.append(dict(progs[10]))  # the same programme twice
    assert load(guide_library, make_xmltv(CHANNELS, progs)) == 91
    blocks = guide_library.conn.execute("SELECT count(*) FROM programme_blocks").fetchone()[0]
    assert blocks > 3 * 30 // 6  # partial blocks were written, not one per channel and slot
    far = timedelta(days=3)
    for pid, cid in (("1", "demo.one"), ("2", "bbc2"), ("3", "cafe.creme")):
        listed = guide.programmes_between(guide_library.conn, guide_library.profile_id, pid, T0 - far, T0 + far)
        assert [p.title for p in listed] == [f"{cid} {h}" for h in range(30)]
    assert (
        guide.programme_at(guide_library.conn, guide_library.profile_id, "2", T0 + timedelta(hours=29)).title
        == "bbc2 29"
    )
