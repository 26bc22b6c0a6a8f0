"""Is a candidate "likely the same" problem as the query? A small logistic model over pair features.

Pure functions, no database. The similarity score (``similarity.score``) ranks candidates well,
but one absolute threshold on it cannot tell a paraphrase from a hard negative: the same problem
at another place (北湾二巷 vs 西街二巷 street lights) or another problem at the same place
(5栋 stairwell light vs 5栋 lift) share as many words as a paraphrase. The pair model adds what
separates them:

- place marks: numbered buildings, lanes, units (5栋 / 五栋 / 五幢 / 5号楼 / B座 → ``5栋``,
  ``b栋``); marks on both sides that do not meet are a strong "different place" signal, a shared
  mark a "same place" one;
- problem agreement: the probability the category model gives the query for the candidate's
  category (another problem at the same place usually belongs to another category);
- the word cosine and the character-bigram Dice separately, the rank of the candidate and its
  margin over the next one.

``PairModel`` serialises to JSON like the category model. ``DEFAULT`` holds weights fitted on
the development set (docs/adr/0012); ``fit`` learns new weights from labelled pairs and
``calibrate`` picks the "likely" and "possible" probability thresholds.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

FEATURES: tuple[str, ...] = (
    "score",
    "word_cosine",
    "bigram_dice",
    "category_agreement",
    "place_conflict",
    "place_agreement",
    "is_first",
    "share_of_best",
    "margin",
    "concept_overlap",
    "concept_conflict",
    "length_ratio",
    "learned_link",
    "learned_conflict",
    "thing_agreement",
    "complaint_agreement",
    "problem_cosine",
    "problem_dice",
    "problem_chars",
)

_MARK_RE = re.compile(r"([0-9]+|[a-z])\s*(栋|号楼|座|单元|巷|期|区|排|组|队)")
_UNIT = {"号楼": "栋", "座": "栋"}


def place_marks(normalized_text: str) -> frozenset[str]:
    """Numbered places in a normalised text: 5栋, 2巷, 3单元, b栋 (5号楼 and B座 count as 栋)."""
    return frozenset(number + _UNIT.get(unit, unit) for number, unit in _MARK_RE.findall(normalized_text))


def features(
    *,
    score: float,
    word_cosine: float,
    bigram_dice: float,
    category_agreement: float,
    query_marks: frozenset[str],
    candidate_marks: frozenset[str],
    rank: int,
    best: float,
    next_score: float,
    query_concepts: frozenset[str] = frozenset(),
    candidate_concepts: frozenset[str] = frozenset(),
    query_length: int = 0,
    candidate_length: int = 0,
    learned_link: float = 0.0,
    learned_conflict: float = 0.0,
    aspects: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0, 0.0),
) -> list[float]:
    """The feature vector of one (query, candidate) pair, in the order of ``FEATURES``.
    ``rank`` counts from 0; ``best`` is the top score of the list, ``next_score`` the score of the
    candidate ranked just below (0 when there is none). The concepts (``concepts``) of both sides
    give their overlap (Jaccard) and a conflict when both name problems and none is shared. The
    lengths (characters of the normalised texts) give |log of their ratio|: a one-line report and
    a long one of the same problem share few words, so the overlap features mean more there.
    ``learned_link`` is the strongest learned link between a word of one side and a word of the
    other that the first lacks (``PairModel.links``, ``link_strength``); ``learned_conflict`` the
    strongest learned conflict (``PairModel.conflicts``: words of two places or two problems that
    staff keep apart, 榕荫里 / 蚝壳巷). ``aspects`` is ``aspects.agreement`` of the two sides: the
    same thing, the same complaint, the text outside places (words, bigrams, characters)."""
    shared = bool(query_marks & candidate_marks)
    conflict = bool(query_marks and candidate_marks and not shared)
    common = len(query_concepts & candidate_concepts)
    either = len(query_concepts | candidate_concepts)
    return [
        score,
        word_cosine,
        bigram_dice,
        category_agreement,
        1.0 if conflict else 0.0,
        1.0 if shared else 0.0,
        1.0 if rank == 0 else 0.0,
        score / best if best > 0 else 0.0,
        score - next_score,
        common / either if either else 0.0,
        1.0 if query_concepts and candidate_concepts and not common else 0.0,
        abs(math.log(query_length / candidate_length)) if query_length and candidate_length else 0.0,
        learned_link,
        learned_conflict,
        *aspects,
    ]


# A link between two words is learned when they stand on the two sides of "same" pairs of at
# least this many different problems (clusters, or the record merged into). Its strength is how
# much more often than the base rate of all pairs a pair with the two words is the same problem
# (the share shrunk towards the base rate by LINK_SMOOTHING pseudo-pairs, 0 at the base rate, 1
# when always), so that words of every complaint (唔该, 好烦) link nothing; weak links are dropped.
LINK_MIN_GROUPS = 2
LINK_SMOOTHING = 4.0
LINK_MIN_STRENGTH = 0.2
MAX_LINKS = 20_000


def link_words(words: Iterable[str]) -> frozenset[str]:
    """The words a link may join: content words that are not numbers."""
    return frozenset(w for w in words if not w.isdigit() and any(ch.isalnum() for ch in w))


def learn_links(
    labelled: Iterable[tuple[frozenset[str], frozenset[str], bool, str]], *, apart: bool = False
) -> dict[str, dict[str, float]]:
    """Word links from labelled pairs (words of one side, of the other, same problem?, the
    pair's group: the problem, or the record kept apart from): words that paraphrases of one
    problem use on their two sides (冇电 / 跳掣, 水浸 / 积水) in several problems, and rarely a
    different problem. With ``apart`` the other way round: words on the two sides of pairs staff
    keep apart (two places, two problems), rarely of the same problem. Symmetric."""
    same: dict[tuple[str, str], int] = {}
    groups: dict[tuple[str, str], set[str]] = {}
    different: dict[tuple[str, str], int] = {}
    counted = positive = 0
    for left, right, is_same, group in labelled:
        counted += 1
        positive += int(is_same != apart)
        shared = left & right
        for a in left - shared:
            for b in right - shared:
                key = (a, b) if a < b else (b, a)
                if is_same != apart:
                    same[key] = same.get(key, 0) + 1
                    groups.setdefault(key, set()).add(group)
                else:
                    different[key] = different.get(key, 0) + 1
    base = positive / counted if counted else 0.0
    strengths = []
    for key, count in same.items():
        if len(groups[key]) < LINK_MIN_GROUPS or base >= 1.0:
            continue
        share = (count + base * LINK_SMOOTHING) / (count + different.get(key, 0) + LINK_SMOOTHING)
        strength = (share - base) / (1.0 - base)
        if strength >= LINK_MIN_STRENGTH:
            strengths.append((strength, key))
    strengths.sort(reverse=True)
    links: dict[str, dict[str, float]] = {}
    for strength, (a, b) in strengths[:MAX_LINKS]:
        links.setdefault(a, {})[b] = round(strength, 4)
        links.setdefault(b, {})[a] = round(strength, 4)
    return links


def linked(links: Mapping[str, Mapping[str, float]], words: Iterable[str]) -> dict[str, float]:
    """Every word linked to one of ``words``, with its strongest link (the query's side, computed
    once per lookup; a candidate's ``link_strength`` is then one lookup per word)."""
    found: dict[str, float] = {}
    for word in words:
        for other, strength in links.get(word, {}).items():
            if strength > found.get(other, 0.0):
                found[other] = strength
    return found


def link_strength(
    query_links: Mapping[str, float], query_words: frozenset[str], words: Iterable[str]
) -> float:
    """The strongest link from the query to a word of the candidate that the query lacks."""
    if not query_links:
        return 0.0
    common = query_links.keys() & words  # a set operation in C: most candidate words link nothing
    return max((query_links[w] for w in common if w not in query_words), default=0.0)


@dataclass(frozen=True)
class PairModel:
    coef: tuple[float, ...]
    bias: float
    likely: float
    possible: float
    pairs: int = 0
    links: Mapping[str, Mapping[str, float]] = field(default_factory=dict, compare=False, repr=False)
    conflicts: Mapping[str, Mapping[str, float]] = field(default_factory=dict, compare=False, repr=False)

    def probability(self, x: Sequence[float]) -> float:
        if len(x) != len(self.coef):
            raise ValueError(f"{len(x)} features given, the model has {len(self.coef)}")
        z = self.bias + sum(map(operator.mul, self.coef, x))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def level(self, probability: float) -> str:
        if probability >= self.likely:
            return "likely"
        if probability >= self.possible:
            return "possible"
        return ""

    def to_payload(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "coef": list(self.coef),
            "bias": self.bias,
            "likely": self.likely,
            "possible": self.possible,
            "pairs": self.pairs,
            "links": {word: dict(others) for word, others in self.links.items()},
            "conflicts": {word: dict(others) for word, others in self.conflicts.items()},
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, object]) -> PairModel:
        if list(payload.get("features", ())) != list(FEATURES):  # type: ignore[call-overload]
            raise ValueError("pair model features differ from this version's")
        return cls(
            coef=tuple(float(c) for c in payload["coef"]),  # type: ignore[attr-defined]
            bias=float(payload["bias"]),  # type: ignore[arg-type]
            likely=float(payload["likely"]),  # type: ignore[arg-type]
            possible=float(payload["possible"]),  # type: ignore[arg-type]
            pairs=int(payload.get("pairs", 0)),  # type: ignore[call-overload]
            links=_word_table(payload.get("links")),
            conflicts=_word_table(payload.get("conflicts")),
        )


def _word_table(value: object) -> dict[str, dict[str, float]]:
    if not isinstance(value, Mapping):
        return {}
    return {str(w): {str(o): float(v) for o, v in dict(others).items()} for w, others in value.items()}


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems here are 10 × 10)."""
    n = len(vector)
    rows = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        if abs(rows[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                if factor:
                    for k in range(col, n + 1):
                        rows[r][k] -= factor * rows[col][k]
    return [rows[i][n] / rows[i][i] if abs(rows[i][i]) > 1e-12 else 0.0 for i in range(n)]


# The largest change of one standardised weight in one Newton step.
MAX_STEP = 4.0


def fit(
    samples: Sequence[Sequence[float]],
    labels: Sequence[bool],
    *,
    l2: float = 5.0,
    iterations: int = 30,
    prior: PairModel | None = None,
) -> tuple[tuple[float, ...], float]:
    """L2-regularised logistic regression by Newton's method on standardised features.
    Returns (coefficients, bias) on the raw feature scale. With a ``prior`` model the weights are
    pulled towards its weights instead of towards zero (few labelled pairs move them little)."""
    if not samples:
        base = prior or DEFAULT
        return base.coef, base.bias
    d = len(samples[0])
    n = len(samples)
    mean = [sum(x[i] for x in samples) / n for i in range(d)]
    sd = [max(1e-6, math.sqrt(sum((x[i] - mean[i]) ** 2 for x in samples) / n)) for i in range(d)]
    rows = [[1.0, *((x[i] - mean[i]) / sd[i] for i in range(d))] for x in samples]
    centre = [0.0] * (d + 1)
    if prior is not None:
        centre = [
            prior.bias + sum(prior.coef[i] * mean[i] for i in range(d)),
            *(prior.coef[i] * sd[i] for i in range(d)),
        ]
    # Newton from zero (every probability 0.5) is well behaved; from the prior's weights, where a
    # district's pairs can be confidently wrong, its first steps overshoot.
    w = [0.0] * (d + 1)
    for _ in range(iterations):
        grad = [0.0] * (d + 1)
        hess = [[0.0] * (d + 1) for _ in range(d + 1)]
        for z, label in zip(rows, labels, strict=True):
            s = sum(a * b for a, b in zip(w, z, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, s))))
            r = p * (1.0 - p)
            err = p - (1.0 if label else 0.0)
            for i in range(d + 1):
                grad[i] += err * z[i]
                zi = r * z[i]
                row = hess[i]
                for j in range(d + 1):
                    row[j] += zi * z[j]
        for i in range(1, d + 1):
            grad[i] += l2 * (w[i] - centre[i])
            hess[i][i] += l2
        step = _solve(hess, grad)
        largest = max(abs(v) for v in step)
        if largest > MAX_STEP:
            step = [v * MAX_STEP / largest for v in step]
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    coef = tuple(w[i + 1] / sd[i] for i in range(d))
    bias = w[0] - sum(coef[i] * mean[i] for i in range(d))
    return coef, bias


def calibrate(
    probabilities: Sequence[float],
    labels: Sequence[bool],
    *,
    precision: float = 0.9,
    possible_precision: float = 0.4,
    counted: bool = False,
    fallback: PairModel | None = None,
) -> tuple[float, float]:
    """(likely, possible): the lowest probabilities at which the pairs above them reach the given
    precision. For "likely" the precision is the expected one, the mean probability of the pairs
    above the threshold: counting labels among the few dozen top pairs swings the threshold
    between 0.8 and 0.95 from one training set to the next, their mean probability does not.
    ``counted`` counts the labels for "likely" too (a district's own decisions, held out: the
    precision staff will see). For "possible" the labels are counted. Falls back to the
    thresholds of ``fallback`` (the shipped model) when no threshold reaches it."""
    ranked = sorted(zip(probabilities, labels, strict=True), key=lambda item: -item[0])
    likely = possible = None
    correct = 0
    expected = 0.0
    for count, (prob, label) in enumerate(ranked, start=1):
        correct += int(label)
        expected += prob
        if (correct if counted else expected) / count >= precision:
            likely = prob
        if correct / count >= possible_precision:
            possible = prob
    base = fallback or DEFAULT
    likely = base.likely if likely is None else min(max(likely, LIKELY_FLOOR), LIKELY_CEILING)
    possible = base.possible if possible is None else min(max(possible, POSSIBLE_FLOOR), likely)
    return round(likely, 4), round(possible, 4)


# The "likely" threshold is chosen on out-of-fold probabilities (each fold's pairs scored by a
# model fitted without them, as unseen concerns will be) for this expected precision (above the
# 0.9 wanted: the final model is fitted on more pairs and is more confident, and a denser index
# than the replays' has more look-alikes), and kept in a band.
CALIBRATION_PRECISION = 0.95
# With ``counted`` labels of pairs from places the scoring model never saw (``evaluation``'s inner
# leave-communities-out split), the share of the same among the flagged pairs is what unseen
# places will show; a small margin above the 0.9 wanted covers the fuller final model.
COUNTED_PRECISION = 0.9
LIKELY_FLOOR = 0.5
LIKELY_CEILING = 0.95
POSSIBLE_FLOOR = 0.15


def out_of_fold(
    samples: Sequence[Sequence[float]],
    labels: Sequence[bool],
    folds: Sequence[int],
    prior: PairModel | None = None,
) -> list[float]:
    """The probability of each pair under a model fitted on the other folds' pairs."""
    probabilities = [0.0] * len(samples)
    for fold in sorted(set(folds)):
        inside = [i for i, f in enumerate(folds) if f != fold]
        coef, bias = fit([samples[i] for i in inside], [labels[i] for i in inside], prior=prior)
        model = PairModel(coef=coef, bias=bias, likely=DEFAULT.likely, possible=DEFAULT.possible)
        for i, f in enumerate(folds):
            if f == fold:
                probabilities[i] = model.probability(samples[i])
    return probabilities


def train(
    samples: Sequence[Sequence[float]],
    labels: Sequence[bool],
    *,
    folds: Sequence[int] | None = None,
    precision: float = CALIBRATION_PRECISION,
    counted: bool = False,
) -> PairModel:
    """Fit a pair model on labelled pairs (True = the same problem) and calibrate its thresholds.
    ``folds`` numbers the group of each pair (pairs of one query, or of one replay, share a
    group); with two groups or more the thresholds come from out-of-fold probabilities, otherwise
    from the fitted pairs themselves (optimistic)."""
    coef, bias = fit(samples, labels)
    model = PairModel(coef=coef, bias=bias, likely=DEFAULT.likely, possible=DEFAULT.possible)
    if folds is not None and len(set(folds)) > 1:
        probabilities = out_of_fold(samples, labels, folds)
    else:
        probabilities = [model.probability(x) for x in samples]
    likely, possible = calibrate(
        probabilities, labels, precision=COUNTED_PRECISION if counted else precision, counted=counted
    )
    return PairModel(coef=coef, bias=bias, likely=likely, possible=possible, pairs=len(samples))


# Fitted on all of concerns_dev.jsonl (``evaluation.train_pair_model``: replays of its
# communities, the "likely" threshold where pairs of communities the scoring model never saw are
# 90 % the same; docs/adr/0014 and 0016; the calibrated "possible" fell to its floor, the list
# keeps 0.2). Its word links are not shipped: they are the development set's wording; a district
# learns its own from its decisions (``learning``).
DEFAULT = PairModel(
    coef=(
        2.82,
        5.59,
        -1.67,
        2.09,
        -4.84,
        1.32,
        0.25,
        -0.25,
        1.12,
        0.98,
        -1.93,
        1.63,
        3.94,
        0.0,
        2.77,
        1.3,
        -3.34,
        -2.13,
        9.44,
    ),
    bias=-5.46,
    likely=0.87,
    possible=0.2,
)
