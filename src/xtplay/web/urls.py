"""The one place the web app builds the URLs of its pages.

Pages, the JSON API and (through :mod:`templating`, which registers them) the templates all
link with these builders, so an address is spelled once. The ``/play/…`` paths the player
loads are built by :func:`xtplay.playback.resolve.play_path`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

_SECTION_OF_TYPE = {"live": "live", "movie": "movies", "series": "series"}


def item_url(type: str, provider_id: Any) -> str:
    """The page of an item: a channel or an episode plays, a movie or series opens its page."""
    if type in ("live", "episode"):
        return watch_url(type, provider_id)
    return f"/{_SECTION_OF_TYPE[type]}/{provider_id}"


def watch_url(type: str, provider_id: Any, start: float | None = None, list_spec: str | None = None) -> str:
    """The player page for an item. Without ``start`` the player resumes where History says
    at the moment it starts (never a position baked into an older page); ``start`` seconds
    plays from there (0: from the beginning even when a resume position exists);
    ``list_spec`` names the list a channel was chosen from, which zapping stays in (see
    ``playback.channel_lists``)."""
    url = f"/watch/{type}/{provider_id}"
    params: dict[str, Any] = {}
    if start is not None:
        params["t"] = int(start)
    if list_spec:
        params["list"] = list_spec
    return f"{url}?{urlencode(params)}" if params else url


def channel_list_url(list_spec: str, current: Any = None) -> str:
    """The player's channel overlay: the rows of one list, with now/next."""
    return "/watch/channel-list" + query(list=list_spec, current=current)


def catchup_url(channel_id: Any, start_ts: int) -> str:
    """The player page for a past programme of a channel with an archive."""
    return f"/watch/catchup/{channel_id}/{int(start_ts)}"


def query(**params: Any) -> str:
    """``?a=1&b=2`` from the parameters that have a value ('' when none has)."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(kept)}" if kept else ""


def repeated(name: str, values: list[Any]) -> str:
    """``?id=1&id=2``: one parameter given once per value."""
    return f"?{urlencode([(name, v) for v in values])}"
