"""The list a channel was chosen from, for zapping and the player's channel overlay.

A person picks a channel from a category, the favorites, search results or recent channels;
zapping (↑/↓) and the overlay stay inside that list instead of walking every channel. A list
is named by a short spec that travels in the player's URL:

- ``all``: every channel, the provider's order
- ``cat:<id>``: one category
- ``fav``: the favorite channels (as the favorites page orders them)
- ``search:<words>``: the channels a search finds
- ``ids:<id>,<id>…``: channels in this order (the player's recent channels)
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from xtplay.accounts.profiles import Profile
from xtplay.errors import ItemNotFound
from xtplay.i18n import N_
from xtplay.library import catalog, favorites, search
from xtplay.playback import channels

#: Channels one list shows at most (a category of thousands shows its first ones).
MAX_ROWS = 500


@dataclass(frozen=True)
class ChannelList:
    """One list: its spec, a name to show, and its channels in order."""

    spec: str
    name: str
    items: tuple[catalog.ItemRow, ...]


def _adult(profile: Profile) -> bool:
    return bool(profile.adult_enabled)


def load(conn: sqlite3.Connection, profile: Profile, spec: str) -> ChannelList:
    """The channels of the list ``spec`` names (an unknown spec: every channel)."""
    kind, _, arg = (spec or "all").partition(":")
    if kind == "cat" and arg:
        name = catalog.category_name(conn, profile.id, "live", arg) or "Category"
        page = catalog.items(conn, profile.id, "live", category_id=arg, limit=MAX_ROWS, include_adult=_adult(profile))
        return ChannelList(spec, name, tuple(page.items))
    if kind == "fav":
        found = [f.item for f in favorites.list(conn, profile.id, type="live", limit=MAX_ROWS) if f.item is not None]
        return ChannelList("fav", "Favorites", tuple(found))
    if kind == "search" and arg.strip():
        hits = search.search(conn, profile.id, arg, types=["live"], limit=MAX_ROWS,
                             include_adult=_adult(profile)).get("live", [])
        rows = catalog.get_items(conn, profile.id, [("live", str(h.provider_id)) for h in hits])
        found = [rows[("live", str(h.provider_id))] for h in hits if ("live", str(h.provider_id)) in rows]
        return ChannelList(spec, f"Search: {arg}", tuple(found))
    if kind == "ids":
        wanted = [i for i in arg.split(",") if i][:MAX_ROWS]
        rows = catalog.get_items(conn, profile.id, [("live", i) for i in wanted])
        return ChannelList(spec, "Recent channels", tuple(rows[("live", i)] for i in wanted if ("live", i) in rows))
    page = catalog.items(conn, profile.id, "live", limit=MAX_ROWS, include_adult=_adult(profile))
    return ChannelList("all", "All channels", tuple(page.items))


def specs(conn: sqlite3.Connection, profile: Profile) -> list[str]:
    """Every list the overlay's ←/→ walk through: favorites, all channels, each category."""
    cats = catalog.categories(conn, profile.id, "live", include_adult=_adult(profile))
    return ["fav", "all"] + [f"cat:{c.id}" for c in cats]


def beside(conn: sqlite3.Connection, profile: Profile, spec: str, step: int) -> str:
    """The list ``step`` places after ``spec`` in :func:`specs` (wrapping); a list outside
    that walk (search, recent) steps to the favorites or the last category."""
    walk = specs(conn, profile)
    if spec not in walk:
        return walk[0] if step > 0 else walk[-1]
    return walk[(walk.index(spec) + step) % len(walk)]


def neighbour(conn: sqlite3.Connection, profile: Profile, spec: str, channel_id: str, step: int) -> str:
    """The channel ``step`` places after this one inside its list, wrapping round; a channel
    outside the list (or the list of all channels) zaps in the provider's order."""
    if (spec or "all") != "all":
        ids = [str(c.provider_id) for c in load(conn, profile, spec).items]
        if str(channel_id) in ids:
            return ids[(ids.index(str(channel_id)) + step) % len(ids)]
    found = channels.neighbour(conn, profile.id, channel_id, step or 1, _adult(profile))
    if found is None:
        raise ItemNotFound(N_("There is no other channel to switch to."))
    return found
