"""Marking matched words in a text for display. Pure functions, no database.

The text is shown as the resident wrote it; matching happens on a same-length, character-wise
normalised copy (``display_mask``), so full-width letters and traditional characters are found by
a simplified, half-width query and the marks land on the original characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString

from shangliang.text.normalize import display_mask


def match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) spans of ``text`` where any of ``terms`` occurs."""
    mask = display_mask(text)
    spans: list[tuple[int, int]] = []
    for term in {t for t in terms if t}:
        start = mask.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = mask.find(term, start + len(term))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: Iterable[str], *, max_chars: int = 160) -> SafeString:
    """HTML-escaped ``text`` (cut to a window around the first match) with matches in <mark>."""
    spans = match_spans(text, terms)
    begin = 0
    if len(text) > max_chars:
        first = spans[0][0] if spans else 0
        begin = max(0, min(first - max_chars // 4, len(text) - max_chars))
    end = min(len(text), begin + max_chars)
    parts: list[str] = ["…" if begin else ""]
    cursor = begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return SafeString("".join(parts))
