"""``get.php``: the whole live lineup as an M3U playlist, the way XC panels write it (CRLF)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote


def m3u(state: Any, output: str, plus: bool) -> bytes:
    """Every live channel with tvg-id, tvg-name, tvg-logo, group-title (and timeshift when archived)."""
    catalog, base = state.catalog, f"http://127.0.0.1:{state.port}"
    names = {cid: name for cid, name in ((c["category_id"], c["category_name"]) for c in catalog.categories("live"))}
    user, password = quote(state.username, safe=""), quote(state.password, safe="")
    lines = ["#EXTM3U"]
    for i in catalog.live_ids():
        row = catalog.live_row(i)
        name = row["name"]
        if plus:
            shift = f' timeshift="{row["tv_archive_duration"]}"' if row["tv_archive"] else ""
            lines.append(f'#EXTINF:-1 tvg-id="{row["epg_channel_id"] or ""}" tvg-name="{name}" tvg-logo="{row["stream_icon"]}"'
                         f' group-title="{names.get(row["category_id"] or "", "")}"{shift},{name}')
        else:
            lines.append(f"#EXTINF:-1,{name}")
        lines.append(f"{base}/live/{user}/{password}/{i}.{output}")
    return ("\r\n".join(lines) + "\r\n").encode()
