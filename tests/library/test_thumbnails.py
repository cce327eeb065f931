"""Provider pictures turned into the cache's WebP copies: formats by content, sizes kept in
their box, transparency kept, only the first frame of an animation, hostile files refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from xtplay.errors import NotAnImage
from xtplay.library.thumbnails import BOXES, Box, shrink

PIXELS = 25_000_000


def encoded(image: Image.Image, format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    return image


@pytest.mark.parametrize("format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_each_raster_format_becomes_a_webp_in_its_box(format):
    source = Image.new("RGB", (1500, 1000), "#3366cc")
    small = opened(shrink(encoded(source, format), BOXES["poster"], PIXELS, "host"))
    assert small.size == (342, 228)


def test_a_picture_smaller_than_its_box_is_not_enlarged():
    assert opened(shrink(encoded(Image.new("RGB", (60, 40)), "PNG"), Box(128, 128), PIXELS, "host")).size == (60, 40)


def test_transparency_is_kept_and_an_animation_gives_its_first_frame():
    logo = Image.new("RGBA", (200, 100), (255, 0, 0, 0))
    logo.paste((255, 0, 0, 255), (50, 25, 150, 75))
    kept = opened(shrink(encoded(logo, "PNG"), BOXES["logo"], PIXELS, "host"))
    assert kept.mode == "RGBA" and kept.getpixel((0, 0))[3] == 0 and kept.getpixel((64, 32))[3] == 255
    frames = [Image.new("RGB", (100, 100), colour) for colour in ("#ff0000", "#00ff00", "#0000ff")]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    first = opened(shrink(gif.getvalue(), BOXES["logo"], PIXELS, "host"))
    assert getattr(first, "n_frames", 1) == 1
    red, green, blue = first.convert("RGB").getpixel((50, 50))
    assert red > 200 and green < 60 and blue < 60


@pytest.mark.parametrize(("data", "why"), [
    (b"", "an empty answer"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "an SVG drawing"),
    (b"<!DOCTYPE html><html><body>Access denied</body></html>", "a web page"),
    (b'{"error": "not found"}', "JSON"),
    (b"BM\x00\x00" + bytes(60), "not a PNG, JPEG, WebP or GIF"),  # a BMP header: Pillow could, we do not
], ids=["empty", "svg", "html", "json", "bmp"])
def test_what_is_not_a_picture_is_refused_in_words(data, why):
    with pytest.raises(NotAnImage) as refused:
        shrink(data, BOXES["logo"], PIXELS, "img.example")
    assert why in str(refused.value) and "img.example" in str(refused.value)


def test_a_picture_over_the_pixel_cap_is_refused_before_decoding():
    data = encoded(Image.new("RGB", (3000, 3000)), "PNG")
    with pytest.raises(NotAnImage, match="far too large"):
        shrink(data, BOXES["logo"], 8_000_000, "host")
    assert opened(shrink(data, BOXES["logo"], 9_000_000, "host")).size == (128, 128)
