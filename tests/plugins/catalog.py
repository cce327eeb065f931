"""Fixtures for the catalog, sync and search: a factory that fills a real library, and
``synced_profile`` (the demo profile after a full sync).

The factory builds provider rows as raw dicts (the shapes a panel sends) and reads and stores
them through the real ``catalog_store`` code that sync uses, so browse and search tests run over
exactly what sync writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass
class CatalogFactory:
    """Fills one profile's library: ``add(type, name, **fields)`` then ``save()``."""

    conn: Any
    profile_id: int
    categories: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"live": [], "movie": [], "series": []})
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"live": [], "movie": [], "series": []})

    def category(self, type: str, category_id: str, name: str) -> str:
        self.categories[type].append({"category_id": category_id, "category_name": name, "parent_id": 0})
        return category_id

    def add(self, type: str, name: str, **fields: Any) -> int:
        rows = self.rows[type]
        new_id = fields.pop("id", None) or (max((r["_id"] for r in rows), default=0) + 1)
        raw: dict[str, Any] = {"_id": new_id, "name": name, "num": len(rows) + 1}
        raw["series_id" if type == "series" else "stream_id"] = new_id
        if type == "series" and "icon" in fields:
            fields["cover"] = fields.pop("icon")
        elif "icon" in fields:
            fields["stream_icon"] = fields.pop("icon")
        raw.update(fields)
        rows.append(raw)
        return new_id

    def save(self, types: tuple[str, ...] = ("live", "movie", "series")) -> dict[str, int]:
        from xtplay.library import store as catalog_store
        from xtplay.sources.models import Category

        counts = {}
        for type in types:
            cats = catalog_store.normalise_categories(Category.from_raw(c) for c in self.categories[type])
            raw = [{k: v for k, v in r.items() if k != "_id"} for r in self.rows[type]]
            rows = catalog_store.normalise_raw(type, raw, cats)
            if rows:
                counts[type] = catalog_store.replace_type(self.conn, self.profile_id, type, cats, rows)
        catalog_store.rebuild_terms(self.conn, self.profile_id)
        return counts


@pytest.fixture
def catalog_profile(settings, library, vault):
    """``(settings, conn, vault, profile)``: a profile saved without any provider, empty library."""
    from xtplay.accounts import profiles

    profile = profiles.insert_profile(
        library, vault, name="Local", url="http://127.0.0.1:9", username="u", password="secret-pass"
    )
    return settings, library, vault, profile


@pytest.fixture
def catalog_factory(catalog_profile) -> Iterator[CatalogFactory]:
    """A :class:`CatalogFactory` over ``catalog_profile``'s library."""
    _, conn, _, profile = catalog_profile
    yield CatalogFactory(conn, profile.id)


@pytest.fixture
async def synced_profile(demo_profile):
    """``(settings, conn, vault, profile)``: the demo profile after a full, successful sync."""
    from xtplay.library import sync

    settings, conn, vault, profile = demo_profile
    result = await sync.sync_profile(settings, conn, vault, profile)
    assert result.status == "ok", result.errors
    return settings, conn, vault, profile
