"""Working days by the official Chinese holiday calendar, with make-up working days (调休).

The bundled ``chinese_calendar`` data covers a range of years; for a date outside it the
calendar falls back to Monday–Friday and logs a warning once per year. Administrators can add
``HolidayOverride`` rows (for instance a year the package does not know yet); they win over both.
The functions here are pure: they take the overrides as a mapping.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

import chinese_calendar

logger = logging.getLogger(__name__)
_warned_years: set[int] = set()

Overrides = Mapping[dt.date, bool]


def is_working_day(day: dt.date, overrides: Overrides | None = None) -> bool:
    if overrides and day in overrides:
        return overrides[day]
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning(
                "Holiday calendar has no data for %s; counting Monday to Friday as working days.",
                day.year,
            )
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int, overrides: Overrides | None = None) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted).

    ``days == 0`` gives ``start`` if it is a working day, else the next working day.
    Negative values count backwards.
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = start
    if remaining == 0:
        while not is_working_day(current, overrides):
            current += dt.timedelta(days=1)
        return current
    while remaining:
        current += dt.timedelta(days=step)
        if is_working_day(current, overrides):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, overrides: Overrides | None = None) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign > 0 else (end, start)
    count = 0
    current = low + dt.timedelta(days=1)
    while current <= high:
        if is_working_day(current, overrides):
            count += 1
        current += dt.timedelta(days=1)
    return sign * count


def load_overrides() -> dict[dt.date, bool]:
    """The administrators' overrides from the database."""
    from shangliang.core.models import HolidayOverride

    return dict(HolidayOverride.objects.values_list("date", "is_workday"))


def add_working_days_db(start: dt.date, days: int) -> dt.date:
    return add_working_days(start, days, load_overrides())


def working_days_between_db(start: dt.date, end: dt.date) -> int:
    return working_days_between(start, end, load_overrides())
