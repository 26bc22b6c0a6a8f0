"""Recurring open days of consultation rooms, as iCalendar (RFC 5545) recurrence rules.

Pure functions: a rule text in, dates out. "逢十说事" is the 10th, 20th and 30th of each month and the
last day of February (which has no 30th); "二五议事" is every Tuesday and Friday. Both are presets that
fill in the rule text, which an administrator may change for a room.
"""

from __future__ import annotations

import datetime as dt

from dateutil.rrule import rruleset, rrulestr

PRESET_RULES: dict[str, str] = {
    "fengshi": "RRULE:FREQ=MONTHLY;BYMONTHDAY=10,20,30\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1",
    "erwu": "RRULE:FREQ=WEEKLY;BYDAY=TU,FR",
}
PRESET_NAMES: dict[str, str] = {"fengshi": "逢十说事", "erwu": "二五议事"}

# How far ahead a rule must produce a date to count as valid.
HORIZON_DAYS = 366


class RuleError(ValueError):
    """The rule text cannot be understood; the message is Chinese and shown to the editor."""


def parse_rule(rule: str, starts_on: dt.date, until: dt.date | None = None) -> rruleset:
    lines = [line.strip() for line in rule.replace("\r", "").split("\n") if line.strip()]
    if not lines:
        raise RuleError("请填写重复规则。")
    for line in lines:
        upper = line.upper()
        if not upper.startswith(("RRULE:", "EXDATE", "RDATE")):
            raise RuleError(f"无法识别的规则行：“{line}”。每行应以 RRULE: 开头。")
    if until is not None:
        # A bound on every rule: an iterator over a rule that matches nothing would otherwise run
        # to the year 9999 before giving up.
        stamp = until.strftime("%Y%m%dT235959")
        lines = [
            f"{line};UNTIL={stamp}"
            if line.upper().startswith("RRULE:")
            and "UNTIL=" not in line.upper()
            and "COUNT=" not in line.upper()
            else line
            for line in lines
        ]
    start = dt.datetime.combine(starts_on, dt.time())
    try:
        parsed = rrulestr("\n".join(lines), dtstart=start, forceset=True, unfold=True)
    except (ValueError, TypeError, KeyError) as exc:
        raise RuleError(f"重复规则格式不正确：{exc}") from exc
    assert isinstance(parsed, rruleset)
    return parsed


def occurrences(
    rule: str,
    *,
    starts_on: dt.date,
    after: dt.date,
    count: int = 5,
    ends_on: dt.date | None = None,
    until: dt.date | None = None,
) -> list[dt.date]:
    """The first ``count`` dates on or after ``after`` (and not after ``ends_on`` / ``until``)."""
    bounds = [d for d in (ends_on, until) if d is not None]
    limit = min(bounds) if bounds else after + dt.timedelta(days=2 * HORIZON_DAYS)
    parsed = parse_rule(rule, starts_on, until=limit)
    first = dt.datetime.combine(max(after, starts_on), dt.time())
    last = dt.datetime.combine(limit, dt.time(23, 59, 59))
    if last < first:
        return []
    return [moment.date() for moment in parsed.between(first, last, inc=True)[:count]]


def validate_rule(rule: str, *, starts_on: dt.date, ends_on: dt.date | None = None) -> list[dt.date]:
    """Raise ``RuleError`` unless the rule yields at least one date within a year of ``starts_on``."""
    horizon = starts_on + dt.timedelta(days=HORIZON_DAYS)
    dates = occurrences(rule, starts_on=starts_on, after=starts_on, count=3, ends_on=ends_on, until=horizon)
    if not dates:
        raise RuleError("该规则在生效后一年内不产生任何日期，请检查规则或起止日期。")
    return dates
