"""Players outside the browser: ``.m3u`` files, a whole-profile export, and launching mpv.

By default every URL written is this app's own proxy URL, absolute and opaque, with a
per-item token (``?k=…``) so the file plays when an access password is on, and holds no
provider password. Direct provider URLs are written only on an explicit ``direct`` choice,
which the UI labels as including the password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable

from xtplay import db
from xtplay.accounts.profiles import Profile
from xtplay.accounts.source import stream_urls_for
from xtplay.accounts.vault import Vault
from xtplay.errors import PlaybackError, StreamProtected
from xtplay.i18n import N_
from xtplay.library import catalog
from xtplay.playback.resolve import Target, upstream_url

TOKEN_PARAM = "k"


def _key(conn: sqlite3.Connection) -> bytes:
    """The random key that signs item tokens, created on first use."""
    row = conn.execute("SELECT key FROM playback_key WHERE id = 1").fetchone()
    if row is not None:
        return bytes(row[0])
    with db.transaction(conn):
        conn.execute("INSERT OR IGNORE INTO playback_key (id, key) VALUES (1, ?)", (secrets.token_bytes(32),))
    return bytes(conn.execute("SELECT key FROM playback_key WHERE id = 1").fetchone()[0])


def item_token(conn: sqlite3.Connection, target: Target) -> str:
    """An opaque token that lets a player without our session cookie fetch this one target."""
    mac = hmac.new(_key(conn), target.base_path.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def token_allows(conn: sqlite3.Connection, path: str, token: str | None) -> bool:
    """Whether ``token`` admits a request for ``path`` (a ``/play/…`` URL of one target).

    For the access-password guard: a request carrying ``?k=`` for the target it was made
    for passes without a session.
    """
    if not token or not path.startswith("/play/"):
        return False
    parts = path.split("/")
    # /play/{pid}/{type}/{id}/... or /play/{pid}/catchup/{id}/{start}/...
    try:
        pid = int(parts[2])
        catchup = parts[3] == "catchup"
        target = Target(pid, "catchup", parts[4], int(parts[5])) if catchup else Target(pid, parts[3], parts[4])
    except (IndexError, ValueError, Exception):
        return False
    return hmac.compare_digest(item_token(conn, target), token)


def proxy_entry_path(target: Target, container: str | None = None) -> str:
    """The proxy path an external player should open: TS for live, the file for movies."""
    if target.type == "live":
        return f"{target.base_path}/stream.ts"
    if target.type == "catchup":
        return f"{target.base_path}/stream.ts"
    return f"{target.base_path}/file"


def proxy_url(conn: sqlite3.Connection, base_url: str, target: Target) -> str:
    """Absolute, opaque proxy URL with the item token: no host of the provider, no password."""
    return f"{base_url.rstrip('/')}{proxy_entry_path(target)}?{TOKEN_PARAM}={item_token(conn, target)}"


def m3u_text(entries: Iterable[tuple[str, str, dict[str, str]]]) -> str:
    """``#EXTM3U`` text from (title, url, attributes) entries."""
    lines = ["#EXTM3U"]
    for title, url, attrs in entries:
        attr_text = "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items() if v)
        lines.append(f"#EXTINF:-1{attr_text},{_title(title)}")
        lines.append(url)
    return "\n".join(lines) + "\n"


def _attr(value: str) -> str:
    return str(value).replace('"', "'").replace("\n", " ").replace("\r", " ")


def _title(value: str) -> str:
    return str(value).replace("\n", " ").replace("\r", " ")


def is_loopback(host: str | None) -> bool:
    """Whether a client address is this machine (only then may we start a local player)."""
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def mpv_available() -> bool:
    """Whether ``mpv`` is on the PATH."""
    return shutil.which("mpv") is not None


def launch_mpv(url: str, title: str) -> int:
    """Start mpv on a proxy URL, detached; returns its pid. (The URL carries no password.)"""
    exe = shutil.which("mpv")
    if exe is None:
        raise PlaybackError(N_("mpv is not installed on this machine."))
    try:
        proc = subprocess.Popen([exe, "--force-window=yes", f"--title={title}", "--", url],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
    except OSError as exc:
        raise PlaybackError(N_("mpv could not be started (%(reason)s)."), {"reason": exc.strerror}) from None
    return proc.pid


def item_m3u(conn: sqlite3.Connection, vault: Vault, profile: Profile, target: Target, base_url: str,
                   title: str, *, direct: bool = False) -> str:
    """A one-entry playlist for one item; ``direct`` writes the provider URL (with the password)."""
    url = upstream_url(conn, vault, profile, target) if direct else proxy_url(conn, base_url, target)
    return m3u_text([(title, url, {})])


def export_profile(conn: sqlite3.Connection, vault: Vault | None, profile: Profile, base_url: str,
                         *, direct: bool = False) -> str:
    """Every live channel, movie and known episode of a profile as one M3U (same URL rule).

    The vault is read only for ``direct`` URLs, so the command opens it only then."""
    urls = stream_urls_for(conn, vault, profile) if direct and vault is not None else None
    entries: list[tuple[str, str, dict[str, str]]] = []
    for type in ("live", "movie"):
        cursor = None
        while True:
            page = catalog.items(conn, profile.id, type, after=cursor, limit=500,
                                 include_adult=profile.adult_enabled)
            for item in page.items:
                target = Target(profile.id, type, item.provider_id)
                if urls is not None:
                    try:
                        url = (urls.live(int(item.provider_id), ext="ts") if type == "live"
                               else urls.movie(int(item.provider_id), (item.container or "mp4").lstrip(".")))
                    except StreamProtected:  # a playlist entry under DRM: no player here opens it
                        continue
                else:
                    url = proxy_url(conn, base_url, target)
                attrs = {"tvg-id": item.epg_channel_id or "", "tvg-logo": item.logo or "",
                         "group-title": item.category_name or ("Live TV" if type == "live" else "Movies")}
                entries.append((item.name, url, attrs))
            cursor = page.next_cursor
            if cursor is None:
                break
    rows = conn.execute(
        "SELECT e.episode_id, e.title, e.season, e.episode_num, e.container, i.name FROM episodes e "
        "LEFT JOIN items i ON i.profile_id = e.profile_id AND i.type = 'series' AND i.provider_id = e.series_id "
        "WHERE e.profile_id = ? ORDER BY e.series_id, e.season, e.episode_num", (profile.id,)).fetchall()
    for episode_id, title, season, num, container, series_name in rows:
        target = Target(profile.id, "episode", str(episode_id))
        url = (urls.episode(int(episode_id), (container or "mp4").lstrip(".")) if urls is not None
               else proxy_url(conn, base_url, target))
        name = f"{series_name or 'Series'} S{season:02d}E{num:02d} {title}".strip()
        entries.append((name, url, {"group-title": series_name or "Series"}))
    return m3u_text(entries)
