"""Pure rules: notice warnings, check-in window, simple majority, iCalendar text."""

from __future__ import annotations

import datetime as dt

from shangliang.meetings import ics, rules
from shangliang.meetings.models import vote_passes

TODAY = dt.date(2026, 12, 1)


def by_calendar(a: dt.date, b: dt.date) -> int:
    return (b - a).days


def test_three_days_notice_for_a_micro_meeting():
    def warn(days: int) -> list[str]:
        return rules.notice_warnings(
            form="micro",
            form_label="微协商",
            today=TODAY,
            meeting_day=TODAY + dt.timedelta(days=days),
            has_materials=False,
            working_days_between=by_calendar,
        )

    assert warn(3) == []
    assert warn(2) == ["微协商应至少提前 3 天通知参会人员，距会议只有 2 天。"]


def test_thematic_needs_fifteen_working_days_and_materials():
    warnings = rules.notice_warnings(
        form="thematic",
        form_label="专题协商",
        today=TODAY,
        meeting_day=TODAY + dt.timedelta(days=30),
        has_materials=True,
        working_days_between=lambda a, b: 12,
    )
    assert warnings == ["专题协商应至少提前 15 个工作日通知参会人员，距会议只有 12 个工作日。"]


def test_rules_are_configurable(settings):
    settings.SHANGLIANG = {
        **settings.SHANGLIANG,
        "MEETING_RULES": {"default": {"notice_days": 1, "working_days": False}},
    }
    assert rules.rule_for("micro").notice_days == 1


def test_check_in_window():
    start = dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC)
    end = start + dt.timedelta(hours=2)
    assert rules.checkin_open(starts_at=start, ends_at=end, now=start - dt.timedelta(hours=2))
    assert not rules.checkin_open(starts_at=start, ends_at=end, now=start - dt.timedelta(hours=2, minutes=1))
    assert not rules.checkin_open(starts_at=start, ends_at=end, now=end + dt.timedelta(minutes=1))


def test_simple_majority_counts_abstentions_as_cast():
    assert vote_passes(3, 1, 1)
    assert not vote_passes(2, 1, 1)
    assert not vote_passes(2, 2, 0)


def test_ics_escapes_and_folds():
    assert ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "协商" * 40
    folded = ics.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_ics_calendar_event():
    start = dt.datetime(2022, 11, 23, 7, 0, tzinfo=dt.UTC)
    text = ics.calendar(
        ics.Event(
            uid="meeting-1@example",
            sequence=2,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            summary="议医保、解民忧",
            location="赤西村协商议事室",
            description="议题：医保",
            url="https://x/m/1/",
            cancelled=True,
        ),
        now=start,
    )
    assert "DTSTART:20221123T070000Z\r\n" in text
    assert "STATUS:CANCELLED" in text
    assert "VALARM" not in text
    assert text.endswith("END:VCALENDAR\r\n")
