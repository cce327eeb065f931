"""``DemoProvider``: the demo Xtream panel running in a background thread on 127.0.0.1.

Used by ``xtplay demo``/``xtplay demo-provider`` and by every test that needs a provider: it
binds its socket first (so ``port=0`` yields a known free port before the catalog is built
with absolute image URLs), then serves with uvicorn until :meth:`stop`, which also kills every
stream process it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from pathlib import Path
from typing import Any

import uvicorn

from xtplay.config import load_settings
from xtplay.demo.catalog import Catalog
from xtplay.demo.line import Line
from xtplay.demo.personalities import Personality
from xtplay.demo.personalities import get as personality_named
from xtplay.demo.revision import MovieChanges
from xtplay.demo.server import DemoApp, DemoState
from xtplay.demo.streams import reap
from xtplay.errors import ConfigError

log = logging.getLogger(__name__)

DEFAULT_USERNAME = "demo"
DEFAULT_PASSWORD = "demo-pass"


class DemoProvider:
    """A demo Xtream provider: ``with DemoProvider(...) as demo: demo.url``."""

    def __init__(self, live: int = 200, vod: int = 500, series: int = 100, seed: int = 1,
                 username: str = DEFAULT_USERNAME, password: str = DEFAULT_PASSWORD,
                 media_dir: str | Path | None = None, port: int = 0, max_connections: int = 4,
                 generate_media: bool = True, live_speed: float = 1.0,
                 personality: str | Personality = "standard", line_mbit: float | None = None) -> None:
        """``personality``: which family of panels to behave like (``demo.personalities``); a
        name or a :class:`Personality` (tests pass one with shorter times). ``line_mbit``: pace
        every answer to this rate in Mbit/s, as a slow subscriber line would (None: as fast as
        loopback goes)."""
        self.live, self.vod, self.series, self.seed = live, vod, series, seed
        self.username, self.password = username, password
        if media_dir is None:
            media_dir = load_settings().cache_dir / "demo-media"
        self.media_dir = Path(media_dir)
        self.requested_port = port
        self.max_connections = max_connections
        self.generate_media = generate_media
        self.live_speed = live_speed
        self.personality = personality_named(personality)
        self.line = Line(line_mbit) if line_mbit is not None else None
        self.state: DemoState | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # ---- lifecycle ------------------------------------------------------------------------------
    def start(self) -> DemoProvider:
        """Bind, build the catalog, make the media if needed, and serve in a background thread."""
        if self._thread is not None:
            return self
        sock = _bind(self.requested_port)
        port = sock.getsockname()[1]
        sockets = [sock]
        if self.personality.edge_redirect:
            sockets.append(_bind(0))  # the load balancer's edge, on a port of its own
        catalog = Catalog(live=self.live, vod=self.vod, series=self.series, seed=self.seed,
                          base_url=f"http://127.0.0.1:{port}")
        self.state = DemoState(catalog=catalog, media_dir=self.media_dir, username=self.username,
                               password=self.password, port=port, max_connections=self.max_connections,
                               live_speed=self.live_speed, personality=self.personality,
                               edge_port=sockets[1].getsockname()[1] if len(sockets) > 1 else None,
                               line=self.line)
        catalog.warm()  # serialise the full lists once, before the first client asks
        if self.generate_media:
            self.state.media_set()
        config = uvicorn.Config(DemoApp(self.state), log_level="warning", lifespan="off", access_log=False,
                                timeout_graceful_shutdown=2, http="h11", loop="asyncio")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, args=(sockets,), name=f"demo-provider-{port}", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the demo provider failed to start")
            self._thread.join(0.01)
        return self

    def _run(self, sockets: list[socket.socket]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._server.serve(sockets=sockets))  # type: ignore[union-attr]
        finally:
            try:
                loop.run_until_complete(self._finish_tasks())
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                loop.close()
                for sock in sockets:
                    sock.close()

    async def _reap_processes(self) -> None:
        """Kill every stream process and wait until each is reaped (runs on the provider's loop)."""
        if self.state is not None and self.state.processes:
            await asyncio.gather(*(reap(p) for p in list(self.state.processes)), return_exceptions=True)

    async def _finish_tasks(self) -> None:
        """After serving: reap what is left, let the remaining tasks end (cancel them after a
        grace period) so the loop closes with nothing pending."""
        await self._reap_processes()
        current = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not current]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=2)
            for task in pending:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await self._reap_processes()

    def stop(self) -> None:
        """Stop serving and kill every stream process; returns when the thread has ended."""
        if self._thread is None or self.state is None or self._server is None:
            return
        self.state.stopping.set()
        loop = self._loop
        if loop is not None and self._thread.is_alive() and not loop.is_closed():
            # kill and reap on the loop that owns the processes (not from this thread)
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._reap_processes(), loop).result(5)
        self._server.should_exit = True
        self._thread.join(10)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(5)
        self._thread = None

    def __enter__(self) -> DemoProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- what callers use -----------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._state().port

    @property
    def url(self) -> str:
        """The provider's base URL, ``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def catalog(self) -> Catalog:
        return self._state().catalog

    def set_fault(self, kind: str, *, paths: list[str] | None = None, count: int | None = None,
                  seconds: float | None = None, midstream: bool = False) -> None:
        """Inject a fault (see ``demo.faults.KINDS``); ``count`` limits it to that many requests;
        ``midstream``: streams already playing on ``paths`` are cut (stalled, for a hang) too."""
        self._state().faults.add(kind, paths=paths, count=count, seconds=seconds, midstream=midstream)

    def revise(self, revision: int) -> MovieChanges:
        """Serve ``revision`` of the movie list (``demo.revision``: 1 changes, adds and removes
        1 % of the movies; 0 is the list as generated); returns its changes."""
        changes = self.catalog.revise(revision)
        self.catalog.list_answer("vod")
        return changes

    def clear_faults(self) -> None:
        self._state().faults.clear()

    def stats(self) -> dict[str, Any]:
        """Requests per action, open streams, streams started/refused, faults fired."""
        state = self._state()
        snap = state.stats.snapshot()
        snap["processes"] = sum(1 for p in state.processes if p.returncode is None)
        return snap

    def reset_stats(self) -> None:
        self._state().stats.reset()

    def _state(self) -> DemoState:
        if self.state is None:
            raise RuntimeError("the demo provider is not started")
        return self.state

    def __repr__(self) -> str:
        where = self.url if self.state else "not started"
        return (f"DemoProvider({where}, live={self.live}, vod={self.vod}, series={self.series}, "
                f"personality={self.personality.name!r})")


def _bind(port: int) -> socket.socket:
    """A listening-ready socket on 127.0.0.1:``port`` (0: a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"The demo provider cannot listen on 127.0.0.1:{port}: "
                          f"{exc.strerror or exc}. Choose another port.") from exc
    return sock

