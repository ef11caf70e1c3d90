"""Working days from the command line, and importing a year's official holiday schedule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from chainwarden.accounts import SYSTEM
from chainwarden.cli.common import err_console, fail, open_database, out_console, print_json
from chainwarden.errors import ChainwardenError
from chainwarden.workdays import WorkingCalendar, parse_schedule, provisional
from chainwarden.workdays.recompute import Moved, count_provisional, recompute_provisional
from chainwarden.workdays.store import differences, import_schedule, load_calendar

app = typer.Typer(help="Chinese working days (工作日) / 工作日历", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Print JSON.")
PROVISIONAL = provisional.MARK
EXPLAIN = (
    "暂定：该年的官方节假日安排尚未公布，按法定节假日及其补假计算（不含调休），公布后重算 / "
    "provisional: no official schedule for that year yet; counted with the statutory holidays "
    "and their make-up days off (no 调休 swaps) and recomputed when the schedule is loaded"
)


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: {value!r} 不是 YYYY-MM-DD 格式的日期 / is not a date like 2026-10-09")


def _calendar() -> WorkingCalendar:
    with open_database().session() as session:
        return load_calendar(session)


def _print_moved(moved: list[Moved], checked: int, json_: bool) -> None:
    if json_:
        print_json({"recomputed": checked, "moved": [m.to_dict() for m in moved]})
        return
    past = sum(m.past for m in moved)
    out_console.print(
        f"{checked} 条暂定期限记录已重算，{len(moved)} 个期限变动 / provisional records "
        f"recomputed: {checked}, deadlines moved: {len(moved)}"
        + (f"；其中 {past} 个已过期需人工核查 / {past} now past, to be checked" if past else ""),
        soft_wrap=True,
    )
    for m in moved:
        flag = "  [bold red]已过期 NOW PAST[/]" if m.past else ""
        out_console.print(
            f"  {m.object_type} {m.object_id} {m.field}: {m.old} → {m.new}{flag}", soft_wrap=True
        )


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A JSON or YAML schedule (see docs/calendar.md)."),
    replace: bool = typer.Option(
        False, "--replace", help="Replace a year that already has an official schedule."
    ),
    json_: bool = JSON,
) -> None:
    """Load a year's official holidays and make-up working days, then recompute the deadlines
    that were counted provisionally for that year."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: 无法读取 / cannot read: {exc.__class__.__name__}")
    try:
        schedule = parse_schedule(text, file.name)
        with open_database().session() as session:
            before = load_calendar(session)
            if before.covers(schedule.year):
                # The differences are shown before anything is replaced (or refused).
                diff = differences(before.schedule(schedule.year), schedule)
                err_console.print(
                    f"{schedule.year}: {len(diff)} 天与现有官方安排不同 / days differ from "
                    f"{before.schedule(schedule.year).source}"
                )
                for day, old, new in diff:
                    err_console.print(f"  {day}: {old} → {new}")
            import_schedule(session, schedule, SYSTEM, replace=replace)
            checked = count_provisional(session)
            moved = recompute_provisional(session, load_calendar(session), SYSTEM)
    except ChainwardenError as exc:
        fail(exc.line())
    err_console.print(
        f"{schedule.year}: {len(schedule.holidays)} holidays, {len(schedule.workdays)} make-up "
        f"working days imported from {file.name}"
    )
    _print_moved(moved, checked, json_)


@app.command("recompute")
def recompute(json_: bool = JSON) -> None:
    """Recompute provisional deadlines (after upgrading chinese-calendar to a release with a new
    year; the server also does this when it starts)."""
    try:
        with open_database().session() as session:
            checked = count_provisional(session)
            moved = recompute_provisional(session, load_calendar(session), SYSTEM)
    except ChainwardenError as exc:
        fail(exc.line())
    _print_moved(moved, checked, json_)


@app.command("is-workday")
def is_workday(day: str = typer.Argument(..., help="YYYY-MM-DD"), json_: bool = JSON) -> None:
    """Is this day a working day?"""
    when = _day(day, "DATE")
    try:
        calendar = _calendar()
        answer = calendar.is_workday(when)
    except ChainwardenError as exc:
        fail(exc.line())
    tentative = calendar.is_provisional(when.year)
    if json_:
        print_json({"date": when.isoformat(), "workday": answer, "provisional": tentative})
    else:
        kind = "工作日 working day" if answer else "休息日 day off"
        out_console.print(f"{when}: {kind}{PROVISIONAL if tentative else ''}")
        if tentative:
            err_console.print(EXPLAIN)


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
        calendar = _calendar()
        due = calendar.add_working_days(start, n)
    except ChainwardenError as exc:
        fail(exc.line())
    tentative = calendar.depends_on_provisional(start, due)
    if json_:
        print_json(
            {
                "start": start.isoformat(),
                "working_days": n,
                "due": due.isoformat(),
                "provisional": tentative,
            }
        )
    else:
        out_console.print(due.isoformat() + (PROVISIONAL if tentative else ""))
        if tentative:
            err_console.print(EXPLAIN)


@app.command("between")
def between(
    start: str = typer.Argument(..., help="YYYY-MM-DD (not counted)"),
    end: str = typer.Argument(..., help="YYYY-MM-DD (counted)"),
    json_: bool = JSON,
) -> None:
    """Working days after START up to and including END."""
    first, last = _day(start, "START"), _day(end, "END")
    try:
        calendar = _calendar()
        count = calendar.working_days_between(first, last)
    except ChainwardenError as exc:
        fail(exc.line())
    tentative = calendar.depends_on_provisional(first, last)
    if json_:
        print_json(
            {
                "start": first.isoformat(),
                "end": last.isoformat(),
                "working_days": count,
                "provisional": tentative,
            }
        )
    else:
        out_console.print(str(count) + (PROVISIONAL if tentative else ""))
        if tentative:
            err_console.print(EXPLAIN)


@app.command("years")
def years(json_: bool = JSON) -> None:
    """Which years can be counted, and from which source."""
    covered = _calendar().covered_years()
    later = f"{max(covered) + 1}–{provisional.LAST_YEAR}"
    if json_:
        print_json({**covered, "provisional": later})
    else:
        for year, source in covered.items():
            out_console.print(f"{year}  {source}")
        out_console.print(f"{later}  {PROVISIONAL} 法定节假日，不含调休 / statutory holidays only")
