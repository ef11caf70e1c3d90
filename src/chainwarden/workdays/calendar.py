"""Chinese working days (工作日): weekends and statutory holidays are off, 调休 make-up days are
worked. Official data comes from chinese-calendar; years it lacks are imported from the State
Council's published schedule. Nothing here ever falls back to plain weekdays."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from chainwarden.errors import ChainwardenError
from chainwarden.workdays import provisional


class CalendarError(ChainwardenError):
    """Working days cannot be counted, or a holiday schedule is malformed."""


class YearNotCovered(CalendarError):
    kind = "unavailable"

    def __init__(self, year: int) -> None:
        super().__init__(
            "calendar_year_missing",
            f"{year} 年不在可计算工作日的范围内（{provisional.FIRST_YEAR}–{provisional.LAST_YEAR} "
            f"年及已导入的年份）",
            f"Working days cannot be counted in {year}: only official years and "
            f"{provisional.FIRST_YEAR}–{provisional.LAST_YEAR} (provisionally) are covered",
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


def library_schedule(year: int) -> YearSchedule:
    """chinese-calendar's official data for ``year`` as a schedule."""
    days = [date(year, 1, 1) + timedelta(days=i) for i in range(366)]
    days = [d for d in days if d.year == year]
    holidays = {d: chinese_calendar.holidays[d] for d in days if d in chinese_calendar.holidays}
    workdays = {d: chinese_calendar.workdays[d] for d in days if d in chinese_calendar.workdays}
    named = {d: str(getattr(n, "value", n) or "") for d, n in holidays.items()}
    return YearSchedule(
        year,
        named,
        {d: str(getattr(n, "value", n) or "") for d, n in workdays.items()},
        "chinese-calendar",
    )


def provisional_schedule(year: int) -> YearSchedule:
    return YearSchedule(year, provisional.holidays(year), {}, provisional.SOURCE)


class WorkingCalendar:
    def __init__(self, imported: Iterable[YearSchedule] = ()) -> None:
        # An imported year overrides the library, so a corrected schedule can be loaded.
        self._imported = {s.year: s for s in imported}

    def covers(self, year: int) -> bool:
        """Whether the official schedule of ``year`` is known."""
        return year in self._imported or year in LIBRARY_YEARS

    def is_provisional(self, year: int) -> bool:
        """Whether ``year`` is counted with the provisional schedule."""
        return not self.covers(year) and provisional.covers(year)

    def depends_on_provisional(self, start: date, end: date) -> bool:
        """Whether counting from ``start`` (not counted) to ``end`` crosses a provisional year."""
        first = (start + timedelta(days=1)).year
        return any(self.is_provisional(y) for y in range(first, end.year + 1))

    def covered_years(self) -> dict[int, str]:
        years = {y: "chinese-calendar" for y in LIBRARY_YEARS}
        years.update({y: s.source or "imported" for y, s in self._imported.items()})
        return dict(sorted(years.items()))

    def schedule(self, year: int) -> YearSchedule:
        """The year's holidays and make-up days as counted: imported, official or provisional."""
        if year in self._imported:
            return self._imported[year]
        if year in LIBRARY_YEARS:
            return library_schedule(year)
        if provisional.covers(year):
            return provisional_schedule(year)
        raise YearNotCovered(year)

    def is_workday(self, day: date) -> bool:
        schedule = self._imported.get(day.year)
        if schedule is not None:
            return schedule.is_workday(day)
        if day.year in LIBRARY_YEARS:
            return bool(chinese_calendar.is_workday(day))
        if provisional.covers(day.year):
            return provisional_schedule(day.year).is_workday(day)
        raise YearNotCovered(day.year)

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
