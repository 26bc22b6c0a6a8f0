"""Re-encoding photos: bounded in size, turned upright, without metadata, palette images in colour."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shangliang.files import images


def jpeg(size: tuple[int, int], *, orientation: int | None = None) -> io.BytesIO:
    image = Image.new("RGB", size, (200, 120, 40))
    image.paste((10, 10, 250), (0, 0, size[0] // 2, size[1] // 4))  # a blue band at the top left
    exif = Image.Exif()
    exif[0x013B] = "张三"  # Artist
    if orientation is not None:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=90)
    buffer.seek(0)
    return buffer


def opened(content) -> Image.Image:
    content.seek(0)
    image = Image.open(io.BytesIO(content.read()))
    image.load()
    return image


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1024, 768), (1024, 768)),  # small enough: kept as it is
        ((3000, 2000), (2048, 1365)),  # decoded in full, then bounded by MAX_SIDE
        ((4032, 3024), (2016, 1512)),  # a phone's 12 MP: decoded at half scale
        ((8000, 6000), (2000, 1500)),  # 48 MP: decoded at a quarter
    ],
)
def test_a_photo_is_bounded_and_keeps_no_metadata(size, expected):
    encoded = images.reencode(jpeg(size), stem="p")
    image = opened(encoded.image)
    assert (image.size, (encoded.width, encoded.height)) == (expected, expected)
    assert dict(image.getexif()) == {}
    assert max(opened(encoded.thumbnail).size) == images.THUMB_SIDE


def test_a_photo_taken_sideways_is_turned_upright():
    # given a landscape-stored photo whose EXIF says "rotate 90° clockwise to view" (orientation 6)
    encoded = images.reencode(jpeg((4032, 3024), orientation=6), stem="p")
    image = opened(encoded.image).convert("RGB")
    # then it is stored upright (portrait), the blue band now at the top right
    assert image.size == (1512, 2016)
    red, _, blue = image.getpixel((image.width - 5, 5))
    assert (blue > 200, red < 60) == (True, True)


def test_a_palette_image_is_reencoded_in_colour():
    image = Image.new("RGB", (600, 400), (0, 128, 255)).convert("P", palette=Image.Palette.ADAPTIVE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    encoded = images.reencode(buffer, stem="p")
    pixel = opened(encoded.image).convert("RGB").getpixel((300, 200))
    assert all(abs(a - b) < 12 for a, b in zip(pixel, (0, 128, 255), strict=True))
