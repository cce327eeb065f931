"""``xtplay serve`` with tracemalloc on, for the household load's memory question only.

``python bench/_serve_traced.py DIR FRAMES <xtplay arguments…>``: each SIGUSR1 writes a
snapshot of every live Python allocation (with ``FRAMES`` frames of where it was made) to
``DIR/<n>.snap``, and the Python heap's size beside the process's RSS to ``DIR/<n>.txt``;
the benchmark compares the snapshot taken once warm with the last one. Memory that SQLite
or other C code takes from malloc is not traced: RSS growing while the traced heap stays
flat points there.
"""

from __future__ import annotations

import signal
import sys
import tracemalloc
from pathlib import Path


def main(argv: list[str]) -> int:
    out, frames, rest = Path(argv[0]), int(argv[1]), argv[2:]
    tracemalloc.start(frames)
    taken = 0

    def snapshot(signum: int, frame: object) -> None:
        nonlocal taken
        taken += 1
        tracemalloc.take_snapshot().dump(str(out / f"{taken}.snap"))
        current, peak = tracemalloc.get_traced_memory()
        rss = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmRSS:"))
        (out / f"{taken}.txt").write_text(f"traced {current} peak {peak} {rss}\n")

    signal.signal(signal.SIGUSR1, snapshot)
    from xtplay.cli import main as xtplay_main

    return xtplay_main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
