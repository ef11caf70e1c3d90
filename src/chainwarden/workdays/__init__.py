"""Chinese working days (工作日) for every statutory deadline."""

from chainwarden.workdays import provisional
from chainwarden.workdays.calendar import (
    CalendarError,
    WorkingCalendar,
    YearNotCovered,
    YearSchedule,
)
from chainwarden.workdays.schedule import parse_schedule

__all__ = [
    "CalendarError",
    "WorkingCalendar",
    "YearNotCovered",
    "YearSchedule",
    "parse_schedule",
    "provisional",
]
