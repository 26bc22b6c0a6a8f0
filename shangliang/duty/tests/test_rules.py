"""Pure scoring rules, computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from shangliang.duty import rules
from shangliang.duty.rules import Earned, ItemValue, RuleValue

ITEMS = {
    "key": ItemValue("key", 10, True),
    "abs": ItemValue("abs", None, False),
    "free": ItemValue("free", None, False),
}
RULES = {
    "attend": RuleValue("attend", "key", 5),
    "speech": RuleValue("speech", "key", 3),
    "absence": RuleValue("absence", "abs", -5),
    "opinion": RuleValue("opinion", "free", 3),
}


def e(member: int, code: str, day: int, source: int = 1) -> Earned:
    return Earned(member, code, "x", source, dt.date(2025, 1, day), "")


def test_cap_applies_in_date_order_per_member_and_item_and_never_to_deductions() -> None:
    # given
    earned = [
        e(1, "speech", 2),
        e(1, "attend", 1),
        e(1, "attend", 3, 2),
        e(1, "absence", 4),
        e(2, "attend", 1),
    ]

    # when
    scored = rules.score(earned, RULES, ITEMS)

    # then
    assert [(s.earned.member_id, s.earned.rule_code, s.points, s.counted) for s in scored] == [
        (1, "attend", 5, 5),
        (1, "speech", 3, 3),
        (1, "attend", 5, 2),
        (1, "absence", -5, -5),
        (2, "attend", 5, 5),
    ]


def test_unknown_rules_are_dropped() -> None:
    assert rules.score([e(1, "gone", 1)], RULES, ITEMS) == []


def test_totals_and_key_subtotal() -> None:
    assert rules.totals([("key", 10), ("abs", -5), ("free", 3)], ITEMS) == rules.Totals(total=8, key_total=10)


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "优秀"), (90, "优秀"), (89, "合格"), (60, "合格"), (59, "不合格"), (-5, "不合格")],
)
def test_grade_thresholds_are_inclusive(total: int, grade: str) -> None:
    assert rules.grade(total) == grade


def test_configured_grades() -> None:
    assert rules.grade(80, [(80, "好"), (50, "中")]) == "好"
    assert rules.grade(49, [(80, "好"), (50, "中")]) == "不合格"


def test_competition_ranking_shares_equal_totals() -> None:
    assert rules.ranks({10: 70, 11: 91, 12: 70, 13: -5}) == {11: 1, 10: 2, 12: 2, 13: 4}


@pytest.mark.parametrize(
    ("kind", "form", "code"),
    [
        ("attendance", "thematic", "attend_key"),
        ("attendance", "micro", "attend_grassroots"),
        ("speech_oral", "counterpart", "speech_oral_key"),
        ("speech_written", "sector", "speech_written_key"),
        ("speech_oral", "micro", None),
        ("convening", "micro", "convene_grassroots"),
        ("convening", "thematic", None),
        ("absence", "thematic", "absence"),
    ],
)
def test_meeting_facts_map_to_rules(kind: str, form: str, code: str | None) -> None:
    assert rules.fact_rule(kind, form) == code


def test_writing_rules_by_state_and_level() -> None:
    assert rules.writing_rules("social_opinion", "draft", "") == []
    assert rules.writing_rules("social_opinion", "submitted", "") == ["opinion_submitted"]
    assert rules.writing_rules("proposal", "adopted", "city") == [
        "proposal_submitted",
        "proposal_adopted_city",
    ]
    assert rules.writing_rules("social_opinion", "not_adopted", "") == ["opinion_submitted"]


def test_reply_due_three_months_later_clamped_to_month_end() -> None:
    assert rules.reply_due(dt.date(2025, 11, 30)) == dt.date(2026, 2, 28)
    assert rules.reply_due(dt.date(2025, 3, 15)) == dt.date(2025, 6, 15)


def test_plan_progress_counts_months_that_have_ended() -> None:
    today = dt.date(2025, 7, 10)
    assert rules.plan_progress([3, 7, 10], 1, year=2025, today=today) == rules.PlanProgress(3, 1, 1)
    assert rules.plan_progress([3, 6], 1, year=2025, today=today).behind is True
    assert rules.plan_progress([3, 6], 0, year=2024, today=today) == rules.PlanProgress(2, 2, 0)
    assert rules.plan_progress([3], 0, year=2026, today=today).behind is False


def test_quarter() -> None:
    assert [rules.quarter(dt.date(2025, m, 1)) for m in (1, 3, 4, 9, 10, 12)] == [1, 1, 2, 3, 4, 4]
