"""Artwork in the real Chromium: every picture a page shows comes from xtplay's own origin (the
artwork cache, under the narrowed image policy), resized from the demo provider's PNGs, and
the browser never asks the provider for one."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

#: Each shown image: where it came from and its decoded size.
SHOWN = """imgs => imgs.filter(img => img.complete)
    .map(img => ({src: img.currentSrc, width: img.naturalWidth, height: img.naturalHeight}))"""


def watch_requests(page: Any) -> tuple[list[str], list[str], dict[str, str]]:
    """The URLs of the image requests the page makes, the policy refusals it logs, and the
    content type each answered image had."""
    images: list[str] = []
    refused: list[str] = []
    types: dict[str, str] = {}
    page.on("request", lambda r: images.append(r.url) if r.resource_type == "image" else None)
    page.on("response", lambda r: types.__setitem__(r.url, r.headers.get("content-type", ""))
            if r.request.resource_type == "image" else None)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    return images, refused, types


VISIBLE_LOADED = """() => { const shown = Array.from(document.querySelectorAll('.channel-row .logo-box img'))
    .filter(img => img.getBoundingClientRect().top < innerHeight);
    return shown.length > 0 && shown.every(img => img.complete && img.naturalWidth > 0); }"""


def shown_logos(page: Any) -> list[dict[str, Any]]:
    page.wait_for_selector(".channel-row .logo-box img")
    page.wait_for_function(VISIBLE_LOADED)
    return [s for s in page.eval_on_selector_all(".channel-row .logo-box img", SHOWN) if s["width"]]


def test_a_live_list_shows_logos_from_the_artwork_cache(live_app, demo, browser_page):
    page = browser_page
    images, refused, types = watch_requests(page)
    page.goto(f"{live_app.url}/live")
    first = shown_logos(page)
    assert len(first) >= 5
    for logo in first:  # the first view: the cached picture, or our placeholder while it downloads
        assert logo["src"].startswith(f"{live_app.url}/art/live/"), logo
        assert types.get(logo["src"]) in ("image/webp", "image/svg+xml"), logo
    for _ in range(20):  # a later view has them all (each download went on behind the placeholder)
        if all(types.get(logo["src"]) == "image/webp" for logo in shown_logos(page)):
            break
        page.wait_for_timeout(250)
        page.reload()
    for logo in shown_logos(page):
        assert types.get(logo["src"]) == "image/webp", "the cached picture, not a placeholder"
        assert (logo["width"], logo["height"]) == (128, 72), f"the demo's 160×90 logo, resized: {logo}"
    assert images and all(url.startswith(live_app.url) for url in images), "no image is asked of the provider"
    assert not any(demo.url in url for url in images)
    assert refused == [] and page.js_errors == []


def test_a_movie_page_shows_its_poster_and_backdrop_from_the_cache(live_app, demo, browser_page):
    page = browser_page
    images, refused, types = watch_requests(page)
    page.goto(f"{live_app.url}/movies")
    page.wait_for_function("() => document.activeElement.closest('.poster-card') !== null")
    page.keyboard.press("Enter")
    for _ in range(20):  # the first view may show placeholders while the pictures download
        page.wait_for_selector(".item-hero[aria-busy=false] img.backdrop")
        page.wait_for_function("""() => ['.item-hero img.poster', '.item-hero img.backdrop'].every(sel => {
            const img = document.querySelector(sel); return img && img.complete && img.naturalWidth > 0; })""")
        poster = page.eval_on_selector_all(".item-hero img.poster", SHOWN)[0]
        backdrop = page.eval_on_selector_all(".item-hero img.backdrop", SHOWN)[0]
        if types.get(poster["src"]) == types.get(backdrop["src"]) == "image/webp":
            break
        page.wait_for_timeout(250)
        page.reload()
    assert poster["src"].startswith(f"{live_app.url}/art/movie/") and "/cover?" in poster["src"]
    assert (poster["width"], poster["height"]) == (200, 300), "the demo's 200×300 poster, never enlarged"
    assert backdrop["src"].startswith(f"{live_app.url}/art/movie/") and "/backdrop?" in backdrop["src"]
    assert (backdrop["width"], backdrop["height"]) == (640, 360), "smaller than its box: kept, never enlarged"
    assert types.get(poster["src"]) == types.get(backdrop["src"]) == "image/webp", "cached pictures, not placeholders"
    assert all(url.startswith(live_app.url) for url in images) and refused == []
