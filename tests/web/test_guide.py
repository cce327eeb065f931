"""Guide grid, channel guide and now/next in the channel list, over a real ingested XMLTV guide."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.plugins.guide import make_xmltv


def _hour(dt: datetime) -> datetime:
    return dt.replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def guided(browse_library):
    """The browse library with a guide: Alpha News (by id) and Sky Sports (by name, 3-day archive)."""
    from xtplay import guide

    now = datetime.now(UTC)
    first = _hour(now) - timedelta(hours=4)
    progs = []
    for i in range(10):
        start = first + timedelta(hours=i)
        progs.append({"channel": "alpha.news", "start": start, "stop": start + timedelta(hours=1),
                      "title": f"Alpha Bulletin {i}", "desc": f"Headlines number {i}."})
        progs.append({"channel": "sky.pl", "start": start, "stop": start + timedelta(hours=1),
                      "title": "<b>Match</b> " + str(i), "desc": "Football & more."})
    data = make_xmltv([("alpha.news", ["Alpha News"]), ("sky.pl", ["Sky Sports Premier League"])], progs)
    lib = browse_library
    guide.ingest_xmltv(lib.conn, lib.profile.id, "xtream", data)
    guide.rematch(lib.conn, lib.profile.id)
    return {"first": first, "now": now}


def test_channel_list_shows_now_next_with_progress(browse_client, guided):
    page = html.unescape(browse_client.get("/live?category=10").text)
    row = page[page.index('data-channel-id="1"'):page.index('data-channel-id="2"')]
    assert "Alpha Bulletin 4" in row and "Next" in row and "Alpha Bulletin 5" in row
    assert re.search(r'role="progressbar" aria-label="Elapsed" aria-valuenow="\d+"', row)
    # Channels the stored guide does not cover ask the short EPG after the page shows.
    assert 'hx-get="/live/now-next?id=2' in page


def test_grid_shows_programmes_and_the_current_time_line(browse_client, guided):
    page = browse_client.get("/guide").text
    assert "guide-now-line" in page
    text = html.unescape(page)
    assert "Alpha Bulletin 4" in text
    on_now = re.search(r'<a class="guide-prog is-now" href="([^"]+)"[^>]*title="[^"]*Alpha Bulletin 4', text)
    assert on_now and on_now.group(1) == "/watch/live/1"
    assert "&lt;b&gt;Match&lt;/b&gt;" in page and "<b>Match</b>" not in page
    # Channels without guide data say so.
    assert "No programme information" in page


def test_grid_offers_catch_up_on_past_programmes_of_archive_channels(browse_client, guided):
    start = int((guided["first"]).timestamp())
    page = html.unescape(browse_client.get(f"/guide?start={start}").text)
    past = int(guided["first"].timestamp())
    assert f'href="/watch/catchup/4/{past}"' in page  # Sky Sports has a 3-day archive
    assert "/watch/catchup/1/" not in page  # Alpha News has none


def test_grid_moves_in_time(browse_client, guided):
    page = browse_client.get("/guide").text
    later = re.search(r'href="(/guide\?start=\d+)" data-nav data-guide-later', page).group(1)
    moved = html.unescape(browse_client.get(later).text)
    assert "Alpha Bulletin 6" in moved


def test_grid_channel_rows_load_in_pages(browse_client, guided):
    page = browse_client.get("/guide").text
    assert page.count('class="guide-row"') == 30
    more = re.search(r'class="load-more" hx-get="([^"]+)" hx-trigger="revealed"', page)
    rest = browse_client.get(html.unescape(more.group(1)), headers={"HX-Request": "true"}).text
    assert rest.count('class="guide-row"') > 0 and "<html" not in rest


def test_channel_guide_for_today_with_descriptions_and_catch_up(browse_client, guided):
    page = html.unescape(browse_client.get("/guide/channel/4").text)
    assert "Football & more." in page
    assert "▶ On now" in page
    assert "Today" in page and "Tomorrow" in page and "Yesterday" in page  # archive days offered back
    # The day of the programme that ended last: today, or yesterday in the first hour after midnight.
    ended = (_hour(guided["now"]) - timedelta(minutes=1)).date().isoformat()
    assert "↺ Catch up" in html.unescape(browse_client.get(f"/guide/channel/4?day={ended}").text)


def test_channel_without_guide_says_so(browse_client, guided):
    page = browse_client.get("/guide/channel/2").text
    assert 'id="no-programmes"' in page and "No programme information for this day." in page
    assert "Ask the provider" in page


def test_no_guide_at_all_is_explained(browse_client):
    page = browse_client.get("/guide").text
    assert "No programme information yet" in page


def test_programmes_without_a_full_load_are_not_called_missing(browse_client, guided):
    """Now/next answers (or a guide stored by other means) fill the grid before the first full
    load is recorded: the grid shows them and no "no programme information" notice."""
    page = browse_client.get("/guide").text
    assert "Alpha Bulletin" in page and "No programme information yet" not in page


def test_bad_day_and_unknown_channel(browse_client):
    assert browse_client.get("/guide/channel/1?day=tomorrow").status_code == 422
    assert browse_client.get("/guide/channel/999").status_code == 404


def test_channel_listing_loads_from_the_provider_with_error_and_retry(provider_client, demo):
    page = provider_client.get("/guide/channel/2").text
    assert 'hx-get="/guide/channel/2/load' in page
    day = re.search(r'hx-get="/guide/channel/2/load\?day=([\d-]+)"', page).group(1)
    demo.set_fault("http500")
    failed = provider_client.get(f"/guide/channel/2/load?day={day}", headers={"HX-Request": "true"})
    assert failed.headers["X-Xtplay-Error"] == "502"
    assert re.search(r'hx-get="/guide/channel/2/load\?day=[\d-]+"[^>]*>Retry</button>', failed.text)
    demo.clear_faults()
    loaded = provider_client.get(f"/guide/channel/2/load?day={day}", headers={"HX-Request": "true"}).text
    assert '<ol class="programme-list">' in loaded
    assert "X-Xtplay-Error" not in provider_client.get(f"/guide/channel/2/load?day={day}").headers


def test_channels_without_a_stored_guide_get_now_next_from_the_short_epg(provider_client):
    page = provider_client.get("/live").text
    url = html.unescape(re.search(r'<li hidden hx-get="([^"]+)" hx-trigger="load" hx-swap="none">', page).group(1))
    assert url.startswith("/live/now-next?id=1&id=2")
    swaps = provider_client.get(url, headers={"HX-Request": "true"}).text
    assert 'id="nn-1" hx-swap-oob="true"' in swaps
    first = swaps[swaps.index('id="nn-1"'):swaps.index('id="nn-2"')]
    assert '<span class="now">' in first and 'role="progressbar"' in first
    # Now stored: the next render of the list shows it at once.
    again = provider_client.get("/live").text
    row = again[again.index('data-channel-id="1"'):again.index('data-channel-id="2"')]
    assert '<span class="now">' in row
