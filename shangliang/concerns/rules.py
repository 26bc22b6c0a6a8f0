"""Pure rules of the intake: tracking codes, limits, sensitive words, public masking."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from shangliang.core.personal import mask_text

# Public masking is one rule for every surface, kept with the other personal-data rules.
mask_personal_text = mask_text

# No 0/O, 1/I/L: an elderly resident reading a code over the phone must not confuse characters.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8

MIN_TEXT = 5
MAX_TEXT = 2000
MAX_PLACE = 200
MAX_PHOTOS = 6
MAX_PHOTO_MB = 10


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_tracking_code(raw: str) -> str:
    """What a person typed (lower case, spaces, dashes) to the stored form; '' when impossible."""
    code = re.sub(r"[\s\-_]", "", raw or "").upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return ""
    return code


def format_tracking_code(code: str) -> str:
    """Shown in two groups of four, easier to read out: "K7QM-3XTP"."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def sensitive_hits(text: str, words: Iterable[str]) -> list[str]:
    return sorted({w for w in words if w and w in text})
