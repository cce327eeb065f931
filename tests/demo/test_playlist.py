"""The demo's get.php playlist at a scale where listing every episode would be too big."""

from __future__ import annotations

import re
from types import SimpleNamespace

from xtplay.demo import playlist
from xtplay.demo.catalog import Catalog


def test_episodes_stop_at_the_cap_and_only_after_a_whole_show():
    catalog = Catalog(live=5, vod=4, series=2_000, seed=1, base_url="http://127.0.0.1:1")
    state = SimpleNamespace(catalog=catalog, port=1, username="demo", password="demo-pass")
    text = playlist.m3u(state, "ts", plus=True).decode()
    listed = re.findall(r"/series/demo/demo-pass/(\d+)\.", text)
    every = [eid for i in range(1, catalog.series_count + 1) for _s, _e, eid in catalog.episodes_of(i)]
    assert len(every) > playlist.EPISODES_LISTED >= len(listed)
    assert [int(eid) for eid in listed] == every[:len(listed)]  # whole shows, in order
    next_show = catalog.episode_location(every[len(listed)])
    assert next_show is not None and next_show[1:] == (1, 1)  # the first left out opens a show
    assert len(listed) + len(catalog.episodes_of(next_show[0])) > playlist.EPISODES_LISTED
    assert text.count("/movie/demo/demo-pass/") == catalog.vod_count
