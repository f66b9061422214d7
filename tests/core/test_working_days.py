"""Working days in England and Wales: weekends and bank holidays never count."""

from datetime import date

import pytest

from apps.core.working_days import is_working_day, working_days_after


def test_one_working_day_after_a_tuesday_is_the_wednesday():
    assert working_days_after(date(2026, 11, 24), 1) == date(2026, 11, 25)


def test_one_working_day_after_a_friday_is_the_monday():
    assert working_days_after(date(2026, 11, 20), 1) == date(2026, 11, 23)


def test_christmas_boxing_day_and_the_substitute_day_are_skipped():
    # 2026: Christmas is a Friday, Boxing Day a Saturday, so Monday 28 December is its substitute.
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))
    assert working_days_after(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_good_friday_and_easter_monday_are_skipped():
    # 2026: Good Friday 3 April, Easter Monday 6 April.
    assert working_days_after(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert working_days_after(date(2026, 4, 2), 2) == date(2026, 4, 8)


def test_bank_holiday_mondays_are_skipped():
    # Early May (4 May 2026), spring (25 May 2026) and summer (31 August 2026) bank holidays.
    assert working_days_after(date(2026, 5, 1), 1) == date(2026, 5, 5)
    assert working_days_after(date(2026, 5, 22), 1) == date(2026, 5, 26)
    assert working_days_after(date(2026, 8, 28), 1) == date(2026, 9, 1)


def test_counting_runs_across_the_new_year():
    assert working_days_after(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_several_working_days_skip_a_weekend():
    assert working_days_after(date(2026, 11, 19), 3) == date(2026, 11, 24)


@pytest.mark.parametrize("count", [0, -1])
def test_zero_or_fewer_working_days_is_refused(count):
    with pytest.raises(ValueError, match="at least one working day"):
        working_days_after(date(2026, 11, 24), count)
