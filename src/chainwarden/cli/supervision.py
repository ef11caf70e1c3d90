"""Supervision from the command line: penalty rules, overdue orders and reviews, suspended
services, the dashboard, assessment reports, and the weekly report with charts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.progress import Progress
from rich.table import Table

from chainwarden.accounts import Actor, Role
from chainwarden.cli.common import err_console, fail, open_database, out_console, print_json
from chainwarden.regions import province
from chainwarden.registry.models import Service
from chainwarden.store.base import utcnow
from chainwarden.supervision import assessments, dashboard, penalties, rectification, reports
from chainwarden.supervision.common import local_date
from chainwarden.workdays.provisional import MARK

app = typer.Typer(help="Supervision / 监管：安全评估、检查、整改、处罚", no_args_is_help=True)
report_app = typer.Typer(help="Regulator reports / 监管报告", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print JSON for machines.")
ON = typer.Option(None, "--on", help="Judge as of this date (YYYY-MM-DD) [default: today].")
PROVINCE = typer.Option(
    None, "--province", help="Only this province (2-digit code) [default: national]."
)


def _day(value: str | None, name: str = "--on") -> date:
    if value is None:
        return local_date(utcnow())
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: {value!r} 不是 YYYY-MM-DD 格式的日期 / is not a date like 2026-03-02")


def _regulator(province_code: str | None) -> Actor:
    """The operator acting as the national regulator, or as one province's."""
    if province_code is not None:
        province(province_code)
    return Actor(id=None, name="cli", role=Role.REGULATOR, province_code=province_code)


@app.command()
def rules(
    article: str = typer.Argument(..., help='The article breached, e.g. 17 or "11(1)".'),
    refused: bool = typer.Option(False, "--refused", help="The provider refused to correct."),
    serious: bool = typer.Option(False, "--serious", help="The circumstances are serious."),
    fine: int = typer.Option(
        None, "--fine", help="Check a decided fine in yuan (exit 2 with the reason if refused)."
    ),
    on: str = ON,
    json_: bool = JSON,
) -> None:
    """The measures and fine range Arts. 19–22 allow for a breach; with --fine, check a
    decision."""
    allowance = penalties.allowed(article, refused_to_correct=refused, serious=serious, on=_day(on))
    if fine is not None:
        penalties.check_decision(allowance, allowance.measures, fine)
    result = {
        "breached_article": allowance.breached_article,
        "penalty_article": allowance.rule.article,
        "measures": sorted(str(m) for m in allowance.measures),
        "fine_range": allowance.fine_range,
        "legal_basis": allowance.legal_basis,
        "notes": list(allowance.notes),
    }
    if json_:
        print_json(result)
        return
    out_console.print(f"依据 basis: {allowance.legal_basis}")
    for m in (m for m in penalties.Measure if m in allowance.measures):
        zh, en = penalties.MEASURE_NAMES[m]
        out_console.print(f"  • {zh} / {en}")
    if allowance.fine_range:
        low, high = allowance.fine_range
        out_console.print(f"罚款 fine: {low:,}–{high:,} 元 yuan")
    for note in allowance.notes:
        out_console.print(note)


@app.command()
def overdue(on: str = ON, province_code: str = PROVINCE, json_: bool = JSON) -> None:
    """Rectification orders past their deadline and security assessments past their review
    period."""
    today = _day(on)
    actor = _regulator(province_code)
    with open_database().session() as session:
        orders = [
            {
                "kind": "order",
                "id": o.id,
                "province": o.province_code,
                "article": o.article,
                "due": o.due.isoformat(),
                "provisional": o.provisional,
                "what": o.requirement,
            }
            for o in rectification.overdue_orders(session, actor, today)
        ]
        reviews = [
            {
                "kind": "assessment",
                "id": a.id,
                "province": a.province_code,
                "article": "9",
                "due": str(a.review_due),
                "provisional": a.provisional,
                "what": a.title,
            }
            for a in assessments.overdue_reviews(session, actor, today)
        ]
    rows = orders + reviews
    if json_:
        print_json(rows)
        return
    if not rows:
        out_console.print("没有逾期事项 / nothing is overdue")
        return
    table = Table("类型 Kind", "省", "条 Art.", "期限 Due", "事项 What")
    for r in rows:
        due = r["due"] + (MARK if r["provisional"] else "")
        table.add_row(r["kind"], r["province"], r["article"], due, r["what"])
    out_console.print(table)


@app.command()
def suspended(province_code: str = PROVINCE, json_: bool = JSON) -> None:
    """Services suspended until a rectification order's correction is accepted."""
    with open_database().session() as session:
        rows = [
            {
                "service_id": s.service_id,
                "service": session.get_one(Service, s.service_id).name,
                "order_id": s.order_id,
                "province": s.province_code,
                "since": s.starts_at.isoformat(),
                "reason": s.reason,
            }
            for s in rectification.active_suspensions(session, _regulator(province_code))
        ]
    if json_:
        print_json(rows)
        return
    table = Table("服务 Service", "省", "自 Since", "原因 Reason")
    for r in rows:
        table.add_row(r["service"], r["province"], r["since"][:10], r["reason"])
    out_console.print(table)


@app.command("dashboard")
def dashboard_(
    on: str = ON,
    weeks: int = typer.Option(8, min=1, max=104, help="Weeks of screening counts."),
    province_code: str = PROVINCE,
) -> None:
    """The regulator's dashboard data as JSON."""
    today = _day(on)
    with open_database().session() as session:
        print_json(dashboard.dashboard(session, _regulator(province_code), today, weeks))


@app.command("assessment-report")
def assessment_report(
    assessment_id: str = typer.Argument(..., help="The assessment's id."),
    output: Path = typer.Option(..., "--output", "-o", help="File to write (.pdf or .html)."),
) -> None:
    """Write a security assessment's printable report, PDF or HTML by the file's suffix."""
    if output.suffix.lower() not in (".pdf", ".html", ".htm"):
        fail(f"{output}: 文件名应以 .pdf 或 .html 结尾 / the name must end in .pdf or .html")
    with open_database().session() as session:
        a = assessments.get(session, _regulator(None), assessment_id)
        if output.suffix.lower() == ".pdf":
            output.write_bytes(reports.assessment_pdf(session, a))
        else:
            output.write_text(reports.assessment_html(session, a), encoding="utf-8")
    err_console.print(f"{output} written")


@report_app.command()
def weekly(
    out: Path = typer.Option(Path("reports"), "--out", help="Folder for the charts and JSON."),
    on: str = ON,
    weeks: int = typer.Option(8, min=1, max=104, help="Weeks of screening counts."),
    province_code: str = PROVINCE,
    json_: bool = JSON,
) -> None:
    """The weekly regulator report: PNG charts (filings, screening blocks, supervision) and the
    dashboard data as JSON."""
    today = _day(on)
    actor = _regulator(province_code)
    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task("weekly report", total=None)
        with open_database().session() as session:
            report = reports.weekly_report(session, actor, today, out, weeks)
        progress.update(task, completed=1, total=1)
    files = {name: str(path) for name, path in report.charts.items()}
    files["summary"] = str(report.summary)
    if json_:
        print_json({"as_of": today.isoformat(), "files": files})
        return
    for name, path in files.items():
        out_console.print(f"{name:>12}: {path}")
