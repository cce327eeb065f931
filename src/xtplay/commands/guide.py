"""``xtplay guide …``: load the programme guide and look at it from the command line.

Thin wrappers over :mod:`xtplay.guide`: ``refresh`` (all XMLTV sources of a profile),
``show`` (a channel's day in the viewer's zone), ``add-source`` / ``sources`` /
``remove-source`` (extra XMLTV URLs). Exit status 1 when a refresh stored nothing.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta

import click

from xtplay import db, guide
from xtplay.accounts import profiles
from xtplay.accounts.vault import Vault
from xtplay.config import Settings
from xtplay.errors import CatalogError, ConfigError, GuideError, ProfileNotFound, XtplayError


def register(group: click.Group) -> None:
    group.add_command(guide_group)


def _pick_profile(conn: sqlite3.Connection, name: str | None) -> profiles.Profile:
    if name:
        return profiles.get_profile(conn, name)
    active = profiles.active_profile(conn)
    if active is None:
        raise ProfileNotFound("(active profile)") if profiles.list_profiles(conn) else CatalogError(
            "No profile yet: add one with `xtplay profile add`.")
    return active


@click.group("guide")
def guide_group() -> None:
    """The programme guide (XMLTV and the provider's EPG)."""


@guide_group.command("refresh")
@click.argument("profile", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--days-back", type=click.IntRange(0, 60), default=guide.Retention().days_back, show_default=True,
              help="Days of past programmes to keep (catch-up).")
@click.option("--days-ahead", type=click.IntRange(1, 60), default=guide.Retention().days_ahead, show_default=True,
              help="Days of future programmes to keep.")
@click.pass_obj
def refresh_cmd(settings: Settings, profile: str | None, as_json: bool, days_back: int, days_ahead: int) -> None:
    """Load the guide of PROFILE (default: the active one) from xmltv.php and every added URL."""
    with db.library(settings) as conn:
        target = _pick_profile(conn, profile)
        vault = Vault.open(settings)
        result = asyncio.run(guide.refresh_guide(settings, conn, vault, target,
                                                 retention=guide.Retention(days_back, days_ahead)))
    if as_json:
        click.echo(json.dumps({"profile": target.name, **result.to_dict()}, ensure_ascii=False))
    else:
        click.echo(f"{result.status}: {result.programmes:,} programmes, {result.channels_matched:,} channels matched, "
                   f"{len(result.unmatched):,} without a guide, in {result.seconds:.1f} s")
        if result.unmatched:
            shown = ", ".join(result.unmatched[:10]) + (" …" if len(result.unmatched) > 10 else "")
            click.echo(f"no guide for: {shown}")
        for where, message in result.errors.items():
            click.echo(f"{where}: {message}", err=True)
    if result.status == "failed":
        raise GuideError("The guide could not be loaded; the previous guide is kept.")


def _find_channel(conn: sqlite3.Connection, profile_id: int, text: str) -> tuple[str, str]:
    """A live channel by provider id, channel number, or name (case-insensitive)."""
    rows = conn.execute("SELECT provider_id, name FROM items WHERE profile_id=? AND type='live' AND provider_id=?",
                        (profile_id, text)).fetchall()
    if not rows and text.isdigit():
        rows = conn.execute("SELECT provider_id, name FROM items WHERE profile_id=? AND type='live' AND num=?",
                            (profile_id, int(text))).fetchall()
    if not rows:
        rows = conn.execute("SELECT provider_id, name FROM items WHERE profile_id=? AND type='live' "
                            "AND name = ? COLLATE NOCASE ORDER BY position", (profile_id, text)).fetchall()
    if not rows:
        raise ConfigError(f"No live channel “{text}” (give its id, number or exact name; run `xtplay sync` first).")
    return rows[0][0], rows[0][1]


def _parse_day(text: str | None, tz) -> date:
    today = datetime.now(tz).date()
    if not text or text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"“{text}” is not a day (use YYYY-MM-DD, today, tomorrow or yesterday).") from None


@guide_group.command("show")
@click.argument("channel")
@click.option("--day", help="YYYY-MM-DD, today (default), tomorrow or yesterday.")
@click.option("--profile", "profile_name", help="Profile (default: the active one).")
@click.option("--tz", "tz_name", help="Time zone to show times in (default: the profile's, else this machine's).")
@click.option("--json", "as_json", is_flag=True, help="Print the programmes as JSON.")
@click.pass_obj
def show_cmd(settings: Settings, channel: str, day: str | None, profile_name: str | None, tz_name: str | None,
             as_json: bool) -> None:
    """A CHANNEL's programmes for one day (asks the provider when no XMLTV covers it)."""
    with db.library(settings) as conn:
        target = _pick_profile(conn, profile_name)
        tz = guide.viewer_zone(tz_name or target.timezone)
        pid, name = _find_channel(conn, target.id, channel)
        the_day = _parse_day(day, tz)
        items = guide.channel_guide(conn, target.id, pid, the_day, tz)
        if not items:
            try:
                asyncio.run(guide.load_channel_day(settings, conn, Vault.open(settings), target, pid))
            except XtplayError as exc:
                click.echo(f"(the provider's listing is unavailable: {exc})", err=True)
            items = guide.channel_guide(conn, target.id, pid, the_day, tz)
    if as_json:
        click.echo(json.dumps({"channel": pid, "name": name, "day": the_day.isoformat(),
                               "programmes": [p.to_dict(tz) for p in items]}, ensure_ascii=False))
        return
    click.echo(f"{name} — {the_day:%A %d %B %Y}")
    if not items:
        click.echo("no programme information")
    now = datetime.now(UTC)
    for p in items:
        mark = "▶" if p.is_on(now) else " "
        click.echo(f"{mark} {p.start.astimezone(tz):%H:%M}–{p.stop.astimezone(tz):%H:%M}  {p.title}")


@guide_group.command("add-source")
@click.argument("url")
@click.option("--profile", "profile_name", help="Profile (default: the active one).")
@click.pass_obj
def add_source_cmd(settings: Settings, url: str, profile_name: str | None) -> None:
    """Add an XMLTV URL (plain or .gz) to the profile's guide; `guide refresh` loads it."""
    with db.library(settings) as conn:
        target = _pick_profile(conn, profile_name)
        source_id = guide.add_source(conn, Vault.open(settings), target.id, url)
    click.echo(f"added guide source {source_id} to {target.name}; run `xtplay guide refresh` to load it")


@guide_group.command("sources")
@click.option("--profile", "profile_name", help="Profile (default: the active one).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def sources_cmd(settings: Settings, profile_name: str | None, as_json: bool) -> None:
    """The XMLTV URLs added to the profile and how their last refresh went."""
    with db.library(settings) as conn:
        target = _pick_profile(conn, profile_name)
        found = guide.sources(conn, target.id)
    if as_json:
        click.echo(json.dumps(found))
        return
    if not found:
        click.echo("no added guide sources (the provider's own guide is always used)")
    for src in found:
        status = src["last_status"] or "not loaded yet"
        click.echo(f"{src['id']}: {src['url']} — {status}" + (f" ({src['last_error']})" if src["last_error"] else ""))


@guide_group.command("remove-source")
@click.argument("source_id", type=int)
@click.option("--profile", "profile_name", help="Profile (default: the active one).")
@click.pass_obj
def remove_source_cmd(settings: Settings, source_id: int, profile_name: str | None) -> None:
    """Remove an added XMLTV URL and its programmes."""
    with db.library(settings) as conn:
        target = _pick_profile(conn, profile_name)
        if not guide.remove_source(conn, target.id, source_id):
            raise ConfigError(f"No guide source {source_id} on {target.name} (see `xtplay guide sources`).")
    click.echo(f"removed guide source {source_id}")
