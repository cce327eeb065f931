"""Logos and posters the demo provider serves itself, so no catalog row points outside."""

from __future__ import annotations

_PALETTE = ["#1f6feb", "#8957e5", "#d29922", "#2da44e", "#cf222e", "#0a7ea4", "#bf3989", "#57606a"]
#: kind → (width, height, label)
_SHAPES = {"live": (160, 90, "TV"), "movie": (200, 300, "MOVIE"), "series": (200, 300, "SERIES"),
           "episode": (320, 180, "EP"), "backdrop": (640, 360, "")}


def svg(kind: str, ident: int) -> bytes | None:
    """A small SVG placeholder for an item, or None for an unknown kind."""
    if kind not in _SHAPES:
        return None
    width, height, label = _SHAPES[kind]
    color = _PALETTE[ident % len(_PALETTE)]
    text = f"{label} {ident}".strip()
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="{color}"/>'
            f'<text x="50%" y="50%" fill="#fff" font-family="sans-serif" font-size="{height // 6}" '
            f'text-anchor="middle" dominant-baseline="middle">{text}</text></svg>').encode()
