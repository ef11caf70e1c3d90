"""The provisional schedule: the statutory holidays of 全国年节及纪念日放假办法 (2024 revision),
checked against the official data where it exists and against the independent `holidays`
package for the years ahead."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import holidays as holidays_package
import pytest

from chainwarden.workdays import provisional


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_is_a_day_off_in_the_official_schedule(year):
    for day, name in provisional.statutory_days(year):
        assert not chinese_calendar.is_workday(day), (day, name)


@pytest.mark.parametrize("year", range(2025, 2100))
def test_the_same_days_as_the_holidays_package(year):
    theirs = holidays_package.China(years=year)
    # Their official 调休 swaps ("Day off (substituted …)") are what the provisional year omits.
    days_off = {d for d, name in theirs.items() if "substituted" not in name}
    assert set(provisional.holidays(year)) == days_off
    unobserved = holidays_package.China(years=year, observed=False)
    statutory = {d for d, name in unobserved.items() if "substituted" not in name}
    assert {s.day for s in provisional.statutory_days(year)} == statutory


def test_thirteen_statutory_days_with_the_spring_festival_eve():
    days = provisional.statutory_days(2027)
    assert len(days) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3
    assert ("除夕 Spring Festival Eve", date(2027, 2, 5)) in [(s.name, s.day) for s in days]


@pytest.mark.parametrize("year", [2025, 2026])
def test_closer_to_the_official_days_off_with_the_make_up_rule(year):
    # Art. 6 (补假) brings the provisional schedule closer to what was published: fewer days
    # are wrong than with the statutory days alone. (The remaining ones are the 调休 swaps.)
    days = [date(year, 1, 1) + timedelta(days=i) for i in range(365)]
    statutory = {s.day for s in provisional.statutory_days(year)}
    with_make_up = set(provisional.holidays(year))

    def wrong(off):
        return sum(
            (d.weekday() < 5 and d not in off) != chinese_calendar.is_workday(d) for d in days
        )

    assert wrong(with_make_up) < wrong(statutory)
