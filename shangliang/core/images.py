"""Re-encoding photos before they are stored: metadata (GPS location, camera, owner) is dropped,
orientation applied, size bounded, and a thumbnail made. Validate with ``core.uploads`` first."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from shangliang.core import uploads
from shangliang.core.errors import ApplicationError

MAX_SIDE = 2048
THUMB_SIDE = 360


@dataclass(frozen=True)
class Encoded:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _jpeg(image: Image.Image, name: str) -> ContentFile:
    buffer = io.BytesIO()
    # A new image object carries no EXIF/XMP/ICC metadata unless it is passed explicitly.
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=name)


def reencode(file: IO[bytes], *, stem: str) -> Encoded:
    file.seek(0)
    with Image.open(file) as source:
        source.load()
        oriented = ImageOps.exif_transpose(source) or source
        rgb = oriented.convert("RGB")
    # Copy pixels only: no info dict, so nothing of the original's metadata survives.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    clean.thumbnail((MAX_SIDE, MAX_SIDE))
    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return Encoded(
        image=_jpeg(clean, f"{stem}.jpg"),
        thumbnail=_jpeg(thumb, f"{stem}-thumb.jpg"),
        width=clean.width,
        height=clean.height,
    )


def validate_photos(photos: Iterable[Any], *, field: str = "photos", max_bytes: int | None = None) -> None:
    """Refuse the first file that is not an acceptable photo, naming it in the Chinese message."""
    for photo in photos:
        try:
            uploads.validate_upload(photo, kinds=(uploads.IMAGE,), max_bytes=max_bytes)
        except ValidationError as exc:
            raise ApplicationError(
                f"照片“{getattr(photo, 'name', '')}”未能上传：{exc.messages[0]}", field=field
            ) from exc


def attach(record: Any, photo: IO[bytes], *, stem: str) -> None:
    """Re-encode ``photo`` onto ``record.image`` and ``record.thumbnail``; the caller saves the record."""
    encoded = reencode(photo, stem=stem)
    record.image.save(encoded.image.name or "photo.jpg", encoded.image, save=False)
    record.thumbnail.save(encoded.thumbnail.name or "thumb.jpg", encoded.thumbnail, save=False)
