"""JSON API for favorites, history and continue-watching of the active profile.

Thin wrappers over :mod:`xtplay.library.favorites` and :mod:`xtplay.library.history`; errors are answered
as JSON by :mod:`web.errors`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from xtplay.library import favorites, history
from xtplay.web.deps import ActiveProfile, Conn

router = APIRouter()


class FavoriteIn(BaseModel):
    type: str
    provider_id: str
    name: str | None = Field(default=None, max_length=500)


class ProgressIn(BaseModel):
    type: str
    provider_id: str
    position_secs: float = Field(ge=0)
    duration_secs: float | None = Field(default=None, ge=0)
    name: str | None = Field(default=None, max_length=500)


class WatchedIn(BaseModel):
    watched: bool = True


@router.get("/api/favorites")
def list_favorites(conn: Conn, profile: ActiveProfile, type: str | None = None) -> dict[str, Any]:
    """The active profile's favorites, newest first (``available`` false for items gone)."""
    return {"favorites": [f.to_dict() for f in favorites.list(conn, profile.id, type)]}


@router.post("/api/favorites", status_code=201)
def add_favorite(body: FavoriteIn, conn: Conn, profile: ActiveProfile) -> dict[str, Any]:
    """Mark an item as favorite."""
    return {"favorite": favorites.add(conn, profile.id, body.type, body.provider_id, body.name).to_dict()}


@router.delete("/api/favorites/{type}/{provider_id}")
def remove_favorite(type: str, provider_id: str, conn: Conn, profile: ActiveProfile) -> dict[str, Any]:
    """Unmark an item."""
    return {"removed": favorites.remove(conn, profile.id, type, provider_id)}


@router.get("/api/history")
def list_history(conn: Conn, profile: ActiveProfile, type: str | None = None, limit: int = 200) -> dict[str, Any]:
    """What was played, most recent first."""
    return {"history": [e.to_dict() for e in history.list(conn, profile.id, type, max(1, min(limit, 1000)))]}


@router.post("/api/history")
def record_progress(body: ProgressIn, conn: Conn, profile: ActiveProfile) -> dict[str, Any]:
    """Record a play position (players call this periodically and on leave)."""
    entry = history.record(conn, profile.id, body.type, body.provider_id, body.position_secs,
                           body.duration_secs, body.name)
    return {"entry": entry.to_dict()}


@router.post("/api/history/{type}/{provider_id}/watched")
def set_watched(type: str, provider_id: str, body: WatchedIn, conn: Conn,
                profile: ActiveProfile) -> dict[str, Any]:
    """Mark an item watched or unwatched by hand."""
    return {"entry": history.mark_watched(conn, profile.id, type, provider_id, body.watched).to_dict()}


@router.delete("/api/history/{type}/{provider_id}")
def remove_history(type: str, provider_id: str, conn: Conn, profile: ActiveProfile) -> dict[str, Any]:
    """Forget one entry."""
    return {"removed": history.remove(conn, profile.id, type, provider_id)}


@router.delete("/api/history")
def clear_history(conn: Conn, profile: ActiveProfile) -> dict[str, Any]:
    """Forget the whole history."""
    return {"removed": history.clear(conn, profile.id)}


@router.get("/api/continue")
def continue_watching(conn: Conn, profile: ActiveProfile, limit: int = 20) -> dict[str, Any]:
    """Movies and episodes started but not finished, with their resume positions."""
    return {"items": [e.to_dict() for e in history.continue_watching(conn, profile.id, max(1, min(limit, 200)))]}
