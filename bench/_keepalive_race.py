"""The household load's broken connections, reduced to their cause: a client reusing a kept-alive
connection at the moment the server's keep-alive timeout closes it.

``python bench/_keepalive_race.py``: a uvicorn server (keep-alive ``APP_KEEP_ALIVE`` s) whose
event loop is kept busy by 20 tasks that each hold it 5 ms per turn, as a loaded app's is; 40
httpx clients each make a request, wait about as long as a keep-alive, and make another on the
same pool. Three settings: the clients' idle expiry equal to the server's (httpx's and uvicorn's
defaults, both 5 s), the clients' below it (what the benchmark now does), the server's above
theirs. A request that hits a connection the server is closing fails with ``ReadError``
(``ConnectionResetError``) on the reused connection: the server's timer fired after the
request had arrived but before the busy loop read it, and closing a socket with unread data
resets it. Browsers resend such a request by themselves; httpx does not. A fourth setting
makes the same requests with the stream proxy's own client (``playback.proxy.make_client``,
5 s idle expiry like httpx's default), which sends such a GET once more
(:mod:`xtplay.sources.resend`).
"""

from __future__ import annotations

import asyncio
import random
import socket
import subprocess
import sys
import time

import httpx

SECONDS = 40.0
CLIENTS = 40


def _server(port: int, keep_alive: int) -> None:
    import uvicorn

    async def busy() -> None:
        while True:
            time.sleep(0.005)  # the loop is held, as by a page rendered on it
            await asyncio.sleep(0)

    async def app(scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                for _ in range(20):
                    asyncio.get_running_loop().create_task(busy())
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    uvicorn.run(app, host="127.0.0.1", port=port, timeout_keep_alive=keep_alive, log_level="warning")


def _plain_client(expiry: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(limits=httpx.Limits(keepalive_expiry=expiry))


def _proxy_client(expiry: float) -> httpx.AsyncClient:
    from xtplay.playback.proxy import make_client

    return make_client()


async def _clients(port: int, expiry: float, idle: tuple[float, float], proxy: bool = False) -> dict[str, int]:
    out = {"reused ok": 0, "new ok": 0, "reused failed": 0, "new failed": 0, "reused, resent, ok": 0}
    stop = time.monotonic() + SECONDS
    url = f"http://127.0.0.1:{port}/"

    async def one(n: int) -> None:
        rng = random.Random(n)
        async with (_proxy_client if proxy else _plain_client)(expiry) as c:
            while time.monotonic() < stop:
                await c.get(url)
                await asyncio.sleep(rng.uniform(*idle))
                seen = {"new": False, "broke": False}

                async def trace(event: str, info: dict, seen: dict = seen) -> None:
                    if event == "connection.connect_tcp.complete" and not seen["broke"]:
                        seen["new"] = True
                    elif event.startswith("http11.") and event.endswith(".failed"):
                        seen["broke"] = True  # on the first connection; a resend may follow

                try:
                    await c.get(url, extensions={"trace": trace})
                    out["reused, resent, ok" if seen["broke"] else f"{'new' if seen['new'] else 'reused'} ok"] += 1
                except httpx.HTTPError:
                    out[f"{'new' if seen['new'] else 'reused'} failed"] += 1

    await asyncio.gather(*(one(n) for n in range(CLIENTS)))
    return out


def measure(app_keep_alive: int, client_expiry: float, proxy: bool = False) -> dict[str, int]:
    """Requests after an idle pause about as long as the nearer of the two timeouts (``proxy``:
    made by the stream proxy's client, which may resend a request that broke on a reused one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, __file__, "serve", str(port), str(app_keep_alive)])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        near = min(app_keep_alive, client_expiry)
        return asyncio.run(_clients(port, client_expiry, (near - 0.2, near + 0.2), proxy))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        _server(int(sys.argv[2]), int(sys.argv[3]))
    else:
        for app_keep_alive, client_expiry, proxy in ((5, 5.0, False), (5, 2.0, False), (30, 5.0, False), (5, 5.0, True)):
            whose = " (the stream proxy's client)" if proxy else ""
            print(f"app keep-alive {app_keep_alive} s, clients' idle expiry {client_expiry} s{whose}:",
                  measure(app_keep_alive, client_expiry, proxy), flush=True)
