"""A broken channel logo in real Chromium, under the app's Content-Security-Policy: its error
handler runs (allowed by hash), the image goes, and the channel's initials are what is seen."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_a_broken_logo_leaves_the_initials_readable(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app.url}/live")
    page.wait_for_selector(".channel-row .logo-box")
    page.evaluate("() => { const img = document.querySelector('.channel-row .logo-box img');"
                  " img.loading = 'eager'; img.src = '/static/no-such-logo.png'; }")
    page.wait_for_function("() => !document.querySelector('.channel-row .logo-box img[src=\"/static/no-such-logo.png\"]')")
    box = page.evaluate("""() => {
        const mark = document.querySelector('.channel-row .logo-box .logo-initials');
        const r = mark.getBoundingClientRect(), style = getComputedStyle(mark);
        return {text: mark.textContent, width: r.width, height: r.height, visible: style.visibility,
                covered: !!mark.parentElement.querySelector('img')};
    }""")
    assert box["text"] and box["text"] != "·" and box["width"] > 0 and box["height"] > 0
    assert box["visible"] == "visible" and not box["covered"]
