"""The SQLite store under profiles: migrations, backups before a migration, refusing newer files."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from xtplay import db
from xtplay.errors import DatabaseTooNew, StoreError


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_library_is_migrated_to_the_latest_schema(settings):
    conn = db.open_library(settings.db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == db.schema_version() >= 1
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"profiles", "app_state"} <= tables
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    finally:
        conn.close()
    # a fresh file needs no backup: there was nothing to protect
    assert not list(settings.home.glob("*.bak"))


def test_profiles_schema_has_the_agreed_columns(library):
    columns = {r["name"] for r in library.execute("PRAGMA table_info(profiles)")}
    assert {
        "id", "name", "url", "username", "secret", "created_at", "updated_at", "last_used_at",
        "account_json", "account_checked_at", "sync_interval_hours", "adult_enabled", "timezone",
    } <= columns
    library.execute(
        "INSERT INTO profiles (name, url, username, created_at, updated_at) VALUES ('Abc', 'http://x', 'u', 'n', 'n')"
    )
    with pytest.raises(sqlite3.IntegrityError):
        library.execute(
            "INSERT INTO profiles (name, url, username, created_at, updated_at) VALUES ('aBC', 'http://y', 'v', 'n', 'n')"
        )


def test_opening_again_changes_nothing(settings):
    db.open_library(settings.db_path).close()
    version = db.schema_version()
    conn = db.open_library(settings.db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    finally:
        conn.close()
    assert not list(settings.home.glob("*.bak"))


def test_pending_migration_backs_the_file_up_first(settings, monkeypatch):
    conn = db.open_library(settings.db_path)
    conn.execute("INSERT INTO app_state (key, value) VALUES ('marker', 'before-upgrade')")
    conn.commit()
    conn.close()
    current = db.schema_version()
    real = db.migrations()
    extra = (current + 1, f"{current + 1:04d}_test_extra.sql", "CREATE TABLE test_extra (x INTEGER);")
    monkeypatch.setattr(db, "migrations", lambda: [*real, extra])

    conn = db.open_library(settings.db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current + 1
        conn.execute("SELECT x FROM test_extra")
    finally:
        conn.close()
    backups = list(settings.home.glob(f"xtplay.db.v{current}.*.bak"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    try:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == current
        assert copy.execute("SELECT value FROM app_state WHERE key = 'marker'").fetchone()[0] == "before-upgrade"
        assert copy.execute("SELECT count(*) FROM sqlite_master WHERE name = 'test_extra'").fetchone()[0] == 0
    finally:
        copy.close()


def test_failing_migration_rolls_back_and_keeps_the_backup(settings, monkeypatch):
    db.open_library(settings.db_path).close()
    current = db.schema_version()
    real = db.migrations()
    broken = (
        current + 1,
        f"{current + 1:04d}_broken.sql",
        "CREATE TABLE half (x);\nINSERT INTO no_such_table VALUES (1);",
    )
    monkeypatch.setattr(db, "migrations", lambda: [*real, broken])

    with pytest.raises(StoreError, match=r"broken\.sql"):
        db.open_library(settings.db_path)
    monkeypatch.undo()
    conn = db.connect(settings.db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0
    finally:
        conn.close()
    assert len(list(settings.home.glob(f"xtplay.db.v{current}.*.bak"))) == 1


def test_library_from_a_newer_xtplay_is_refused_untouched(settings):
    conn = db.open_library(settings.db_path)
    newer = db.schema_version() + 5
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _digest(settings.db_path)

    with pytest.raises(DatabaseTooNew) as caught:
        db.open_library(settings.db_path)
    assert caught.value.found == newer and caught.value.supported == db.schema_version()
    assert "newer xtplay" in str(caught.value) and "not touched" in str(caught.value)
    assert _digest(settings.db_path) == before
    assert not list(settings.home.glob("*.bak"))


def test_transaction_rolls_back_on_error(library):
    with pytest.raises(RuntimeError), db.transaction(library):
        library.execute("INSERT INTO app_state (key, value) VALUES ('k', 'v')")
        raise RuntimeError("boom")
    assert library.execute("SELECT count(*) FROM app_state WHERE key = 'k'").fetchone()[0] == 0
