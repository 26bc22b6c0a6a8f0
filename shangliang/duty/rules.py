"""Duty scoring (履职量化考核) as pure functions (DOMAIN §4). No database: callers pass the rule
table and the settings in, so every case can be computed by hand in the tests.

- Each source record earns the points of its rule once (the caller keys entries by member, rule and
  source record).
- An item's annual cap applies per member and year to the positive points of its rules, in date
  order (then source order): an entry past the cap counts what is left of it, then 0. Deductions
  (unexcused absence −5) are never capped, nor is an upheld appeal's adjustment (its points are the
  decision's, ``Earned.points``).
- Total = the sum of counted points; key-item subtotal = the same over key items (专题协商、对口协商、
  界别协商 by default).
- Grade by thresholds, inclusive: ≥ 90 优秀, ≥ 60 合格, below 不合格 [defaults].
- Rank: competition ranking ("1, 2, 2, 4") by total, higher first.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Meeting forms whose attendance and speeches count under the key item.
KEY_FORMS = frozenset({"thematic", "counterpart", "sector"})

DEFAULT_GRADES: tuple[tuple[int, str], ...] = ((90, "优秀"), (60, "合格"))
FAILING_GRADE = "不合格"
PROPOSAL_REPLY_MONTHS = 3


@dataclass(frozen=True)
class Earned:
    """Something a member did that a rule scores, before caps."""

    member_id: int
    rule_code: str
    source_model: str
    source_id: int
    occurred_on: dt.date
    label: str
    # Points set by the record itself (an appeal's adjustment) instead of the rule's; never capped.
    points: int | None = None

    @property
    def key(self) -> tuple[int, str, str, int]:
        return (self.member_id, self.rule_code, self.source_model, self.source_id)


@dataclass(frozen=True)
class RuleValue:
    code: str
    item_code: str
    points: int


@dataclass(frozen=True)
class ItemValue:
    code: str
    annual_cap: int | None
    is_key: bool


@dataclass(frozen=True)
class Scored:
    earned: Earned
    points: int
    counted: int


@dataclass(frozen=True)
class Totals:
    total: int
    key_total: int


def fact_rule(kind: str, meeting_form: str) -> str | None:
    """The rule a meeting's duty fact falls under (``meetings.DutyFactKind`` × the meeting's form)."""
    key = meeting_form in KEY_FORMS
    if kind == "absence":
        return "absence"
    if kind == "attendance":
        return "attend_key" if key else "attend_grassroots"
    if kind == "speech_oral":
        return "speech_oral_key" if key else None
    if kind == "speech_written":
        return "speech_written_key" if key else None
    if kind == "convening":
        return None if key else "convene_grassroots"
    return None


def writing_rules(kind: str, status: str, level: str) -> list[str]:
    """Rules a member's 社情民意 or 提案 earns: submitted once it is with the office, plus adoption by level."""
    prefix = "opinion" if kind == "social_opinion" else "proposal"
    codes: list[str] = []
    if status in ("submitted", "adopted", "not_adopted"):
        codes.append(f"{prefix}_submitted")
    if status == "adopted" and level:
        codes.append(f"{prefix}_adopted_{level}")
    return codes


def score(
    earned: Iterable[Earned], rules: Mapping[str, RuleValue], items: Mapping[str, ItemValue]
) -> list[Scored]:
    """Apply the rule values and the items' annual caps. Entries of unknown (or inactive) rules are
    dropped. The result keeps the order date → rule → source."""
    ordered = sorted(
        (e for e in earned if e.rule_code in rules),
        key=lambda e: (e.member_id, e.occurred_on, e.rule_code, e.source_model, e.source_id),
    )
    used: dict[tuple[int, str], int] = defaultdict(int)
    result: list[Scored] = []
    for e in ordered:
        rule = rules[e.rule_code]
        if e.points is not None:
            result.append(Scored(earned=e, points=e.points, counted=e.points))
            continue
        cap = items[rule.item_code].annual_cap
        counted = rule.points
        if rule.points > 0 and cap is not None:
            slot = (e.member_id, rule.item_code)
            counted = max(0, min(rule.points, cap - used[slot]))
            used[slot] += counted
        result.append(Scored(earned=e, points=rule.points, counted=counted))
    return result


def totals(scored: Iterable[tuple[str, int]], items: Mapping[str, ItemValue]) -> Totals:
    """``scored``: (item code, counted points) pairs of one member and year."""
    total = key_total = 0
    for item_code, counted in scored:
        total += counted
        if items[item_code].is_key:
            key_total += counted
    return Totals(total=total, key_total=key_total)


def grade(total: int, thresholds: Sequence[tuple[int, str]] = DEFAULT_GRADES) -> str:
    for minimum, label in sorted(thresholds, reverse=True):
        if total >= minimum:
            return label
    return FAILING_GRADE


def ranks(values: Mapping[int, int]) -> dict[int, int]:
    """Competition ranking of ids by value, higher first: equal values share a rank."""
    ordered = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    result: dict[int, int] = {}
    previous: int | None = None
    rank = 0
    for position, (ident, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        result[ident] = rank
    return result


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reply_due(adopted_on: dt.date, months: int = PROPOSAL_REPLY_MONTHS) -> dt.date:
    """A proposal's formal reply is due ``months`` after it was accepted (立案)."""
    return add_months(adopted_on, months)


def quarter(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


@dataclass(frozen=True)
class PlanProgress:
    planned: int
    due: int
    held: int

    @property
    def behind(self) -> bool:
        return self.held < self.due

    @property
    def none_held(self) -> bool:
        return self.held == 0


def plan_progress(planned_months: Sequence[int], held: int, *, year: int, today: dt.date) -> PlanProgress:
    """Planned consultations whose month has ended by ``today`` (all of a past year, none of a future
    one) against those held."""
    if year < today.year:
        due = len(planned_months)
    elif year > today.year:
        due = 0
    else:
        due = sum(1 for month in planned_months if month < today.month)
    return PlanProgress(planned=len(planned_months), due=due, held=held)
