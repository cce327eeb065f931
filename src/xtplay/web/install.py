"""What makes xtplay installable as an app on a phone, tablet or TV browser: the favicon and
the web app manifest (name, icons, theme colour, start on the home screen, standalone).

Both are reachable without logging in (browsers fetch them without the session cookie).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse

from xtplay.web.templating import STATIC_DIR

router = APIRouter()

#: The colour of the app's bar and splash screen (the header's background).
THEME_COLOUR = "#121a2b"
ICONS = STATIC_DIR / "icons"


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> FileResponse:
    """The tab icon."""
    return FileResponse(ICONS / "favicon.ico", media_type="image/x-icon",
                        headers={"cache-control": "public, max-age=86400"})


@router.get("/manifest.webmanifest", include_in_schema=False)
def manifest() -> JSONResponse:
    """The web app manifest: "Add to home screen" opens xtplay on its home screen, full screen."""
    return JSONResponse({
        "name": "xtplay", "short_name": "xtplay", "description": "Your IPTV provider's channels, movies and series",
        "id": "/", "start_url": "/", "scope": "/", "display": "standalone", "orientation": "any",
        "background_color": THEME_COLOUR, "theme_color": THEME_COLOUR,
        "icons": [
            {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": "/static/icons/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }, media_type="application/manifest+json", headers={"cache-control": "public, max-age=3600"})
