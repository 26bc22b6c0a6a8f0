"""``{% options choices selected %}``: ``<option>`` elements of (value, label) pairs or of lists
rendered once by ``core.options`` (for long lists that are cached), the selected value marked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from shangliang.core.options import options_html

register = template.Library()


@register.simple_tag
def options(choices: Iterable[tuple[Any, str]], selected: Any) -> SafeString:
    return mark_safe(options_html(choices or (), selected))
