"""``xtplay sync [PROFILE] [--json]``: copy a profile's catalog into the library.

A thin wrapper over :func:`xtplay.library.sync.sync_profile` with a rich progress bar (one
overall percentage, the step, an estimate of the time left); ``--json`` prints the status,
counts per type and seconds instead. Exit status 1 when the run failed or was partial (the
message names each failed type).
"""

from __future__ import annotations

import asyncio
import json

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from xtplay import db
from xtplay.accounts import profiles
from xtplay.accounts.vault import Vault
from xtplay.config import Settings
from xtplay.errors import CatalogError
from xtplay.library import sync


def register(group: click.Group) -> None:
    group.add_command(sync_cmd)


def _pick_profile(conn, name: str | None) -> profiles.Profile:
    if name:
        return profiles.get_profile(conn, name)
    active = profiles.active_profile(conn)
    if active is None:
        if profiles.list_profiles(conn):
            raise CatalogError("No active profile: name one (`xtplay sync NAME`) or pick one with `xtplay profile use`.")
        raise CatalogError("No profile yet: add one with `xtplay profile add`.")
    return active


@click.command("sync")
@click.argument("profile", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (counts per type, seconds).")
@click.option("--type", "types", multiple=True, type=click.Choice(sync.TYPES), help="Only these types (repeatable).")
@click.pass_obj
def sync_cmd(settings: Settings, profile: str | None, as_json: bool, types: tuple[str, ...]) -> None:
    """Copy the catalog of PROFILE (default: the active one) into the local library."""
    with db.library(settings) as conn:
        target = _pick_profile(conn, profile)
        vault = Vault.open(settings)
        if as_json:
            result = asyncio.run(sync.sync_profile(settings, conn, vault, target, types=types or sync.TYPES))
            click.echo(json.dumps({"profile": target.name, **result.to_dict()}))
        else:
            result = _with_progress(settings, conn, vault, target, types or sync.TYPES)
    if result.status != "ok":
        problems = "; ".join(f"{t}: {e}" for t, e in result.errors.items())
        raise CatalogError(f"Sync {result.status} — {problems}")


def _with_progress(settings: Settings, conn, vault: Vault, target: profiles.Profile, types) -> sync.SyncResult:
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                  TextColumn("{task.fields[eta]}"), TimeElapsedColumn(),
                  console=console, transient=False) as bar:
        task = bar.add_task(f"{target.name}: connecting", total=100, eta="")

        def show(event: sync.SyncProgress) -> None:
            # The overall fraction across all lists, which never goes back; the step names
            # what runs now (a list is saved while the next one downloads).
            bar.update(task, description=f"{target.name}: {event.step or event.phase}",
                       completed=event.fraction * 100, eta=sync.time_left(event.eta_seconds))

        result = asyncio.run(sync.sync_profile(settings, conn, vault, target, progress=show, types=types))
    counts = ", ".join(f"{n:,} {t}" for t, n in result.counts.items())
    console.print(f"{result.status}: {counts or 'nothing stored'} in {result.seconds:.1f} s")
    return result

