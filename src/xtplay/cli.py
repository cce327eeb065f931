"""The ``xtplay`` command: a group of thin wrappers over the services.

Errors become output here and only here: a known ``XtplayError`` prints one line and exits 1;
anything else prints one line too, with the traceback kept for the debug log.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from xtplay import __version__
from xtplay.config import load_settings
from xtplay.errors import XtplayError
from xtplay.logs import redact, setup_logging

log = logging.getLogger(__name__)

#: Each top-level command and the module under ``xtplay.commands`` that adds it to the group.
#: A module is imported only when one of its commands runs (or for ``--help``), so that
#: ``xtplay sync`` does not pay for the web app, uvicorn or the demo provider.
COMMANDS = {
    "access-password": "serve",
    "demo": "serve",
    "demo-provider": "demo_provider",
    "guide": "guide",
    "playback": "playback",
    "profile": "profile",
    "search": "search",
    "serve": "serve",
    "sync": "sync",
}


class LazyGroup(click.Group):
    """A group whose commands' modules load on first use instead of at start-up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            _load(self, COMMANDS[cmd_name])
        return self.commands.get(cmd_name)


def _load(group: click.Group, name: str) -> None:
    try:
        module = importlib.import_module(f"xtplay.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"xtplay.commands.{name}":
            raise
        return
    module.register(group)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False), envvar="XTPLAY_HOME",
              help="Data directory (default: $XTPLAY_HOME, else the platform's user data dir).")
@click.option("-v", "--verbose", is_flag=True, help="Print informational messages.")
@click.version_option(__version__, prog_name="xtplay")
@click.pass_context
def cli(ctx: click.Context, home: str | None, verbose: bool) -> None:
    """xtplay: your IPTV providers' live TV, movies and series in the browser."""
    settings = load_settings(home)
    setup_logging(settings.log_dir, verbose=verbose)
    ctx.obj = settings


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the group, turning errors into one line and exit status 1."""
    try:
        cli.main(args=argv, prog_name="xtplay", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except XtplayError as exc:
        log.debug("command failed", exc_info=True)
        click.echo(f"error: {redact(str(exc))}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last guard: one line for the person, the traceback to the log
        log.error("unexpected error", exc_info=True)
        said = redact(str(exc)).strip()
        click.echo(f"error: something unexpected went wrong{': ' + said if said else ''} (details in the log)", err=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
