"""The floor a playlist sync is measured against: the least work that copies an M3U playlist.

Stream the playlist with httpx, read each ``#EXTINF`` line's attributes with one regular
expression, insert the entries into SQLite with one FTS5 (trigram) index on the name, in one
transaction. No kinds, no ids, no categories, no sealing of URLs, no progress.

    python bench/floor_playlist.py URL DB_PATH
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import time

import httpx

ATTR = re.compile(r'([a-z-]+)="([^"]*)"')


def main(url: str, db_path: str) -> dict:
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, provider_id TEXT UNIQUE, name TEXT, "
                 "category TEXT, icon TEXT, url TEXT)")
    conn.execute("CREATE VIRTUAL TABLE items_fts USING fts5 (name, content='items', content_rowid='id', tokenize='trigram')")
    rows = []
    pending = None
    with httpx.Client(timeout=httpx.Timeout(5.0, read=300.0)) as client, client.stream("GET", url) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if line.startswith("#EXTINF:"):
                head, _, name = line.partition(",")
                attrs = dict(ATTR.findall(head))
                pending = (attrs.get("tvg-id", "") + "|" + name, name, attrs.get("group-title"), attrs.get("tvg-logo"))
            elif line and not line.startswith("#") and pending is not None:
                rows.append((*pending, line))
                pending = None
    with conn:
        conn.executemany("INSERT OR IGNORE INTO items (provider_id, name, category, icon, url) VALUES (?, ?, ?, ?, ?)", rows)
        conn.execute("INSERT INTO items_fts (rowid, name) SELECT id, name FROM items")
    conn.close()
    return {"seconds": time.perf_counter() - started, "entries": len(rows)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
