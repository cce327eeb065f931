"""``/sync/events``: server-sent events of a real sync (demo provider, real sockets), syncs at
profile activation and start-up, and the header's progress region following the stream."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import orjson
import pytest

from tests.plugins.web import add_demo_profile, csrf_of
from xtplay import db
from xtplay.library import catalog, sync

#: Makes the series list answer slowly, so a sync lasts long enough to be followed.
SLOW = {"paths": ["get_series"], "seconds": 1.5}


def read_events(client: httpx.Client, url: str = "/sync/events", timeout: float = 60) -> list[tuple[str, dict]]:
    """Every event of one stream, until the server ends it."""
    events: list[tuple[str, dict]] = []
    with client.stream("GET", url, timeout=timeout) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        name, data = "message", None
        for line in r.iter_lines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data = orjson.loads(line[5:].strip())
            elif line == "" and data is not None:
                events.append((name, data))
                name, data = "message", None
    return events


@contextmanager
def _client(app) -> Iterator[httpx.Client]:
    """An HTTP client with the app's session cookie; ``client.csrf`` is its CSRF token."""
    with httpx.Client(base_url=app.url, follow_redirects=False, timeout=30) as client:
        client.csrf = csrf_of(client.get("/no-such-page").text)  # any full page carries it
        yield client


def _counts(app, profile_id):
    conn = db.connect(app.settings.db_path)
    try:
        return catalog.counts(conn, profile_id), sync.last_run(conn, profile_id)
    finally:
        conn.close()


def _check_stream(events, counts, name="Demo"):
    """A stream of a whole sync: progress events with phase/done/total, then one ``done``."""
    assert events, "no event at all"
    assert [n for n, _ in events].count("done") == 1 and events[-1][0] == "done"
    progress = [d for n, d in events if n == "progress"]
    assert progress, "no progress event"
    for d in progress:
        assert {"phase", "done", "total"} <= d.keys() and d["profile"] == name
        assert isinstance(d["done"], int) and (d["total"] is None or d["done"] <= d["total"])
    saving = {d["phase"]: d["total"] for d in progress if d["phase"].startswith("saving ")}
    assert saving.get("saving series") == counts["series"]  # the last type, slowed down: always seen
    for phase in {d["phase"] for d in progress}:
        dones = [d["done"] for d in progress if d["phase"] == phase]
        assert dones == sorted(dones), f"{phase} went backwards"
    percents = [d["percent"] for d in progress]  # one figure across all lists, only forward
    assert percents == sorted(percents) and all(0 <= p <= 100 for p in percents)
    assert all(d["step"] for d in progress) and "eta" in progress[-1]
    final = events[-1][1]
    assert final["phase"] == "done" and final["status"] == "ok" and final["running"] is False
    assert final["percent"] == 100 and final["percent"] >= percents[-1]
    assert final["done"] == final["total"] == sum(counts.values())


def test_sync_now_streams_phase_done_total_until_the_end(settings, demo, start_app, _vault_uses_key_file):
    profile = add_demo_profile(settings, demo, sync=False)
    app = start_app(settings, demo)
    with _client(app) as client:
        assert read_events(client) == [("idle", {"profile_id": profile.id, "profile": "Demo", "phase": "idle",
                                                 "done": 0, "total": None, "running": False})]
        demo.set_fault("slow", **SLOW)
        started = client.post("/sync/now", data={"csrf_token": client.csrf})
        assert started.status_code == 303
        events = read_events(client)
    counts, run = _counts(app, profile.id)
    assert counts["live"] > 0 and counts["movie"] > 0 and counts["series"] > 0
    assert run.status == "ok"
    _check_stream(events, counts)


def test_the_status_region_names_the_step_with_one_overall_percent(settings, demo, start_app,
                                                                  _vault_uses_key_file):
    add_demo_profile(settings, demo, sync=False)
    app = start_app(settings, demo)
    demo.set_fault("slow", paths=["get_series"], seconds=3)  # the run waits on the series list
    with _client(app) as client:
        assert client.post("/sync/now", data={"csrf_token": client.csrf}).status_code == 303
        running = ""
        for _ in range(200):
            html = client.get("/sync/status", headers={"HX-Request": "true"}).text
            if "Downloading series" in html:
                running = html
                break
            time.sleep(0.05)
        read_events(client)  # until the run is over
    assert running, "the region never showed the series step"
    step = re.search(r"<span data-sync-phase>([^<]*)</span><span data-sync-count> — (\d+)%", running)
    assert step is not None and step.group(1) == "Downloading series"
    percent = int(step.group(2))
    assert 40 <= percent < 100  # live and movies are behind it: not 0, as a per-list count would say
    assert f'<progress value="{percent}" max="100">' in running


def test_switching_to_an_empty_profile_syncs_it_and_the_stream_follows(settings, demo, start_app,
                                                                        _vault_uses_key_file):
    profile = add_demo_profile(settings, demo, sync=False)
    app = start_app(settings, demo)
    demo.set_fault("slow", **SLOW)
    with _client(app) as client:
        switched = client.post("/profiles/switch", data={"csrf_token": client.csrf, "profile_id": str(profile.id)})
        assert switched.status_code == 303 and switched.headers["location"] == f"/profiles/{profile.id}/loading"
        events = read_events(client)
        assert client.get(f"/profiles/{profile.id}/ready", headers={"HX-Request": "true"}).status_code == 204
    counts, run = _counts(app, profile.id)
    assert run.status == "ok"
    _check_stream(events, counts)


def test_a_fresh_library_is_not_synced_again_on_switch(settings, demo, start_app, _vault_uses_key_file):
    profile = add_demo_profile(settings, demo)  # synced just now: not stale
    app = start_app(settings, demo)
    with _client(app) as client:
        switched = client.post("/profiles/switch", data={"csrf_token": client.csrf, "profile_id": str(profile.id)})
        assert switched.status_code == 303 and switched.headers["location"] == "/"
        assert [n for n, _ in read_events(client)] == ["idle"]
    conn = db.connect(settings.db_path)
    try:
        assert len(sync.runs(conn, profile.id)) == 1
    finally:
        conn.close()


def test_the_server_syncs_a_stale_active_profile_at_start(settings, demo, start_app, _vault_uses_key_file):
    profile = add_demo_profile(settings, demo, sync=False)
    demo.set_fault("slow", **SLOW)
    app = start_app(settings, demo, schedulers=True)
    with _client(app) as client:
        events = read_events(client)
    counts, run = _counts(app, profile.id)
    assert run is not None and run.status == "ok" and sum(counts.values()) > 0
    # The sync began at start-up; the stream joined it mid-way and ended with its outcome.
    assert events[-1][0] == "done" and events[-1][1]["status"] == "ok"
    assert events[-1][1]["done"] == sum(counts.values())


def test_the_event_stream_needs_an_active_profile(fresh_app):
    r = httpx.get(fresh_app.url + "/sync/events")
    assert r.status_code == 404


@pytest.mark.e2e
def test_the_header_region_follows_the_event_stream(settings, demo, start_app, browser_page, _vault_uses_key_file):
    """Chromium: "Sync now" shows the progress region, which opens /sync/events, shows the
    phases and ends on the finished state."""
    profile = add_demo_profile(settings, demo)
    app = start_app(settings, demo)
    page = browser_page
    streams: list[str] = []
    page.on("request", lambda req: streams.append(req.url) if "/sync/events" in req.url else None)
    page.goto(app.url + "/settings")
    demo.set_fault("slow", paths=["get_series"], seconds=3)
    page.click("#sync-now")
    page.wait_for_selector("#sync-status .is-running [data-sync-phase]")
    # Only the event stream's handler sets the region's data-sync-phase (the server never does).
    page.wait_for_selector("#sync-status[data-sync-phase]", timeout=30_000)
    phase = page.locator("#sync-status").get_attribute("data-sync-phase")
    assert phase in ("login", "live", "movie", "series", "saving live", "saving movie", "saving series", "indexing")
    page.wait_for_selector("#sync-status .is-done", timeout=60_000)
    assert "finished" in page.locator("#sync-status").inner_text()
    assert streams and all(re.search(r"/sync/events$", u) for u in streams)
    assert page.js_errors == []
    _, run = _counts(app, profile.id)
    assert run.status == "ok"


@pytest.mark.e2e
def test_switching_in_the_browser_loads_through_the_event_stream(settings, demo, start_app, browser_page,
                                                                 _vault_uses_key_file):
    """Chromium: picking an empty profile in the header opens its loading page, which follows
    /sync/events and lands on the home screen once the sync started by the switch is done."""
    profile = add_demo_profile(settings, demo, sync=False)
    app = start_app(settings, demo)
    page = browser_page
    asked: list[str] = []
    page.on("request", lambda req: asked.append(req.url.split("?")[0].removeprefix(app.url)))
    demo.set_fault("slow", paths=["get_series"], seconds=2)
    page.goto(app.url + "/profiles")
    page.select_option("#profile-select", str(profile.id))  # auto-submits the switch
    page.wait_for_url(re.compile(r"/profiles/\d+/loading$"))
    page.wait_for_url(re.compile(r"/$"), timeout=60_000)  # the home screen
    assert "/sync/events" in asked
    assert page.locator("[data-row-key=added] a[data-nav]").count() > 0  # the synced catalog's newest
    assert page.js_errors == []
    counts, run = _counts(app, profile.id)
    assert run.status == "ok" and counts["live"] > 0
