"""``{{ photo.image|file_url }}``: the signed address of a stored file (``files.uploads.file_url``),
``{{ photo.image|file_url:request.user }}`` bound to the signed-in reader."""

from __future__ import annotations

from typing import Any

from django import template

from shangliang.files import uploads

register = template.Library()


@register.filter
def file_url(field_file: Any, reader: Any = None) -> str:
    """``{{ p.image|file_url }}`` for anyone holding the page; ``{{ p.image|file_url:request.user }}``
    on a signed-in page, for that reader only."""
    name = getattr(field_file, "name", field_file)
    return uploads.file_url(name, reader=reader) if name else ""
