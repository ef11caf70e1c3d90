"""The filing registry from the command line."""

from __future__ import annotations

import dataclasses
from datetime import date

import typer
from rich.table import Table

from chainwarden.accounts import SYSTEM
from chainwarden.cli.common import fail, open_database, out_console, print_json
from chainwarden.registry import filings, public
from chainwarden.registry.deadlines import local_date
from chainwarden.registry.models import Filing, FilingState
from chainwarden.registry.numbers import parse_filing_number
from chainwarden.store.base import utcnow
from chainwarden.workdays.provisional import marked

app = typer.Typer(help="Filing registry / 备案管理", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print JSON for machines.")


@app.command()
def lookup(
    query: str = typer.Argument(..., help="Service or provider name, or a filing number."),
    province: str = typer.Option(None, help="Province code, name or abbreviation (京, 沪 …)."),
    json_: bool = JSON,
) -> None:
    """Search the public registry (filed and cancelled services)."""
    with open_database().session() as session:
        entries = public.search(session, query, province_query=province)
    if json_:
        print_json([dataclasses.asdict(e) for e in entries])
        return
    if not entries:
        out_console.print("没有符合条件的备案 / no filed service matches")
        return
    table = Table("备案编号 Number", "服务 Service", "提供者 Provider", "省份", "状态 State")
    for e in entries:
        table.add_row(e.number, e.service_name, e.provider_name, e.province_name, e.state)
    out_console.print(table)


@app.command()
def number(
    value: str = typer.Argument(..., help="A filing number such as 京网信备…号."),
    json_: bool = JSON,
) -> None:
    """Check a filing number's structure and check character (exit 2 when invalid)."""
    parsed = parse_filing_number(value)
    fields = {
        "number": str(parsed),
        "province": parsed.province.name_zh,
        "region_code": parsed.region_code,
        "year": parsed.year,
        "provider_serial": parsed.provider_serial,
        "service_sequence": parsed.service_sequence,
        "check": parsed.check,
    }
    if json_:
        print_json(fields)
    else:
        for key, val in fields.items():
            out_console.print(f"{key:>17}: {val}")


@app.command("filings")
def list_filings(
    state: FilingState = typer.Option(None, help="Only filings in this state."),
    province: str = typer.Option(None, help="2-digit province code."),
    json_: bool = JSON,
) -> None:
    """List filings with their deadlines (all provinces: this is the operator's view)."""
    with open_database().session() as session:
        rows = [
            _row(f)
            for f in filings.list_filings(session, SYSTEM, state=state, province_code=province)
        ]
    _show(rows, json_)


@app.command()
def overdue(
    on: str = typer.Option(None, help="Judge as of this date (YYYY-MM-DD) [default: today]."),
    json_: bool = JSON,
) -> None:
    """Submitted filings whose 20-working-day review period has passed (Art. 12)."""
    try:
        today = date.fromisoformat(on) if on else local_date(utcnow())
    except ValueError:
        fail(f"--on: {on!r} is not a date like 2026-03-02 / 日期格式应为 2026-03-02")
    with open_database().session() as session:
        rows = [_row(f) for f in filings.overdue_reviews(session, SYSTEM, today)]
    _show(rows, json_)


def _row(f: Filing) -> dict[str, object]:
    return {
        "id": f.id,
        "service": f.service.name,
        "province": f.province_code,
        "state": f.state,
        "number": f.number,
        "filing_due": f.filing_due,
        "late": f.late,
        "submitted_at": f.submitted_at,
        "review_due": f.review_due,
        "provisional": f.provisional,
    }


def _show(rows: list[dict[str, object]], json_: bool) -> None:
    if json_:
        print_json(rows)
        return
    table = Table(
        "服务 Service", "省", "状态 State", "编号 Number", "审核期限 Review due", "逾期备案 Late"
    )
    for r in rows:
        table.add_row(
            str(r["service"]),
            str(r["province"]),
            str(r["state"]),
            str(r["number"] or ""),
            marked(r["review_due"], bool(r["provisional"])),  # type: ignore[arg-type]
            "是 yes" if r["late"] else "",
        )
    out_console.print(table)
