"""The SQLite library: catalog, sync, search, favorites and history."""
