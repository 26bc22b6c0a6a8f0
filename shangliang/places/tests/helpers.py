"""Small builders for the places tests: files to upload and snapshots of the database."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from PIL import Image

from shangliang.core.models import AuditEvent


def png_file(name: str = "标识.png", size: tuple[int, int] = (4, 4)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_file(name: str = "工作机制.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf"
    )


def docx_file(name: str = "职责.docx", *, part: str = "word/document.xml") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def exe_file(name: str = "病毒.exe") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 60)


def snapshot(*models: Any) -> dict[str, list[dict[str, Any]]]:
    """Every row of the given models (and the audit events), to show that nothing changed."""
    state = {
        model.__name__: [model_to_dict(obj) | {"_str": str(obj)} for obj in model.objects.order_by("pk")]
        for model in models
    }
    state["AuditEvent"] = list(AuditEvent.objects.order_by("pk").values("event_type", "object_id"))
    return state
