"""A provisional schedule for a year whose official one has not been published yet.

The State Council's General Office announces each year's schedule (with its 调休 make-up working
days) late in the year before. Until then a deadline reaching that year is counted with the days
the law itself fixes — 全国年节及纪念日放假办法, as revised in 2024 and in force from 2025:

- Art. 2: New Year's Day (1 Jan), Spring Festival (除夕 to 初三, 4 days), Qingming (1 day, on the
  solar term), Labour Day (1–2 May), Dragon Boat (lunar 5/5), Mid-Autumn (lunar 8/15),
  National Day (1–3 Oct);
- Art. 6: such a holiday falling on a Saturday or Sunday is made up (补假) on the next working day.

Weekends are rest days and no 调休 is guessed. Lunar dates come from ``lunardate``, the Qingming
solar term from ``chinese_calendar``.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

import chinese_calendar
from lunardate import LunarDate

# The revised 办法 applies from this year; earlier years had other rules and are official anyway.
FIRST_YEAR = 2025
# lunardate's tables end with lunar year 2099.
LAST_YEAR = 2099
SOURCE = "provisional"


class Statutory(NamedTuple):
    day: date
    name: str  # Chinese and English, as in imported schedules


def _lunar(year: int, month: int, day: int) -> date:
    solar = LunarDate(year, month, day).to_solar_date()
    return date(solar.year, solar.month, solar.day)


def _qingming(year: int) -> date:
    terms: list[tuple[date, str]] = chinese_calendar.get_solar_terms(
        date(year, 4, 1), date(year, 4, 30)
    )
    return next(day for day, name in terms if name == "清明")


def statutory_days(year: int) -> list[Statutory]:
    """The holidays 全国年节及纪念日放假办法 Art. 2 gives everyone in ``year`` (from 2025)."""
    new_year = _lunar(year, 1, 1)
    spring = [
        Statutory(new_year - timedelta(days=1), "除夕 Spring Festival Eve"),
        *(
            Statutory(new_year + timedelta(days=i), f"春节 Spring Festival (初{'一二三'[i]})")
            for i in range(3)
        ),
    ]
    return sorted(
        [
            Statutory(date(year, 1, 1), "元旦 New Year's Day"),
            *spring,
            Statutory(_qingming(year), "清明节 Qingming"),
            Statutory(date(year, 5, 1), "劳动节 Labour Day"),
            Statutory(date(year, 5, 2), "劳动节 Labour Day"),
            Statutory(_lunar(year, 5, 5), "端午节 Dragon Boat Festival"),
            Statutory(_lunar(year, 8, 15), "中秋节 Mid-Autumn Festival"),
            *(Statutory(date(year, 10, d), "国庆节 National Day") for d in (1, 2, 3)),
        ]
    )


def covers(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


@cache
def holidays(year: int) -> dict[date, str]:
    """Statutory days off of ``year`` with the Art. 6 make-up days, without 调休."""
    statutory = statutory_days(year)
    days: dict[date, str] = {}
    owed: list[Statutory] = []
    for s in statutory:
        # Art. 6: a holiday on a Saturday or Sunday is made up, each one (Mid-Autumn on Sunday
        # 2 October 2039 gives a second make-up day, as the `holidays` package counts it).
        if s.day.weekday() >= 5:
            owed.append(s)
        days.setdefault(s.day, s.name)
    for s in owed:
        make_up = s.day
        # The next weekday that is not already a day off.
        while make_up.weekday() >= 5 or make_up in days:
            make_up += timedelta(days=1)
        if make_up.year == year:
            days[make_up] = f"{s.name.split(' ')[0]}补假 make-up day off"
    return dict(sorted(days.items()))


# How a text (the command line, a printed report) marks a date counted with a provisional year.
MARK = "（暂定）/ (provisional)"


def marked(day: date | None, is_provisional: bool) -> str:
    if day is None:
        return ""
    return day.isoformat() + (MARK if is_provisional else "")
