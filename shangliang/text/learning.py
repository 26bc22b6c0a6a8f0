"""Learning from the district's own decisions. Pure functions, no database.

Every staff merge is a pair of records that are the same problem, every split and "not the same"
dismissal a pair that is not, every category correction a record with its right category. From
them a candidate version of the models is trained with the active version as prior (the pair
model's weights are pulled towards the prior's, the category model keeps the shipped texts and
the admin keywords), judged on a held-out slice of the same decisions beside the active version, and
promoted only when it is not worse (``not_worse``).

The slice is fixed by a checksum of the record a decision is about, so that a record's decisions
are all on one side and the next training holds out the same records.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from shangliang.text import classifier, pairs

# One record in HELD_OUT_EVERY is held out; the rest train (and calibrate, out of fold).
HELD_OUT_EVERY = 5
CALIBRATION_FOLDS = 5
# The "likely" threshold is the lowest at which this share of the flagged pairs are the same.
LIKELY_PRECISION = 0.9
# A candidate may lose this much on a figure and still count as not worse (rounding).
TOLERANCE = 1e-4


@dataclass(frozen=True)
class PairExample:
    """A decided pair: its features as the lookup gave them, the words of both sides (for the
    learned word links) and the problem it belongs to (the record merged into)."""

    features: tuple[float, ...]
    same: bool
    key: int
    words: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    group: str = ""


_LINK = pairs.FEATURES.index("learned_link")
_CONFLICT = pairs.FEATURES.index("learned_conflict")
WordTable = Mapping[str, Mapping[str, float]]


def with_links(example: PairExample, tables: tuple[WordTable, WordTable]) -> tuple[float, ...]:
    """The example's features with its learned link and conflict measured by ``tables``."""
    query, candidate = example.words
    links, conflicts = tables
    features = list(example.features)
    features[_LINK] = pairs.link_strength(pairs.linked(links, query), query, candidate)
    features[_CONFLICT] = pairs.link_strength(pairs.linked(conflicts, query), query, candidate)
    return tuple(features)


def _tables(
    examples: Iterable[PairExample],
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    labelled = [(e.words[0], e.words[1], e.same, e.group) for e in examples]
    return pairs.learn_links(labelled), pairs.learn_links(labelled, apart=True)


def _merged(old: WordTable, new: WordTable) -> dict[str, dict[str, float]]:
    table = {word: dict(others) for word, others in old.items()}
    for word, others in new.items():
        table.setdefault(word, {}).update(others)
    return table


@dataclass(frozen=True)
class CategoryExample:
    text: str
    category: str
    key: int


def _bucket(key: int) -> int:
    return zlib.crc32(str(key).encode())


def is_held_out(key: int) -> bool:
    return _bucket(key) % HELD_OUT_EVERY == 0


T = TypeVar("T", PairExample, CategoryExample)


def split(examples: Iterable[T]) -> tuple[list[T], list[T]]:
    """(training, held out)."""
    training: list[T] = []
    held: list[T] = []
    for example in examples:
        (held if is_held_out(example.key) else training).append(example)
    return training, held


def train_pair_model(examples: Sequence[PairExample], prior: pairs.PairModel) -> pairs.PairModel:
    """A pair model fitted on labelled pairs with ``prior`` as the centre of its weights, its
    "likely" threshold the lowest probability at which out-of-fold pairs reach LIKELY_PRECISION
    (the prior's when none does)."""
    if not examples:
        return prior
    folds = [_bucket(e.key) // HELD_OUT_EVERY % CALIBRATION_FOLDS for e in examples]
    # Each fold's learned links come from the other folds (a pair's own words would link it).
    fold_links = {f: _tables(e for e, g in zip(examples, folds, strict=True) if g != f) for f in set(folds)}
    samples = [list(with_links(e, fold_links[f])) for e, f in zip(examples, folds, strict=True)]
    labels = [e.same for e in examples]
    coef, bias = pairs.fit(samples, labels, prior=prior)
    if len(set(folds)) > 1:
        probabilities = pairs.out_of_fold(samples, labels, folds, prior=prior)
    else:
        fitted = pairs.PairModel(coef=coef, bias=bias, likely=prior.likely, possible=prior.possible)
        probabilities = [fitted.probability(x) for x in samples]
    likely, possible = pairs.calibrate(
        probabilities, labels, precision=LIKELY_PRECISION, counted=True, fallback=prior
    )
    links, conflicts = _tables(examples)
    return pairs.PairModel(
        coef=coef,
        bias=bias,
        likely=likely,
        possible=possible,
        pairs=len(samples),
        links=_merged(prior.links, links),
        conflicts=_merged(prior.conflicts, conflicts),
    )


def pair_figures(model: pairs.PairModel, examples: Sequence[PairExample]) -> dict[str, Any]:
    """Precision and recall of "likely" at the model's own threshold, and the mean log loss."""
    flagged = correct = same = 0
    loss = 0.0
    for example in examples:
        probability = min(
            max(model.probability(with_links(example, (model.links, model.conflicts))), 1e-6), 1 - 1e-6
        )
        loss -= math.log(probability if example.same else 1 - probability)
        same += int(example.same)
        if probability >= model.likely:
            flagged += 1
            correct += int(example.same)
    return {
        "pairs": len(examples),
        "likely_threshold": model.likely,
        "likely_precision": round(correct / flagged, 4) if flagged else None,
        "likely_recall": round(correct / same, 4) if same else None,
        "log_loss": round(loss / len(examples), 4) if examples else None,
    }


def category_figures(model: classifier.Model, examples: Sequence[CategoryExample]) -> dict[str, Any]:
    top1 = top3 = 0
    for example in examples:
        predicted = [name for name, _ in classifier.predict(model, example.text, 3)]
        top1 += int(predicted[:1] == [example.category])
        top3 += int(example.category in predicted)
    count = len(examples)
    return {
        "texts": count,
        "category_top1": round(top1 / count, 4) if count else None,
        "category_top3": round(top3 / count, 4) if count else None,
    }


def figures(
    category_model: classifier.Model,
    pair_model: pairs.PairModel,
    pair_examples: Sequence[PairExample],
    category_examples: Sequence[CategoryExample],
) -> dict[str, Any]:
    return {
        **pair_figures(pair_model, pair_examples),
        **category_figures(category_model, category_examples),
    }


def not_worse(candidate: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """The candidate's held-out figures are at least the current version's: category top-1 and
    top-3 no lower, the pair log loss no higher, and "likely" no less precise (or, when both are
    at least LIKELY_PRECISION precise, finding no fewer)."""
    for name in ("category_top1", "category_top3"):
        if current.get(name) is not None and (candidate.get(name) or 0.0) < current[name] - TOLERANCE:
            return False
    if (
        current.get("log_loss") is not None
        and candidate.get("log_loss", math.inf) > current["log_loss"] + TOLERANCE
    ):
        return False
    # A version that flags nothing has made no false flag: its precision counts as 1.
    mine, theirs = candidate.get("likely_precision"), current.get("likely_precision")
    mine = 1.0 if mine is None else mine
    theirs = 1.0 if theirs is None else theirs
    if min(mine, theirs) >= LIKELY_PRECISION:
        return (candidate.get("likely_recall") or 0.0) >= (current.get("likely_recall") or 0.0) - TOLERANCE
    return mine >= theirs - TOLERANCE


def train_category_model(
    corrections: Sequence[CategoryExample], history: Iterable[CategoryExample], keywords: Mapping[str, str]
) -> classifier.Model:
    """The category model of the shipped texts (``classifier.shipped_samples``), the district's
    labelled records (``history``, but not a record that was corrected: its correction stands) and
    its corrections, which count twice (staff looked at that text). The admin keywords stay as
    pseudo-samples (``classifier.train``)."""
    corrected = {e.key for e in corrections}
    samples = [(e.text, e.category) for e in history if e.key not in corrected]
    twice = [(e.text, e.category) for e in corrections]
    return classifier.train([*classifier.shipped_samples(), *samples, *twice, *twice], keywords)
