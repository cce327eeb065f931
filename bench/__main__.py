"""``python -m bench [NAME ...]``: run the benchmarks and record them in ``bench/README.md``.

Every module ``bench/<name>.py`` whose name does not start with ``_`` and that exposes
``run() -> dict`` is a benchmark (``catalog_*`` here; ``guide_*`` and ``playback_*`` belong to
their areas). Each result is printed, saved to ``bench/results/<name>.json``, and its
``markdown`` entry (when present) replaces that module's section of the README between
``<!-- bench:<name>:start -->`` and ``<!-- bench:<name>:end -->`` markers.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Scripts in bench/ that are run by benchmarks, not benchmarks themselves.
NOT_BENCHMARKS = {"floor_sync", "floor_playlist"}


def discover() -> list[str]:
    """Names of the benchmark modules, sorted."""
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)])
                  if not m.name.startswith("_") and m.name not in NOT_BENCHMARKS)


def update_readme(name: str, markdown: str) -> None:
    """Replace (or append) the module's marked section of bench/README.md."""
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    names = argv or discover()
    failed = 0
    (HERE / "results").mkdir(exist_ok=True)
    for name in names:
        print(f"== bench {name}", flush=True)
        started = time.time()
        try:
            result = importlib.import_module(f"bench.{name}").run()
        except Exception:
            traceback.print_exc()
            failed += 1
            continue
        result.setdefault("ran_at", time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(started)))
        markdown = result.pop("markdown", None)
        (HERE / "results" / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(result, indent=2), flush=True)
        if markdown:
            update_readme(name, markdown)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
