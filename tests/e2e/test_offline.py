"""The offline banner in real Chromium: one banner, shown within the health-check period of
the provider going silent (no play needed), gone within it once the provider answers again."""

from __future__ import annotations

import pytest

from tests.plugins.web import add_demo_profile

pytestmark = pytest.mark.e2e


def test_one_banner_follows_the_provider_down_and_back(settings, demo, start_app, browser_page,
                                                        _vault_uses_key_file):
    add_demo_profile(settings, demo)
    app = start_app(settings, demo)
    app.app.state.health_seconds = 1.0  # the check period (10 s by default), short for the test
    page = browser_page
    page.goto(f"{app.url}/live")
    page.wait_for_selector(".channel-row")
    assert page.locator("#offline-banner").count() == 1 and not page.is_visible("#offline-banner")
    demo.set_fault("reset")  # every request of the provider now breaks off
    try:
        page.wait_for_selector("#offline-banner", state="visible", timeout=15_000)
        text = page.text_content("#offline-banner") or ""
        assert "Offline" in text and "Showing data from" in text
        assert "Error" not in text and "Exception" not in text  # words, not class names
        page.keyboard.press("ArrowDown")  # the cached pages stay usable meanwhile
        page.goto(f"{app.url}/movies")
        page.wait_for_selector(".poster-card")
        page.wait_for_selector("#offline-banner", state="visible", timeout=15_000)
        assert page.locator(".banner-offline").count() == 1  # never a second banner
    finally:
        demo.clear_faults()
    page.wait_for_selector("#offline-banner", state="hidden", timeout=15_000)
    assert page.locator("#offline-banner").count() == 1
