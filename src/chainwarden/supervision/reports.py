"""Printable security-assessment reports (HTML and PDF) and the weekly regulator report with
PNG charts. Chinese text is set in Noto Sans SC, shipped as a Python package and embedded in
the PDF, so reports render the same on machines without CJK system fonts."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor
from chainwarden.registry.models import Provider, Service
from chainwarden.store.base import utcnow
from chainwarden.supervision.assessments import DUTIES, KINDS, STATE_NAMES
from chainwarden.supervision.common import local_date
from chainwarden.supervision.dashboard import CATEGORIES, CATEGORY_NAMES, dashboard
from chainwarden.supervision.models import Assessment, AssessmentState
from chainwarden.workdays.provisional import marked

FONT_ENV = "CHAINWARDEN_CJK_FONT"

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("chainwarden.supervision", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)


def cjk_font_path() -> Path:
    """The font for Chinese text: ``CHAINWARDEN_CJK_FONT`` if set, else the packaged Noto Sans
    SC (SIL Open Font License)."""
    override = os.environ.get(FONT_ENV)
    if override:
        return Path(override)
    import pylopdf_fonts_zh_cn

    return pylopdf_fonts_zh_cn.sans_path()


# --- the assessment report ------------------------------------------------------------------


def _context(session: Session, a: Assessment, generated: datetime) -> dict[str, Any]:
    service = session.get_one(Service, a.service_id)
    provider = session.get_one(Provider, a.provider_id)
    filing = service.filing
    return {
        "a": a,
        "service": service,
        "provider": provider,
        "number": filing.number if filing else None,
        "kind_zh": KINDS.get(a.kind, a.kind),
        "state_zh": STATE_NAMES[AssessmentState(a.state)],
        "submitted_on": local_date(a.submitted_at).isoformat(),
        "decided_on": local_date(a.decided_at).isoformat() if a.decided_at else "",
        "generated": generated.strftime("%Y-%m-%d %H:%M UTC"),
        "checklist": [
            {
                "key": key,
                "article": article,
                "zh": zh,
                "en": en,
                "met": bool(a.checklist[key]["met"]),
                "note": a.checklist[key]["note"],
                "evidence": list(a.checklist[key]["evidence"]),
            }
            for key, (article, zh, en) in DUTIES.items()
            if key in a.checklist
        ],
    }


def assessment_html(session: Session, a: Assessment, generated: datetime | None = None) -> str:
    """The report as an HTML page (the caller has checked the actor may see ``a``)."""
    return _templates.get_template("assessment.html").render(
        _context(session, a, generated or utcnow())
    )


def assessment_pdf(session: Session, a: Assessment, generated: datetime | None = None) -> bytes:
    """The report as PDF: page 1 the subject and the decision, page 2 on the checklist."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    ctx = _context(session, a, generated or utcnow())
    pdf = FPDF(format="A4")
    pdf.set_title(f"安全评估报告 {a.title}")
    pdf.set_creator("chainwarden")
    pdf.add_font("cjk", "", str(cjk_font_path()))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 9, "区块链信息服务安全评估报告", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("cjk", size=10)
    pdf.multi_cell(
        0, 6, "Security assessment report (Art. 9)", new_x="LMARGIN", new_y="NEXT", align="C"
    )
    pdf.ln(4)
    service = ctx["service"]
    rows = [
        ("评估事项 Subject", a.title),
        ("类型 Kind", f"{ctx['kind_zh']} {a.kind}"),
        ("提供者 Provider", f"{ctx['provider'].name}（{ctx['provider'].uscc}）"),
        ("服务 Service", service.name + (f" · {ctx['number']}" if ctx["number"] else "")),
        ("计划上线 Launch date", a.launch_date.isoformat()),
        ("报送 Submitted", f"{ctx['submitted_on']} · {a.submitted_by}"),
        ("说明 Description", a.description),
    ]
    with pdf.table(col_widths=(45, 135), first_row_as_headings=False, text_align="LEFT") as table:
        for label, value in rows:
            table.row([label, value])
    pdf.ln(6)
    pdf.set_font("cjk", size=12)
    decision = [f"审核结论 Decision: {ctx['state_zh']} / {a.state}"]
    if a.review_due:
        decision.append(f"审核期限 Review due: {marked(a.review_due, a.provisional)}")
    if a.decided_by:
        decision.append(f"审核人 Decided by: {a.decided_by} · {ctx['decided_on']}")
    if a.decision_reason:
        decision.append(f"理由 Reasons: {a.decision_reason}")
    pdf.multi_cell(0, 7, "\n".join(decision), border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.set_font("cjk", size=13)
    pdf.multi_cell(0, 8, "自评清单 Self-assessment checklist", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    heading = FontFace(emphasis="", fill_color=(225, 225, 225))  # no bold face of the font
    with pdf.table(
        col_widths=(12, 48, 16, 50, 54), headings_style=heading, text_align="LEFT"
    ) as table:
        table.row(["条款", "义务 Duty", "落实 Met", "说明 Note", "证明材料 Evidence"])
        for row in ctx["checklist"]:
            table.row(
                [
                    row["article"],
                    f"{row['zh']}\n{row['en']}",
                    "是 yes" if row["met"] else "否 no",
                    row["note"],
                    "\n".join(row["evidence"]),
                ]
            )
    pdf.ln(4)
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(0, 5, f"chainwarden · {ctx['generated']}")
    return bytes(pdf.output())


# --- the weekly report ----------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyReport:
    as_of: date
    charts: dict[str, Path]
    summary: Path
    data: dict[str, Any]


@cache
def _font_family() -> str:
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _figure(title: str) -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on a server
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = [_font_family(), "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=100)
    ax.set_title(title)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts are whole numbers
    return fig, ax


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    ax = fig.axes[0]
    ax.set_ylim(bottom=0, top=max(ax.get_ylim()[1] * 1.08, 1))  # room for the value labels
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
    return path


FILING_STATES = ("draft", "submitted", "returned", "filed", "refused", "cancelled")


def _filings_chart(data: dict[str, Any], path: Path) -> Path:
    fig, ax = _figure("备案状态（按省份） Filings by province and state")
    provinces = data["filings"]["by_province"]
    labels = [f"{p['name']}" for p in provinces.values()] or ["—"]
    bottom = [0] * len(labels)
    for state in FILING_STATES:
        values = [p["states"].get(state, 0) for p in provinces.values()] or [0]
        if any(values):
            ax.bar(labels, values, bottom=bottom, label=state)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("件 filings")
    if any(bottom):
        ax.legend()
    return _save(fig, path)


def _screening_chart(data: dict[str, Any], path: Path) -> Path:
    fig, ax = _figure("按类别拦截数（每周） Screening blocks by category per week")
    blocks = data["screening_blocks"]
    weeks = [w[5:] for w in blocks["weeks"]]
    bottom = [0] * len(weeks)
    for category in CATEGORIES:
        values = blocks["categories"][category]
        if any(values):
            ax.bar(weeks, values, bottom=bottom, label=f"{CATEGORY_NAMES[category]} {category}")
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xlabel("周一 week starting")
    ax.set_ylabel("条 items")
    if any(bottom):
        ax.legend()
    return _save(fig, path)


def _supervision_chart(data: dict[str, Any], path: Path) -> Path:
    fig, ax = _figure("监管事项 Supervision workload")
    labels = [
        "待审备案\nfilings\nin review",
        "逾期备案审核\nfiling reviews\noverdue",
        "待审安全评估\nassessments\nin review",
        "在办案件\nopen\ncases",
        "未完成整改\nopen\norders",
        "逾期整改\noverdue\norders",
        "暂停服务\nsuspended\nservices",
    ]
    values = [
        data["filings"]["by_state"].get("submitted", 0),
        len(data["overdue_filing_reviews"]),
        data["assessments"]["by_state"].get("submitted", 0),
        data["cases"]["by_state"].get("open", 0),
        data["orders"]["by_state"].get("open", 0) + data["orders"]["by_state"].get("corrected", 0),
        len(data["orders"]["overdue"]),
        data["orders"]["suspended_services"],
    ]
    ax.bar(labels, values, color="#4a6fa5")
    for x, v in enumerate(values):
        ax.annotate(str(v), (x, v), ha="center", va="bottom")
    ax.tick_params(axis="x", labelsize=8)
    return _save(fig, path)


def weekly_report(
    session: Session, actor: Actor, as_of: date, out_dir: Path, weeks: int = 8
) -> WeeklyReport:
    """Write the week's charts (PNG) and the dashboard data (JSON) into ``out_dir``."""
    data = dashboard(session, actor, as_of, weeks)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"weekly-{as_of.isoformat()}"
    charts = {
        "filings": _filings_chart(data, out_dir / f"{stem}-filings.png"),
        "screening": _screening_chart(data, out_dir / f"{stem}-screening.png"),
        "supervision": _supervision_chart(data, out_dir / f"{stem}-supervision.png"),
    }
    summary = out_dir / f"{stem}.json"
    summary.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return WeeklyReport(as_of, charts, summary, data)
