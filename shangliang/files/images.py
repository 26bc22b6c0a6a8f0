"""Re-encoding photos before they are stored: metadata (GPS location, camera, owner) is dropped,
orientation applied, size bounded, and a thumbnail made. Validate with ``files.uploads`` first.

Decoding is the costly part (seconds for a large image), so it happens before the transaction that
stores the record (``reencode``); the record gets non-guessable file names inside the transaction
(``stored``) and the files are written once it has committed (``write_after_commit``): a rolled-back
or killed request leaves no file, and no file name tells whose it is."""

from __future__ import annotations

import io
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps

from shangliang.core.errors import ApplicationError
from shangliang.files import uploads

logger = logging.getLogger(__name__)

MAX_SIDE = 2048
THUMB_SIDE = 360
# A JPEG is decoded at the smallest scale libjpeg offers (½, ¼, ⅛) that keeps its long side at least
# this: a phone's 12 MP photo decodes at 2016 × 1512 in a third of the time of its full size.
DECODE_SIDE = 1536
# The pixels one request may make the server decode, all its photos together (per photo:
# ``uploads.MAX_IMAGE_PIXELS``).
MAX_REQUEST_PIXELS = 100_000_000


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
        if source.format in ("JPEG", "MPO") and max(source.size) > 2 * DECODE_SIDE:
            scale = max(source.size) / DECODE_SIDE
            source.draft(None, (int(source.width / scale), int(source.height / scale)))
        image: Image.Image = source
        if image.mode in ("1", "P"):
            image = image.convert("RGBA")  # resized in full colour, not pixel by nearest pixel
        # Shrink first (a JPEG decoded at a reduced scale where it can, then a fast reduction), so
        # that what follows works on at most MAX_SIDE pixels a side, not on a phone's 12–50 MP.
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        oriented = ImageOps.exif_transpose(image) or image
        rgb = oriented.convert("RGB")
    # Copy pixels only: no info dict, so nothing of the original's metadata survives.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return Encoded(
        image=_jpeg(clean, f"{stem}.jpg"),
        thumbnail=_jpeg(thumb, f"{stem}-thumb.jpg"),
        width=clean.width,
        height=clean.height,
    )


def validate_photos(photos: Iterable[Any], *, field: str = "photos", max_bytes: int | None = None) -> None:
    """Refuse the first file that is not an acceptable photo, naming it in the Chinese message, and
    photos that together hold more than ``MAX_REQUEST_PIXELS``."""
    total = 0
    for photo in photos:
        try:
            uploads.validate_upload(photo, kinds=(uploads.IMAGE,), max_bytes=max_bytes)
        except ValidationError as exc:
            raise ApplicationError(
                f"照片“{getattr(photo, 'name', '')}”未能上传：{exc.messages[0]}", field=field
            ) from exc
        total += uploads.image_pixels(photo)
        if total > MAX_REQUEST_PIXELS:
            raise ApplicationError(
                f"这些照片合计尺寸过大（超过 {MAX_REQUEST_PIXELS // 1_000_000} 百万像素），"
                "请少选几张或压缩后再上传。",
                field=field,
            )


def prepare(
    photos: Sequence[Any], *, limit: int, field: str = "photos", max_bytes: int | None = None
) -> list[Encoded]:
    """Check and re-encode uploaded photos: the costly part, so the caller does it before opening
    the transaction that stores them (``stored`` then ``write_after_commit``)."""
    if len(photos) > limit:
        raise ApplicationError(f"最多上传 {limit} 张照片（您选了 {len(photos)} 张）。", field=field)
    validate_photos(photos, field=field, max_bytes=max_bytes)
    return [reencode(photo, stem="photo") for photo in photos]


@dataclass(frozen=True)
class Stored:
    """A re-encoded photo given its file names: ``fields`` go into the record's constructor,
    ``files`` are written after the commit."""

    fields: dict[str, Any]
    files: tuple[tuple[str, bytes], ...]

    @property
    def names(self) -> dict[str, str]:
        """Only the file names, for records that keep no size."""
        return {"image": self.fields["image"], "thumbnail": self.fields["thumbnail"]}


def stored(encoded: Encoded, *, directory: str, thumbnail: bool = True) -> Stored:
    """Non-guessable names under ``directory`` for ``encoded`` (no record id, code or person in
    them); ``thumbnail=False`` for a record that keeps the photo alone."""
    token = secrets.token_urlsafe(18)
    image, thumb = f"{directory}/{token}.jpg", f"{directory}/{token}-t.jpg"
    files = [(image, _bytes(encoded.image))]
    if thumbnail:
        files.append((thumb, _bytes(encoded.thumbnail)))
    return Stored(
        fields={
            "image": image,
            "thumbnail": thumb if thumbnail else "",
            "width": encoded.width,
            "height": encoded.height,
        },
        files=tuple(files),
    )


def _bytes(content: ContentFile) -> bytes:
    content.seek(0)
    data = content.read()
    return data if isinstance(data, bytes) else data.encode()


def write_after_commit(photos: Sequence[Stored]) -> None:
    """Write the photos' files once the current transaction commits (at once outside one)."""
    files = [f for photo in photos for f in photo.files]
    if files:
        transaction.on_commit(partial(_write, files))


def _write(files: Sequence[tuple[str, bytes]]) -> None:
    for name, data in files:
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # pragma: no cover - the names are random
            logger.error("photo file %s was stored as %s", name, saved)
