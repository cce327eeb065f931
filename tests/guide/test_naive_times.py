"""XMLTV times written without an offset (many panels' ``xmltv.php``, some hand-made guides):
read in the panel's or the profile's zone, daylight saving included, never silently as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tests.plugins.guide import hourly, make_xmltv
from xtplay import guide
from xtplay.accounts import profiles
from xtplay.guide.model import naive_time_zone
from xtplay.sources.xmltv import XmltvTimeParser

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TOKYO = ZoneInfo("Asia/Tokyo")


def epoch(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


@pytest.mark.parametrize("text,expected", [
    ("20240715200000", epoch(2024, 7, 15, 18)),        # summer: +02:00
    ("20240115200000", epoch(2024, 1, 15, 19)),        # winter: +01:00
    ("202407152000", epoch(2024, 7, 15, 18)),          # no seconds
    ("20240715200000 +0000", epoch(2024, 7, 15, 20)),  # an offset always wins
    ("20240715200000 Z", epoch(2024, 7, 15, 20)),
    ("20240715200000 -0300", epoch(2024, 7, 15, 23)),
])
def test_times_without_an_offset_are_read_in_the_given_zone(text, expected):
    assert XmltvTimeParser(AMSTERDAM)(text) == expected


def test_without_a_zone_a_bare_time_is_utc():
    assert XmltvTimeParser()("20240715200000") == epoch(2024, 7, 15, 20)


def profile(timezone_name: str | None = None, server_timezone: str | None = None) -> SimpleNamespace:
    account = {"server_timezone": server_timezone} if server_timezone else {"status": "active"}
    return SimpleNamespace(timezone=timezone_name, account=account)


@pytest.mark.parametrize("who,provider_zone,added_zone", [
    (profile("Asia/Tokyo", "Europe/Amsterdam"), AMSTERDAM, TOKYO),   # each guide its own writer's zone
    (profile(None, "Europe/Amsterdam"), AMSTERDAM, AMSTERDAM),       # no profile zone: the panel's
    (profile("Asia/Tokyo", None), TOKYO, TOKYO),                     # a login without a zone: the profile's
    (profile(None, "UTC+3"), timezone(timedelta(hours=3)), timezone(timedelta(hours=3))),
    (profile(None, None), UTC, UTC),
    (SimpleNamespace(timezone=None, account=None), UTC, UTC),
])
def test_the_zone_of_each_guide_of_a_profile(who, provider_zone, added_zone):
    assert naive_time_zone(who, provider_guide=True) == provider_zone
    assert naive_time_zone(who, provider_guide=False) == added_zone


async def test_an_added_guide_without_offsets_is_read_in_the_profiles_zone(guide_library, guide_server):
    g = guide_library
    profile = profiles.set_preferences(g.conn, g.profile, timezone="Asia/Tokyo")
    first = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    shows = [{**p, "start": p["start"].astimezone(TOKYO), "stop": p["stop"].astimezone(TOKYO), "offset": None}
             for p in hourly("demo.one", first, 4, "Tokyo")]
    url = guide_server.put("/tokyo.xml", make_xmltv([("demo.one", ["Demo One HD"])], shows))
    assert "+" not in guide_server.files["/tokyo.xml"].decode().split("<programme", 1)[1].split(">", 1)[0]
    result = await guide.refresh_guide(g.settings, g.conn, g.vault, profile, extra_urls=(url,), include_provider=False)
    assert result.errors == {} and result.programmes == 4
    now = guide.now_next(g.conn, profile.id, ["1"], at=first + timedelta(minutes=90))["1"].now
    assert now is not None and now.title == "Tokyo 1"
    assert now.start == first + timedelta(hours=1)
