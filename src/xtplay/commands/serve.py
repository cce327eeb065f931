"""``xtplay serve``, ``xtplay demo`` and ``xtplay access-password``: running the web app.

The app listens on 127.0.0.1 unless told otherwise; any other address is refused until an
access password is set, and then every page asks for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import socket
import sys
import threading
import webbrowser

import click
import uvicorn

from xtplay import db
from xtplay.accounts import profiles
from xtplay.accounts.vault import Vault
from xtplay.config import DEFAULT_PORT, KEEP_ALIVE_SECONDS, Settings
from xtplay.demo import DemoProvider
from xtplay.errors import ConfigError
from xtplay.web.auth import access_password_hash, clear_access_password, is_loopback, set_access_password


def _check_port_free(host: str, port: int) -> None:
    """Fail with one clear line instead of uvicorn's log when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"Cannot listen on {host}:{port} ({exc.strerror or exc}). "
                              "Another program may use that port: choose one with --port.") from exc


def _display_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else (f"[{host}]" if ":" in host else host)
    return f"http://{shown}:{port}"


def run_app(settings: Settings, *, demo: object | None = None, open_browser: bool = False) -> None:
    """Serve the app (with its schedulers) until interrupted."""
    from xtplay.web.app import create_app  # deferred: FastAPI and the pages cost ~0.45 s of every command's start-up

    with db.library(settings) as conn:
        has_password = access_password_hash(conn) is not None
    if not is_loopback(settings.host) and not has_password:
        raise ConfigError(f"Refusing to listen on {settings.host}: anyone on the network could use xtplay. "
                          "Set an access password first with “xtplay access-password”.")
    _check_port_free(settings.host, settings.port)
    app = create_app(settings, demo=demo, schedulers=True)
    url = _display_url(settings.host, settings.port)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                            access_log=False, lifespan="on", timeout_keep_alive=KEEP_ALIVE_SECONDS)
    server = uvicorn.Server(config)
    click.echo(f"xtplay is running at {url}  (Ctrl+C to stop)")
    if not is_loopback(settings.host):
        click.echo("Listening on the network: every device must log in with the access password.")
    if open_browser and (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform in ("darwin", "win32")):
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl+C after its graceful shutdown: a normal stop
        pass
    click.echo("xtplay stopped.")


def register(group: click.Group) -> None:
    """Add serve, demo and access-password to the ``xtplay`` group."""

    @group.command()
    @click.option("--host", default=None, help="Address to listen on (default 127.0.0.1; others need an access password).")
    @click.option("--port", type=click.IntRange(1, 65535), default=None, help=f"Port (default {DEFAULT_PORT}).")
    @click.option("--no-browser", is_flag=True, help="Do not open a browser window.")
    @click.pass_obj
    def serve(settings: Settings, host: str | None, port: int | None, no_browser: bool) -> None:
        """Run the web app."""
        chosen = dataclasses.replace(settings, host=host or settings.host, port=port or settings.port)
        run_app(chosen, open_browser=not no_browser)

    @group.command()
    @click.option("--port", type=click.IntRange(1, 65535), default=None, help=f"Port of the app (default {DEFAULT_PORT}).")
    @click.option("--live", type=click.IntRange(0), default=200, show_default=True, help="Demo live channels.")
    @click.option("--vod", type=click.IntRange(0), default=500, show_default=True, help="Demo movies.")
    @click.option("--series", type=click.IntRange(0), default=100, show_default=True, help="Demo series.")
    @click.option("--no-browser", is_flag=True, help="Do not open a browser window.")
    @click.pass_obj
    def demo(settings: Settings, port: int | None, live: int, vod: int, series: int, no_browser: bool) -> None:
        """Demo provider + a "Demo" profile pointing at it + the web app, all on 127.0.0.1."""
        from xtplay.web.profiles.pages import ensure_demo_profile  # deferred: it loads FastAPI (~0.45 s of start-up)

        chosen = dataclasses.replace(settings, host="127.0.0.1", port=port or settings.port)
        _check_port_free(chosen.host, chosen.port)
        with DemoProvider(live=live, vod=vod, series=series, port=0,
                          media_dir=chosen.cache_dir / "demo-media") as provider:
            click.echo(f"Demo provider at {provider.url} (user {provider.username})")
            with db.library(chosen) as conn:
                profile = asyncio.run(ensure_demo_profile(conn, Vault.open(chosen), chosen, provider))
                profiles.use_profile(conn, profile.id)
            run_app(chosen, demo=provider, open_browser=not no_browser)

    @group.group("access-password", invoke_without_command=True)
    @click.option("--stdin", "from_stdin", is_flag=True, help="Read the new password from standard input.")
    @click.pass_context
    def access_password(ctx: click.Context, from_stdin: bool) -> None:
        """Set the password other devices need (same as “access-password set”)."""
        if ctx.invoked_subcommand is None:
            ctx.invoke(set_password, from_stdin=from_stdin)

    @access_password.command("set")
    @click.option("--stdin", "from_stdin", is_flag=True, help="Read the new password from standard input.")
    @click.pass_obj
    def set_password(settings: Settings, from_stdin: bool) -> None:
        """Set or replace the access password (prompted without echo)."""
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("New access password", hide_input=True, confirmation_prompt=True)
        with db.library(settings) as conn:
            set_access_password(conn, password)
        click.echo("Access password set. Start the app with: xtplay serve --host 0.0.0.0")

    @access_password.command("clear")
    @click.pass_obj
    def clear_password(settings: Settings) -> None:
        """Remove the access password (the app then only serves 127.0.0.1)."""
        with db.library(settings) as conn:
            removed = clear_access_password(conn)
        click.echo("Access password removed." if removed else "No access password was set.")
