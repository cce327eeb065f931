"""Installable: favicon and a valid web app manifest with real icons, reachable without login."""

from __future__ import annotations

import struct

import httpx

from tests.plugins.web import add_demo_profile


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifest_icons_and_favicon_without_login(settings, demo, start_app, _vault_uses_key_file):
    add_demo_profile(settings, demo, sync=False)
    app = start_app(settings, demo, require_login=True)
    with httpx.Client(base_url=app.url, timeout=10) as client:
        assert client.get("/settings", follow_redirects=False).status_code in (302, 303, 401)  # login needed…
        manifest = client.get("/manifest.webmanifest")  # …but not for these
        assert manifest.status_code == 200 and manifest.headers["content-type"].startswith("application/manifest+json")
        data = manifest.json()
        assert data["name"] and data["start_url"] == "/" and data["display"] == "standalone"
        assert data["theme_color"].startswith("#") and data["background_color"].startswith("#")
        sizes = set()
        for icon in data["icons"]:
            got = client.get(icon["src"])
            assert got.status_code == 200, icon
            if icon["type"] == "image/png":
                w, h = _png_size(got.content)
                assert f"{w}x{h}" == icon["sizes"]
                sizes.add(w)
        assert {192, 512} <= sizes
        favicon = client.get("/favicon.ico")
        assert favicon.status_code == 200 and favicon.content[:4] == b"\x00\x00\x01\x00"


def test_pages_link_the_manifest_icon_and_theme_colour(browse_client):
    page = browse_client.get("/movies").text
    for part in ('rel="manifest" href="/manifest.webmanifest"', 'rel="icon" href="/favicon.ico"',
                 'name="theme-color"'):
        assert part in page
