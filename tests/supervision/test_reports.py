"""Reports: the assessment report as HTML and PDF, the dashboard data and the weekly charts."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader

from chainwarden.errors import ChainwardenError
from chainwarden.supervision import assessments, dashboard, inspections, rectification, reports
from chainwarden.supervision.assessments import DUTIES, AssessmentInfo, ChecklistItem
from chainwarden.workdays import WorkingCalendar

from support.supervision import build_world
from support.world import at

CAL = WorkingCalendar()


def _plain(text: str) -> str:
    # pypdf reads fpdf2's two-byte codes with a NUL before each character and spaces between
    # glyphs; the characters themselves (through the embedded ToUnicode map) are what count.
    return "".join(text.replace("\x00", "").split())


@pytest.fixture
def rendering(sqlite_db):
    return sqlite_db, build_world(sqlite_db)


@pytest.fixture
def decided(rendering):
    db, world = rendering
    with db.session() as s:
        checklist = {k: ChecklistItem(True, "已建立制度", [f"{k}制度.pdf"]) for k in DUTIES}
        checklist["log_retention"] = ChecklistItem(False, "归档系统六月上线", [])
        a = assessments.submit(
            s,
            world.bj_provider,
            CAL,
            world.ids["bj_service"],
            AssessmentInfo(
                "跨链转赠功能", "function", "存证凭证跨链转赠", date(2026, 6, 1), checklist
            ),
            now=at("2026-03-02"),
        )
        assessments.reject(s, world.bj_regulator, a.id, "日志留存未落实", now=at("2026-03-09"))
    return a.id


def test_pdf_opens_with_two_pages_and_the_chinese_text(rendering, decided):
    db, world = rendering
    with db.session() as s:
        pdf = reports.assessment_pdf(s, assessments.get(s, world.bj_regulator, decided))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    first, second = (_plain(p.extract_text()) for p in reader.pages)
    for text in (
        "区块链信息服务安全评估报告",
        "跨链转赠功能",
        "北京链测科技有限公司",
        "日志留存未落实",
    ):
        assert text in first
    assert "不予通过" in first
    for text in (
        "自评清单",
        "用户真实身份信息认证",
        "归档系统六月上线",
        "real_name_verification制度.pdf",
    ):
        assert text in second


def test_html_report_escapes_and_shows_the_checklist(rendering, decided):
    db, world = rendering
    with db.session() as s:
        a = assessments.get(s, world.bj_provider, decided)
        a.description = "<script>alert(1)</script>"
        html = reports.assessment_html(s, a)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert html.count("<tr><td>") == len(DUTIES)
    assert "日志留存未落实" in html and "否 no" in html


def test_dashboard_counts_in_scope_and_screening_by_week(db, world):
    with db.session() as s:
        for day, counts in (
            (date(2026, 3, 2), {"ico": 3, "fraud": 1}),
            (date(2026, 3, 4), {"ico": 2}),
            (date(2026, 3, 10), {"pyramid": 5}),
        ):
            dashboard.record_screening_counts(s, world.bj_provider, world.beijing_id, day, counts)
        dashboard.record_screening_counts(
            s, world.sh_provider, world.shanghai_id, date(2026, 3, 3), {"ico": 100}
        )
        # A later report for the same day replaces the counts.
        dashboard.record_screening_counts(
            s, world.bj_provider, world.beijing_id, date(2026, 3, 4), {"ico": 4}
        )
        with pytest.raises(ChainwardenError) as err:
            dashboard.record_screening_counts(
                s, world.bj_provider, world.beijing_id, date(2026, 3, 4), {"gambling": 1}
            )
        assert err.value.code == "unknown_category"
        with pytest.raises(ChainwardenError):
            dashboard.record_screening_counts(
                s, world.bj_provider, world.shanghai_id, date(2026, 3, 4), {"ico": 1}
            )
        case = inspections.open_case(
            s, world.bj_regulator, world.beijing_id, title="检查", now=at("2026-03-02")
        )
        rectification.order_rectification(
            s,
            world.bj_regulator,
            CAL,
            case.id,
            article="5",
            requirement="完善审核制度",
            working_days=2,
            service_id=world.ids["bj_service"],
            now=at("2026-03-02"),
        )
    with db.session() as s:
        bj = dashboard.dashboard(s, world.bj_regulator, date(2026, 3, 12), weeks=3)
        national = dashboard.dashboard(s, world.cac, date(2026, 3, 12), weeks=3)
        with pytest.raises(ChainwardenError):
            dashboard.dashboard(s, world.bj_provider, date(2026, 3, 12))
    json.dumps(bj)  # JSON-ready as it is
    assert bj["scope"] == "11" and national["scope"] == "national"
    assert bj["filings"]["by_province"] == {"11": {"name": "北京市", "states": {"filed": 1}}}
    assert national["filings"]["by_state"] == {"filed": 2}
    blocks = bj["screening_blocks"]
    assert blocks["weeks"] == ["2026-02-23", "2026-03-02", "2026-03-09"]
    assert blocks["categories"]["ico"] == [0, 7, 0]
    assert blocks["categories"]["fraud"] == [0, 1, 0]
    assert blocks["categories"]["pyramid"] == [0, 0, 5]
    assert national["screening_blocks"]["categories"]["ico"] == [0, 107, 0]
    assert bj["cases"]["by_state"] == {"open": 1}
    assert [o["article"] for o in bj["orders"]["overdue"]] == ["5"]
    assert bj["orders"]["suspended_services"] == 1


def test_weekly_report_writes_png_charts_and_json(rendering, tmp_path):
    db, world = rendering
    with db.session() as s:
        dashboard.record_screening_counts(
            s, world.bj_provider, world.beijing_id, date(2026, 3, 3), {"trading": 2}
        )
        report = reports.weekly_report(s, world.cac, date(2026, 3, 12), tmp_path)
    assert set(report.charts) == {"filings", "screening", "supervision"}
    for path in report.charts.values():
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (900, 480)
    assert (
        json.loads(report.summary.read_text())["screening_blocks"]["categories"]["trading"][-2] == 2
    )
