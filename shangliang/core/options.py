"""Choice lists rendered once as ``<option>`` elements, for filter forms whose lists are cached."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

# The value of an ``<optgroup>`` boundary: never marked selected, whatever a form sends.
_GROUP = "\x00"


class RenderedOptions(tuple[tuple[str, str], ...]):
    """``<option>`` elements of (value, label) pairs rendered once, as (str(value), element) pairs:
    the filter lists are cached per scope and a district has hundreds of grids, so escaping them
    on every page view costs more than the page's queries."""

    __slots__ = ()


def render_options(choices: Iterable[tuple[Any, str]]) -> RenderedOptions:
    return RenderedOptions(
        (str(value), f'<option value="{escape(str(value))}">{escape(str(label))}</option>')
        for value, label in choices
    )


def options_html(choices: Iterable[tuple[Any, str]], selected: Any) -> str:
    """The elements of ``choices`` (rendered or (value, label) pairs), the ``selected`` value marked."""
    rendered = choices if isinstance(choices, RenderedOptions) else render_options(choices)
    chosen = "" if selected is None else str(selected)
    if chosen == _GROUP:
        chosen = ""
    return "".join(
        element.replace('">', '" selected>', 1) if chosen and value == chosen else element
        for value, element in rendered
    )


def render_grouped_options(groups: Iterable[tuple[str, Iterable[tuple[Any, str]]]]) -> RenderedOptions:
    """Like ``render_options``, each group of choices inside an ``<optgroup>`` with its label."""
    entries: list[tuple[str, str]] = []
    for label, choices in groups:
        entries.append((_GROUP, f'<optgroup label="{escape(str(label))}">'))
        entries.extend(render_options(choices))
        entries.append((_GROUP, "</optgroup>"))
    return RenderedOptions(entries)
