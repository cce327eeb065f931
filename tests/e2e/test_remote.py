"""A TV remote reaches everything: arrows, Enter and Back only (``page.keyboard``, no clicks),
in the real Chromium against the real app and demo provider."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.plugins.web import add_demo_profile, open_page, refresh_live_guide, serve_app
from xtplay.demo import DemoProvider

pytestmark = pytest.mark.e2e

#: Movies in the large library: the grid pages 48 at a time, the test walks to number 1,000.
BIG_VOD = 100_000


@pytest.fixture(scope="module")
def big_app(demo_media_dir, tmp_path_factory, _vault_uses_key_file) -> Iterator[Any]:
    """The app on a demo provider with a large movie catalog, synced."""
    from xtplay.config import load_settings

    with DemoProvider(live=40, vod=BIG_VOD, series=3, seed=3, media_dir=demo_media_dir) as provider:
        settings = load_settings(tmp_path_factory.mktemp("big-home"))
        add_demo_profile(settings, provider)
        app = serve_app(settings, provider)
        try:
            yield app
        finally:
            app.stop()


def focused(page: Any, expr: str = "el => el.outerHTML.slice(0, 120)") -> Any:
    return page.evaluate(f"({expr})(document.activeElement)")


def on_body(page: Any) -> bool:
    return page.evaluate("document.activeElement === document.body || document.activeElement === null")


INDEX = "(el => Array.prototype.indexOf.call(el.closest('ul').children, el.closest('li')))(document.activeElement)"


def settle(page: Any) -> None:
    """Wait until no "load more" request is in flight."""
    page.wait_for_function("() => !document.querySelector('.load-more.htmx-request')")


def test_movie_grid_reaches_movie_1000_by_keys_alone(big_app, browser_page):
    page = browser_page
    page.goto(f"{big_app.url}/movies")
    assert page.evaluate(INDEX) == 0, "focus starts on the grid's first movie"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(INDEX) == 1
    cols = page.evaluate("(() => { const c = document.querySelectorAll('.poster-card');"
                         " let n = 0; while (c[n].offsetTop === c[0].offsetTop) n++; return n; })()")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(INDEX) == 1 + cols
    page.keyboard.press("PageDown")
    assert page.evaluate(INDEX) >= 1 + 2 * cols, "PageDown moves at least a row"
    # ↓ on the last loaded row loads the next page and moves into it.
    page.keyboard.press("End")
    settle(page)
    for _ in range(60):  # End: the last loaded movie; ↓ from there loads the next page
        if page.evaluate(INDEX) >= 999:
            break
        loaded = page.locator(".poster-card").count()
        page.keyboard.press("ArrowDown")
        page.wait_for_function(f"() => document.querySelectorAll('.poster-card').length > {loaded}")
        settle(page)
        page.keyboard.press("End")
    while page.evaluate(INDEX) > 999:
        page.keyboard.press("ArrowUp")
    while page.evaluate(INDEX) < 999:
        page.keyboard.press("ArrowRight")
    assert page.evaluate(INDEX) == 999
    assert page.evaluate("document.activeElement.closest('.poster-card') !== null")
    # Enter on movie #1,000 and Back: the grid loads its pages again, focus on that movie.
    href = focused(page, "el => el.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/movies$"))
    page.wait_for_function(f"() => document.activeElement.getAttribute('href') === '{href}'", timeout=30_000)
    page.keyboard.press("Home")
    assert page.evaluate(INDEX) == 0
    # The 10-foot look at 1080p: a thick focus ring, text readable from the sofa.
    page.set_viewport_size({"width": 1920, "height": 1080})
    ring = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                         " return [parseFloat(s.outlineWidth), s.outlineStyle]; })()")
    assert ring[0] >= 4 and ring[1] == "solid"
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 20
    assert page.js_errors == []


#: Every control a person can use: what arrows must reach (the skip link is for Tab users).
#: A <details>'s summary is one: the guide's unmatched channels are behind one on Settings.
CONTROLS = """(() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  return Array.from(document.querySelectorAll(sel)).filter(el => {
    if (el.disabled || el.classList.contains('skip-link') || el.closest('[hidden], [inert]')) return false;
    const row = el.closest('[data-nav-list] > li');  // of a long list, its first rows stand for the rest
    if (row && Array.from(row.parentElement.children).indexOf(row) > 2) return false;
    const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0;
  });
})()"""


def reachable_by_arrows(page: Any) -> tuple[int, list[str]]:
    """Walk the page with the four arrows from where focus starts (breadth first; each step
    starts from a control reached before); the controls never reached, described."""
    page.evaluate(f"{CONTROLS}.forEach((el, i) => el.dataset.k = i)")
    total = page.evaluate(f"{CONTROLS}.length")
    start = page.evaluate("document.activeElement.dataset.k")
    assert start is not None, "focus starts on a control"
    seen, todo = {start}, [start]
    while todo:
        k = todo.pop()
        for key in ("ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight"):
            page.evaluate(f"document.querySelector('[data-k=\"{k}\"]').focus()")
            page.keyboard.press(key)
            got = page.evaluate("document.activeElement.dataset.k")
            if got is not None and got not in seen:
                seen.add(got)
                todo.append(got)
    missed = page.evaluate(f"{CONTROLS}.filter(el => !{sorted(seen)!r}.includes(el.dataset.k))"
                           ".map(el => el.outerHTML.slice(0, 100))")
    return total, missed


@pytest.mark.parametrize("path", ["/live", "/movies", "/search?q=demo", "/favorites", "/settings", "/profiles"])
def test_arrows_reach_every_control_of_the_page(live_app, browser_page, path):
    page = browser_page
    page.goto(f"{live_app.url}{path}")
    page.wait_for_load_state("networkidle")
    assert not on_body(page), "a page opens with focus on a control"
    total, missed = reachable_by_arrows(page)
    assert total > 5
    assert missed == []


def test_arrows_reach_the_guide_settings_once_a_guide_is_stored(demo_media_dir, tmp_path, browser, request,
                                                                 _vault_uses_key_file):
    """With a guide stored, Settings lists the channels it does not cover behind a summary,
    and the controls after it (refresh, another XMLTV address) are reached through it. An app
    of its own: on the shared one, what other tests fetched changes which channels match."""
    from xtplay.config import load_settings

    with DemoProvider(live=60, vod=5, series=2, media_dir=demo_media_dir) as provider:
        settings = load_settings(tmp_path / "home")
        add_demo_profile(settings, provider)
        app = serve_app(settings, provider)
        try:
            refresh_live_guide(app)
            with open_page(browser, request, viewport={"width": 1280, "height": 800}) as page:
                page.goto(f"{app.url}/settings")
                page.wait_for_load_state("networkidle")
                assert page.locator("#guide-unmatched summary").count() == 1, page.locator("#guide-state").inner_text()
                total, missed = reachable_by_arrows(page)
                assert missed == []
        finally:
            app.stop()


def test_the_profile_select_does_not_switch_on_an_arrow(live_app, browser_page):
    from tests.plugins.web import run_async
    from xtplay.accounts import profiles
    from xtplay.accounts.vault import Vault

    conn = live_app.connect()
    vault = Vault.open(live_app.settings)
    active = profiles.active_profile(conn)
    demo = live_app.demo
    second = run_async(profiles.add_profile(conn, vault, live_app.settings, name="Second",
                                            url=demo.url, username=demo.username, password=demo.password))
    profiles.use_profile(conn, active.id)
    try:
        _select_stays(live_app, browser_page, active)
    finally:
        profiles.remove_profile(conn, vault, second.id)  # the shared app keeps its one profile
        profiles.use_profile(conn, active.id)
        conn.close()


def _select_stays(live_app: Any, page: Any, active: Any) -> None:
    page.goto(f"{live_app.url}/movies")
    page.evaluate("document.getElementById('profile-select').focus()")
    for key in ("ArrowDown", "ArrowUp", "ArrowDown", "s"):
        page.keyboard.press(key)
    page.wait_for_timeout(300)  # a submit would have navigated by now
    assert page.url.endswith("/movies")
    assert page.evaluate("document.getElementById('profile-select').value") == str(active.id)
    # Enter starts choosing, ↓ picks the next profile, Escape puts it back.
    page.evaluate("document.getElementById('profile-select').focus()")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert page.evaluate("document.getElementById('profile-select').value") == str(active.id)
    assert page.url.endswith("/movies")


def test_focus_after_favorite_toggle_and_back_lands_where_expected(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app.url}/movies")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    came_from = focused(page, "el => el.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(came_from) + "$"))
    page.wait_for_selector("#movie-details [aria-busy=false]")  # the provider's details are in
    page.wait_for_selector(".fav-btn")
    # focus on the main action: Play, or Resume where another test watched this movie
    page.wait_for_function("() => document.activeElement.matches('.actions .btn-primary')")
    for _ in range(6):
        if focused(page, "el => el.classList.contains('fav-btn')"):
            break
        page.keyboard.press("ArrowRight")
    before = page.get_attribute(".fav-btn", "aria-pressed")
    page.keyboard.press("Enter")
    after = "false" if before == "true" else "true"
    page.wait_for_selector(f'.fav-btn[aria-pressed="{after}"]')
    page.wait_for_function("() => document.activeElement.classList.contains('fav-btn')")  # the toggled button
    page.keyboard.press("Enter")  # toggled back: leave the shared library as it was
    page.wait_for_selector(f'.fav-btn[aria-pressed="{before}"]')
    page.wait_for_function("() => document.activeElement.classList.contains('fav-btn')")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/movies$"))
    page.wait_for_function(f"() => document.activeElement.getAttribute('href') === '{came_from}'")
    assert page.js_errors == []


def _set_favorites(live_app: Any, ids: list[str], on: bool) -> None:
    from xtplay.accounts import profiles
    from xtplay.library import favorites

    conn = live_app.connect()
    try:
        profile = profiles.active_profile(conn)
        for i in ids:
            if on:
                favorites.add(conn, profile.id, "live", i)
            else:
                favorites.remove(conn, profile.id, "live", i)
    finally:
        conn.close()


def current_channel(page: Any) -> str:
    return page.evaluate("window.xtplayPlayer.id")


def test_zap_overlay_and_recent_stay_in_the_favorites_list(live_app, browser_page):
    page = browser_page
    chosen = ["5", "9", "12"]
    _set_favorites(live_app, chosen, True)
    try:
        page.goto(f"{live_app.url}/live?favorites=1")
        rows = page.eval_on_selector_all(".channel-row a", "els => els.map(e => e.dataset.channelId)")
        assert sorted(rows, key=int) == sorted(chosen, key=int)
        assert focused(page, "el => el.dataset.channelId") == rows[0]
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"/watch/live/{rows[0]}\?list=fav$"))
        page.wait_for_function("() => document.activeElement.id === 'player'")
        # ↑/↓ zap inside the favorites (wrapping), not through every channel.
        for expected in (rows[1], rows[2], rows[0]):
            page.keyboard.press("ArrowUp")
            page.wait_for_function(f"() => window.xtplayPlayer.id === '{expected}'")
        page.keyboard.press("ArrowDown")
        page.wait_for_function(f"() => window.xtplayPlayer.id === '{rows[2]}'")
        assert page.url.endswith(f"/watch/live/{rows[2]}?list=fav")
        # Enter: the overlay with this list, focus on the channel playing, now/next cells.
        page.keyboard.press("Enter")
        page.wait_for_selector("#overlay:not([hidden]) .overlay-list")
        assert page.inner_text("#overlay-title") == "Favorites"
        assert page.locator("#overlay .channel-row").count() == 3
        assert page.locator("#overlay .channel-row .now-next").count() == 3
        assert focused(page, "el => el.dataset.channelId") == rows[2]
        page.keyboard.press("ArrowUp")
        assert focused(page, "el => el.dataset.channelId") == rows[1]
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => window.xtplayPlayer.id === '{rows[1]}'")
        assert page.is_hidden("#overlay")
        assert focused(page, "el => el.id") == "player"
        # ←/→ change the list without leaving the player; Back closes it.
        page.keyboard.press("Enter")
        page.wait_for_selector("#overlay:not([hidden]) .overlay-list")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.getElementById('overlay-title').textContent === 'All channels'")
        assert page.locator("#overlay .channel-row").count() > 3
        page.keyboard.press("Escape")
        assert page.is_hidden("#overlay")
        assert focused(page, "el => el.id") == "player"
        # Recent channels: one key, newest first.
        page.keyboard.press("r")
        page.wait_for_function("() => document.getElementById('overlay-title')?.textContent === 'Recent channels'")
        recent = page.eval_on_selector_all("#overlay .channel-row a", "els => els.map(e => e.dataset.channelId)")
        assert recent[:3] == [rows[1], rows[2], rows[0]]
        page.keyboard.press("Escape")
        # Favorite toggle in the player: * (red on a remote).
        assert page.get_attribute("#btn-fav", "aria-pressed") == "true"
        page.keyboard.press("*")
        page.wait_for_selector('#btn-fav[aria-pressed="false"]')
        page.keyboard.press("*")
        page.wait_for_selector('#btn-fav[aria-pressed="true"]')
        # Back: the list again, focus on the channel that was playing.
        page.keyboard.press("Escape")
        page.wait_for_url(re.compile(r"/live\?favorites=1$"))
        page.wait_for_function(f"() => document.activeElement.dataset.channelId === '{rows[1]}'")
        assert page.js_errors == []
    finally:
        _set_favorites(live_app, chosen, False)


def test_channel_number_with_enter_and_a_wrong_number(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app.url}/watch/live/1")
    page.wait_for_function("() => document.activeElement.id === 'player'")
    for key in ("1", "2", "Enter"):
        page.keyboard.press(key)
    page.wait_for_function("() => window.xtplayPlayer.info && window.xtplayPlayer.info.num === 12")
    for key in ("9", "9", "9", "Enter"):
        page.keyboard.press(key)
    page.wait_for_function("() => document.getElementById('osd-notice').textContent === 'No channel 999'")
    assert page.evaluate("window.xtplayPlayer.info.num") == 12
    # On a list page too: a small notice, no error page.
    page.goto(f"{live_app.url}/live")
    for key in ("9", "9", "9", "Enter"):
        page.keyboard.press(key)
    page.wait_for_selector("#nav-notice:has-text('No channel 999')")
    assert page.url.endswith("/live")
    assert page.js_errors == []


CELL = """(() => { const el = document.activeElement, row = el.closest('.guide-row');
  const left = parseFloat(el.style.left);
  return {row: row && row.dataset.channelId, left, right: left + parseFloat(el.style.width),
          prog: el.classList.contains('guide-prog'), first: row && row.querySelector('a.guide-prog') === el}; })()"""


LAST_IN_ROW = """(() => { const el = document.activeElement, row = el.closest('.guide-row');
  const progs = row ? row.querySelectorAll('a.guide-prog') : [];
  return progs.length > 0 && progs[progs.length - 1] === el; })()"""


def test_guide_keeps_the_time_on_up_down_and_moves_the_window_by_time(live_app, browser_page):
    refresh_live_guide(live_app)
    page = browser_page
    page.goto(f"{live_app.url}/guide")
    page.wait_for_function("() => document.activeElement.classList.contains('is-now')")
    now_line = page.evaluate("parseFloat(document.querySelector('.guide-now-line').style.left)")
    covers = (f"Array.from(document.activeElement.closest('.guide-row').querySelectorAll('a.guide-prog')).some(p => "
              f"parseFloat(p.style.left) <= {now_line} && {now_line} <= parseFloat(p.style.left) + parseFloat(p.style.width))")
    for _ in range(6):  # ↓ keeps the time position: the cell at the current time, where the row has one
        page.keyboard.press("ArrowDown")
        cell = page.evaluate(CELL)
        assert cell["prog"], cell
        if page.evaluate(covers):
            assert cell["left"] <= now_line <= cell["right"], cell
    row = page.evaluate(CELL)["row"]
    page.keyboard.press("ArrowUp")
    assert page.evaluate(CELL)["row"] != row
    page.keyboard.press("ArrowDown")
    assert page.evaluate(CELL)["row"] == row
    # → past the window's last programme opens the later window, on the same channel.
    # (One key at a time up to the row's last programme, then one more: a key pressed while the
    # later window loads would land on it and move focus off its first programme.)
    for _ in range(40):
        if page.evaluate(LAST_IN_ROW):
            break
        page.keyboard.press("ArrowRight")
    assert page.evaluate(LAST_IN_ROW), "→ never reached the row's last programme"
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"/guide\?start=\d+.*ch="))
    page.wait_for_function("() => document.activeElement.classList.contains('guide-prog')")
    later = page.evaluate(CELL)
    assert later["row"] == row and later["first"]
    start_later = int(re.search(r"start=(\d+)", page.url).group(1))
    # ← past the first one: the earlier window again, focus on the row's last programme.
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(lambda url: "start=" in url and int(re.search(r"start=(\d+)", url).group(1)) < start_later)
    page.wait_for_function("() => document.activeElement.classList.contains('guide-prog')")
    assert page.evaluate(CELL)["row"] == row
    # PageDown: the same time a day later, same channel.
    start_here = int(page.get_attribute("#guide-grid", "data-start"))
    page.keyboard.press("PageDown")
    page.wait_for_url(lambda url: f"start={start_here + 86400}" in url)
    page.wait_for_function("() => document.activeElement.closest('.guide-row') !== null")
    assert page.evaluate(CELL)["row"] == row
    # N: back to now on the same channel; Enter plays it.
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/guide\?ch="))
    page.wait_for_function("() => document.activeElement.classList.contains('is-now')")
    assert page.evaluate(CELL)["row"] == row
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/watch/live/{row}$"))
    assert page.js_errors == []


@pytest.fixture
def phone(browser, request) -> Iterator[Any]:
    """A page the size of a phone (390×844, touch)."""
    with open_page(browser, request, viewport={"width": 390, "height": 844}, has_touch=True,
                   is_mobile=True) as page:
        yield page


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


#: Interactive elements that must be a thumb's size on a phone.
TARGETS = (".btn, .main-nav a, .header-tools > a, .tabs a, .browse-categories a, .channel-row a, .fav-btn, "
           ".hit-list a, select, summary, input[type=search], input[type=text], input[type=number], .guide-channel")


def small_targets(page: Any) -> list[str]:
    return page.evaluate(f"""Array.from(document.querySelectorAll({TARGETS!r})).filter(el => {{
        const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.height < 44; }})
        .map(el => el.outerHTML.slice(0, 80))""")


def test_phone_guide_layout(live_app, phone):
    refresh_live_guide(live_app)
    page = phone
    page.goto(f"{live_app.url}/guide")
    page.wait_for_selector(".guide-prog.is-now")
    channel, track = box(page, ".guide-row .guide-channel"), box(page, ".guide-row .guide-track")
    grid = box(page, "#guide-grid")
    shown = grid["x"] + grid["width"] - (channel["x"] + channel["width"])
    assert shown / grid["width"] >= 0.7, "the programmes get at least 70% of the width"
    assert track["width"] > 0
    # The now-line never shows over the channel column: where they overlap, the column is on top.
    over = page.evaluate("""(() => { const out = [];
      for (const row of Array.from(document.querySelectorAll('.guide-row')).slice(0, 8)) {
        const line = row.querySelector('.guide-now-line'), ch = row.querySelector('.guide-channel');
        if (!line) continue;
        const l = line.getBoundingClientRect(), c = ch.getBoundingClientRect();
        const x = l.left + 1, y = c.top + c.height / 2;
        if (x >= c.left && x <= c.right && y > 0 && y < innerHeight) {
          const hit = document.elementFromPoint(x, y);
          if (!hit || !hit.closest('.guide-channel')) out.push(row.dataset.channelId);
        }
      } return out; })()""")
    assert over == []
    assert small_targets(page) == []
    # A channel's guide: date tabs in one scrolling row, the programme on now in view.
    page.goto(f"{live_app.url}/guide/channel/1")
    page.wait_for_selector(".programme-list")
    tops = page.eval_on_selector_all(".tabs a", "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(tops) > 5 and len(set(tops)) == 1, "the date tabs sit in one row"
    assert page.evaluate("document.querySelector('.tabs').scrollWidth > document.querySelector('.tabs').clientWidth")
    now = page.locator(".programme-list li.is-now")
    assert now.count() == 1, "the guide was loaded: one programme is on now"
    b = now.first.bounding_box()
    assert b is not None and 0 <= b["y"] < 844, "the channel's guide opens at now"
    assert page.js_errors == []


def test_phone_filters_menu_and_touch_targets(live_app, phone):
    page = phone
    page.goto(f"{live_app.url}/movies")
    assert page.is_visible("details.filters > summary")
    assert not page.is_visible("input[name=genre]"), "filters collapse behind a button"
    assert box(page, ".poster-card")["y"] < 844, "results start above the fold"
    # Navigation fits: a menu button, and opened, every link inside the screen's width.
    assert not page.is_visible(".main-nav a")
    toggle = box(page, ".menu-toggle")
    assert toggle["x"] + toggle["width"] <= 390
    for _ in range(10):  # a keyboard on the phone: up from the grid to the menu button
        if focused(page, "el => el.classList.contains('menu-toggle')"):
            break
        page.keyboard.press("ArrowRight" if focused(page, "el => !!el.closest('.site-header')") else "ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_selector(".main-nav.is-open")
    rights = page.eval_on_selector_all(".main-nav a, .header-tools > *",
                                       "els => els.map(e => e.getBoundingClientRect().right)")
    assert rights and max(rights) <= 390
    for path in ("/movies", "/live", "/search?q=demo", "/settings"):
        page.goto(f"{live_app.url}{path}")
        page.wait_for_load_state("networkidle")
        assert small_targets(page) == [], path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways ({width}px)"
    page.goto(f"{live_app.url}/search?q=demo")
    assert not page.is_visible("input[name=genre]")
    assert box(page, "#search-results")["y"] < 844
    assert page.js_errors == []


def test_arrows_never_act_on_profiles_and_delete_starts_on_cancel(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app.url}/profiles")
    for _ in range(15):
        page.keyboard.press("ArrowDown")
        assert not on_body(page)
    page.wait_for_timeout(200)  # a link or button that acted would have navigated by now
    assert page.url.endswith("/profiles")
    delete = page.get_attribute(".profile-card .btn-danger", "href")
    page.goto(f"{live_app.url}{delete}")
    assert focused(page, "el => el.textContent.trim()") == "Cancel", "a destructive button is never where focus starts"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/profiles$"))


def test_a_form_error_puts_focus_on_the_first_invalid_field(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app.url}/profiles/new")
    assert focused(page, "el => el.id") == "f-name"
    page.keyboard.type("Kitchen")
    page.keyboard.press("ArrowDown")
    assert focused(page, "el => el.id") == "f-url"
    page.keyboard.type("not a url")
    page.keyboard.press("Enter")
    page.wait_for_selector("[aria-invalid=true]")
    first_invalid = page.evaluate("document.querySelector('[aria-invalid=true]').id")
    assert focused(page, "el => el.id") == first_invalid
    assert page.js_errors == []


def test_letters_jump_on_a_grid_sorted_by_name(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app.url}/movies?sort=name")
    names = page.eval_on_selector_all(".poster-card", "els => els.map(e => e.dataset.name)")
    assert names == sorted(names, key=str.casefold) or len(names) > 5
    letter = next(n[0].upper() for n in reversed(names) if n[0].isalpha())
    page.keyboard.press(letter.lower())
    page.wait_for_function(f"() => document.activeElement.closest('.poster-card')?.dataset.name[0].toUpperCase() === '{letter}'")
    # PageUp and Home come back; End goes to the last loaded movie.
    page.keyboard.press("Home")
    assert page.evaluate(INDEX) == 0
    page.keyboard.press("End")
    assert page.evaluate(INDEX) == page.locator(".poster-card").count() - 1
    page.keyboard.press("PageUp")
    assert page.evaluate(INDEX) < page.locator(".poster-card").count() - 1
    assert page.js_errors == []


def test_player_tools_under_the_remote(live_app, browser_page):
    page = browser_page
    page.goto(f"{live_app.url}/watch/live/2")
    page.wait_for_function("() => document.activeElement.id === 'player'")
    page.keyboard.press("PageUp")
    page.wait_for_function("() => window.xtplayPlayer.id !== '2'")
    # ChannelDown has no key in Playwright: the event a TV browser sends for it.
    page.evaluate("window.dispatchEvent(new KeyboardEvent('keydown', {key: 'ChannelDown', bubbles: true}))")
    page.wait_for_function("() => window.xtplayPlayer.id === '2'")
    page.keyboard.press("z")
    assert page.inner_text("#btn-sleep") == "Sleep: 15 min"
    page.keyboard.press("z")
    assert page.inner_text("#btn-sleep") == "Sleep: 30 min"
    page.evaluate("window.xtplayPlayer.sleepNow()")  # the timer running out, without waiting 30 minutes
    page.wait_for_selector("#message:not([hidden])")
    assert page.inner_text("#message-title") == "Sleep timer"
    page.keyboard.press("a")  # one key for the next audio track: a notice either way
    page.wait_for_function("() => document.getElementById('osd-notice').textContent !== ''")
    # The control bars are reachable by arrows from the picture; Back returns to it.
    assert focused(page, "el => el.id") == "retry"
    page.keyboard.press("Escape")
    assert focused(page, "el => el.id") == "player"
    page.keyboard.press("ArrowRight")
    assert focused(page, "el => el.id") == "btn-play"
    seen = set()
    for _ in range(12):
        page.keyboard.press("ArrowRight")
        seen.add(focused(page, "el => el.id"))
        if "btn-fs" in seen:
            break
    page.keyboard.press("ArrowDown")
    for _ in range(10):
        seen.add(focused(page, "el => el.id"))
        page.keyboard.press("ArrowLeft")
    assert {"btn-fs", "btn-sleep", "btn-pip", "btn-list", "btn-recent", "btn-fav"} <= seen
    page.keyboard.press("Escape")
    assert focused(page, "el => el.id") == "player"
    assert page.js_errors == []
