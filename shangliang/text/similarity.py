"""Scoring how likely two concerns describe the same problem. Pure functions, no database.

A text becomes a ``Profile``: its content words weighted by inverse document frequency, and its
character bigrams (which survive typos and homophones such as 北弯/北湾 or 停了电/停电 that word
matching misses). ``score(query, candidate)`` mixes a weighted word cosine with a bigram Dice
coefficient into 0…1 and returns the shared words as the reason.

Whether a candidate is "likely the same" is decided by the pair model (``pairs``) on top of these
parts; its two probability thresholds live in ``SimilarityThresholds`` and a deployment overrides
them with ``settings.SHANGLIANG_TEXT["LIKELY_SAME"]`` and ``["POSSIBLY_RELATED"]``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from shangliang.text import concepts, segment

# Weight of the word cosine against the character-bigram Dice coefficient.
WORD_WEIGHT = 0.5
# Bigrams made only of these characters carry no meaning on their own.
_WEAK_CHARS = frozenset("的了是在有和我你他她它们这那个一不也都就还很吗呢吧啊呀请")


@dataclass(frozen=True)
class SimilarityThresholds:
    """Pair-model probabilities (0…1) from which a candidate is "likely" / "possibly" the same."""

    likely_same: float = 0.9
    possibly_related: float = 0.2


@dataclass(frozen=True)
class Profile:
    """``weights`` are keyed by word, or by concept key (``~停电``) for words of a concept, which
    ``labels`` maps back to the word as written."""

    weights: dict[str, float]
    norm: float
    bigrams: frozenset[str]
    labels: dict[str, str] = field(default_factory=dict, compare=False)

    def concepts(self) -> frozenset[str]:
        """The concept keys of the text (every one has a label)."""
        return frozenset(self.labels)


def word_weight(word: str) -> float:
    # Single characters are ambiguous (电 in 停电 and 电梯); they count, but less.
    base = segment.idf(word)
    return base * (0.5 if len(word) == 1 else 1.0)


def profile(normalized_text: str, word_list: list[str] | None = None) -> Profile:
    """Features of a normalised text; pass ``word_list`` when it is already segmented."""
    if word_list is None:
        word_list = segment.words(normalized_text)
    return profile_weighted(normalized_text, word_list, word_weight)


def profile_weighted(
    normalized_text: str, word_list: Iterable[str], weigh: Callable[[str], float]
) -> Profile:
    """Like ``profile`` with a caller-supplied word weight (e.g. with the community's frequencies).
    Words of one concept share one entry, weighted as the heaviest of them."""
    weights: dict[str, float] = {}
    labels: dict[str, str] = {}
    concept = concepts.lookup()
    stopwords = segment.STOPWORDS
    for word in word_list:
        if word in stopwords:
            continue
        value = weigh(word)
        key = concept(word)
        if key is None:
            weights[word] = value
            continue
        if value > weights.get(key, 0.0):
            weights[key] = value
        labels.setdefault(key, word)
    values = weights.values()
    norm = math.sqrt(sum(map(operator.mul, values, values)))
    return Profile(weights=weights, norm=norm, bigrams=frozenset(bigrams(normalized_text)), labels=labels)


def bigrams(text: str) -> set[str]:
    grams: set[str] = set()
    prev = ""
    for ch in text:
        if not ch.isalnum():
            prev = ""
            continue
        if prev and not (prev in _WEAK_CHARS and ch in _WEAK_CHARS):
            grams.add(prev + ch)
        prev = ch
    return grams


@dataclass(frozen=True, slots=True)
class KeptWords:
    """A candidate's words as a lookup weighs them, kept between lookups: grouped by key (the
    concept key of a concept's words, else the word itself), each with its general weight
    (``word_weight``). A lookup multiplies the weight of each word by a factor from the word's
    count in the community, known for the query's words and one default factor for every other
    word; so only the keys holding a query word need weighing anew (``kept_score_parts``), and
    the rest of the norm is ``base`` times the default factor squared."""

    key_of: dict[str, str]
    words_of: dict[str, tuple[tuple[str, float], ...]]
    best: dict[str, float]
    concepts: frozenset[str]
    base: float


def kept_words(word_list: Iterable[str]) -> KeptWords:
    """``KeptWords`` of a candidate's distinct non-stop words, with the live concept table."""
    concept = concepts.lookup()
    key_of: dict[str, str] = {}
    grouped: dict[str, list[tuple[str, float]]] = {}
    found: set[str] = set()
    for word in word_list:
        key = concept(word)
        if key is not None:
            found.add(key)
        else:
            key = word
        key_of[word] = key
        grouped.setdefault(key, []).append((word, word_weight(word)))
    best = {key: max(weight for _, weight in words) for key, words in grouped.items()}
    # As in ``profile_weighted``, a key weighs only when one of its words weighs something.
    best = {key: value for key, value in best.items() if value > 0.0}
    return KeptWords(
        key_of=key_of,
        words_of={key: tuple(words) for key, words in grouped.items()},
        best=best,
        concepts=frozenset(found),
        base=sum(value * value for value in best.values()),
    )


@dataclass(frozen=True, slots=True)
class Weighing:
    """A lookup's query as ``kept_score_parts`` compares candidates with it: its profile, the
    factors of its words and the default factor of every other word, and its keys heaviest first
    with the word each is shown as."""

    query: Profile
    factors: Mapping[str, float]
    default: float
    ranked: tuple[tuple[str, float, str], ...]

    @classmethod
    def of(cls, query: Profile, factors: Mapping[str, float], default: float) -> Weighing:
        weights, labels = query.weights, query.labels
        # A stable sort of the profile's keys: ties keep the text's order, as in ``score_parts``.
        ordered = sorted(weights, key=lambda key: -weights[key])
        return cls(query, factors, default, tuple((k, weights[k], labels.get(k, k)) for k in ordered))


def kept_score_parts(
    weighing: Weighing, kept: KeptWords, grams: frozenset[str]
) -> tuple[float, float, list[str]]:
    """``score_parts(query, profile_weighted(candidate, weigh))`` where ``weigh(word)`` is
    ``word_weight(word) * factors.get(word, default)``, from the candidate's ``KeptWords`` and
    bigrams: the keys that hold a word of ``factors`` are weighed, the others scale by ``default``."""
    factors, default = weighing.factors, weighing.default
    key_of, best = kept.key_of, kept.best
    exact: dict[str, float] = {}
    untouched = kept.base
    for word in factors.keys() & key_of.keys():
        key = key_of[word]
        if key in exact or key not in best:
            continue
        heaviest = 0.0
        for other, weight in kept.words_of[key]:
            value = weight * factors.get(other, default)
            if value > heaviest:
                heaviest = value
        exact[key] = heaviest
        untouched -= best[key] * best[key]
    squares = max(untouched, 0.0) * default * default
    for value in exact.values():
        squares += value * value
    candidate_norm = math.sqrt(squares)
    query = weighing.query
    dot = 0.0
    shared: list[str] = []
    for key, weight, label in weighing.ranked:
        if key in best:
            weighed = exact.get(key)
            dot += weight * (best[key] * default if weighed is None else weighed)
            shared.append(label)
    word_part = dot / (query.norm * candidate_norm) if shared and query.norm and candidate_norm else 0.0
    gram_part = 0.0
    if query.bigrams and grams:
        gram_part = 2 * len(query.bigrams & grams) / (len(query.bigrams) + len(grams))
    return word_part, gram_part, shared


def score(query: Profile, candidate: Profile) -> tuple[float, list[str]]:
    """Similarity in 0…1 and the shared words, heaviest first."""
    word_part, gram_part, shared = score_parts(query, candidate)
    return WORD_WEIGHT * word_part + (1 - WORD_WEIGHT) * gram_part, shared


def score_parts(query: Profile, candidate: Profile) -> tuple[float, float, list[str]]:
    """(word cosine, character-bigram Dice, shared words heaviest first: the query's words, or
    for a shared concept the word the query used)."""
    shared = [w for w in query.weights if w in candidate.weights]
    word_part = 0.0
    if shared and query.norm and candidate.norm:
        dot = sum(query.weights[w] * candidate.weights[w] for w in shared)
        word_part = dot / (query.norm * candidate.norm)
    gram_part = 0.0
    if query.bigrams and candidate.bigrams:
        common = len(query.bigrams & candidate.bigrams)
        gram_part = 2 * common / (len(query.bigrams) + len(candidate.bigrams))
    shared.sort(key=lambda w: -query.weights[w])
    if query.labels:
        shared = [query.labels.get(w, w) for w in shared]
    return word_part, gram_part, shared
