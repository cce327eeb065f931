"""``xtplay playback m3u PROFILE FILE [--direct] [--base-url URL]``: a profile as an M3U playlist.

A thin wrapper over :func:`xtplay.playback.external.export_profile`. By default the file holds
this app's proxy URLs (``xtplay serve`` must be running for players to use them) and no
password; ``--direct`` writes the provider's own URLs, which contain the password.
"""

from __future__ import annotations

from pathlib import Path

import click

from xtplay import db
from xtplay.accounts import profiles
from xtplay.accounts.vault import Vault
from xtplay.config import Settings
from xtplay.playback.external import export_profile


def register(group: click.Group) -> None:
    group.add_command(playback_group)


@click.group("playback")
def playback_group() -> None:
    """Playback outside the browser (mpv, VLC)."""


@playback_group.command("m3u")
@click.argument("profile_name", metavar="PROFILE")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@click.option("--direct", is_flag=True,
              help="Write the provider's URLs instead of xtplay's proxy URLs. The file then CONTAINS YOUR PASSWORD.")
@click.option("--base-url", default=None, metavar="URL",
              help="Address players reach xtplay at (default: http://HOST:PORT of `xtplay serve`).")
@click.pass_obj
def m3u_cmd(settings: Settings, profile_name: str, file: str, direct: bool, base_url: str | None) -> None:
    """Export every channel, movie and known episode of PROFILE to FILE (- for standard output)."""
    base = (base_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    with db.library(settings) as conn:
        profile = profiles.get_profile(conn, profile_name)
        text = export_profile(conn, Vault.open(settings) if direct else None, profile, base, direct=direct)
    if file == "-":
        click.echo(text, nl=False)
        return
    path = Path(file)
    path.write_text(text, encoding="utf-8")
    if direct:
        path.chmod(0o600)
    entries = text.count("#EXTINF")
    note = " It contains your provider password: keep it private." if direct else ""
    click.echo(f"Wrote {entries} entries to {path}.{note}", err=True)
