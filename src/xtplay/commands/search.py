"""``xtplay search QUERY [--type T] [--limit N] [--json]``: search the local library.

A thin wrapper over :func:`xtplay.library.search.search` for the active profile (or ``--profile``).
No results is an answer: empty groups (and exit status 0).
"""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from xtplay import db
from xtplay.accounts import profiles
from xtplay.config import Settings
from xtplay.errors import CatalogError
from xtplay.library import search
from xtplay.library.catalog import TYPES


def register(group: click.Group) -> None:
    group.add_command(search_cmd)


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--type", "types", multiple=True, type=click.Choice(TYPES), help="Only this type (repeatable).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500), help="Results per type.")
@click.option("--profile", "profile_name", default=None, help="Profile to search (default: the active one).")
@click.option("--genre", default=None, help="Only items whose genre contains this.")
@click.option("--min-rating", type=float, default=None, help="Only items rated at least this (0-10).")
@click.option("--year-from", type=int, default=None)
@click.option("--year-to", type=int, default=None)
@click.option("--json", "as_json", is_flag=True, help="Print results grouped by type as JSON.")
@click.pass_obj
def search_cmd(settings: Settings, query: tuple[str, ...], types: tuple[str, ...], limit: int, profile_name: str | None,
               genre: str | None, min_rating: float | None, year_from: int | None, year_to: int | None,
               as_json: bool) -> None:
    """Search channels, movies and series of the library for QUERY."""
    text = " ".join(query)
    with db.library(settings) as conn:
        profile = profiles.get_profile(conn, profile_name) if profile_name else profiles.active_profile(conn)
        if profile is None:
            raise CatalogError("No profile yet: add one with `xtplay profile add`, then `xtplay sync`.")
        groups = search.search(conn, profile.id, text, types=types or None, genre=genre, min_rating=min_rating,
                               year_from=year_from, year_to=year_to, limit=limit,
                               include_adult=profile.adult_enabled)
        search.record(conn, profile.id, text)
    if as_json:
        click.echo(json.dumps({t: [h.to_dict() for h in hits] for t, hits in groups.items()}, ensure_ascii=False))
        return
    console = Console()
    if not any(groups.values()):
        console.print(f"No results for “{text}”.", markup=False)
        return
    for type, hits in groups.items():
        if not hits:
            continue
        table = Table(title=f"{type} ({len(hits)})", title_justify="left")  # names are Text: no markup
        table.add_column("id", justify="right")
        table.add_column("name")
        table.add_column("year", justify="right")
        table.add_column("rating", justify="right")
        for hit in hits:
            table.add_row(
                hit.provider_id,
                Text(hit.name),
                str(hit.year or ""),
                f"{hit.rating:.1f}" if hit.rating is not None else "",
            )
        console.print(table)
