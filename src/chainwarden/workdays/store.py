"""Imported holiday schedules, kept in the database."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role
from chainwarden.audit import record
from chainwarden.workdays.calendar import WorkingCalendar, YearSchedule
from chainwarden.workdays.models import CalendarDay, CalendarYear


def list_imported(session: Session) -> list[CalendarYear]:
    return list(session.scalars(select(CalendarYear).order_by(CalendarYear.year)))


def load_calendar(session: Session) -> WorkingCalendar:
    days: dict[int, dict[str, dict[date, str]]] = defaultdict(
        lambda: {"holiday": {}, "workday": {}}
    )
    for row in session.scalars(select(CalendarDay)):
        days[row.year][row.kind][row.day] = row.name or ""
    return WorkingCalendar(
        YearSchedule(y.year, days[y.year]["holiday"], days[y.year]["workday"], y.source)
        for y in list_imported(session)
    )


def import_schedule(session: Session, schedule: YearSchedule, actor: Actor) -> None:
    """Store a year's schedule, replacing an earlier import of the same year."""
    actor.require(Role.ADMIN)
    session.execute(delete(CalendarDay).where(CalendarDay.year == schedule.year))
    session.execute(delete(CalendarYear).where(CalendarYear.year == schedule.year))
    session.add(CalendarYear(year=schedule.year, source=schedule.source, imported_by=actor.name))
    session.flush()
    for kind, days in (("holiday", schedule.holidays), ("workday", schedule.workdays)):
        session.add_all(
            CalendarDay(day=d, year=schedule.year, kind=kind, name=name) for d, name in days.items()
        )
    record(
        session,
        actor,
        "calendar.import",
        "calendar_year",
        str(schedule.year),
        details={
            "source": schedule.source,
            "holidays": len(schedule.holidays),
            "workdays": len(schedule.workdays),
        },
    )
