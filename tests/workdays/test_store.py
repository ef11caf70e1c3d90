from __future__ import annotations

from datetime import date

from chainwarden.accounts import SYSTEM
from chainwarden.audit import events_for
from chainwarden.workdays import parse_schedule
from chainwarden.workdays.store import import_schedule, list_imported, load_calendar


def test_imported_schedule_is_kept_and_replaced(db):
    first = parse_schedule("year: 2027\nholidays: [{date: '2027-01-04'}]", "a.yaml")
    second = parse_schedule("year: 2027\nholidays: [{date: '2027-01-05'}]", "b.yaml")
    with db.session() as s:
        import_schedule(s, first, SYSTEM)
    with db.session() as s:
        assert load_calendar(s).is_workday(date(2027, 1, 4)) is False
        import_schedule(s, second, SYSTEM)
    with db.session() as s:
        cal = load_calendar(s)
        assert cal.is_workday(date(2027, 1, 4)) is True
        assert cal.is_workday(date(2027, 1, 5)) is False
        assert [(y.year, y.source) for y in list_imported(s)] == [(2027, "b.yaml")]
        assert [e.action for e in events_for(s, "2027")] == ["calendar.import"] * 2
