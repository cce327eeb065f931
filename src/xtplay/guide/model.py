"""What the guide is made of: programmes, now/next pairs, refresh results, and time zones.

Every time is tz-aware; a programme is named by its channel's provider id and its start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from xtplay.sources.values import server_zone

#: The guide source of per-channel short-EPG answers (beside ``xtream`` and ``url:<id>``).
SHORT = "short"
#: The guide source of the provider's own ``xmltv.php``.
XTREAM = "xtream"


@dataclass(frozen=True, slots=True)
class Retention:
    """How much guide to keep: days back (catch-up needs them) and days ahead."""

    days_back: int = 7
    days_ahead: int = 7


@dataclass(frozen=True, slots=True)
class Programme:
    """One programme of a catalog channel (``channel_id`` is the channel's provider id)."""

    channel_id: str
    start: datetime  #: tz-aware UTC
    stop: datetime
    title: str
    subtitle: str | None = None
    description: str | None = None
    category: str | None = None
    episode_num: str | None = None
    icon: str | None = None

    def is_on(self, at: datetime) -> bool:
        return self.start <= at < self.stop

    def progress(self, at: datetime) -> float:
        """Share of the programme elapsed at ``at`` (0..1), for progress bars."""
        total = (self.stop - self.start).total_seconds()
        if total <= 0:
            return 0.0
        return min(1.0, max(0.0, (at - self.start).total_seconds() / total))

    @property
    def start_ts(self) -> int:
        """UTC epoch seconds of the start: with the channel id, names the programme in URLs."""
        return int(self.start.timestamp())

    @property
    def minutes(self) -> int:
        return max(1, round((self.stop - self.start).total_seconds() / 60))

    def to_dict(self, tz: tzinfo | None = None) -> dict[str, Any]:
        """JSON-ready form; times in ISO 8601 in ``tz`` (UTC when not given)."""
        zone = tz or UTC
        return {
            "channel_id": self.channel_id, "start": self.start.astimezone(zone).isoformat(),
            "stop": self.stop.astimezone(zone).isoformat(), "title": self.title, "subtitle": self.subtitle,
            "description": self.description, "category": self.category, "episode_num": self.episode_num,
            "icon": self.icon, "start_ts": self.start_ts,
        }


class NowNext(NamedTuple):
    now: Programme | None
    next: Programme | None


@dataclass(frozen=True, slots=True)
class GuideResult:
    """What a refresh did: programmes stored, channels matched, unmatched channel names, errors by source."""

    programmes: int
    channels_matched: int
    unmatched: list[str]
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def status(self) -> str:
        return "failed" if self.errors and not self.programmes else "partial" if self.errors else "ok"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "programmes": self.programmes, "channels_matched": self.channels_matched,
                "unmatched": self.unmatched, "errors": self.errors, "seconds": round(self.seconds, 2)}



# ----------------------------------------------------------------------------- zones


def provider_zone(account: dict[str, Any] | None) -> tzinfo:
    """The panel's own zone (its guide strings and catch-up START are in it); UTC when unknown."""
    return server_zone((account or {}).get("server_timezone"))


def viewer_zone(name: str | None = None) -> tzinfo:
    """The zone to display times in: the profile's setting, else this machine's zone."""
    return _named_zone(name) or datetime.now().astimezone().tzinfo or UTC


def naive_time_zone(profile: Any, *, provider_guide: bool) -> tzinfo:
    """The zone an XMLTV time without an offset is read in, for one of a profile's guides.

    The provider's ``xmltv.php`` writes its panel's wall clock, so it is read in the zone the
    login named; an added guide is read in the profile's time zone. Each falls back to the
    other, then to UTC.
    """
    account = getattr(profile, "account", None) or {}
    panel = provider_zone(account) if account.get("server_timezone") else None
    chosen = _named_zone(getattr(profile, "timezone", None))
    first, second = (panel, chosen) if provider_guide else (chosen, panel)
    return first or second or UTC


def _named_zone(name: str | None) -> tzinfo | None:
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return None
