"""Normalising Chinese text before it is segmented, indexed or compared.

Pure functions, no database. ``normalize`` is what the index and the similarity scorer see:

- full-width letters, digits and punctuation become half-width (Unicode NFKC);
- traditional characters become simplified (OpenCC ``t2s``, only when the text has any);
- emoji, pictographs, control and private-use characters become spaces;
- Latin letters are lower-cased, runs of whitespace collapse to one space;
- a few spelling variants residents mix freely are unified (五幢 / 五栋 / 5栋 → 5栋).

``display_mask`` returns a string of the same length as its input in which each character is
normalised on its own; it lets the highlighter find normalised words in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc

# Beyond this many characters a text is cut before indexing: a concern is a few sentences, and a
# pasted document should not make one row dominate the index or the request time.
MAX_INDEX_CHARS = 5000

_converter = opencc.OpenCC("t2s")


def _traditional_characters() -> frozenset[str]:
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            key = line.split("\t", 1)[0]
            if len(key) == 1:
                chars.add(key)
    return frozenset(chars)


_TRADITIONAL = _traditional_characters()

# Unicode categories dropped: symbols other (emoji, pictographs), control, format, surrogate,
# private use, unassigned. Modifier symbols (skin tones) are in Sk.
_DROP_CATEGORIES = frozenset({"So", "Sk", "Cc", "Cf", "Cs", "Co", "Cn"})


class _CharTable(dict[int, int]):
    """``str.translate`` table applied before anything else: a character whose NFKC form is one
    character becomes that character (full-width letters, digits and punctuation, the ideographic
    space), and a dropped one a space. Filled as characters are met (a text uses a few thousand
    at most), so each character's forms are computed once per process. After it a typical text is
    already NFKC-normalised and the costly ``unicodedata.normalize`` is skipped; mapping single
    characters to their own NFKC form first does not change the NFKC form of the whole text."""

    def __missing__(self, codepoint: int) -> int:
        char = chr(codepoint)
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) != 1:  # expands (㈱ → (株), ㌼ → ベータ): the full NFKC pass handles it
            value = codepoint
        else:
            value = 32 if unicodedata.category(folded) in _DROP_CATEGORIES else ord(folded)
        self[codepoint] = value
        return value


_CHAR_TABLE = _CharTable()

_SPACE_RE = re.compile(r"\s+")
_NUMERALS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# A Chinese numeral (up to 九十九) directly before a building / unit / floor / lane word.
_NUMERAL_UNIT_RE = re.compile(
    r"([零〇一二两三四五六七八九十]{1,3})(?=(?:栋|号楼|单元|层|巷|期|区|排|组|队)(?!间))"
)


def _numeral_value(chars: str) -> int | None:
    if "十" not in chars:
        if len(chars) != 1:
            return None
        return _NUMERALS.get(chars)
    head, _, tail = chars.partition("十")
    if len(head) > 1 or len(tail) > 1:
        return None
    tens = _NUMERALS.get(head, 0) if head else 1
    ones = _NUMERALS.get(tail, 0) if tail else 0
    return tens * 10 + ones


def _numeral_to_digits(match: re.Match[str]) -> str:
    value = _numeral_value(match.group(1))
    return match.group(1) if value is None else str(value)


@lru_cache(maxsize=8192)
def normalize_char(ch: str) -> str:
    """One character, normalised on its own; always returns exactly one character."""
    if unicodedata.category(ch) in _DROP_CATEGORIES:
        return " "
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        folded = ch
    if folded in _TRADITIONAL:
        converted = _converter.convert(folded)
        if len(converted) == 1:
            folded = converted
    if folded.isspace():
        return " "
    return folded.lower()


def normalize(text: str | None) -> str:
    """The canonical form of ``text`` for indexing and comparison ("" for empty input)."""
    if not text:
        return ""
    text = text[: MAX_INDEX_CHARS * 2].translate(_CHAR_TABLE)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text).translate(_CHAR_TABLE)
    if not _TRADITIONAL.isdisjoint(text):
        text = _converter.convert(text)
    text = text.replace("幢", "栋")
    text = _NUMERAL_UNIT_RE.sub(_numeral_to_digits, text)
    text = _SPACE_RE.sub(" ", text).strip().lower()
    return text[:MAX_INDEX_CHARS]


class _MaskTable(dict[int, str]):
    """``str.translate`` table of ``normalize_char``, filled as characters are met."""

    def __missing__(self, codepoint: int) -> str:
        value = self[codepoint] = normalize_char(chr(codepoint))
        return value


_MASK_TABLE = _MaskTable()


def display_mask(text: str) -> str:
    """``text`` normalised character by character, keeping its length (for highlighting)."""
    return text.translate(_MASK_TABLE)


def has_content(text: str) -> bool:
    """True when the normalised text has at least one letter or digit (CJK included)."""
    return any(ch.isalnum() for ch in text)
