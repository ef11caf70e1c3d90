"""Imported holiday schedules, kept in the database."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role
from chainwarden.audit import record
from chainwarden.workdays.calendar import CalendarError, WorkingCalendar, YearSchedule
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


def _status(schedule: YearSchedule, day: date) -> str:
    if schedule.is_workday(day):
        return "工作日 working day"
    name = schedule.holidays.get(day)
    return f"休息日 day off ({name})" if name else "休息日 day off"


def differences(old: YearSchedule, new: YearSchedule) -> list[tuple[date, str, str]]:
    """The days that are a working day in one schedule and a day off in the other."""
    days = sorted({*old.holidays, *old.workdays, *new.holidays, *new.workdays})
    return [
        (d, _status(old, d), _status(new, d))
        for d in days
        if old.is_workday(d) != new.is_workday(d)
    ]


def import_schedule(
    session: Session, schedule: YearSchedule, actor: Actor, *, replace: bool = False
) -> YearSchedule | None:
    """Store a year's schedule. A year already covered by official data (chinese-calendar or an
    earlier import) is replaced only with ``replace``; returns the schedule it replaced."""
    actor.require(Role.ADMIN)
    calendar = load_calendar(session)
    previous = calendar.schedule(schedule.year) if calendar.covers(schedule.year) else None
    if previous is not None and not replace:
        raise CalendarError(
            "year_covered",
            f"{schedule.year} 年已有官方安排（{previous.source}）：确认替换请加 --replace",
            f"{schedule.year} already has an official schedule ({previous.source}): "
            f"add --replace to replace it",
            year=schedule.year,
        )
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
            "replaced": previous.source if previous else None,
            "differences": len(differences(previous, schedule)) if previous else None,
        },
    )
    return previous
