"""The 三评 formula against hand-computed cases (DOMAIN §4), boundaries included. No database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shangliang.evaluations import rules
from shangliang.evaluations.rules import Counts

DEFAULT = rules.Rules.from_settings(
    {
        "WEIGHTS": {"party": "0.3", "democratic": "0.3", "residents": "0.4"},
        "PASS_COMPOSITE": "70",
        "PASS_SATISFACTION": "0.8",
    }
)


@pytest.mark.parametrize(
    ("counts", "score"),
    [
        (Counts(8, 2, 0), Decimal(92)),  # (800 + 120) / 10
        (Counts(1, 3, 0), Decimal(70)),  # (100 + 180) / 4
        (Counts(0, 0, 5), Decimal(0)),
        (Counts(0, 5, 0), Decimal(60)),
        (Counts(3, 1, 1, unknown=2), Decimal(72)),  # 不了解 not valid: (300 + 60) / 5
    ],
)
def test_vote_score_is_weighted_mean_of_valid_votes(counts: Counts, score: Decimal) -> None:
    assert rules.vote_score(counts) == score


def test_vote_score_and_satisfaction_are_none_without_valid_votes() -> None:
    assert rules.vote_score(Counts(unknown=3)) is None
    assert rules.satisfaction(Counts(unknown=3)) is None


@pytest.mark.parametrize(
    ("counts", "rate"),
    [
        (Counts(4, 0, 1), Decimal("0.8")),
        (Counts(2, 2, 1, unknown=9), Decimal("0.8")),
        (Counts(79, 0, 21), Decimal("0.79")),
        (Counts(9, 1, 0), Decimal(1)),
    ],
)
def test_satisfaction_counts_satisfied_and_basically(counts: Counts, rate: Decimal) -> None:
    assert rules.satisfaction(counts) == rate


@pytest.mark.parametrize(
    ("grades", "score"),
    [
        (["good"], Decimal(100)),
        (["good", "fairly_good"], Decimal(90)),
        (["good", "poor"], Decimal(70)),
        (["average", "poor", "poor"], Decimal(140) / 3),
        ([], None),
    ],
)
def test_review_score_is_mean_of_grades(grades: list[str], score: Decimal | None) -> None:
    assert rules.review_score(grades) == score


@pytest.mark.parametrize(
    ("invited", "voted", "valid"),
    [(10, 5, False), (10, 6, True), (9, 5, True), (9, 4, False), (1, 1, True), (0, 0, False)],
)
def test_democratic_quorum_needs_more_than_half(invited: int, voted: int, valid: bool) -> None:
    assert rules.has_quorum(invited=invited, voted=voted) is valid


def test_composite_uses_default_weights() -> None:
    scores = {"party": Decimal(90), "democratic": Decimal(80), "residents": Decimal(70)}
    # 0.3 × 90 + 0.3 × 80 + 0.4 × 70 = 27 + 24 + 28
    assert rules.composite(scores, DEFAULT.weights) == Decimal(79)


def test_composite_shares_out_the_weight_of_a_part_that_does_not_count() -> None:
    scores = {"party": Decimal(100), "democratic": None, "residents": Decimal(80)}
    # (0.3 × 100 + 0.4 × 80) / 0.7 = 62 / 0.7
    assert rules.composite(scores, DEFAULT.weights) == Decimal(62) / Decimal("0.7")


def test_exactly_70_and_exactly_80_percent_pass() -> None:
    # given every part scores exactly 70 and residents are 100 % satisfied (1 满意 + 3 基本满意)
    outcome = rules.outcome(
        grades=["good", "poor"],
        democratic=Counts(1, 3, 0),
        invited=4,
        residents=Counts(1, 3, 0),
        rules=DEFAULT,
    )
    assert outcome.composite == Decimal(70)
    assert outcome.passed is True
    # given residents exactly 80 % satisfied (4 满意, 1 不满意 → score 80)
    outcome = rules.outcome(
        grades=["fairly_good"],
        democratic=Counts(4, 0, 1),
        invited=5,
        residents=Counts(4, 0, 1),
        rules=DEFAULT,
    )
    assert outcome.resident_satisfaction == Decimal("0.8")
    assert outcome.composite == Decimal(80)
    assert outcome.passed is True


def test_just_below_70_fails_with_the_reason() -> None:
    # party (60 + 40 + 100) / 3 = 66.67; 0.3 × 66.67 + 0.3 × 70 + 0.4 × 70 = 69
    outcome = rules.outcome(
        grades=["average", "poor", "good"],
        democratic=Counts(1, 3, 0),
        invited=4,
        residents=Counts(1, 3, 0),
        rules=DEFAULT,
    )
    assert outcome.composite is not None
    assert outcome.composite.quantize(Decimal("0.01")) == Decimal("69.00")
    assert outcome.passed is False
    assert outcome.reasons == ["综合得分 69.0 分，低于 70.0 分。"]


def test_just_below_80_percent_fails_even_with_a_high_composite() -> None:
    outcome = rules.outcome(
        grades=["good"], democratic=Counts(10, 0, 0), invited=10, residents=Counts(79, 0, 21), rules=DEFAULT
    )
    # 0.3 × 100 + 0.3 × 100 + 0.4 × 79 = 91.6
    assert outcome.composite == Decimal("91.6")
    assert outcome.passed is False
    assert outcome.reasons == ["群众满意率 79.0%，低于 80.0%。"]


def test_democratic_evaluation_below_quorum_is_reported_and_not_counted() -> None:
    outcome = rules.outcome(
        grades=["good"], democratic=Counts(0, 0, 5), invited=11, residents=Counts(4, 0, 0), rules=DEFAULT
    )
    assert outcome.democratic_valid is False
    assert outcome.democratic is None
    assert outcome.composite == Decimal(100)  # (0.3 × 100 + 0.4 × 100) / 0.7
    assert outcome.passed is True
    assert outcome.notes == ["民主评议参评 5 人，未超过应邀 11 人的半数，评议无效，不计入得分。"]


def test_no_resident_votes_never_passes() -> None:
    outcome = rules.outcome(
        grades=["good"], democratic=Counts(5), invited=5, residents=Counts(unknown=2), rules=DEFAULT
    )
    assert outcome.passed is False
    assert "没有有效的群众评价。" in outcome.reasons


def test_weights_must_add_up_to_one() -> None:
    with pytest.raises(ValueError, match="add up to 1"):
        rules.Rules.from_settings(
            {
                "WEIGHTS": {"party": "0.5", "democratic": "0.3", "residents": "0.4"},
                "PASS_COMPOSITE": 70,
                "PASS_SATISFACTION": 0.8,
            }
        )


def test_counts_reject_negative_numbers() -> None:
    with pytest.raises(ValueError, match="negative"):
        Counts(-1, 0, 0)


def test_display_rounds_half_up() -> None:
    assert rules.fmt(Decimal("86.45")) == "86.5"
    assert rules.percent(Decimal("0.8")) == "80.0%"
    assert rules.fmt(None) == "—"
