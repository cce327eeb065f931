"""Zap time: from pressing Enter on a channel in the Live TV list to the player's ``<video>``
firing ``playing``, in headless Chromium against the demo provider, for live HLS and live TS.
Reports the median (target ≤ 1.0 s) and every run."""

from __future__ import annotations

import statistics

try:
    from ._playback_setup import playback_stack
except ImportError:  # run as a script
    from _playback_setup import playback_stack

RUNS = 9
CHANNELS = [1, 2, 4, 5, 6, 7, 8, 9, 10]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--autoplay-policy=no-user-gesture-required"]
INIT = """(() => {
  try { localStorage.setItem('xtplay.liveFormat', '%s'); } catch (e) {}
  document.addEventListener('playing', () => { if (!window.__playingAt) window.__playingAt = Date.now(); }, true);
})();"""


def _zap_times(url: str, fmt: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.add_init_script(INIT % fmt)
            for n in CHANNELS[:RUNS]:
                page.goto(f"{url}/live")
                link = page.locator(f'a[data-channel-id="{n}"]').first
                link.focus()
                started = page.evaluate("Date.now()")
                page.keyboard.press("Enter")
                page.wait_for_url(f"**/watch/live/{n}*")
                page.wait_for_function("() => window.__playingAt", timeout=20_000)
                times.append((page.evaluate("window.__playingAt") - started) / 1000)
            page.goto("about:blank")
        finally:
            browser.close()
    return times


def run() -> dict:
    with playback_stack(max_connections=20) as (url, _pid, _profile_id, _demo):
        result = {fmt: _zap_times(url, fmt) for fmt in ("hls", "ts")}
    out = {f"{fmt}_median_s": round(statistics.median(ts), 3) for fmt, ts in result.items()}
    out.update({f"{fmt}_runs_s": [round(t, 3) for t in ts] for fmt, ts in result.items()})
    out["markdown"] = (
        "### Zap time (Enter on a channel → `playing`)\n\n"
        f"Headless Chromium, demo provider, {RUNS} channels each, page navigation included:\n\n"
        "| format | median | runs |\n|---|---|---|\n"
        + "".join(f"| live {fmt.upper()} | {out[f'{fmt}_median_s']} s | {', '.join(str(t) for t in out[f'{fmt}_runs_s'])} |\n"
                  for fmt in result))
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
