"""Logos and posters the demo provider serves itself, so no catalog row points outside.

Real PNG pictures (drawn with Pillow the first time each is asked for, then kept in memory),
so the demo exercises xtplay's artwork cache as a real provider's pictures do.
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageDraw, ImageFont

_PALETTE = ["#1f6feb", "#8957e5", "#d29922", "#2da44e", "#cf222e", "#0a7ea4", "#bf3989", "#57606a"]
#: kind → (width, height, label)
_SHAPES = {"live": (160, 90, "TV"), "movie": (200, 300, "MOVIE"), "series": (200, 300, "SERIES"),
           "episode": (320, 180, "EP"), "backdrop": (640, 360, "")}
#: Pictures kept drawn (a few hundred kilobytes in all).
_KEPT = 512


def png(kind: str, ident: int) -> bytes | None:
    """A small PNG for an item (its kind's shape and a colour of its own), or None for an unknown kind."""
    if kind not in _SHAPES:
        return None
    return _draw(kind, int(ident))


@functools.lru_cache(maxsize=_KEPT)
def _draw(kind: str, ident: int) -> bytes:
    width, height, label = _SHAPES[kind]
    image = Image.new("RGB", (width, height), _PALETTE[ident % len(_PALETTE)])
    text = f"{label} {ident}".strip()
    draw = ImageDraw.Draw(image)
    size = max(10, height // 4)
    while size > 10 and draw.textlength(text, font=_font(size)) > width * 0.85:
        size -= 2
    font = _font(size)
    draw.text((width / 2, height / 2), text, fill="#ffffff", font=font, anchor="mm")
    draw.rectangle((0, 0, width - 1, height - 1), outline="#ffffff40")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


@functools.lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's bundled font at ``size`` (its small bitmap font where FreeType is missing)."""
    try:
        return ImageFont.load_default(size)
    except (OSError, ImportError, TypeError):
        return ImageFont.load_default()
