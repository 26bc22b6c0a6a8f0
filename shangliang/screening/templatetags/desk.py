"""Fast pieces of the screening desk: its rows and its filter options.

The desk is opened all day by many people and lists 25 rows with badges; Django's template engine
spends about 0.2 ms on each such row. These tags build the same markup with ``format_html`` (every
value escaped) in a fraction of that.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def desk_options(choices: Iterable[tuple[Any, str]], selected: Any) -> SafeString:
    """``<option>`` elements for (value, label) pairs, the selected one marked."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if value == selected else "", label) for value, label in choices),
    )


def _badges(row: Any) -> SafeString:
    parts = []
    if row.likely_duplicates:
        parts.append(format_html(' <span class="badge warning">疑似重复 {}</span>', row.likely_duplicates))
    if row.needs_review:
        parts.append(mark_safe(' <span class="badge danger">需审核</span>'))
    if row.residents:
        parts.append(format_html(' <span class="badge info">{}人反映</span>', row.residents))
    if row.photos:
        parts.append(format_html(' <span class="badge">📷{}</span>', row.photos))
    return mark_safe("".join(parts))


def _due(row: Any) -> SafeString:
    if row.due is None:
        return mark_safe("")
    overdue = mark_safe(' <span class="badge danger">已超期</span>') if row.overdue else ""
    return format_html("{}月{}日{}", row.due.month, row.due.day, overdue)


@register.simple_tag
def desk_rows(rows: Iterable[Any], concern_url: str) -> SafeString:
    """The table rows of ``screening.selectors.InboxRow`` items."""
    return format_html_join(
        "\n",
        '<tr data-row data-href="{0}{1}/">'
        '<td><input type="checkbox" name="ids" value="{1}" aria-label="勾选 {2}"></td>'
        '<td><a href="{0}{1}/">{2}</a></td>'
        "<td>{3}{4}</td>"
        '<td><span class="badge source-{5}">{6}</span></td>'
        "<td>{7}</td><td>{8}</td><td>{9}</td><td>{10}</td></tr>",
        (
            (
                concern_url,
                row.pk,
                row.tracking_code,
                row.summary,
                _badges(row),
                row.source,
                row.source_label,
                row.place,
                row.category,
                row.status_label,
                _due(row),
            )
            for row in rows
        ),
    )
