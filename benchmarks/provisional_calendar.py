"""How close the provisional schedule comes to the official one, for the years that have both.

For 2025 and 2026 (official data in chinese-calendar) it counts the days whose working status the
provisional rule gets wrong, with and without the Art. 6 make-up days (补假) and for the `holidays`
package, and how many 10- and 20-working-day deadlines would come out differently.

    python benchmarks/provisional_calendar.py
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import chinese_calendar
import holidays as holidays_package

from chainwarden.workdays import provisional

Workday = Callable[[date], bool]


def _weekdays_except(days_off: set[date]) -> Workday:
    return lambda d: d.weekday() < 5 and d not in days_off


def _add(is_workday: Workday, start: date, n: int) -> date:
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        counted += is_workday(day) if day.year == start.year else chinese_calendar.is_workday(day)
    return day


def main() -> None:
    for year in (2025, 2026):
        theirs = holidays_package.China(years=year)
        models: dict[str, Workday] = {
            "statutory days only": _weekdays_except(
                {s.day for s in provisional.statutory_days(year)}
            ),
            "statutory + Art. 6 补假 (used)": _weekdays_except(set(provisional.holidays(year))),
            "holidays package, no 调休": _weekdays_except(
                {d for d, name in theirs.items() if "substituted" not in name}
            ),
        }
        days = [date(year, 1, 1) + timedelta(days=i) for i in range(365)]
        starts = days[:330]  # deadlines that stay within the year and the next
        for name, is_workday in models.items():
            wrong = sum(is_workday(d) != chinese_calendar.is_workday(d) for d in days)
            shifts = [
                (_add(is_workday, s, n) - _add(chinese_calendar.is_workday, s, n)).days
                for s in starts
                for n in (10, 20)
            ]
            moved = [x for x in shifts if x]
            print(
                f"{year} {name:32} days wrong {wrong:3}  deadlines differing {len(moved):3} of "
                f"{len(shifts)}  (earlier {sum(x < 0 for x in moved)}, later "
                f"{sum(x > 0 for x in moved)}, range {min(shifts)}..{max(shifts)} days)"
            )


if __name__ == "__main__":
    main()
