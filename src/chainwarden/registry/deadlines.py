"""The statutory deadlines of the filing procedure, in Chinese working days.

Periods are counted the way Chinese law counts them: the day of the event itself is not counted,
the period starts the next day (Civil Code Art. 201), so "within 10 working days of starting the
service" ends on the 10th working day after the start date.

A deadline reaching a year without an official holiday schedule is counted provisionally (see
``chainwarden.workdays.provisional``); the record that keeps it is marked ``provisional`` and
recomputed when the official schedule arrives (``chainwarden.workdays.recompute``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from chainwarden.settings import LOCAL_TZ
from chainwarden.workdays import WorkingCalendar

if TYPE_CHECKING:
    from chainwarden.registry.models import Filing

# Art. 24: the Regulations took effect on this day.
IN_FORCE = date(2019, 2, 15)

FILING_DAYS = 10  # Art. 11(1): file within 10 wd of starting the service
TRANSITION_DAYS = 20  # Art. 23: services running before IN_FORCE complete procedures within 20 wd
REVIEW_DAYS = 20  # Art. 12: the regulator decides within 20 wd of complete materials
CHANGE_DAYS = 5  # Art. 11(2): a change is filed within 5 wd after it happens
TERMINATION_NOTICE_DAYS = 30  # Art. 11(3): termination announced 30 wd ahead


def local_date(moment: datetime) -> date:
    """The calendar day in China on which something happened (deadlines are Beijing-time days)."""
    return moment.astimezone(LOCAL_TZ).date()


def filing_period(started_on: date) -> tuple[date, int]:
    """The day the filing period is counted from, and its length in working days."""
    if started_on < IN_FORCE:
        return IN_FORCE, TRANSITION_DAYS
    return started_on, FILING_DAYS


def filing_due(calendar: WorkingCalendar, started_on: date) -> date:
    return calendar.add_working_days(*filing_period(started_on))


def review_due(calendar: WorkingCalendar, submitted_on: date) -> date:
    return calendar.add_working_days(submitted_on, REVIEW_DAYS)


def change_due(calendar: WorkingCalendar, change_date: date) -> date:
    return calendar.add_working_days(change_date, CHANGE_DAYS)


def earliest_termination(calendar: WorkingCalendar, notified_on: date) -> date:
    return calendar.add_working_days(notified_on, TERMINATION_NOTICE_DAYS)


def filing_periods(filing: Filing) -> dict[str, tuple[date, int]]:
    """Each stored deadline of a filing: the day it is counted from and its working days."""
    periods = {"filing_due": filing_period(filing.service.started_on)}
    if filing.review_due is not None and filing.submitted_at is not None:
        periods["review_due"] = (local_date(filing.submitted_at), REVIEW_DAYS)
    if filing.termination_earliest is not None and filing.cancellation_notified_on is not None:
        periods["termination_earliest"] = (
            filing.cancellation_notified_on,
            TERMINATION_NOTICE_DAYS,
        )
    return periods


def filing_provisional(calendar: WorkingCalendar, filing: Filing) -> bool:
    """Whether any of the filing's deadlines was counted with a provisional year."""
    return any(
        calendar.depends_on_provisional(start, getattr(filing, name))
        for name, (start, _) in filing_periods(filing).items()
    )
