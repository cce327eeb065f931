"""Injected faults and request statistics of the demo provider.

Tests switch a fault on (``set_fault``), the server consults :meth:`Faults.match` on every
request, and :class:`Stats` counts what the provider saw so tests can prove that a client
retried. Both are shared between the test's thread and the server's event loop, hence a lock.

A fault switched on ``midstream`` also strikes the answers already flowing on its paths
(:meth:`Faults.strike`): a playing stream is cut off, or stalls while a hang is on, and
what the player asks next meets the fault as usual.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

KINDS = frozenset({"timeout", "reset", "http500", "http403", "html", "malformed", "expired", "banned",
                   "disabled", "too_many_connections", "slow", "wrong_password", "redirect", "cutoff"})
#: Faults that change the account rather than one answer.
ACCOUNT_KINDS = {"expired": "Expired", "banned": "Banned", "disabled": "Disabled"}
#: Paths that deliver a stream (connection-limited, affected by ``too_many_connections``).
STREAM_ACTIONS = frozenset({"live", "movie", "series", "timeshift"})


@dataclass(slots=True)
class Fault:
    """One injected fault: which requests it hits, how often, for ``slow``/``timeout`` how long,
    and whether it also strikes the answers already flowing (``midstream``)."""

    kind: str
    paths: tuple[str, ...] | None = None
    count: int | None = None
    seconds: float | None = None
    midstream: bool = False

    def applies(self, path: str, action: str) -> bool:
        if self.kind in ("too_many_connections", "redirect") and action not in STREAM_ACTIONS:
            return False
        if self.paths is None:
            return True
        return any(path.startswith(p) or p == action for p in self.paths)


class Faults:
    """The active faults, first match wins (``slow`` adds its delay and lets others apply)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, kind: str, *, paths: list[str] | tuple[str, ...] | None = None, count: int | None = None,
            seconds: float | None = None, midstream: bool = False) -> None:
        """Switch a fault on. ``paths``: path prefixes (``/player_api.php``, ``/live/``) or action
        names (``get_vod_streams``, ``login``, ``live``); ``count``: how many requests it hits;
        ``midstream``: answers already flowing on those paths are struck too."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(sorted(KINDS))}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._faults.append(Fault(kind, tuple(paths) if paths else None, count, seconds, midstream))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def match(self, path: str, action: str) -> list[Fault]:
        """The faults hitting this request (each use consumes one of its ``count``)."""
        hit: list[Fault] = []
        with self._lock:
            for fault in list(self._faults):
                if fault.kind in ACCOUNT_KINDS or not fault.applies(path, action):
                    continue
                if fault.kind != "slow" and any(f.kind != "slow" for f in hit):
                    continue
                hit.append(fault)
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
        return hit

    def strike(self, path: str, action: str) -> str | None:
        """What a ``midstream`` fault does to an answer already flowing on ``path``: ``"stall"``
        (a hang: no more bytes while it is on), ``"cut"`` (the connection closes), or None."""
        with self._lock:
            for fault in self._faults:
                if not fault.midstream or fault.kind == "slow" or not fault.applies(path, action):
                    continue
                return "stall" if fault.kind == "timeout" else "cut"
        return None

    def account_status(self) -> str | None:
        """``Expired``/``Banned``/``Disabled`` while such a fault is on (lasts until cleared)."""
        with self._lock:
            for fault in self._faults:
                if fault.kind in ACCOUNT_KINDS:
                    return ACCOUNT_KINDS[fault.kind]
        return None

    def active(self) -> list[dict[str, object]]:
        with self._lock:
            return [{"kind": f.kind, "paths": list(f.paths) if f.paths else None, "count": f.count,
                     "midstream": f.midstream} for f in self._faults]


@dataclass(slots=True)
class Stats:
    """What the provider saw: requests per action, streams open now and in total."""

    requests: Counter[str] = field(default_factory=Counter)
    faults_fired: Counter[str] = field(default_factory=Counter)
    open_streams: int = 0
    streams_started: int = 0
    refused_streams: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, action: str) -> None:
        with self.lock:
            self.requests[action] += 1

    def snapshot(self) -> dict[str, object]:
        with self.lock:
            return {"requests": dict(self.requests), "total_requests": sum(self.requests.values()),
                    "faults_fired": dict(self.faults_fired), "open_streams": self.open_streams,
                    "streams_started": self.streams_started, "refused_streams": self.refused_streams}

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.faults_fired.clear()
            self.streams_started = self.refused_streams = 0
