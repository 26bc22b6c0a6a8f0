"""The time rules of meetings (DOMAIN §4, §5), as pure functions of dates and a rule table.

Defaults: notice at least 3 days ahead for a grassroots meeting (微协商 and the other forms); 15
working days for a 专题协商, whose materials go out 10 working days ahead; minutes within 7 working
days. A district changes them in ``settings.SHANGLIANG["MEETING_RULES"]`` (same keys). A short notice
is a warning the planner must confirm, never a silent pass and never a hard refusal: an urgent
matter may need a meeting tomorrow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

DEFAULT_RULES: dict[str, dict[str, int | bool]] = {
    # form: notice, in working days (True) or calendar days (False), and materials lead time
    "default": {"notice_days": 3, "working_days": False, "materials_days": 0},
    "thematic": {"notice_days": 15, "working_days": True, "materials_days": 10},
}
MINUTES_WORKING_DAYS = 7
# A member may check in from this long before the start until the end.
CHECKIN_OPENS_BEFORE = dt.timedelta(hours=2)
REMINDER_DAYS_BEFORE = 1


@dataclass(frozen=True)
class NoticeRule:
    notice_days: int
    working_days: bool
    materials_days: int

    @property
    def label(self) -> str:
        unit = "个工作日" if self.working_days else "天"
        return f"{self.notice_days} {unit}"


def rule_for(form: str) -> NoticeRule:
    table = {**DEFAULT_RULES, **settings.SHANGLIANG.get("MEETING_RULES", {})}
    row = table.get(form, table["default"])
    return NoticeRule(int(row["notice_days"]), bool(row["working_days"]), int(row.get("materials_days", 0)))


def notice_warnings(
    *,
    form: str,
    form_label: str,
    today: dt.date,
    meeting_day: dt.date,
    has_materials: bool,
    working_days_between: Callable[[dt.date, dt.date], int],
) -> list[str]:
    """What the planner must confirm before the meeting is planned (empty when the notice is enough)."""
    rule = rule_for(form)
    lead = working_days_between(today, meeting_day) if rule.working_days else (meeting_day - today).days
    warnings: list[str] = []
    if lead < rule.notice_days:
        warnings.append(
            f"{form_label}应至少提前 {rule.label}通知参会人员，距会议只有 {max(lead, 0)} "
            f"{'个工作日' if rule.working_days else '天'}。"
        )
    if rule.materials_days:
        if not has_materials:
            warnings.append(
                f"{form_label}的会议材料应提前 {rule.materials_days} 个工作日送达，尚未上传材料。"
            )
        elif lead < rule.materials_days:
            warnings.append(f"{form_label}的会议材料应提前 {rule.materials_days} 个工作日送达，时间已不足。")
    return warnings


def checkin_open(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> bool:
    return starts_at - CHECKIN_OPENS_BEFORE <= now <= ends_at


def overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> bool:
    return a_start < b_end and b_start < a_end
