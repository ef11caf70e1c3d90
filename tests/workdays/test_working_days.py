"""Working days against the official schedules, counted by hand (not from the library):
National Day 2025 — Oct 1–8 off, Sun Sep 28 and Sat Oct 11 worked;
Spring Festival 2026 — Feb 15–23 off, Sat Feb 14 and Sat Feb 28 worked."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainwarden.workdays import (
    CalendarError,
    WorkingCalendar,
    YearNotCovered,
    YearSchedule,
    parse_schedule,
)

CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        ("2025-09-28", True),  # Sunday, make-up day
        ("2025-09-30", True),
        ("2025-10-01", False),
        ("2025-10-08", False),
        ("2025-10-09", True),
        ("2025-10-11", True),  # Saturday, make-up day
        ("2025-10-12", False),
        ("2026-02-14", True),  # Saturday, make-up day
        ("2026-02-15", False),
        ("2026-02-23", False),
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday, make-up day
        ("2026-03-01", False),
    ],
)
def test_official_days(day, workday):
    assert CAL.is_workday(date.fromisoformat(day)) is workday


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2025-09-30", 1, "2025-10-09"),  # across the whole National Day holiday
        ("2025-09-26", 1, "2025-09-28"),  # the make-up Sunday counts
        ("2025-09-22", 10, "2025-10-11"),  # ends on the make-up Saturday
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-14", 1, "2026-02-24"),
        ("2026-02-10", 20, "2026-03-16"),
    ],
)
def test_add_working_days(start, n, due):
    assert CAL.add_working_days(date.fromisoformat(start), n) == date.fromisoformat(due)


def test_the_start_day_is_never_counted():
    # A Monday plus one working day is Tuesday, not Monday itself.
    assert CAL.add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 3)


def test_zero_working_days_is_refused():
    with pytest.raises(CalendarError):
        CAL.add_working_days(date(2026, 3, 2), 0)


def test_a_year_beyond_any_rule_raises_a_clear_error():
    with pytest.raises(YearNotCovered) as err:
        CAL.is_workday(date(2100, 1, 4))
    assert err.value.year == 2100
    assert "2100" in err.value.en and "2100" in err.value.zh


def test_a_deadline_reaching_a_year_without_official_data_is_counted_provisionally():
    # 2026-12-28 (Mon) + 10 wd: 29–31 Dec (3), 1 Jan off (元旦), 4–8 Jan (5), 11 and 12 Jan.
    due = CAL.add_working_days(date(2026, 12, 28), 10)
    assert due == date(2027, 1, 12)
    assert CAL.depends_on_provisional(date(2026, 12, 28), due)
    assert not CAL.depends_on_provisional(date(2026, 11, 2), date(2026, 11, 30))
    assert CAL.is_provisional(2027) and not CAL.is_provisional(2026)


def test_the_provisional_year_keeps_weekends_and_the_statutory_holidays():
    # Spring Festival 2027: 除夕 Fri 5 Feb to 初三 Mon 8 Feb; Sat 6 and Sun 7 made up on 9, 10 Feb
    # (Art. 6); then Thu 11 Feb is a working day again. Weekdays alone would say Mon 8 Feb.
    assert [CAL.is_workday(date(2027, 2, d)) for d in range(4, 12)] == [
        True,
        False,
        False,
        False,
        False,
        False,
        False,
        True,
    ]
    assert CAL.is_workday(date(2027, 10, 9)) is False  # a Saturday: no 调休 is guessed


OFFICIAL_2027 = (Path(__file__).parent / "data" / "official-2027.yaml").read_text("utf-8")


def test_an_imported_year_makes_it_official():
    cal = WorkingCalendar([parse_schedule(OFFICIAL_2027, "2027.yaml")])
    assert not cal.is_provisional(2027)
    assert cal.is_workday(date(2027, 1, 1)) is False
    assert cal.is_workday(date(2027, 2, 11)) is False  # Thursday inside the holiday
    assert cal.is_workday(date(2027, 2, 20)) is True  # Saturday make-up day
    assert cal.is_workday(date(2027, 2, 13)) is False  # plain Saturday
    assert cal.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 15)
    # A deadline spanning the year boundary uses both sources.
    assert cal.add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)
    assert not cal.depends_on_provisional(date(2026, 12, 30), date(2027, 1, 4))


def test_an_imported_year_overrides_the_library():
    correction = YearSchedule(2026, holidays={date(2026, 3, 2): "test"}, source="fix.yaml")
    cal = WorkingCalendar([correction])
    assert cal.is_workday(date(2026, 3, 2)) is False
    assert cal.is_workday(date(2026, 2, 16)) is True  # the library's holiday no longer applies
    assert cal.covered_years()[2026] == "fix.yaml"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("year: 2027\nholidays: [{date: '2026-12-31'}]", "not in 2027"),
        ("year: 2027\nholidays: [{from: '2027-02-12', to: '2027-02-06'}]", "from is after to"),
        ("year: 2027\nholidays: [{date: '2027-02-30'}]", "holidays[0]"),
        ("year: 2027\nholidays: [{name: x}]", "needs date or from/to"),
        ("year: 2027\nholidays: [{date: '2027-01-01'}]\nworkdays: [{date: '2027-01-01'}]", "both"),
        ("year: 2027\nextra: 1", "unknown keys extra"),
        ("holidays: []", "year is missing"),
        ("year: [", "not valid JSON or YAML"),
        ("- 1\n- 2", "top level must be a mapping"),
        ("year: 2027\nholidays: 5", "must be a list"),
        ("year: 2027\nworkdays: [7]", "workdays[0]"),
        ("year: 2024\nholidays: [{date: '2024-01-01'}, {date: '2024-01-01'}]", "listed twice"),
        (
            "year: 2024\nholidays: [{from: '2024-02-10', to: '2024-02-17'}, {date: '2024-02-12'}]",
            "2024-02-12 is listed twice",
        ),
        (
            OFFICIAL_2027.replace('"2027-02-05"', '"2027-02-06"'),
            "除夕 Spring Festival Eve 2027-02-05",
        ),
        (OFFICIAL_2027.replace('  - {date: "2027-09-15", name: "中秋节"}\n', ""), "中秋节"),
    ],
)
def test_malformed_schedules_are_rejected_with_the_place(text, fragment):
    with pytest.raises(CalendarError) as err:
        parse_schedule(text, "bad.yaml")
    assert err.value.en.startswith("bad.yaml: ")
    assert fragment in err.value.en


def test_json_is_accepted():
    schedule = parse_schedule('{"year": 2024, "holidays": [{"date": "2024-01-01"}]}', "x.json")
    assert schedule.holidays == {date(2024, 1, 1): ""}


@given(st.text(max_size=200))
def test_no_garbage_escapes_as_anything_but_a_calendar_error(text):
    with contextlib.suppress(CalendarError):
        parse_schedule(text, "fuzz.yaml")


starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 10, 31))


@given(starts, st.integers(min_value=1, max_value=30))
def test_deadline_is_a_workday_n_working_days_later(start, n):
    due = CAL.add_working_days(start, n)
    assert CAL.is_workday(due)
    assert CAL.working_days_between(start, due) == n
    assert CAL.working_days_between(start, due - timedelta(days=1)) == n - 1
