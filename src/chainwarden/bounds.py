"""Bounds every input shares, at the edge and in the domain alike.

Days a person may give: wide enough for any real act, narrow enough that adding working days or
years to them never leaves the calendar. Counts fit the store's 32-bit INTEGER columns.
"""

from __future__ import annotations

from datetime import date

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
MAX_COUNT = 2**31 - 1


def day_in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY
