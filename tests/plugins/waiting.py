"""Waiting for something another thread or process does: one helper instead of a deadline loop
in every test, so each wait has a bound and a timeout says what never happened."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(predicate: Callable[[], T], timeout: float, what: str, *, every: float = 0.05) -> T:
    """Call ``predicate`` every ``every`` seconds until it returns something truthy, and return
    that; after ``timeout`` seconds fail with an AssertionError naming ``what`` was awaited."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() >= deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        time.sleep(every)
    return value


async def wait_until_async(predicate: Callable[[], T], timeout: float, what: str, *,
                           every: float = 0.05) -> T:
    """:func:`wait_until` for a test on the event loop: it sleeps with ``asyncio.sleep``, so the
    tasks it waits for keep running."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() >= deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        await asyncio.sleep(every)
    return value
