"""三评 as pure functions (DOMAIN §4). No database, no settings lookups: callers pass the weights
and thresholds in (``Rules.from_settings`` reads them once), so every case is computed by hand in
the tests, boundaries included.

- A vote set's score = (满意 × 100 + 基本满意 × 60) / valid votes; 不了解 is not a valid vote.
- Satisfaction = (满意 + 基本满意) / valid votes.
- 党政点评 score = the mean of the reviewers' grades (好 100, 较好 80, 一般 60, 差 40).
- 民主评议 counts only when more than half of the invited evaluators voted.
- Composite = weighted sum of the parts that count; when a part does not count (no quorum, or no
  votes) its weight is shared among the others in proportion (the page says which part was left out).
- Pass = composite ≥ threshold and the residents' satisfaction ≥ threshold, both inclusive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

GRADE_SCORES: dict[str, int] = {"good": 100, "fairly_good": 80, "average": 60, "poor": 40}
SATISFIED_POINTS = Decimal(100)
BASICALLY_POINTS = Decimal(60)
PARTS = ("party", "democratic", "residents")
PART_LABELS = {"party": "党政点评", "democratic": "民主评议", "residents": "群众评价"}


@dataclass(frozen=True)
class Counts:
    """Votes of one set: 满意, 基本满意, 不满意 and 不了解 (the last is kept but never valid)."""

    satisfied: int = 0
    basically: int = 0
    dissatisfied: int = 0
    unknown: int = 0

    def __post_init__(self) -> None:
        if min(self.satisfied, self.basically, self.dissatisfied, self.unknown) < 0:
            raise ValueError("vote counts cannot be negative")

    @property
    def valid(self) -> int:
        return self.satisfied + self.basically + self.dissatisfied

    @property
    def cast(self) -> int:
        """Everyone who returned a ballot, 不了解 included (what quorum counts)."""
        return self.valid + self.unknown

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.satisfied + other.satisfied,
            self.basically + other.basically,
            self.dissatisfied + other.dissatisfied,
            self.unknown + other.unknown,
        )

    @classmethod
    def of(cls, choices: Iterable[str]) -> Counts:
        tally = {"satisfied": 0, "basically": 0, "dissatisfied": 0, "unknown": 0}
        for choice in choices:
            tally[choice] += 1
        return cls(**tally)


@dataclass(frozen=True)
class Rules:
    weights: Mapping[str, Decimal]
    pass_composite: Decimal
    pass_satisfaction: Decimal

    @classmethod
    def from_settings(cls, config: Mapping[str, Any]) -> Rules:
        weights = {part: Decimal(str(config["WEIGHTS"][part])) for part in PARTS}
        if sum(weights.values()) != 1 or min(weights.values()) < 0:
            raise ValueError("evaluation weights must be non-negative and add up to 1")
        return cls(
            weights=weights,
            pass_composite=Decimal(str(config["PASS_COMPOSITE"])),
            pass_satisfaction=Decimal(str(config["PASS_SATISFACTION"])),
        )


def vote_score(counts: Counts) -> Decimal | None:
    """(满意 × 100 + 基本满意 × 60) / valid votes; None without a valid vote."""
    if counts.valid == 0:
        return None
    return (counts.satisfied * SATISFIED_POINTS + counts.basically * BASICALLY_POINTS) / counts.valid


def satisfaction(counts: Counts) -> Decimal | None:
    """(满意 + 基本满意) / valid votes, as a fraction (0.8 is 80 %); None without a valid vote."""
    if counts.valid == 0:
        return None
    return Decimal(counts.satisfied + counts.basically) / counts.valid


def review_score(grades: Iterable[str]) -> Decimal | None:
    """The mean of the reviewers' grades; None when nobody reviewed."""
    points = [GRADE_SCORES[grade] for grade in grades]
    if not points:
        return None
    return Decimal(sum(points)) / len(points)


def has_quorum(*, invited: int, voted: int) -> bool:
    """民主评议 is valid only when more than half of the invited evaluators voted."""
    return invited > 0 and voted * 2 > invited


def composite(scores: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]) -> Decimal | None:
    """Weighted sum over the parts that count (weights of missing parts shared out in proportion)."""
    present = {part: score for part, score in scores.items() if score is not None and weights[part] > 0}
    total_weight = sum((weights[part] for part in present), Decimal(0))
    if not present or total_weight == 0:
        return None
    return sum((weights[part] * score for part, score in present.items()), Decimal(0)) / total_weight


def passes(*, composite_score: Decimal | None, resident_satisfaction: Decimal | None, rules: Rules) -> bool:
    if composite_score is None or resident_satisfaction is None:
        return False
    return composite_score >= rules.pass_composite and resident_satisfaction >= rules.pass_satisfaction


@dataclass(frozen=True)
class Outcome:
    party: Decimal | None
    democratic: Decimal | None
    democratic_valid: bool
    residents: Decimal | None
    resident_satisfaction: Decimal | None
    composite: Decimal | None
    passed: bool
    reasons: list[str] = field(default_factory=list)  # why it failed
    notes: list[str] = field(default_factory=list)  # parts left out of the composite, and why


def outcome(
    *,
    grades: Iterable[str],
    democratic: Counts,
    invited: int,
    residents: Counts,
    rules: Rules,
) -> Outcome:
    """Everything the result page shows, and why a failed evaluation failed (Chinese, for people)."""
    party_score = review_score(grades)
    quorum = has_quorum(invited=invited, voted=democratic.cast)
    democratic_score = vote_score(democratic) if quorum else None
    resident_score = vote_score(residents)
    rate = satisfaction(residents)
    scores = {"party": party_score, "democratic": democratic_score, "residents": resident_score}
    total = composite(scores, rules.weights)
    passed = passes(composite_score=total, resident_satisfaction=rate, rules=rules)
    notes: list[str] = []
    if not quorum:
        notes.append(
            f"民主评议参评 {democratic.cast} 人，未超过应邀 {invited} 人的半数，评议无效，不计入得分。"
        )
    elif democratic_score is None:
        notes.append("民主评议没有有效票（均为“不了解”），不计入得分。")
    if party_score is None:
        notes.append("没有党政点评，不计入得分。")
    reasons: list[str] = []
    if total is not None and total < rules.pass_composite:
        reasons.append(f"综合得分 {fmt(total)} 分，低于 {fmt(rules.pass_composite)} 分。")
    if rate is not None and rate < rules.pass_satisfaction:
        reasons.append(f"群众满意率 {percent(rate)}，低于 {percent(rules.pass_satisfaction)}。")
    if rate is None:
        reasons.append("没有有效的群众评价。")
    return Outcome(
        party=party_score,
        democratic=democratic_score,
        democratic_valid=quorum,
        residents=resident_score,
        resident_satisfaction=rate,
        composite=total,
        passed=passed,
        reasons=reasons,
        notes=notes,
    )


def fmt(value: Decimal | None, places: str = "0.1") -> str:
    """A score as people read it: one decimal, half up (86.45 → 86.5)."""
    if value is None:
        return "—"
    return str(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
