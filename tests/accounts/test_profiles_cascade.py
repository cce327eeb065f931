"""Deleting a profile leaves no row that references it, in any table that exists (found generically).

The library is filled by a real sync of the demo provider, then every per-profile table that is
still empty for the profile gets a synthetic row built from the table's own schema (column
types, CHECK literals, foreign keys), so tables added by later migrations are covered without
editing this test.
"""

from __future__ import annotations

import re
import sqlite3

from xtplay.accounts import profiles


def _per_profile_tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """table -> the columns that hold a profile id (named profile_id, or a foreign key to profiles)."""
    found: dict[str, list[str]] = {}
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for table in names:
        if table == "profiles":
            continue
        columns = {r["name"] for r in conn.execute(f'PRAGMA table_info("{table}")')}
        refs = {r["from"] for r in conn.execute(f'PRAGMA foreign_key_list("{table}")') if r["table"] == "profiles"}
        hits = sorted(({"profile_id"} & columns) | refs)
        if hits:
            found[table] = hits
    return found


def _count(conn: sqlite3.Connection, table: str, columns: list[str], profile_id: int) -> int:
    where = " OR ".join(f'"{c}" = ?' for c in columns)
    return conn.execute(f'SELECT count(*) FROM "{table}" WHERE {where}', [profile_id] * len(columns)).fetchone()[0]


def _allowed_literals(sql: str, column: str) -> list[str]:
    """The values a ``CHECK (column IN ('a', 'b'))`` admits, if the schema says so."""
    match = re.search(rf'\b"?{re.escape(column)}"?\s+IN\s*\(([^)]*)\)', sql, re.IGNORECASE)
    return re.findall(r"'([^']*)'", match.group(1)) if match else []


def _try_fill(conn: sqlite3.Connection, table: str, profile_id: int) -> bool:
    """Insert one schema-valid row for the profile; False when a referenced row is missing or all tries fail."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0] or ""
    virtual = sql.upper().startswith("CREATE VIRTUAL")
    literals = [s for s in re.findall(r"'([^']*)'", sql) if s and len(s) < 40] or ["x"]
    info = list(conn.execute(f'PRAGMA table_info("{table}")'))
    fks = {r["from"]: (r["table"], r["to"]) for r in conn.execute(f'PRAGMA foreign_key_list("{table}")')}
    single_int_pk = sum(1 for c in info if c["pk"]) == 1 and any(c["pk"] and "INT" in (c["type"] or "").upper() for c in info)
    for attempt in range(len(literals) + 1):
        values: dict[str, object] = {}
        for column in info:
            name, kind = column["name"], (column["type"] or "").upper()
            if name == "profile_id" or fks.get(name, ("",))[0] == "profiles":
                values[name] = profile_id
            elif column["pk"] and single_int_pk:
                continue
            elif name in fks:
                parent, target = fks[name]
                parent_cols = {r["name"] for r in conn.execute(f'PRAGMA table_info("{parent}")')}
                pick = f'"{target}"' if target else "rowid"
                where = " WHERE profile_id = ?" if "profile_id" in parent_cols else ""
                row = conn.execute(f'SELECT {pick} FROM "{parent}"{where} LIMIT 1', (profile_id,) if where else ()).fetchone()
                if row is None:
                    return False
                values[name] = row[0]
            elif (column["notnull"] and column["dflt_value"] is None) or virtual or column["pk"]:
                if "INT" in kind or "BOOL" in kind:
                    values[name] = 1 if attempt % 2 == 0 else 0
                elif "REAL" in kind or "FLOA" in kind or "DOUB" in kind or "NUM" in kind:
                    values[name] = 1.0
                elif "BLOB" in kind:
                    values[name] = b"x"
                else:
                    own = _allowed_literals(sql, name)
                    if own:
                        values[name] = own[attempt % len(own)]
                    else:
                        values[name] = literals[attempt % len(literals)] if attempt < len(literals) else f"synthetic-{profile_id}"
        cols = ", ".join(f'"{c}"' for c in values)
        marks = ", ".join("?" for _ in values)
        try:
            conn.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(values.values()))
            conn.commit()
            return True
        except sqlite3.IntegrityError:
            conn.rollback()
    return False


def _fill_every_table(conn: sqlite3.Connection, profile_id: int) -> list[str]:
    """Give the profile at least one row in every per-profile table; returns tables left empty."""
    tables = _per_profile_tables(conn)
    progress = True
    while progress:
        progress = False
        for table, columns in tables.items():
            if _count(conn, table, columns, profile_id) == 0 and _try_fill(conn, table, profile_id):
                progress = True
    return [t for t, c in tables.items() if _count(conn, t, c, profile_id) == 0]


async def test_removing_a_profile_leaves_no_row_that_references_it(synced_profile):
    settings, conn, vault, profile = synced_profile
    other = profiles.insert_profile(
        conn, vault, name="Bystander", url="http://127.0.0.1:9", username="b", password="bystander-pw"
    )
    tables = _per_profile_tables(conn)
    assert "app_state" not in tables and tables, "no per-profile tables found"

    assert _fill_every_table(conn, profile.id) == [], "could not put a row of the profile in these tables"
    assert _fill_every_table(conn, other.id) == []
    kept = {t: _count(conn, t, c, other.id) for t, c in tables.items()}
    profiles.use_profile(conn, profile)

    profiles.remove_profile(conn, vault, profile)

    leftovers = {t: n for t, c in tables.items() if (n := _count(conn, t, c, profile.id))}
    assert leftovers == {}, f"rows still reference the deleted profile: {leftovers}"
    assert {t: _count(conn, t, c, other.id) for t, c in tables.items()} == kept, "the other profile lost rows"
    assert conn.execute("SELECT count(*) FROM profiles WHERE id = ?", (profile.id,)).fetchone()[0] == 0
    assert profiles.active_profile(conn).id == other.id
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
