"""``xtplay demo-provider``: run only the bundled demo Xtream provider until Ctrl-C."""

from __future__ import annotations

import threading

import click

from xtplay.config import Settings
from xtplay.demo import DEFAULT_PASSWORD, DEFAULT_USERNAME, DemoProvider
from xtplay.demo.faults import KINDS
from xtplay.demo.personalities import PERSONALITIES


@click.command("demo-provider")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--live", type=click.IntRange(5, 200_000), default=200, show_default=True, help="Live channels.")
@click.option("--vod", type=click.IntRange(4, 500_000), default=500, show_default=True, help="Movies.")
@click.option("--series", type=click.IntRange(1, 100_000), default=100, show_default=True, help="Series.")
@click.option("--seed", type=int, default=1, show_default=True, help="Catalog seed (same seed, same catalog).")
@click.option("--username", default=DEFAULT_USERNAME, show_default=True, help="Account username.")
@click.option("--password", default=DEFAULT_PASSWORD, show_default=True,
              help="Account password (a demo value, not a real secret).")
@click.option("--max-connections", type=click.IntRange(1, 100), default=4, show_default=True,
              help="Concurrent streams allowed before answering 458.")
@click.option("--fault", "faults", multiple=True, type=click.Choice(sorted(KINDS)),
              help="Start with this fault injected (repeatable); POST/DELETE /_demo/faults changes it later.")
@click.option("--personality", type=click.Choice(list(PERSONALITIES)), default="standard", show_default=True,
              help="Behave like this family of real panels: " + "; ".join(
                  f"{p.name}: {p.summary}" for p in PERSONALITIES.values()))
@click.option("--line-mbit", type=click.FloatRange(0.1, 10_000), default=None,
              help="Pace every answer to this rate in Mbit/s, as a slow line would (POST /_demo/line changes it).")
@click.pass_obj
def demo_provider(settings: Settings, port: int, live: int, vod: int, series: int, seed: int,
                  username: str, password: str, max_connections: int, faults: tuple[str, ...],
                  personality: str, line_mbit: float | None) -> None:
    """Serve a generated Xtream Codes catalog with real test media on 127.0.0.1."""
    provider = DemoProvider(live=live, vod=vod, series=series, seed=seed, username=username, password=password,
                            media_dir=settings.cache_dir / "demo-media", port=port, max_connections=max_connections,
                            personality=personality, line_mbit=line_mbit)
    click.echo("Preparing the demo provider (the first run generates its test media)…", err=True)
    with provider:
        for kind in faults:
            provider.set_fault(kind)
        click.echo(f"Demo provider at {provider.url}  (username {username}, personality {personality})")
        click.echo("Press Ctrl-C to stop.", err=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            click.echo("Stopping.", err=True)


def register(group: click.Group) -> None:
    """Add ``demo-provider`` to the ``xtplay`` command group."""
    group.add_command(demo_provider)
