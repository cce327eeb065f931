"""Run in bench/.venv-pyxtream: time pyxtream's ``load_iptv()`` against a provider, with an
empty cache directory so everything comes from the provider. Prints JSON."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time


def main(url: str, username: str, password: str, cache: str) -> dict:
    from pyxtream import XTream

    sink = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(sink):
        xt = XTream("bench", username, password, url, cache_path=cache, reload_time_sec=-1)
        ok = xt.load_iptv() if xt.state.get("authenticated") else False
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "loaded": bool(ok), "channels": len(xt.channels), "movies": len(xt.movies),
            "series": len(xt.series)}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5])))
