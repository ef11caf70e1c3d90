"""Working days from the command line, and importing a year's official holiday schedule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from chainwarden.accounts import SYSTEM
from chainwarden.cli.common import err_console, fail, open_database, out_console, print_json
from chainwarden.errors import ChainwardenError
from chainwarden.workdays import WorkingCalendar, parse_schedule
from chainwarden.workdays.store import import_schedule, load_calendar

app = typer.Typer(help="Chinese working days (工作日) / 工作日历", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Print JSON.")


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: {value!r} 不是 YYYY-MM-DD 格式的日期 / is not a date like 2026-10-09")


def _calendar() -> WorkingCalendar:
    with open_database().session() as session:
        return load_calendar(session)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A JSON or YAML schedule (see docs/calendar.md)."),
) -> None:
    """Load a year's official holidays and make-up working days (replaces an earlier import)."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: 无法读取 / cannot read: {exc.__class__.__name__}")
    try:
        schedule = parse_schedule(text, file.name)
        with open_database().session() as session:
            import_schedule(session, schedule, SYSTEM)
    except ChainwardenError as exc:
        fail(exc.line())
    err_console.print(
        f"{schedule.year}: {len(schedule.holidays)} holidays, {len(schedule.workdays)} make-up "
        f"working days imported from {file.name}"
    )


@app.command("is-workday")
def is_workday(day: str = typer.Argument(..., help="YYYY-MM-DD"), json_: bool = JSON) -> None:
    """Is this day a working day?"""
    when = _day(day, "DATE")
    try:
        answer = _calendar().is_workday(when)
    except ChainwardenError as exc:
        fail(exc.line())
    if json_:
        print_json({"date": when.isoformat(), "workday": answer})
    else:
        out_console.print(f"{when}: {'工作日 working day' if answer else '休息日 day off'}")


@app.command("add")
def add(
    day: str = typer.Argument(..., help="Start date YYYY-MM-DD (not itself counted)."),
    n: int = typer.Argument(..., help="Number of working days (at least 1)."),
    json_: bool = JSON,
) -> None:
    """The deadline N working days after DATE."""
    start = _day(day, "DATE")
    if n < 1:
        fail("N 至少为1 / N must be at least 1")
    try:
        due = _calendar().add_working_days(start, n)
    except ChainwardenError as exc:
        fail(exc.line())
    if json_:
        print_json({"start": start.isoformat(), "working_days": n, "due": due.isoformat()})
    else:
        out_console.print(due.isoformat())


@app.command("between")
def between(
    start: str = typer.Argument(..., help="YYYY-MM-DD (not counted)"),
    end: str = typer.Argument(..., help="YYYY-MM-DD (counted)"),
    json_: bool = JSON,
) -> None:
    """Working days after START up to and including END."""
    first, last = _day(start, "START"), _day(end, "END")
    try:
        count = _calendar().working_days_between(first, last)
    except ChainwardenError as exc:
        fail(exc.line())
    if json_:
        print_json({"start": first.isoformat(), "end": last.isoformat(), "working_days": count})
    else:
        out_console.print(str(count))


@app.command("years")
def years(json_: bool = JSON) -> None:
    """Which years can be counted, and from which source."""
    covered = _calendar().covered_years()
    if json_:
        print_json(covered)
    else:
        for year, source in covered.items():
            out_console.print(f"{year}  {source}")
