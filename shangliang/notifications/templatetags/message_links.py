"""``{{ text|with_links }}``: a message as text, each absolute address in it a real link."""

from __future__ import annotations

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from shangliang.notifications.links import URL_RE

register = template.Library()


@register.filter
def with_links(text: str) -> SafeString:
    parts: list[str] = []
    last = 0
    for match in URL_RE.finditer(text or ""):
        parts.append(escape(text[last : match.start()]))
        parts.append(format_html('<a class="long-link" href="{0}">{0}</a>', match.group(0)))
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return mark_safe("".join(parts))  # every piece escaped above
