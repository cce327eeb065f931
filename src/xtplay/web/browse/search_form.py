"""The search form, read from a query string, and the search it asks for.

The search page and ``/api/search`` take the same parameters and answer the same hits; both
read them here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import HTTPException, Request

from xtplay.accounts.profiles import Profile
from xtplay.library import catalog, search
from xtplay.web.locale import gettext as _
from xtplay.web.views import form_number


@dataclass
class SearchForm:
    """What the search form says, typed; the same keys as ``search.search``."""

    q: str = ""
    types: list[str] = field(default_factory=list)
    genre: str | None = None
    min_rating: float | None = None
    year_from: int | None = None
    year_to: int | None = None

    @classmethod
    def from_request(cls, request: Request) -> SearchForm:
        """Read the query string (empty fields are "no filter"; bad numbers are a 422)."""
        qp = request.query_params
        types = [t for t in qp.getlist("type") if t]
        for t in types:
            if t not in catalog.TYPES:
                raise HTTPException(422, _("Unknown kind “%(kind)s”.") % {"kind": t})
        return cls(q=(qp.get("q") or "").strip()[:200], types=types, genre=(qp.get("genre") or "").strip() or None,
                   min_rating=form_number(qp.get("min_rating"), float),
                   year_from=form_number(qp.get("year_from"), int), year_to=form_number(qp.get("year_to"), int))

    @classmethod
    def from_preset(cls, saved: dict[str, Any]) -> SearchForm:
        return cls(q=saved.get("q") or "", types=list(saved.get("types") or []), genre=saved.get("genre"),
                   min_rating=saved.get("min_rating"), year_from=saved.get("year_from"), year_to=saved.get("year_to"))

    @property
    def has_filters(self) -> bool:
        return bool(self.types or self.genre or self.min_rating is not None or self.year_from or self.year_to)

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``search.search`` (and a saved preset)."""
        return {"types": self.types or None, "genre": self.genre, "min_rating": self.min_rating,
                "year_from": self.year_from, "year_to": self.year_to}

    def query(self, **changes: Any) -> str:
        """The query string of this form (for links that keep it)."""
        values = {"q": self.q, "type": self.types, "genre": self.genre, "min_rating": self.min_rating,
                  "year_from": self.year_from, "year_to": self.year_to}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in (None, "", [])}, doseq=True)


def run_search(conn: sqlite3.Connection, profile: Profile, form: SearchForm, *, limit: int,
               only: str | None = None, offset: int = 0) -> dict[str, list[search.Hit]]:
    """Results grouped by type for a form (``only`` narrows to one type, for "show all")."""
    args = form.filters()
    if only:
        args["types"] = [only]
    return search.search(conn, profile.id, form.q, limit=limit, offset=offset,
                         include_adult=profile.adult_enabled, **args)
