"""The one place the web app builds the URLs of its pages.

Pages, the JSON API and (through :mod:`templating`, which registers them) the templates all
link with these builders, so an address is spelled once. The ``/play/…`` paths the player
loads are built by :func:`xtplay.playback.resolve.play_path`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import quote, urlencode

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


#: Keys the version tag of artwork URLs, so the tag tells a changed source from an unchanged one
#: without being a plain hash of the provider's URL (which could be tested against guesses).
#: New with each start: browsers then ask once again, and xtplay's own cache still answers.
_ART_KEY = secrets.token_bytes(16)


def art_tag(source: str) -> str:
    """The version tag of a picture's source URL (a changed logo gets a new address)."""
    digest = hmac.new(_ART_KEY, source.encode("utf-8", "replace"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode()


def art_url(type: str, provider_id: Any, picture: str, source: str | None) -> str | None:
    """Where a page loads an item's picture from: xtplay's own artwork cache, never the
    provider's address (which the browser never sees). None when the provider gave no picture.
    ``picture`` is ``logo``, ``poster``, ``cover`` (the details' poster) or ``backdrop``."""
    if not source:
        return None
    return f"/art/{type}/{quote(str(provider_id), safe='')}/{picture}?v={art_tag(source)}"


def item_art_url(item: Any, picture: str = "poster") -> str | None:
    """:func:`art_url` of a library row (anything with ``type``, ``provider_id`` and ``logo``)."""
    return art_url(item.type, item.provider_id, picture, item.logo) if item is not None else None
