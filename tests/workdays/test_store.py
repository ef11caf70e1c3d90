from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chainwarden.accounts import SYSTEM
from chainwarden.audit import events_for
from chainwarden.workdays import CalendarError, parse_schedule
from chainwarden.workdays.store import import_schedule, list_imported, load_calendar

OFFICIAL_2027 = (Path(__file__).parent / "data" / "official-2027.yaml").read_text("utf-8")


def test_imported_schedule_is_kept_and_replaced(db):
    extra = '  - {date: "2027-01-04", name: "x"}\nworkdays:'
    first = parse_schedule(OFFICIAL_2027.replace("workdays:", extra), "a.yaml")
    second = parse_schedule(OFFICIAL_2027.replace("workdays:", extra.replace("04", "05")), "b.yaml")
    with db.session() as s:
        import_schedule(s, first, SYSTEM)
    with db.session() as s:
        assert load_calendar(s).is_workday(date(2027, 1, 4)) is False
        with pytest.raises(CalendarError) as err:
            import_schedule(s, second, SYSTEM)
        assert "--replace" in err.value.en
    with db.session() as s:
        import_schedule(s, second, SYSTEM, replace=True)
    with db.session() as s:
        cal = load_calendar(s)
        assert cal.is_workday(date(2027, 1, 4)) is True
        assert cal.is_workday(date(2027, 1, 5)) is False
        assert [(y.year, y.source) for y in list_imported(s)] == [(2027, "b.yaml")]
        assert [e.action for e in events_for(s, "2027")] == ["calendar.import"] * 2
