"""``xtplay profile …``: add, list, show, edit, remove, test, use, export, import.

Thin wrappers over :mod:`xtplay.accounts.profiles`. Passwords come from a prompt without echo,
``--password-stdin`` or ``XTPLAY_PASSWORD`` — never from an option value. Failures are
``XtplayError``s that ``cli.main`` prints as one line with exit status 1.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from xtplay import db
from xtplay.accounts import export as profile_export
from xtplay.accounts import playlists, profiles
from xtplay.accounts.vault import Secret, Vault
from xtplay.config import Settings
from xtplay.errors import ConfigError

PASSWORD_ENV = "XTPLAY_PASSWORD"
PASSPHRASE_ENV = "XTPLAY_EXPORT_PASSPHRASE"


def _read_password(from_stdin: bool, prompt: str = "Password") -> Secret:
    """The password from stdin, ``$XTPLAY_PASSWORD`` or a prompt without echo."""
    if from_stdin:
        line = sys.stdin.readline()
        text = line.rstrip("\r\n")
        if not text:
            raise ConfigError("--password-stdin was given but standard input held no password.")
        return Secret(text)
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return Secret(env)
    return Secret(click.prompt(prompt, hide_input=True))


def _read_passphrase(confirm: bool) -> str:
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env
    return click.prompt("Export passphrase", hide_input=True, confirmation_prompt=confirm)


def _account_summary(account: dict[str, Any] | None) -> str:
    if not account:
        return "not checked"
    parts = [str(account.get("status") or "unknown")]
    if account.get("exp_date"):
        parts.append(f"expires {str(account['exp_date'])[:10]}")
    else:
        parts.append("no expiry")
    if account.get("is_trial"):
        parts.append("trial")
    if account.get("max_connections") is not None:
        parts.append(f"{account.get('active_connections') or 0}/{account['max_connections']} connections")
    return ", ".join(parts)


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def register(group: click.Group) -> None:
    """Add the ``profile`` command group to ``xtplay``."""
    group.add_command(profile)


@click.group()
def profile() -> None:
    """Provider accounts (Xtream Codes logins and M3U playlists)."""


@profile.command("add")
@click.argument("name")
@click.option("--url", default=None, help="Server address, e.g. http://example.com:8080")
@click.option("--username", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--m3u", "m3u", default=None, metavar="URL_OR_FILE",
              help="An M3U playlist (address or file) instead of an Xtream login.")
@click.option("--xmltv", multiple=True, metavar="URL_OR_FILE", help="An XMLTV guide for the playlist (repeatable).")
@click.option("--no-verify", is_flag=True, help="Save without logging in (offline set-up).")
@click.option("--user-agent", default=None, help="User-Agent sent to this provider.")
@click.pass_obj
def add_cmd(
    settings: Settings,
    name: str,
    url: str | None,
    username: str | None,
    password_stdin: bool,
    m3u: str | None,
    xmltv: tuple[str, ...],
    no_verify: bool,
    user_agent: str | None,
) -> None:
    """Add a profile: an Xtream login (--url, --username) or a playlist (--m3u); checked first unless --no-verify."""
    if m3u is not None:
        if url or username or password_stdin:
            raise ConfigError("A playlist profile takes --m3u (and --xmltv), not --url, --username or a password.")
        with db.library(settings) as conn:
            added, check = asyncio.run(playlists.add_playlist_profile(
                conn, Vault.open(settings), settings, name=name, m3u=m3u, xmltv=xmltv, user_agent=user_agent,
                verify=not no_verify))
        click.echo(f"Added playlist profile “{added.name}” ({added.url}; {check.summary if check else 'not verified'}).")
        return
    if xmltv:
        raise ConfigError("--xmltv goes with --m3u; an Xtream profile’s extra guides are added with `xtplay guide add-source`.")
    if not url or not username:
        raise ConfigError("Give --url and --username (an Xtream login), or --m3u (a playlist).")
    password = _read_password(password_stdin)
    with db.library(settings) as conn:
        vault = Vault.open(settings)
        saved = asyncio.run(
            profiles.add_profile(
                conn,
                vault,
                settings,
                name=name,
                url=url,
                username=username,
                password=password,
                verify=not no_verify,
                user_agent=user_agent,
            )
        )
    note = "not verified" if no_verify else _account_summary(saved.account)
    click.echo(f"Added profile “{saved.name}” ({saved.url}; {note}).")


@profile.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def list_cmd(settings: Settings, as_json: bool) -> None:
    """List the profiles; * marks the active one."""
    with db.library(settings) as conn:
        rows = profiles.list_profiles(conn)
        active = profiles.active_profile(conn)
    active_id = active.id if active else None
    if as_json:
        _emit_json([{**p.to_dict(), "active": p.id == active_id} for p in rows])
        return
    if not rows:
        click.echo("No profiles yet. Add one with: xtplay profile add NAME --url URL --username USER")
        return
    table = Table(title="Profiles")
    for column in ("", "name", "server", "username", "account", "last used"):
        table.add_column(column)
    for p in rows:
        table.add_row(
            "*" if p.id == active_id else "",
            p.name,
            p.url,
            p.username,
            _account_summary(p.account),
            _when(p.last_used_at),
        )
    Console().print(table)


@profile.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def show_cmd(settings: Settings, name: str, as_json: bool) -> None:
    """Show one profile and its account info."""
    with db.library(settings) as conn:
        p = profiles.get_profile(conn, name)
        active = profiles.active_profile(conn)
    is_active = bool(active and active.id == p.id)
    if as_json:
        _emit_json({**p.to_dict(), "active": is_active})
        return
    account = p.account or {}
    table = Table(title=f"Profile “{p.name}”" + (" (active)" if is_active else ""), show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    rows = [
        ("server", p.url),
        ("username", p.username),
        ("password", "stored (encrypted)" if p.has_password else "missing"),
        ("user agent", p.user_agent or "default"),
        ("status", str(account.get("status") or "not checked")),
        ("expires", str(account.get("exp_date") or "never")[:19] if account else "unknown"),
        ("trial", "yes" if account.get("is_trial") else "no"),
        ("connections", f"{account.get('active_connections', '?')} of {account.get('max_connections', '?')}"),
        ("output formats", ", ".join(account.get("allowed_output_formats") or []) or "unknown"),
        ("server time zone", str(account.get("server_timezone") or "unknown")),
        ("server time", str(account.get("server_time") or "unknown")),
        ("account checked", _when(p.account_checked_at)),
        ("sync every", f"{p.sync_interval_hours} h" if p.sync_interval_hours else "manual only"),
        ("adult content", "shown" if p.adult_enabled else "hidden"),
        ("time zone", p.timezone or "this machine's"),
        ("created", _when(p.created_at)),
        ("last used", _when(p.last_used_at)),
    ]
    for key, value in rows:
        table.add_row(key, value)
    Console().print(table)


@profile.command("edit")
@click.argument("name")
@click.option("--name", "new_name", default=None, help="Rename the profile.")
@click.option("--url", default=None)
@click.option("--username", default=None)
@click.option("--change-password", is_flag=True, help="Ask for a new password (prompt or $XTPLAY_PASSWORD).")
@click.option("--password-stdin", is_flag=True, help="Read a new password from standard input.")
@click.option("--user-agent", default=None, help='User-Agent for this provider ("" for the default).')
@click.option("--sync-interval", type=int, default=None, help="Hours between automatic syncs (0: manual).")
@click.option("--adult/--no-adult", default=None, help="Show or hide adult categories.")
@click.option("--timezone", default=None, help='Time zone for the guide ("" for this machine\'s).')
@click.option("--no-verify", is_flag=True, help="Save new credentials without logging in.")
@click.pass_obj
def edit_cmd(
    settings: Settings,
    name: str,
    new_name: str | None,
    url: str | None,
    username: str | None,
    change_password: bool,
    password_stdin: bool,
    user_agent: str | None,
    sync_interval: int | None,
    adult: bool | None,
    timezone: str | None,
    no_verify: bool,
) -> None:
    """Change a profile; new credentials are checked by a login first."""
    changes: dict[str, Any] = {}
    for key, value in (
        ("name", new_name),
        ("url", url),
        ("username", username),
        ("user_agent", user_agent),
        ("sync_interval_hours", sync_interval),
        ("adult_enabled", adult),
        ("timezone", timezone),
    ):
        if value is not None:
            changes[key] = value
    if change_password or password_stdin:
        changes["password"] = _read_password(password_stdin, "New password")
    if not changes:
        raise ConfigError("Nothing to change: give at least one option (see xtplay profile edit --help).")
    with db.library(settings) as conn:
        vault = Vault.open(settings)
        saved = asyncio.run(profiles.edit_profile(conn, vault, settings, name, verify=not no_verify, **changes))
    click.echo(f"Saved profile “{saved.name}”.")


@profile.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def remove_cmd(settings: Settings, name: str, yes: bool) -> None:
    """Delete a profile with its whole library (catalog, guide, favorites, history)."""
    with db.library(settings) as conn:
        target = profiles.get_profile(conn, name)
        if not yes:
            click.confirm(f"Delete profile “{target.name}” and everything stored for it?", abort=True)
        removed = profiles.remove_profile(conn, Vault.open(settings), target)
        from xtplay.library import artwork  # deferred: Pillow and the cache, for this command only

        artwork.remove_profile_files(settings, removed.id)
        active = profiles.active_profile(conn)
    after = f" Active profile: “{active.name}”." if active else ""
    click.echo(f"Removed profile “{removed.name}”.{after}")


@profile.command("test")
@click.argument("name")
@click.pass_obj
def test_cmd(settings: Settings, name: str) -> None:
    """Log in with the stored credentials and refresh the account info."""
    with db.library(settings) as conn:
        vault = Vault.open(settings)
        asyncio.run(profiles.test_profile(conn, vault, settings, name))
        p = profiles.get_profile(conn, name)
    click.echo(f"Login OK for “{p.name}”: {_account_summary(p.account)}.")


@profile.command("use")
@click.argument("name")
@click.pass_obj
def use_cmd(settings: Settings, name: str) -> None:
    """Make NAME the active profile (remembered across restarts)."""
    with db.library(settings) as conn:
        p = profiles.use_profile(conn, name)
    click.echo(f"Active profile: “{p.name}”.")


@profile.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--profile", "names", multiple=True, help="Export only this profile (repeatable).")
@click.pass_obj
def export_cmd(settings: Settings, file: str, names: tuple[str, ...]) -> None:
    """Write profiles, passwords included, to FILE encrypted under a passphrase."""
    passphrase = profile_export.check_passphrase(_read_passphrase(confirm=True))
    with db.library(settings) as conn:
        result = profile_export.export_profiles(conn, Vault.open(settings), file, passphrase, list(names) or None)
    for skipped, reason in result.skipped:
        click.echo(f"Skipped “{skipped}”: {reason}.", err=True)
    click.echo(f"Exported {len(result.exported)} profile(s) to {result.path}.")


@profile.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--rename", is_flag=True, help="Import profiles whose name exists under a new name instead of skipping them."
)
@click.pass_obj
def import_cmd(settings: Settings, file: str, rename: bool) -> None:
    """Add the profiles of an export FILE (no login is made)."""
    passphrase = _read_passphrase(confirm=False)
    with db.library(settings) as conn:
        outcomes = profile_export.import_profiles(
            conn, Vault.open(settings), file, passphrase, on_conflict="rename" if rename else "skip"
        )
    for o in outcomes:
        if o.action == "added":
            click.echo(f"Imported “{o.name}”.")
        elif o.action == "renamed":
            click.echo(f"Imported “{o.name}” as “{o.saved_as}” (the name was taken).")
        else:
            click.echo(f"Skipped “{o.name}”: {o.reason}.")
    added = sum(o.action != "skipped" for o in outcomes)
    click.echo(f"{added} of {len(outcomes)} profile(s) imported.")
