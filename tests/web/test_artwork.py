"""The artwork cache over real sockets: the real app on a free port, a real image host beside it.

A picture is fetched on first view and then served from the cache; past the size cap the least
recently shown one goes; a dead or slow host answers a placeholder with the item's initials at
once; hostile pictures (absurd dimensions, an SVG with a script, a page, a body too big) are
refused and never stored; addresses the cache never fetches from (a file, a metadata address,
the app's own port, a redirect to one) are refused before any connection.
"""

from __future__ import annotations

import dataclasses
import io
import random
import re
import socket
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from lxml import etree
from PIL import Image

from tests.plugins.waiting import wait_until
from xtplay.accounts import profiles
from xtplay.config import Artwork
from xtplay.errors import NotAnImage, ProviderUnreachable, UnsafeUpstream
from xtplay.library import thumbnails

#: The test's cache limits: a miss waits long enough for any local answer, so what a first view
#: gets is decided by the host, not by the machine's load (the slow-host test sets a short wait).
LIMITS = Artwork(wait=15.0, failure_secs=600.0)


def noise_png(seed: int, size: tuple[int, int] = (320, 180)) -> bytes:
    """A PNG of random pixels (each seed its own picture; noise keeps WebP sizes honest)."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` pixels, with a tiny body."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 4096)) + chunk(b"IEND", b""))


SVG_WITH_SCRIPT = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                   b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>')
HTML_PAGE = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>challenge</body></html>"


class ImageHost:
    """A real HTTP image host on a free loopback port: named pictures, a slow one held until
    :attr:`release` is set, a redirect, and a count of the requests per path."""

    def __init__(self) -> None:
        self.pictures: dict[str, tuple[str, bytes]] = {}
        self.redirects: dict[str, str] = {}
        self.hits: Counter[str] = Counter()
        self.release = threading.Event()
        self.oversize = 6 * 1024 * 1024
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                host.hits[self.path] += 1
                try:
                    host.answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the cache stopped reading, as it should past its byte cap

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        if path in self.redirects:
            handler.send_response(302)
            handler.send_header("Location", self.redirects[path])
            handler.end_headers()
            return
        if path == "/slow.png":
            self.release.wait(20)
            body, kind = noise_png(99), "image/png"
        elif path == "/oversize-unannounced.png":  # no Content-Length: only reading tells
            handler.send_response(200)
            handler.send_header("Content-Type", "image/png")
            handler.end_headers()
            handler.wfile.write(png_header(100, 100))
            block = b"\0" * 65536
            for _ in range(self.oversize // len(block) + 1):
                handler.wfile.write(block)
            return
        elif path == "/oversize-announced.png":
            handler.send_response(200)
            handler.send_header("Content-Type", "image/png")
            handler.send_header("Content-Length", str(self.oversize))
            handler.end_headers()
            handler.wfile.write(b"\0" * 1024)
            return
        elif path in self.pictures:
            kind, body = self.pictures[path]
        else:
            handler.send_error(404)
            return
        handler.send_response(200)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class DeadHost:
    """A port that accepts a connection and closes it at once, counting the connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def image_host() -> Iterator[ImageHost]:
    host = ImageHost()
    yield host
    host.close()


@pytest.fixture
def dead_host() -> Iterator[DeadHost]:
    host = DeadHost()
    yield host
    host.close()


@dataclasses.dataclass
class ArtApp:
    live: Any
    factory: Any
    profile: Any
    client: httpx.Client

    def art(self, type: str, provider_id: int, picture: str = "logo", v: str = "") -> httpx.Response:
        return self.client.get(f"/art/{type}/{provider_id}/{picture}", params={"v": v} if v else None)

    @property
    def cache(self) -> Any:
        return self.live.app.state.artwork


def start_art_app(catalog_profile: Any, catalog_factory: Any, start_app: Any, limits: Artwork = LIMITS) -> ArtApp:
    settings, conn, _, profile = catalog_profile
    profiles.use_profile(conn, profile.id)
    live = start_app(dataclasses.replace(settings, artwork=limits))
    return ArtApp(live, catalog_factory, profile, httpx.Client(base_url=live.url, timeout=30))


@pytest.fixture
def art_app(catalog_profile, catalog_factory, start_app, _vault_uses_key_file) -> Iterator[ArtApp]:
    app = start_art_app(catalog_profile, catalog_factory, start_app)
    yield app
    app.client.close()


def channels(app: ArtApp, logos: dict[str, str | None]) -> dict[str, int]:
    """Put channels (name → logo URL) in the library; their provider ids by name."""
    app.factory.category("live", "1", "News")
    ids = {name: app.factory.add("live", name, category_id="1", icon=logo or "") for name, logo in logos.items()}
    app.factory.save(("live",))
    return ids


def webp(response: httpx.Response) -> Image.Image:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/webp"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "WEBP"
    return image


def placeholder_of(response: httpx.Response, name: str) -> etree._Element:
    """The answer is our own placeholder drawing with the item's initials (not a black box)."""
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml", response.text
    svg = etree.fromstring(response.content, etree.XMLParser(resolve_entities=False, no_network=True))
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert not svg.xpath("//s:script", namespaces=ns) and not svg.xpath("//*[@*[starts-with(name(), 'on')]]")
    from xtplay.web.views import initials

    assert svg.xpath("string(//s:text)", namespaces=ns) == initials(name)
    return svg


def stored_files(app: ArtApp) -> list[Any]:
    return sorted(app.live.settings.artwork_dir.rglob("*.webp"))


# --- hit and miss -------------------------------------------------------------------------------


def test_a_logo_is_fetched_on_first_view_resized_and_then_served_from_the_cache(art_app, image_host):
    image_host.pictures["/alpha.png"] = ("image/png", noise_png(1, (640, 360)))
    ids = channels(art_app, {"Alpha News": f"{image_host.url}/alpha.png"})
    assert image_host.hits["/alpha.png"] == 0, "nothing is fetched before a page shows it"

    first = webp(art_app.art("live", ids["Alpha News"]))
    assert first.size == (128, 72)  # the logo box, the aspect ratio kept
    assert image_host.hits["/alpha.png"] == 1 and len(stored_files(art_app)) == 1

    again = art_app.art("live", ids["Alpha News"])
    assert webp(again).size == (128, 72) and again.content == art_app.art("live", ids["Alpha News"]).content
    assert image_host.hits["/alpha.png"] == 1, "a hit does not ask the image host again"

    poster = webp(art_app.art("live", ids["Alpha News"], "poster"))
    assert poster.size == (342, 192) and image_host.hits["/alpha.png"] == 2  # another size, another file
    assert len(stored_files(art_app)) == 2


def test_the_page_links_the_cache_and_a_matching_version_is_kept_for_a_year(art_app, image_host):
    image_host.pictures["/alpha.png"] = ("image/png", noise_png(1))
    ids = channels(art_app, {"Alpha News": f"{image_host.url}/alpha.png", "No Logo": None})
    page = art_app.client.get("/live")
    assert page.status_code == 200 and image_host.url not in page.text, "the provider's address stays on the server"
    srcs = re.findall(r'<img src="([^"]+)"', page.text)
    assert len(srcs) == 1 and srcs[0].startswith(f"/art/live/{ids['Alpha News']}/logo?v=")
    linked = art_app.client.get(srcs[0].replace("&amp;", "&"))
    webp(linked)
    assert linked.headers["cache-control"] == "private, max-age=31536000, immutable"
    stale = art_app.art("live", ids["Alpha News"], v="an-old-version")
    assert webp(stale) and stale.headers["cache-control"] == "private, no-cache"
    assert art_app.art("live", 999999).status_code == 404
    assert art_app.art("live", ids["Alpha News"], "nonsense").status_code == 404


def test_the_cache_survives_the_provider_going_away(catalog_profile, catalog_factory, start_app, _vault_uses_key_file):
    host = ImageHost()
    host.pictures["/alpha.png"] = ("image/png", noise_png(1))
    app = start_art_app(catalog_profile, catalog_factory, start_app)
    try:
        ids = channels(app, {"Alpha News": f"{host.url}/alpha.png"})
        before = webp(app.art("live", ids["Alpha News"])).tobytes()
    finally:
        host.close()
    app.live.stop()  # a new app on the same home, the image host gone: the disk copy answers
    again = start_art_app(catalog_profile, catalog_factory, start_app)
    try:
        assert webp(again.art("live", ids["Alpha News"])).tobytes() == before
    finally:
        again.client.close()
        app.client.close()


# --- eviction ------------------------------------------------------------------------------------


def test_past_the_cap_the_least_recently_shown_picture_goes(catalog_profile, catalog_factory, start_app,
                                                           image_host, _vault_uses_key_file):
    sources = {name: noise_png(seed) for seed, name in enumerate(("Alpha", "Beta", "Gamma"), start=10)}
    sizes = {name: len(thumbnails.shrink(data, thumbnails.BOXES["logo"], LIMITS.image_pixels, "x"))
             for name, data in sources.items()}
    cap = sum(sizes.values()) - 1  # all three never fit; any two do
    app = start_art_app(catalog_profile, catalog_factory, start_app, dataclasses.replace(LIMITS, cache_bytes=cap))
    try:
        for name, data in sources.items():
            image_host.pictures[f"/{name}.png"] = ("image/png", data)
        ids = channels(app, {name: f"{image_host.url}/{name}.png" for name in sources})
        webp(app.art("live", ids["Alpha"]))
        webp(app.art("live", ids["Beta"]))
        webp(app.art("live", ids["Alpha"]))  # Alpha shown again: Beta is now the least recent
        webp(app.art("live", ids["Gamma"]))  # over the cap: Beta goes
        assert len(stored_files(app)) == 2 and sum(p.stat().st_size for p in stored_files(app)) <= cap

        webp(app.art("live", ids["Alpha"]))
        webp(app.art("live", ids["Gamma"]))
        assert image_host.hits["/Alpha.png"] == 1 and image_host.hits["/Gamma.png"] == 1
        webp(app.art("live", ids["Beta"]))
        assert image_host.hits["/Beta.png"] == 2, "the evicted picture is fetched again"
    finally:
        app.client.close()


# --- dead and slow hosts -------------------------------------------------------------------------


def test_a_dead_host_gets_a_placeholder_and_is_not_asked_again_for_a_while(art_app, dead_host, image_host):
    image_host.pictures["/fine.png"] = ("image/png", noise_png(5))
    ids = channels(art_app, {"Alpha News": f"{dead_host.url}/a.png", "Beta Sport": f"{dead_host.url}/b.png",
                             "Fine Channel": f"{image_host.url}/fine.png"})
    first = art_app.art("live", ids["Alpha News"])
    placeholder_of(first, "Alpha News")
    assert "no-store" not in first.headers["cache-control"]
    assert dead_host.connections == 1
    assert isinstance(art_app.cache.failure(art_app.profile.id, f"{dead_host.url}/a.png", "logo"), ProviderUnreachable)

    placeholder_of(art_app.art("live", ids["Alpha News"]), "Alpha News")
    placeholder_of(art_app.art("live", ids["Beta Sport"]), "Beta Sport")  # the same host: known dead
    assert dead_host.connections == 1, "a dead host is tried once, not on every page"
    assert stored_files(art_app) == []
    webp(art_app.art("live", ids["Fine Channel"]))  # another port of the same machine is not taken for dead


def test_a_slow_host_never_holds_the_answer_and_the_next_view_has_the_picture(catalog_profile, catalog_factory, start_app,
                                                                             image_host, _vault_uses_key_file):
    art_app = start_art_app(catalog_profile, catalog_factory, start_app, dataclasses.replace(LIMITS, wait=0.5))
    image_host.pictures["/quick.png"] = ("image/png", noise_png(2))
    ids = channels(art_app, {"Slow One": f"{image_host.url}/slow.png", "Quick One": f"{image_host.url}/quick.png"})
    pending = art_app.art("live", ids["Slow One"])
    placeholder_of(pending, "Slow One")
    assert pending.headers["cache-control"] == "no-store", "the next view must ask again"
    assert not image_host.release.is_set() and image_host.hits["/slow.png"] == 1  # answered while the host holds
    assert art_app.client.get("/live").status_code == 200  # pages are not held up meanwhile
    wait_until(lambda: art_app.art("live", ids["Quick One"]).headers["content-type"] == "image/webp", 10,
               "another picture of the host, while the slow one is held")
    assert not image_host.release.is_set()

    image_host.release.set()
    got = wait_until(lambda: (r := art_app.art("live", ids["Slow One"])).headers["content-type"] == "image/webp" and r,
                     10, "the slow picture to arrive in the cache")
    webp(got)
    assert image_host.hits["/slow.png"] == 1, "the download begun by the first view is the one kept"
    art_app.client.close()


# --- hostile pictures ----------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "kind", "body", "why"), [
    ("/bomb.png", "image/png", png_header(100_000, 100_000), "absurd"),
    ("/large.png", "image/png", png_header(6000, 6000), "far too large"),
    ("/script.svg", "image/svg+xml", SVG_WITH_SCRIPT, "an SVG drawing"),
    ("/drawing.png", "image/png", SVG_WITH_SCRIPT, "an SVG drawing"),
    ("/page.png", "image/png", HTML_PAGE, "a web page"),
    ("/cut.png", "image/png", noise_png(3)[:600], "damaged"),
    ("/oversize-unannounced.png", "", b"", "larger than 5 MB"),
    ("/oversize-announced.png", "", b"", "larger than 5 MB"),
], ids=["bomb", "large", "svg", "svg-named-png", "html", "truncated", "oversize-unannounced", "oversize-announced"])
def test_a_hostile_picture_is_refused_harmlessly(art_app, image_host, path, kind, body, why):
    if body:
        image_host.pictures[path] = (kind, body)
    image_host.pictures["/fine.png"] = ("image/png", noise_png(4))
    ids = channels(art_app, {"Hostile Channel": f"{image_host.url}{path}", "Fine Channel": f"{image_host.url}/fine.png"})
    placeholder_of(art_app.art("live", ids["Hostile Channel"]), "Hostile Channel")
    failure = art_app.cache.failure(art_app.profile.id, f"{image_host.url}{path}", "logo")
    assert isinstance(failure, NotAnImage) and why in str(failure)
    assert stored_files(art_app) == [], "nothing of a hostile picture is kept"
    placeholder_of(art_app.art("live", ids["Hostile Channel"]), "Hostile Channel")
    assert image_host.hits[path] == 1, "a refused picture is not fetched again on the next view"
    webp(art_app.art("live", ids["Fine Channel"]))  # the host's other pictures still work


def test_the_placeholder_of_a_hostile_name_is_plain_initials(art_app):
    name = '<img src=x onerror=alert(1)>"]]></text><script>alert(2)</script>'
    ids = channels(art_app, {name: "http://127.0.0.1:9/none.png"})
    svg = placeholder_of(art_app.art("live", ids[name]), name)
    assert b"<script" not in etree.tostring(svg) and b"<img" not in etree.tostring(svg)


# --- addresses never fetched ---------------------------------------------------------------------


def test_addresses_the_cache_never_fetches_are_refused_before_any_connection(art_app, image_host):
    app_port = int(art_app.live.url.rsplit(":", 1)[1])
    image_host.redirects["/to-metadata.png"] = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
    image_host.redirects["/to-app.png"] = f"http://127.0.0.1:{app_port}/healthz"
    refused = {
        "File Channel": "file:///etc/passwd",
        "Metadata Channel": "http://169.254.169.254/latest/meta-data/",
        "Metadata Name": "http://metadata.google.internal/computeMetadata/v1/",
        "App Channel": f"http://127.0.0.1:{app_port}/healthz",
        "App By Name": f"http://localhost:{app_port}/healthz",
        "Redirect To Metadata": f"{image_host.url}/to-metadata.png",
        "Redirect To App": f"{image_host.url}/to-app.png",
    }
    ids = channels(art_app, refused)
    for name, url in refused.items():
        placeholder_of(art_app.art("live", ids[name]), name)
        assert isinstance(art_app.cache.failure(art_app.profile.id, url, "logo"), UnsafeUpstream), name
    assert image_host.hits["/to-metadata.png"] == 1 and image_host.hits["/to-app.png"] == 1
    assert stored_files(art_app) == []


# --- the setting ---------------------------------------------------------------------------------


def test_the_cache_size_is_set_in_megabytes_from_the_environment(home, monkeypatch):
    from xtplay.config import ARTWORK_CACHE_ENV, load_settings
    from xtplay.errors import ConfigError

    assert load_settings(home).artwork.cache_bytes == 200 * 1024 * 1024
    monkeypatch.setenv(ARTWORK_CACHE_ENV, "50")
    assert load_settings(home).artwork.cache_bytes == 50 * 1024 * 1024
    for wrong in ("lots", "0"):
        monkeypatch.setenv(ARTWORK_CACHE_ENV, wrong)
        with pytest.raises(ConfigError, match=ARTWORK_CACHE_ENV):
            load_settings(home)


def test_deleting_a_profile_deletes_its_pictures_and_keeps_the_others(art_app, image_host):
    """A deleted profile leaves nothing behind: its cached pictures go with it (from the disk and
    from what the cache counts); another profile's folder stays."""
    import re

    image_host.pictures["/alpha.png"] = ("image/png", noise_png(1))
    ids = channels(art_app, {"Alpha News": f"{image_host.url}/alpha.png"})
    webp(art_app.art("live", ids["Alpha News"]))
    [mine] = stored_files(art_app)
    assert mine.parent.name == f"profile-{art_app.profile.id}"
    other = art_app.live.settings.artwork_dir / "profile-999" / "999-0.webp"
    other.parent.mkdir()
    other.write_bytes(b"another profile's picture")
    token = re.search(r'name="csrf-token" content="([^"]+)"', art_app.client.get("/settings").text)
    assert token, "the page carries no CSRF token"
    answer = art_app.client.post(f"/profiles/{art_app.profile.id}/delete",
                                 data={"confirm": "yes", "csrf_token": token[1]})
    assert answer.status_code in (200, 303), answer.text
    assert stored_files(art_app) == [other]
    assert art_app.cache.total_bytes == 0
