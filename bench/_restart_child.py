"""Run by bench/catalog_library.py: a fresh process opens a synced library and reads what the
first page shows (live categories and their first page of channels), with no provider call.
Prints one JSON line as soon as the content is in hand; the parent times exec → that line."""

from __future__ import annotations

import json
import sys


def main(home: str) -> dict:
    from xtplay import db
    from xtplay.accounts import profiles
    from xtplay.config import load_settings
    from xtplay.library import catalog

    settings = load_settings(home)
    conn = db.open_library(settings.db_path)
    profile = profiles.active_profile(conn)
    cats = catalog.categories(conn, profile.id, "live")
    page = catalog.items(conn, profile.id, "live", category_id=cats[0].id)
    return {"categories": len(cats), "items": len(page.items)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])), flush=True)
