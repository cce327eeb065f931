"""The settings page as it is shown: the profile's preferences, its cache statistics and its
guide's state, with any form errors.

Both the settings forms (:mod:`.pages`) and the guide's forms (:mod:`.guide_sources`) answer
a failed post with this page and its errors, so it lives apart from either.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from fastapi import FastAPI, Request
from fastapi.responses import Response

from xtplay import guide
from xtplay.accounts.profiles import Profile
from xtplay.config import Settings
from xtplay.i18n import LANGUAGES, N_
from xtplay.library import catalog, details, sync, tracks
from xtplay.web import locale
from xtplay.web.deps import device_id
from xtplay.web.templating import render

#: The schedule choices offered (hours; 0 = manual only).
#: Languages offered as the profile's audio and subtitle preference (codes as tracks name them).
LANGUAGE_CHOICES = (("en", "English"), ("fr", "Français"), ("de", "Deutsch"), ("es", "Español"),
                    ("it", "Italiano"), ("pt", "Português"), ("nl", "Nederlands"), ("pl", "Polski"),
                    ("tr", "Türkçe"), ("ar", "العربية"), ("ru", "Русский"), ("el", "Ελληνικά"),
                    ("sv", "Svenska"), ("hi", "हिन्दी"), ("zh", "中文"), ("ja", "日本語"))
SYNC_CHOICES = ((6, N_("Every 6 hours")), (12, N_("Every 12 hours")), (24, N_("Every day")), (48, N_("Every 2 days")),
                (0, N_("Manually")))
_TIMEZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))


def render_settings(request: Request, conn: sqlite3.Connection, profile: Profile, *, errors: dict[str, str],
                    saved: bool = False, cleared: int | None = None, guide_note: str | None = None,
                    status: int = 200) -> Response:
    """The settings page, with form errors by field (``xmltv_url`` for the guide's form)."""
    stats = cache_stats(conn, request.app.state.settings, profile)
    return render(request, "settings.html", status, conn=conn, profile=profile, stats=stats,
                  db_size=_size(stats["db_bytes"]), sync_choices=SYNC_CHOICES, timezones=_TIMEZONES,
                  guide=guide_state(request, conn, profile), guide_note=guide_note,
                  languages=tracks.preferred(conn, profile.id), language_choices=LANGUAGE_CHOICES,
                  ui_language=locale.override(request.app.state.settings.db_path, device_id(request) or ""),
                  ui_languages=tuple(LANGUAGES.items()),
                  errors=errors, saved=saved, cleared=cleared, nav="settings", page_title=locale.gettext("Settings"))


def cache_stats(conn: sqlite3.Connection, settings: Settings, profile: Profile) -> dict[str, Any]:
    """Library file size, items per type, cached details and the last sync of the profile."""
    db_path = Path(settings.db_path)
    size = sum(p.stat().st_size for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists())
    return {"db_bytes": size, "counts": catalog.counts(conn, profile.id), "details": details.count(conn, profile.id),
            "last_sync": sync.last_run(conn, profile.id), "runs": sync.runs(conn, profile.id, 5)}


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def guide_state(request: Request, conn: sqlite3.Connection, profile: Profile) -> dict[str, Any]:
    """What the settings page shows of the profile's guide."""
    runs = guide.last_runs(conn, profile.id, 20)
    provider = next((r for r in runs if r["source"] == guide.XTREAM), None)
    matched, channels, unmatched = guide.match_state(conn, profile.id)
    return {"last_success": guide.last_success(conn, profile.id), "provider_run": provider,
            "matched": matched, "channels": channels, "unmatched": unmatched,
            "sources": guide.sources(conn, profile.id), "refreshing": guide_refreshing(request.app, profile.id)}


def guide_refreshing(app: FastAPI, profile_id: int) -> bool:
    """True while a guide refresh started from the settings page runs for the profile."""
    task = app.state.guide_jobs.get(profile_id)
    return task is not None and not task.done()
