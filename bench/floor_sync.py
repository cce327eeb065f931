"""The floor a full sync is measured against: the least work that copies a catalog.

Fetch the three lists with httpx, parse them with orjson, insert the rows into SQLite with
one FTS5 (trigram) index on the name, in one transaction per list. No categories, no
normalisation, no progress, no atomic swap. Prints ``{"seconds": …, "counts": {…}}``.

    python bench/floor_sync.py URL USERNAME PASSWORD DB_PATH
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time

import httpx
import orjson

ACTIONS = {"live": "get_live_streams", "movie": "get_vod_streams", "series": "get_series"}


def main(url: str, username: str, password: str, db_path: str) -> dict:
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, type TEXT, provider_id TEXT, name TEXT, "
                 "category_id TEXT, icon TEXT, UNIQUE (type, provider_id))")
    conn.execute("CREATE VIRTUAL TABLE items_fts USING fts5 (name, content='items', content_rowid='id', tokenize='trigram')")
    counts = {}
    timeout = httpx.Timeout(5.0, read=300.0)
    with httpx.Client(base_url=url, timeout=timeout) as client:
        for type, action in ACTIONS.items():
            response = client.get("/player_api.php", params={"username": username, "password": password, "action": action})
            response.raise_for_status()
            rows = orjson.loads(response.content)
            id_key = "series_id" if type == "series" else "stream_id"
            with conn:
                conn.executemany(
                    "INSERT INTO items (type, provider_id, name, category_id, icon) VALUES (?, ?, ?, ?, ?)",
                    ((type, str(r[id_key]), r.get("name") or "", r.get("category_id"), r.get("stream_icon") or r.get("cover"))
                     for r in rows),
                )
                conn.execute("INSERT INTO items_fts (rowid, name) SELECT id, name FROM items WHERE type = ?", (type,))
            counts[type] = len(rows)
    conn.close()
    return {"seconds": time.perf_counter() - started, "counts": counts}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5])))
