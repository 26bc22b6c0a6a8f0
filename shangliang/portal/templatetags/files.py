"""``{{ photo.image|file_url }}``: the signed address of a stored file (``files.uploads.file_url``)."""

from __future__ import annotations

from typing import Any

from django import template

from shangliang.files import uploads

register = template.Library()


@register.filter
def file_url(field_file: Any) -> str:
    name = getattr(field_file, "name", field_file)
    return uploads.file_url(name) if name else ""
