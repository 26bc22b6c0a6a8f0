"""What a report is about: the place and the thing, and what is wrong with it.

Pure functions, no database. Two reports are one problem when they name the same thing at the
same place (路灯 at 北湾2巷, the lift of 海景花园5栋) and the same complaint about it (不亮, 坏,
关门). A word cosine over the whole text cannot tell "same place, another problem" (5栋楼道灯坏了 /
5栋电梯坏了) from a paraphrase: the place's name is the rarest, heaviest word of both. So the
words of a text are split into three parts, by the grammar of Chinese place names and the parts of
speech of jieba's general dictionary, never by a list of one district's words:

- **place**: a place type (路 街 巷 村 小区 花园 市场 小学 栋 单元 …) with the name before it
  (南港 + 市场, 北 + 湾 + 2 + 巷), and a word that ends in a place type after a name of two
  characters or more (南港路);
- **thing**: the other nouns (路灯, 电梯, 井盖, 社康, 疫苗);
- **complaint**: verbs, adjectives and idioms (坏, 不亮, 关门, 打不进, 太窄).

A word the dictionary does not know takes the part of speech of its last character (楼道灯 → 灯,
a noun). Words of one concept (``concepts``) compare as the concept. ``agreement`` gives the
cosine of two texts' things and of their complaints, the character bigram Dice of their words
outside places, and whether both name places and share none of their words.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shangliang.text import concepts, segment, similarity

# Generic Chinese place types (通名) and building parts.
PLACE_TYPES: frozenset[str] = frozenset(
    [
        "路",
        "街",
        "巷",
        "道",
        "大道",
        "大街",
        "村",
        "新村",
        "社区",
        "小区",
        "花园",
        "苑",
        "名苑",
        "园",
        "公园",
        "广场",
        "市场",
        "菜市场",
        "农贸市场",
        "大厦",
        "商场",
        "中学",
        "小学",
        "幼儿园",
        "码头",
        "楼",
        "栋",
        "号楼",
        "座",
        "单元",
        "期",
        "排",
        "组",
    ]
)
# Types a word may end in after a name (南港路, 金沙花园); shorter words ending so are common
# nouns (马路, 校园).
_GLUED_TYPES = tuple(
    sorted((t for t in PLACE_TYPES if t not in {"道", "园", "楼", "座", "期", "排", "组"}), key=len)
)
# Characters too common to say what a report is about.
_WEAK_CHARS = frozenset("的了是在有和我你他她它们这那个一不也都就还很吗呢吧啊呀请没人说去来到要会能")
# How many words before a place type may belong to its name (北 湾 2 巷).
NAME_WORDS = 3
# Parts of speech of complaints: verbs, adjectives, adverbs, idioms, fixed phrases, states.
_COMPLAINT_TAGS = frozenset(
    ["v", "vd", "vi", "vg", "vn", "vq", "a", "ad", "an", "ag", "d", "dg", "l", "i", "z"]
)
# Parts of speech that are neither (numbers, measure words, time, pronouns, particles …).
_NEITHER_TAGS = frozenset(
    [
        "m",
        "mq",
        "q",
        "t",
        "tg",
        "f",
        "r",
        "rr",
        "rz",
        "u",
        "ud",
        "ug",
        "uj",
        "ul",
        "uv",
        "uz",
        "p",
        "c",
        "e",
        "o",
        "y",
        "x",
        "w",
        "k",
        "h",
    ]
)

_lock = threading.Lock()
_tags: dict[str, str] | None = None


def _tag_table() -> dict[str, str]:
    """The part of speech of every dictionary word that is not a noun (nouns are the rest), read
    once per process from jieba's dictionary."""
    global _tags
    if _tags is None:
        with _lock:
            if _tags is None:
                table: dict[str, str] = {}
                with segment.tokenizer().get_dict_file() as fh:
                    for raw in fh:
                        parts = raw.decode("utf-8").split()
                        if len(parts) == 3 and (parts[2] in _COMPLAINT_TAGS or parts[2] in _NEITHER_TAGS):
                            table[parts[0]] = "c" if parts[2] in _COMPLAINT_TAGS else "-"
                _tags = table
    return _tags


def part(word: str) -> str:
    """ "t" (thing), "c" (complaint) or "-" (neither) of a word that is not a place. A word the
    dictionary does not know is read as its concept's name, else as its last two characters or
    its last character (Chinese compounds end in their head)."""
    tags = _tag_table()
    freq = segment.tokenizer().FREQ
    key = concepts.concept(word)
    for form in (word, key[len(concepts.PREFIX) :] if key else "", word[-2:], word[-1:]):
        if form and (freq.get(form) or form in tags):
            found = tags.get(form, "t")
            if form != word and found == "-":
                return "t"
            return found
    return "t"


def place_words(word_list: list[str]) -> set[int]:
    """Positions of the words of ``word_list`` that name a place."""
    places: set[int] = set()
    stopwords = segment.STOPWORDS
    for i, word in enumerate(word_list):
        if word in PLACE_TYPES:
            places.add(i)
            j = i - 1
            while j >= 0 and i - j <= NAME_WORDS and word_list[j] not in stopwords and j not in places:
                places.add(j)
                if len(word_list[j]) > 1 and not word_list[j].isdigit():
                    break  # a name of two characters or more is whole
                j -= 1
        elif len(word) > 2 and word.endswith(_GLUED_TYPES):
            head = next(word[: -len(t)] for t in reversed(_GLUED_TYPES) if word.endswith(t))
            if len(head) >= 2:
                places.add(i)
    return places


@dataclass(frozen=True, slots=True)
class Aspects:
    """A text's things and complaints (concept key → weight) with their norms, the words of its
    places (not a bare 路 or 栋) and the character bigrams of its words that are not places."""

    places: frozenset[str]
    things: Mapping[str, float]
    complaints: Mapping[str, float]
    thing_norm: float
    complaint_norm: float
    grams: frozenset[str]
    chars: frozenset[str]


def of(word_list: Iterable[str]) -> Aspects:
    """The aspects of a normalised text's words (``segment.words``)."""
    listed = list(word_list)
    places = place_words(listed)
    things: dict[str, float] = {}
    complaints: dict[str, float] = {}
    rest: list[str] = []
    stopwords = segment.STOPWORDS
    for i, word in enumerate(listed):
        if i in places or word.isdigit():
            rest.append(" ")
            continue
        rest.append(word)
        if word in stopwords:
            continue
        kind = part(word)
        if kind == "-":
            continue
        table = things if kind == "t" else complaints
        key = concepts.key(word)
        table[key] = max(table.get(key, 0.0), similarity.word_weight(word))
    return Aspects(
        places=frozenset(
            w for i, w in enumerate(listed) if i in places and not (len(w) == 1 and w in PLACE_TYPES)
        ),
        things=things,
        complaints=complaints,
        thing_norm=_norm(things),
        complaint_norm=_norm(complaints),
        grams=frozenset(similarity.bigrams(" ".join(rest))),
        chars=frozenset(
            ch
            for i, word in enumerate(listed)
            if i not in places and word not in stopwords
            for ch in word
            if "\u4e00" <= ch <= "\u9fff" and ch not in _WEAK_CHARS
        ),
    )


def _norm(weights: Mapping[str, float]) -> float:
    return math.sqrt(sum(v * v for v in weights.values()))


def _cosine(a: Mapping[str, float], a_norm: float, b: Mapping[str, float], b_norm: float) -> float:
    if not a_norm or not b_norm:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[k] for k, v in a.items() if k in b) / (a_norm * b_norm)


def agreement(query: Aspects, candidate: Aspects) -> tuple[float, float, float, float, float]:
    """(thing cosine, complaint cosine, cosine of things and complaints together: the text
    without its places, bigram Dice of the words that are not places)."""
    grams = 0.0
    if query.grams and candidate.grams:
        grams = 2 * len(query.grams & candidate.grams) / (len(query.grams) + len(candidate.grams))
    return (
        _cosine(query.things, query.thing_norm, candidate.things, candidate.thing_norm),
        _cosine(query.complaints, query.complaint_norm, candidate.complaints, candidate.complaint_norm),
        _problem_cosine(query, candidate),
        grams,
        _dice(query.chars, candidate.chars),
    )


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _problem_cosine(query: Aspects, candidate: Aspects) -> float:
    norm = math.sqrt(query.thing_norm**2 + query.complaint_norm**2) * math.sqrt(
        candidate.thing_norm**2 + candidate.complaint_norm**2
    )
    if not norm:
        return 0.0
    dot = 0.0
    for mine, theirs in ((query.things, candidate.things), (query.complaints, candidate.complaints)):
        dot += sum(v * theirs[k] for k, v in mine.items() if k in theirs)
    return dot / norm
