"""Category suggestion: a multinomial naive Bayes model over words, their characters and character bigrams.

Pure functions, no database. ``train(samples, keywords)`` returns a ``Model`` that serialises to
JSON (``to_payload`` / ``from_payload``) so it can be stored in ``ClassifierModel``. The weights
are learned from labelled texts; each category's admin keywords (a few general words) are added
as one extra pseudo-sample with a fixed weight, a prior that keeps a category with few texts (or
one an admin just added) reachable. ``default(keywords)`` is the shipped model: trained on the
shipped texts (``SHIPPED_SAMPLES``) with the current keywords. ``predict(model, text, k)`` returns the top ``k``
categories with a confidence (posterior probability, 0…1, summing to 1 over all categories).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import repeat
from operator import mul
from pathlib import Path

from shangliang.text import concepts, segment
from shangliang.text.normalize import normalize
from shangliang.text.similarity import bigrams

# The shipped training texts: the development set's invented concerns of ten communities with
# their categories (text and category only; docs/adr/0014). A district's own records and
# corrections are added to them when its models are retrained (``learning``).
SHIPPED_SAMPLES = Path(__file__).with_name("data") / "category_samples.jsonl"
# How many samples one category's keyword list counts as.
KEYWORD_WEIGHT = 120.0
# Additive smoothing (strong: the few hundred labelled texts of a new district are noisy).
ALPHA = 1.0
# A concept counts as this many words: it stands for every way residents name the problem, and
# the few hundred texts of a new district name each problem in only some of those ways.
CONCEPT_WEIGHT = 4
# Posteriors are flattened (log scores divided by this) so a confidence is about how often the
# suggestion is right: on texts of communities the model never saw (ADR 14's folds) the log loss
# of the top category is lowest at about 8 (4 was fitted before the character features).
TEMPERATURE = 8.0
# The payload's format. 1 (no ``version`` key) had no character features: such a model still
# loads and predicts as it was trained (a feature it never saw is skipped); a newer format than
# this code knows is refused (``from_payload`` raises ValueError).
PAYLOAD_VERSION = 2
# A Chinese character: the unified ideographs and their extensions (𨋢 is one).
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003ffff]")


@dataclass(frozen=True)
class Model:
    categories: tuple[str, ...]
    log_prior: dict[str, float]
    log_likelihood: dict[str, dict[str, float]]
    log_unknown: dict[str, float]
    samples: int
    keywords: tuple[str, ...] = ()

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every feature some category has seen (the others cannot tell categories apart)."""
        return frozenset(f for table in self.log_likelihood.values() for f in table)

    @cached_property
    def kept_rankings(self) -> dict[tuple[str, tuple[str, ...]], list[tuple[str, float]]]:
        """``rank_normalized``'s recent results, per model (a new model starts empty)."""
        return {}

    def to_payload(self) -> dict[str, object]:
        return {
            "version": PAYLOAD_VERSION,
            "categories": list(self.categories),
            "log_prior": self.log_prior,
            "log_likelihood": self.log_likelihood,
            "log_unknown": self.log_unknown,
            "samples": self.samples,
            "keywords": list(self.keywords),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, object]) -> Model:
        version = payload.get("version", 1)
        if not isinstance(version, int) or not 1 <= version <= PAYLOAD_VERSION:
            raise ValueError(f"category model payload version {version!r} is not one this code reads")
        return cls(
            categories=tuple(payload["categories"]),  # type: ignore[arg-type]
            log_prior=dict(payload["log_prior"]),  # type: ignore[call-overload]
            log_likelihood={k: dict(v) for k, v in payload["log_likelihood"].items()},  # type: ignore[attr-defined]
            log_unknown=dict(payload["log_unknown"]),  # type: ignore[call-overload]
            samples=int(payload["samples"]),  # type: ignore[call-overload]
            keywords=tuple(payload.get("keywords", ())),  # type: ignore[arg-type]
        )


def features(text: str, keywords: Iterable[str] = ()) -> Counter[str]:
    """Words (prefixed ``w:``), their concepts (``c:``, see ``concepts``), the Chinese characters of
    those words (``u:``), character bigrams (``b:``) and the admin keywords found anywhere in the
    text (``k:``, a substring match that does not depend on how the text was segmented).

    The characters back off a word the training texts never used to the words they did use: a
    district's own compound shares its head or its object with them (水浸 and 积水 share 水, 烟雾
    and 油烟 share 烟), while a character every category uses tells none of them apart. Measured
    by leave-communities-out (ADR 14), they raise top-1 from about 0.80 to 0.84."""
    return features_normalized(normalize(text), None, keywords)


def features_normalized(
    norm: str, word_list: list[str] | None = None, keywords: Iterable[str] = ()
) -> Counter[str]:
    """``features`` of an already normalised text (and its words, when already segmented)."""
    feats: Counter[str] = Counter()
    for keyword in keywords:
        if keyword in norm:
            feats["k:" + keyword] += 1
    if word_list is None:
        word_list = segment.words(norm)
    for word in word_list:
        if word not in segment.STOPWORDS and not word.isdigit():
            feats["w:" + word] += 1
            for char in _HAN.findall(word):
                feats["u:" + char] += 1
    for key in concepts.of(word_list):
        feats["c:" + key] += CONCEPT_WEIGHT
    for gram in bigrams(norm):  # two characters, neither a digit
        if not (gram[0].isdigit() or gram[1].isdigit()):
            feats["b:" + gram] += 1
    return feats


def split_keywords(keywords: str) -> list[str]:
    for sep in ",，、;；\n\t":
        keywords = keywords.replace(sep, " ")
    return [k for k in keywords.split(" ") if k]


def train(samples: Iterable[tuple[str, str]], keywords: Mapping[str, str]) -> Model:
    """``samples`` are (text, category); ``keywords`` maps every category to its keyword text.
    Samples of categories not in ``keywords`` are ignored (the category was removed)."""
    categories = tuple(keywords)
    vocabulary_keywords = tuple(
        sorted({normalize(k) for words in keywords.values() for k in split_keywords(words)})
    )
    counts: dict[str, dict[str, float]] = {c: {} for c in categories}
    docs: Counter[str] = Counter()
    n = 0
    for text, category in samples:
        if category not in counts:
            continue
        for feat, value in features(text, vocabulary_keywords).items():
            counts[category][feat] = counts[category].get(feat, 0.0) + value
        docs[category] += 1
        n += 1
    for category, words in keywords.items():
        feats: Counter[str] = Counter()
        for keyword in split_keywords(words):
            feats.update(features(keyword))
            feats["k:" + normalize(keyword)] += 1
        for feat, value in feats.items():
            counts[category][feat] = counts[category].get(feat, 0.0) + value * KEYWORD_WEIGHT
    vocabulary = {f for c in counts.values() for f in c}
    size = max(len(vocabulary), 1)
    total_docs = n + len(categories)
    log_prior = {c: math.log((docs[c] + 1) / total_docs) for c in categories}
    log_likelihood: dict[str, dict[str, float]] = {}
    log_unknown: dict[str, float] = {}
    for category in categories:
        total = sum(counts[category].values()) + ALPHA * size
        log_likelihood[category] = {f: math.log((v + ALPHA) / total) for f, v in counts[category].items()}
        log_unknown[category] = math.log(ALPHA / total)
    return Model(categories, log_prior, log_likelihood, log_unknown, n, vocabulary_keywords)


@cache
def shipped_samples() -> tuple[tuple[str, str], ...]:
    """(text, category) of every line of SHIPPED_SAMPLES (read once: the file is part of the code)."""
    with SHIPPED_SAMPLES.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return tuple((str(row["text"]), str(row["category"])) for row in rows)


def default(keywords: Mapping[str, str]) -> Model:
    """The shipped model: learned from the shipped texts, with ``keywords`` as its prior (texts of
    a category not in ``keywords`` are left out, as ``train`` does)."""
    return train(shipped_samples(), keywords)


def predict(model: Model, text: str, k: int = 3) -> list[tuple[str, float]]:
    """Top ``k`` (category, confidence) for a raw text; [] when the text has nothing to go on."""
    return predict_features(model, features(text, model.keywords), k)


# A resident's text is ranked at each pause in typing twice (the suggested category and the
# similar problems' category agreement) and again when the form is posted: recent rankings are
# kept per model, keyed by the normalised text and its words (so a changed dictionary, which
# segments it otherwise, ranks it anew). Only texts of a concern's usual length; dropped when full.
KEPT_RANKINGS = 2048
KEPT_RANKING_MAX_CHARS = 500


def rank_normalized(model: Model, norm: str, word_list: list[str]) -> list[tuple[str, float]]:
    """Every category of ``model`` with its confidence for a normalised text and its words, best
    first (``predict`` of the text with ``k`` all categories)."""
    key = (norm, tuple(word_list))
    kept = model.kept_rankings
    found = kept.get(key)
    if found is None:
        found = predict_features(
            model, features_normalized(norm, word_list, model.keywords), len(model.categories)
        )
        if len(norm) <= KEPT_RANKING_MAX_CHARS:
            if len(kept) >= KEPT_RANKINGS:
                kept.clear()
            kept[key] = found
    return list(found)


def predict_features(model: Model, feats: Mapping[str, float], k: int = 3) -> list[tuple[str, float]]:
    """``predict`` on features already extracted (``features_normalized`` with the model's keywords)."""
    vocabulary = model.vocabulary
    names = [f for f in feats if f in vocabulary]
    if not names or not model.categories:
        return []
    values = [feats[f] for f in names]
    scores: dict[str, float] = {}
    for category in model.categories:
        # sum(v * table.get(f, unknown)) over the known features, in C loops.
        likelihoods = map(model.log_likelihood[category].get, names, repeat(model.log_unknown[category]))
        scores[category] = model.log_prior[category] + sum(map(mul, values, likelihoods))
    top = max(scores.values())
    exp = {c: math.exp((s - top) / TEMPERATURE) for c, s in scores.items()}
    total = sum(exp.values())
    ranked = sorted(exp.items(), key=lambda item: (-item[1], model.categories.index(item[0])))
    return [(c, round(v / total, 4)) for c, v in ranked[:k]]
