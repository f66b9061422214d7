"""Working days in England and Wales: Monday to Friday, not a bank holiday.

Deadlines that people must meet in their working week ("follow up a missed appointment within one
working day") are counted in working days, so a deadline never falls on Christmas Day or an Easter
Monday. England and Wales share their bank holidays (Wales has none of its own), so the ``holidays``
package's England list serves both, substitute days included.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day in England and Wales."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_after(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself never counts).

    One working day after a Friday is the Monday, or the Tuesday when that Monday is a bank holiday.
    """
    if n < 1:
        raise ValueError("Count at least one working day.")
    day = start
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
