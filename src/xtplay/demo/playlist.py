"""``get.php``: the line's lineup as an M3U playlist, the way XC panels write it (CRLF).

A panel's export lists every stream of the line: live channels (``/live/U/P/ID.ext``), then
movies (``/movie/U/P/ID.ext``, grouped by their VOD category) and series episodes
(``/series/U/P/EPISODE_ID.ext``, named ``Show S01E02``, grouped by the show's category). The
``type`` only chooses how each ``#EXTINF`` line is written (bare for ``m3u``, with attributes
for ``m3u_plus``), not which streams are listed, so both types list all three kinds.

Episodes are listed show by show up to :data:`EPISODES_LISTED`: at bench scale (100,000 movies,
20,000 shows) every episode would be 323,000 entries, an 86 MB playlist taking 6.6 s and 535 MB
to write, over four times the entries of the largest playlist the project measures; capped, it is 130,000
entries (25 MB, 1.9 s, 190 MB). At the sizes tests and ``xtplay demo`` use, the cap lists every
episode of every show.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from xtplay.demo.catalog import Catalog

#: The most episodes a playlist lists (whole shows only: the show that would pass it is left out).
EPISODES_LISTED = 20_000


def m3u(state: Any, output: str, plus: bool) -> bytes:
    """Every live channel (tvg-id, tvg-name, tvg-logo, group-title, and timeshift when archived),
    then every movie and every episode (no tvg-id, as panels write VOD)."""
    base = f"http://127.0.0.1:{state.port}"
    user, password = quote(state.username, safe=""), quote(state.password, safe="")
    lines = ["#EXTM3U"]
    for attributes, name, kind, file in _entries(state.catalog, output):
        lines.append(f"#EXTINF:-1{attributes if plus else ''},{name}")
        lines.append(f"{base}/{kind}/{user}/{password}/{file}")
    return ("\r\n".join(lines) + "\r\n").encode()


def _entries(catalog: Catalog, output: str) -> Iterator[tuple[str, str, str, str]]:
    """Each stream's ``m3u_plus`` attributes, name, and the kind and file name of its URL."""
    groups = {kind: {c["category_id"]: c["category_name"] for c in catalog.categories(kind)}
              for kind in ("live", "vod", "series")}
    for i in catalog.live_ids():
        row = catalog.live_row(i)
        shift = f' timeshift="{row["tv_archive_duration"]}"' if row["tv_archive"] else ""
        group = groups["live"].get(row["category_id"] or "", "")
        yield (f' tvg-id="{row["epg_channel_id"] or ""}"' + _attributes(row["name"], row["stream_icon"], group) + shift,
               row["name"], "live", f"{i}.{output}")
    for i in catalog.movie_ids():
        row = catalog.movie_row(i)
        group = groups["vod"].get(row["category_id"] or "", "")
        yield (_attributes(row["name"], row["stream_icon"], group), row["name"], "movie",
               f"{i}.{row['container_extension']}")
    listed = 0
    for i in range(1, catalog.series_count + 1):
        episodes = catalog.episodes_of(i)
        listed += len(episodes)
        if listed > EPISODES_LISTED:
            break
        row = catalog.series_row(i)
        group = groups["series"].get(row["category_id"], "")
        for season, episode, eid in episodes:
            name = f"{row['name']} S{season:02d}E{episode:02d}"
            yield (_attributes(name, row["cover"], group), name, "series",
                   f"{eid}.{catalog.episode_media(eid).container}")


def _attributes(name: str, logo: str, group: str) -> str:
    """The ``tvg-name``, ``tvg-logo`` and ``group-title`` of an ``m3u_plus`` line."""
    return f' tvg-name="{name}" tvg-logo="{logo}" group-title="{group}"'
