"""Checking uploaded files before they are stored: size, extension and what the bytes really are.

An extension alone proves nothing, so each accepted kind is also recognised by its content: an
image must open and verify in Pillow (with a pixel limit against decompression bombs), a PDF
starts with ``%PDF-``, a .docx / .xlsx is a zip holding the parts Office writes, a legacy .doc is
an OLE compound file. Every refusal is a ``ValidationError`` with a Chinese reason for the person
uploading.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Collection
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

IMAGE = "image"
PDF = "pdf"
WORD = "word"
SPREADSHEET = "spreadsheet"

EXTENSIONS: dict[str, frozenset[str]] = {
    IMAGE: frozenset({"jpg", "jpeg", "png", "gif", "webp"}),
    PDF: frozenset({"pdf"}),
    WORD: frozenset({"doc", "docx"}),
    SPREADSHEET: frozenset({"xlsx"}),
}
KIND_LABELS = {IMAGE: "图片", PDF: "PDF", WORD: "Word 文档", SPREADSHEET: "Excel 表格"}
# Which Pillow formats each image extension may really contain.
IMAGE_FORMATS = {
    "jpg": {"JPEG", "MPO"},
    "jpeg": {"JPEG", "MPO"},
    "png": {"PNG"},
    "gif": {"GIF"},
    "webp": {"WEBP"},
}
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# A photo from a phone is 12–50 megapixels (the largest sensors are binned to 12–24 in their
# photos); decoding costs memory and time in proportion, so anything larger is refused.
MAX_IMAGE_PIXELS = 40_000_000

DOCUMENTS_AND_IMAGES = (IMAGE, PDF, WORD, SPREADSHEET)


def max_upload_bytes() -> int:
    return int(getattr(settings, "SHANGLIANG_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def _kinds_label(kinds: Collection[str]) -> str:
    labels = [KIND_LABELS[k] for k in kinds if k != SPREADSHEET]
    if SPREADSHEET in kinds:
        labels.append(KIND_LABELS[SPREADSHEET])
    if len(labels) == 1:
        return labels[0]
    head, last = "、".join(labels[:-1]), labels[-1]
    # A space between Chinese and Latin words ("PDF 或 Word 文档"), none between Chinese ones.
    return f"{head}{' ' if head[-1].isascii() else ''}或{' ' if last[0].isascii() else ''}{last}"


def unsupported_message(kinds: Collection[str]) -> str:
    extensions = sorted(ext for kind in kinds for ext in EXTENSIONS[kind])
    return f"文件类型不支持：只接受{_kinds_label(kinds)}（{'、'.join(extensions)}）。"


def _read_head(file: IO[bytes], size: int) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _check_image(file: IO[bytes], extension: str) -> None:
    broken = ValidationError("图片已损坏或不是有效图片。", code="bad_image")
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationError("图片尺寸过大，请压缩后再上传。", code="image_too_large")
                if image.format not in IMAGE_FORMATS[extension]:
                    raise broken
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError("图片尺寸过大，请压缩后再上传。", code="image_too_large") from exc
    except Exception as exc:  # Pillow raises many kinds of error for broken files
        raise broken from exc
    finally:
        file.seek(0)


def _check_zip_members(file: IO[bytes], required: str, label: str) -> None:
    mismatch = ValidationError(f"文件已损坏或不是有效的{label}。", code="bad_content")
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise mismatch from exc
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names or required not in names:
        raise mismatch


def _check_content(file: IO[bytes], extension: str) -> str:
    if extension in EXTENSIONS[IMAGE]:
        _check_image(file, extension)
        return IMAGE
    if extension == "pdf":
        if _read_head(file, 5) != b"%PDF-":
            raise ValidationError("文件已损坏或不是有效的 PDF 文件。", code="bad_content")
        return PDF
    if extension == "docx":
        _check_zip_members(file, "word/document.xml", "Word 文档")
        return WORD
    if extension == "xlsx":
        _check_zip_members(file, "xl/workbook.xml", "Excel 表格")
        return SPREADSHEET
    if extension == "doc":
        if _read_head(file, 8) != OLE_MAGIC:
            raise ValidationError("文件已损坏或不是有效的 Word 文档。", code="bad_content")
        return WORD
    raise AssertionError(extension)  # pragma: no cover - guarded by the extension check


def validate_upload(
    file: Any, *, kinds: Collection[str] = DOCUMENTS_AND_IMAGES, max_bytes: int | None = None
) -> str:
    """Refuse ``file`` unless it is one of ``kinds``, by name and by content, and small enough.

    Returns the kind found. ``file`` is an uploaded file or any Django ``File``.
    """
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"文件过大：最大 {limit // (1024 * 1024)} MB。", code="too_large")
    extension = PurePath(getattr(file, "name", "") or "").suffix.lower().lstrip(".")
    allowed = {ext for kind in kinds for ext in EXTENSIONS[kind]}
    if extension not in allowed:
        raise ValidationError(unsupported_message(kinds), code="unsupported")
    return _check_content(file, extension)


def image_pixels(file: IO[bytes]) -> int:
    """Width × height of an image already validated (its header is read, not its pixels)."""
    file.seek(0)
    try:
        with Image.open(file) as image:
            width, height = image.size
    finally:
        file.seek(0)
    return width * height


def validate_document_or_image(file: Any) -> None:
    """A field validator: an image, PDF, Word document or Excel sheet within the size limit."""
    validate_upload(file)


def validate_image(file: Any) -> None:
    """A field validator for photos (for example a resident's photo of the problem)."""
    validate_upload(file, kinds=(IMAGE,))


# --- Serving stored files ----------------------------------------------------------------------
# Uploaded files are never served from /media/ by a proxy. A page that may show a file links it
# through ``file_url``: a signed, expiring address that only a page the reader was allowed to see
# can have produced (the file view checks the signature, then streams the file). A page for
# residents without an account gives an address anyone holding it may open; a staff page binds
# the address to its signed-in reader, so that it opens for nobody else.
FILE_SALT = "shangliang.files"
FILE_URL_MAX_AGE = 7 * 24 * 3600


def file_url(name: str, *, reader: Any = None) -> str:
    """The address that serves the stored file ``name`` for ``FILE_URL_MAX_AGE``; only to ``reader``
    when one is given."""
    reader_id = getattr(reader, "pk", None) if getattr(reader, "is_authenticated", False) else None
    if reader is not None and reader_id is None:
        raise ValueError("a file address bound to a reader needs a signed-in reader")
    payload: Any = str(name) if reader_id is None else [str(name), reader_id]
    token = signing.dumps(payload, salt=FILE_SALT, compress=True)
    return reverse("portal:file", kwargs={"token": token})


def file_name(token: str, *, reader: Any = None) -> str | None:
    """The stored file a ``file_url`` token names when ``reader`` may open it; None when forged,
    expired, or bound to someone else."""
    try:
        payload = signing.loads(token, salt=FILE_SALT, max_age=FILE_URL_MAX_AGE)
    except signing.BadSignature:
        return None
    if isinstance(payload, list) and len(payload) == 2:
        name, reader_id = payload
        if not getattr(reader, "is_authenticated", False) or reader.pk != reader_id:
            return None
    else:
        name = payload
    return name if isinstance(name, str) and name else None
