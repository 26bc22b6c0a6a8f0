import datetime as dt
import logging

import pytest

from shangliang.core import workdays
from shangliang.core.models import HolidayOverride
from shangliang.core.workdays import add_working_days, is_working_day, working_days_between

D = dt.date


def test_national_day_week_is_not_working_and_makeup_weekend_days_are():
    # given the 2026 National Day holiday (1–7 Oct) and its make-up working days (Sun 20 Sep, Sat 10 Oct)
    # when / then
    assert is_working_day(D(2026, 10, 1)) is False
    assert is_working_day(D(2026, 10, 7)) is False
    assert is_working_day(D(2026, 9, 20)) is True  # a Sunday worked as 调休
    assert is_working_day(D(2026, 10, 10)) is True  # a Saturday worked as 调休
    assert is_working_day(D(2026, 10, 11)) is False


def test_add_working_days_skips_the_golden_week():
    # given Wednesday 30 Sep 2026, the last working day before the holiday
    # when adding one working day
    # then the next working day is Thursday 8 Oct
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_add_working_days_counts_a_makeup_weekend_day():
    # given Friday 18 Sep 2026; Sunday 20 Sep is a make-up working day
    assert add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)


def test_add_zero_days_moves_to_the_next_working_day():
    assert add_working_days(D(2026, 11, 28), 0) == D(2026, 11, 30)  # Saturday → Monday
    assert add_working_days(D(2026, 11, 26), 0) == D(2026, 11, 26)


def test_add_negative_days_counts_backwards():
    assert add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_working_days_between_is_the_inverse_of_add():
    start = D(2026, 9, 20)
    for n in (0, 1, 5, 15, 40):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_working_days_between_is_negative_backwards_and_zero_for_same_day():
    assert working_days_between(D(2026, 10, 8), D(2026, 9, 30)) == -1
    assert working_days_between(D(2026, 10, 8), D(2026, 10, 8)) == 0


def test_years_without_calendar_data_fall_back_to_weekdays_and_log(caplog):
    # given a year beyond the bundled holiday data
    workdays._warned_years.discard(2031)
    # when
    with caplog.at_level(logging.WARNING, logger="shangliang.core.workdays"):
        monday = is_working_day(D(2031, 1, 6))
        saturday = is_working_day(D(2031, 1, 4))
        is_working_day(D(2031, 1, 7))
    # then Monday–Friday are working days, and the fallback is logged once for the year
    assert (monday, saturday) == (True, False)
    assert [r.getMessage() for r in caplog.records] == [
        "Holiday calendar has no data for 2031; counting Monday to Friday as working days."
    ]


def test_overrides_win_over_the_bundled_calendar():
    # given an administrator's override making a normal Monday a holiday
    overrides = {D(2031, 1, 6): False, D(2031, 1, 4): True}
    # then
    assert is_working_day(D(2031, 1, 6), overrides) is False
    assert is_working_day(D(2031, 1, 4), overrides) is True
    assert add_working_days(D(2031, 1, 3), 1, overrides) == D(2031, 1, 4)


@pytest.mark.django_db
def test_database_overrides_are_used_by_the_db_helpers():
    # given a holiday entered by an administrator for a year the package does not cover
    HolidayOverride.objects.create(date=D(2031, 1, 1), is_workday=False, name="元旦")
    # when
    result = workdays.add_working_days_db(D(2030, 12, 31), 1)
    # then
    assert result == D(2031, 1, 2)
    assert workdays.working_days_between_db(D(2030, 12, 31), D(2031, 1, 2)) == 1
