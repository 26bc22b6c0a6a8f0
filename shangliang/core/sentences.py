"""Building Chinese sentences from pieces without doubled punctuation ("0 天。；", "照明灯。，").

Every generated message joins clauses typed by people or built elsewhere; each piece loses its own
end mark before the joint adds one, so the seams always carry exactly one mark.
"""

from __future__ import annotations

from collections.abc import Iterable

# Marks a piece may end with that a joint replaces (full-width and ASCII).
END_MARKS = "。；，、！？：…;,.!?: \u3000\n\t"
SHORT_TITLE_LENGTH = 30


def clause(text: str) -> str:
    """``text`` without surrounding space and without its trailing punctuation."""
    return (text or "").strip().rstrip(END_MARKS)


def sentence(text: str) -> str:
    """``text`` as one sentence ending in "。" ("" for nothing)."""
    body = clause(text)
    return f"{body}。" if body else ""


def join_clauses(parts: Iterable[str], sep: str = "；") -> str:
    """The non-empty ``parts`` joined by ``sep``, none keeping an end mark of its own."""
    return sep.join(body for body in (clause(p) for p in parts) if body)


def sentences(parts: Iterable[str]) -> str:
    """The non-empty ``parts`` as consecutive sentences, each ending in exactly one "。"."""
    return "".join(sentence(p) for p in parts)


def short_title(text: str, limit: int = SHORT_TITLE_LENGTH) -> str:
    """A title from a sentence: its first clause (up to "：", "，" or "；"), cut to ``limit``."""
    body = clause(text)
    for mark in "：:；;，,。":
        head = body.split(mark, 1)[0].strip()
        if 4 <= len(head) < len(body):
            body = head
            break
    return body if len(body) <= limit else body[: limit - 1] + "…"
