"""A plain character-bigram TF-IDF baseline, the yardstick of ``text_eval``.

Pure functions, no database. Every figure of the engine is reported beside the figure of this
baseline in the same run, so a change that helps only the development set's wording shows up as
a gain over a method that knows nothing of Chinese words, concepts or place marks:

- a text is the bag of its normalised character bigrams (any two adjacent non-space characters),
  weighted by ``tf × idf`` with the idf of the training texts, and compared by cosine;
- similar: the earlier texts of the same community (the engine's community filter), best first;
- "likely the same": a cosine threshold chosen on the training texts (replayed community by
  community like the test) as the lowest at which the flagged pairs reach a precision of 0.90;
- category: the category whose centroid of training vectors is nearest (Rocchio).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shangliang.text.normalize import normalize

TOP = 10
LIKELY_PRECISION = 0.9


def grams(text: str) -> Counter[str]:
    norm = normalize(text).replace(" ", "")
    return Counter(norm[i : i + 2] for i in range(len(norm) - 1))


@dataclass(frozen=True)
class Vectoriser:
    idf: dict[str, float]
    unknown: float

    @classmethod
    def fit(cls, texts: Iterable[str]) -> Vectoriser:
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            df.update(set(grams(text)))
            n += 1
        return cls({g: math.log((n + 1) / (c + 1)) + 1 for g, c in df.items()}, math.log(n + 1) + 1)

    def vector(self, text: str) -> dict[str, float]:
        weights = {g: c * self.idf.get(g, self.unknown) for g, c in grams(text).items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        return {g: v / norm for g, v in weights.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(g, 0.0) for g, v in a.items())


def replay(
    vectoriser: Vectoriser, texts: Sequence[str], communities: Sequence[str]
) -> list[list[tuple[int, float]]]:
    """For each text in order, the earlier texts of its community as (index, cosine), best first
    (ties: newest first), at most ``TOP``."""
    vectors = [vectoriser.vector(t) for t in texts]
    seen: dict[str, list[int]] = {}
    result: list[list[tuple[int, float]]] = []
    for position, community in enumerate(communities):
        earlier = seen.setdefault(community, [])
        scored = [(j, cosine(vectors[position], vectors[j])) for j in earlier]
        scored.sort(key=lambda item: (-item[1], -item[0]))
        result.append(scored[:TOP])
        earlier.append(position)
    return result


def likely_threshold(
    scored_pairs: Iterable[tuple[float, bool]], precision: float = LIKELY_PRECISION
) -> float:
    """The lowest cosine at which the pairs at or above it reach ``precision`` (1.0 when none)."""
    ranked = sorted(scored_pairs, key=lambda item: -item[0])
    threshold = 1.0
    correct = 0
    for count, (value, same) in enumerate(ranked, start=1):
        correct += int(same)
        if correct / count >= precision:
            threshold = value
    return threshold


@dataclass(frozen=True)
class Centroids:
    vectoriser: Vectoriser
    centroids: dict[str, dict[str, float]]

    @classmethod
    def fit(cls, vectoriser: Vectoriser, samples: Iterable[tuple[str, str]]) -> Centroids:
        sums: dict[str, Counter[str]] = {}
        for text, category in samples:
            sums.setdefault(category, Counter()).update(vectoriser.vector(text))
        centroids = {}
        for category, total in sums.items():
            norm = math.sqrt(sum(v * v for v in total.values())) or 1.0
            centroids[category] = {g: v / norm for g, v in total.items()}
        return cls(vectoriser, centroids)

    def predict(self, text: str, k: int = 3) -> list[str]:
        vector = self.vectoriser.vector(text)
        ranked = sorted(self.centroids, key=lambda c: -cosine(vector, self.centroids[c]))
        return ranked[:k]
