"""Chinese working days (工作日): weekends and statutory holidays are off, 调休 make-up days are
worked. Official data comes from chinese-calendar; years it lacks are imported from the State
Council's published schedule. Nothing here ever falls back to plain weekdays."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from chainwarden.errors import ChainwardenError


class CalendarError(ChainwardenError):
    """Working days cannot be counted, or a holiday schedule is malformed."""


class YearNotCovered(CalendarError):
    kind = "unavailable"

    def __init__(self, year: int) -> None:
        super().__init__(
            "calendar_year_missing",
            f"没有 {year} 年的法定节假日安排，无法计算工作日。请用 `chainwarden calendar import FILE` "
            f"导入国务院办公厅公布的 {year} 年安排（格式见 docs/calendar.md）。",
            f"No official holiday schedule for {year}: working days cannot be counted. Load the "
            f"State Council's {year} schedule with `chainwarden calendar import FILE` "
            f"(format: docs/calendar.md).",
            year=year,
        )
        self.year = year


@dataclass(frozen=True)
class YearSchedule:
    """One year's statutory holidays and make-up working days."""

    year: int
    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)
    source: str = ""

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def _library_years() -> range:
    # The years chinese-calendar has official data for (it raises for any other year).
    first = min(d.year for d in chinese_calendar.holidays)
    last = max(d.year for d in chinese_calendar.holidays)
    return range(first, last + 1)


LIBRARY_YEARS = _library_years()


class WorkingCalendar:
    def __init__(self, imported: Iterable[YearSchedule] = ()) -> None:
        # An imported year overrides the library, so a corrected schedule can be loaded.
        self._imported = {s.year: s for s in imported}

    def covers(self, year: int) -> bool:
        return year in self._imported or year in LIBRARY_YEARS

    def covered_years(self) -> dict[int, str]:
        years = {y: "chinese-calendar" for y in LIBRARY_YEARS}
        years.update({y: s.source or "imported" for y, s in self._imported.items()})
        return dict(sorted(years.items()))

    def is_workday(self, day: date) -> bool:
        schedule = self._imported.get(day.year)
        if schedule is not None:
            return schedule.is_workday(day)
        if day.year not in LIBRARY_YEARS:
            raise YearNotCovered(day.year)
        return bool(chinese_calendar.is_workday(day))

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (the start day itself is not counted)."""
        if n < 1:
            raise CalendarError(
                "bad_count", "工作日数必须至少为1", "The number of working days must be at least 1"
            )
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count
