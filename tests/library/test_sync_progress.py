"""The overall progress of a sync (one fraction across all lists, the step, the time left) over
real syncs against the demo provider: it only moves forward, whatever the order in which the
writer thread and the download report."""

from __future__ import annotations

import asyncio

from xtplay.library import sync


def _fractions(events: list[sync.SyncProgress]) -> list[float]:
    return [e.fraction for e in events]


def _assert_forward_only(events: list[sync.SyncProgress]) -> None:
    fractions = _fractions(events)
    assert fractions == sorted(fractions), "the overall fraction went back"
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert events[-1].finished and events[-1].fraction == 1.0 and events[-1].percent == 100
    assert all(e.step for e in events), "an event without a step"


async def test_a_full_sync_reports_every_phase_and_one_fraction_that_only_grows(demo_profile):
    """The callback and every subscriber see each phase of a full sync, in the same order, and
    the overall fraction never drops."""
    settings, conn, vault, profile = demo_profile
    seen: list[sync.SyncProgress] = []
    queue = sync.subscribe(profile.id)
    try:
        result = await sync.sync_profile(settings, conn, vault, profile, progress=seen.append)
        await asyncio.sleep(0.05)  # let call_soon_threadsafe deliveries land
    finally:
        sync.unsubscribe(profile.id, queue)
    assert result.status == "ok"
    phases = [e.phase for e in seen]
    for phase in ("login", "live", "saving live", "movie", "saving movie", "series", "saving series", "done"):
        assert phase in phases
    saving = [e for e in seen if e.phase == "saving movie"]
    assert saving[-1].done == saving[-1].total == 120
    assert seen[-1].finished and sync.progress(profile.id) is None
    _assert_forward_only(seen)
    assert seen[0].step == "Signing in" and seen[0].fraction < 0.05
    steps = {e.step for e in seen}
    assert {"Downloading live channels", "Saving movies", "Downloading series", "Saving series"} <= steps
    # When the series list starts downloading, live channels are stored and the movies at
    # least downloaded (a first sync weighs the three lists alike): the bar is well on, not
    # back at "0 of the series" as a per-list counter would show.
    first_series = next(e for e in seen if e.phase == "series")
    assert 0.4 < first_series.fraction < 1.0
    queued = []
    while not queue.empty():
        queued.append(queue.get_nowait())
    assert [e.phase for e in queued] == phases  # subscribers see the same events in order
    assert _fractions(queued) == _fractions(seen)


async def test_a_re_sync_with_nothing_changed_also_only_moves_forward(synced_profile):
    settings, conn, vault, profile = synced_profile
    seen: list[sync.SyncProgress] = []
    result = await sync.sync_profile(settings, conn, vault, profile, progress=seen.append)
    assert result.status == "ok"
    _assert_forward_only(seen)


async def test_a_failed_list_counts_as_done_and_the_bar_still_reaches_the_end(synced_profile, demo):
    settings, conn, vault, profile = synced_profile
    demo.set_fault("reset", paths=["get_vod_streams"])
    seen: list[sync.SyncProgress] = []
    result = await sync.sync_profile(settings, conn, vault, profile, progress=seen.append)
    assert result.status == "partial" and set(result.errors) == {"movie"}
    _assert_forward_only(seen)
    assert any(e.step == "Saving series" for e in seen)


async def test_the_time_left_is_estimated_once_the_run_is_under_way(demo_profile, demo):
    settings, conn, vault, profile = demo_profile
    demo.set_fault("slow", paths=["get_series"], seconds=1.0)  # a run long enough to estimate
    seen: list[sync.SyncProgress] = []
    result = await sync.sync_profile(settings, conn, vault, profile, progress=seen.append)
    assert result.status == "ok"
    assert seen[0].eta_seconds is None  # nothing to go by at the start
    assert any(e.eta_seconds is not None and e.eta_seconds >= 0 for e in seen[:-1])
    assert seen[-1].eta_seconds is None
    assert sync.time_left(40) == "about 40 s left" and sync.time_left(600) == "about 10 min left"
    assert sync.time_left(None) == ""
