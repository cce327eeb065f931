"""The list a channel was chosen from: zapping and the player's overlay stay inside it."""

from __future__ import annotations

from xtplay.library import favorites
from xtplay.playback import channel_lists


def _ids(found: channel_lists.ChannelList) -> list[str]:
    return [str(c.provider_id) for c in found.items]


def test_a_category_list_zaps_inside_the_category_and_wraps(browse_library):
    conn, profile = browse_library.conn, browse_library.profile
    sport = channel_lists.load(conn, profile, "cat:20")
    assert sport.name == "Sport"
    assert _ids(sport) == ["3", "4"]
    assert channel_lists.neighbour(conn, profile, "cat:20", "3", 1) == "4"
    assert channel_lists.neighbour(conn, profile, "cat:20", "4", 1) == "3"  # wraps, never into News
    assert channel_lists.neighbour(conn, profile, "cat:20", "3", -1) == "4"


def test_favorites_recent_and_search_lists(browse_library):
    conn, profile = browse_library.conn, browse_library.profile
    for pid in ("2", "4", "7"):
        favorites.add(conn, profile.id, "live", pid)
    fav = channel_lists.load(conn, profile, "fav")
    assert sorted(_ids(fav)) == ["2", "4", "7"]
    order = _ids(fav)
    assert channel_lists.neighbour(conn, profile, "fav", order[0], 1) == order[1]
    assert _ids(channel_lists.load(conn, profile, "ids:7,1,999,2")) == ["7", "1", "2"]  # unknown ids dropped
    found = channel_lists.load(conn, profile, "search:sky sports")
    assert _ids(found) == ["4"]


def test_all_channels_and_a_channel_outside_its_list_zap_in_provider_order(browse_library):
    conn, profile = browse_library.conn, browse_library.profile
    assert channel_lists.neighbour(conn, profile, "all", "1", 1) == "2"
    assert channel_lists.neighbour(conn, profile, "cat:20", "1", 1) == "2"  # not in Sport: provider order
    assert channel_lists.load(conn, profile, "nonsense").spec == "all"


def test_the_overlay_steps_through_favorites_all_and_each_category(browse_library):
    conn, profile = browse_library.conn, browse_library.profile
    walk = channel_lists.specs(conn, profile)
    assert walk[:2] == ["fav", "all"] and "cat:10" in walk and "cat:20" in walk
    assert channel_lists.beside(conn, profile, "fav", 1) == "all"
    assert channel_lists.beside(conn, profile, "fav", -1) == walk[-1]
    assert channel_lists.beside(conn, profile, "ids:1,2", 1) == "fav"


def test_the_overlay_partial_lists_rows_with_favorite_toggles(browse_client):
    html = browse_client.get("/watch/channel-list?list=cat:20&current=4").text
    assert 'id="overlay-title" data-list="cat:20"' in html
    assert html.count('class="channel-row') == 2
    assert 'class="channel-row is-current"' in html
    assert 'hx-post="/favorites/live/4/toggle?compact=1"' in html
    assert 'href="/watch/live/4?list=cat%3A20"' in html
