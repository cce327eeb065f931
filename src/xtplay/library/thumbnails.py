"""Turning the bytes an image host sent into a small WebP, or refusing them.

Provider artwork is untrusted. Only the raster formats that Pillow and every browser agree on
(PNG, JPEG, WebP, GIF) are opened, recognised by their content, not their name or their
Content-Type, so an SVG drawing or a web page called ``logo.png`` is refused. Dimensions are
read from the header and checked before a single pixel is decoded, so a decompression bomb
costs nothing. What comes out is re-encoded here, at the size a page shows: nothing the host
put in the file (metadata, more frames, a script) reaches a browser.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from xtplay.errors import NotAnImage
from xtplay.i18n import N_, Phrase

#: The formats opened (Pillow's names); anything else is refused.
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
#: WebP quality of the stored copies: small files, no visible loss at these sizes.
QUALITY = 82


@dataclass(frozen=True, slots=True)
class Box:
    """The largest a picture is kept at, in pixels: the aspect ratio is kept, never enlarged."""

    width: int
    height: int


#: The sizes the pages show, at about twice their CSS size for sharp phones: a channel logo
#: (64×36 in lists), a poster (a grid column or the details page), a faded backdrop.
BOXES = {
    "logo": Box(128, 128),
    "poster": Box(342, 513),
    "backdrop": Box(780, 780),
}


def shrink(data: bytes, box: Box, max_pixels: int, host: str) -> bytes:
    """``data`` as a WebP that fits in ``box``; :class:`NotAnImage` (naming ``host``) when it is
    not a PNG, JPEG, WebP or GIF picture, is damaged, or has more than ``max_pixels`` pixels."""
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:
            width, height = image.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise NotAnImage(host, Phrase(N_("a picture of %(width)s×%(height)s pixels is far too large"),
                                              {"width": width, "height": height}))
            image.draft("RGB", (box.width, box.height))  # JPEG decodes straight at a fraction of its size
            frame = _plain(image)
    except NotAnImage:
        raise
    except Image.DecompressionBombError:
        raise NotAnImage(host, N_("its dimensions are absurd (a decompression bomb)")) from None
    except UnidentifiedImageError:
        raise NotAnImage(host, Phrase(N_("%(what)s, not a PNG, JPEG, WebP or GIF picture"), {"what": _what(data)})) from None
    except Exception:  # a decoder meeting hostile bytes may raise anything (struct.error, IndexError …)
        raise NotAnImage(host, N_("a damaged or truncated picture")) from None
    frame.thumbnail((box.width, box.height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    frame.save(out, "WEBP", quality=QUALITY, method=4)
    return out.getvalue()


def _plain(image: Image.Image) -> Image.Image:
    """The first frame, decoded, as RGB (or RGBA where it has transparency)."""
    image.seek(0)
    image.load()
    transparent = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    return image.convert("RGBA" if transparent else "RGB")


def _what(data: bytes) -> str:
    """What a refused body looks like, for the log: a drawing, a page, or just bytes."""
    head = data[:512].lstrip().lower()
    if not head:
        return Phrase(N_("an empty answer"))
    if b"<svg" in head or (head.startswith(b"<?xml") and b"svg" in data[:4096].lower()):
        return Phrase(N_("an SVG drawing"))
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head:
        return Phrase(N_("a web page"))
    if head.startswith((b"{", b"[")):
        return Phrase(N_("JSON"))
    return Phrase(N_("unknown bytes"))
