"""The statutory deadlines of the filing procedure, in Chinese working days.

Periods are counted the way Chinese law counts them: the day of the event itself is not counted,
the period starts the next day (Civil Code Art. 201), so "within 10 working days of starting the
service" ends on the 10th working day after the start date.
"""

from __future__ import annotations

from datetime import date, datetime

from chainwarden.settings import LOCAL_TZ
from chainwarden.workdays import WorkingCalendar

# Art. 24: the Regulations took effect on this day.
IN_FORCE = date(2019, 2, 15)

FILING_DAYS = 10  # Art. 11(1): file within 10 wd of starting the service
TRANSITION_DAYS = 20  # Art. 23: services running before IN_FORCE complete procedures within 20 wd
REVIEW_DAYS = 20  # Art. 12: the regulator decides within 20 wd of complete materials
CHANGE_DAYS = 5  # Art. 11(2): a change is filed within 5 wd after it happens
TERMINATION_NOTICE_DAYS = 30  # Art. 11(2): termination announced 30 wd ahead


def local_date(moment: datetime) -> date:
    """The calendar day in China on which something happened (deadlines are Beijing-time days)."""
    return moment.astimezone(LOCAL_TZ).date()


def filing_due(calendar: WorkingCalendar, started_on: date) -> date:
    if started_on < IN_FORCE:
        return calendar.add_working_days(IN_FORCE, TRANSITION_DAYS)
    return calendar.add_working_days(started_on, FILING_DAYS)


def review_due(calendar: WorkingCalendar, submitted_on: date) -> date:
    return calendar.add_working_days(submitted_on, REVIEW_DAYS)


def change_due(calendar: WorkingCalendar, change_date: date) -> date:
    return calendar.add_working_days(change_date, CHANGE_DAYS)


def earliest_termination(calendar: WorkingCalendar, notified_on: date) -> date:
    return calendar.add_working_days(notified_on, TERMINATION_NOTICE_DAYS)
