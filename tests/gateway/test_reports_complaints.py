"""Reports to the regulator (Art. 16) and complaints from the public (Art. 18)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chainwarden.errors import ChainwardenError
from chainwarden.gateway import complaints, regulator_reports
from chainwarden.gateway import publish as gateway
from chainwarden.supervision.dashboard import screening_by_week
from chainwarden.workdays import WorkingCalendar

from support.gateway import ALLOWED, GRAY, MOBILES, NOW, PROHIBITED, ready_user

CAL = WorkingCalendar()


def test_report_reaches_the_provinces_inbox_and_the_dashboard(db, gw):
    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        gateway.publish(s, user, gw.service_id, ALLOWED, now=NOW)
        gateway.publish(s, user, gw.service_id, GRAY, now=NOW)
        blocked = gateway.publish(s, user, gw.service_id, PROHIBITED, now=NOW)
        gateway.publish(s, user, gw.service_id, PROHIBITED + "！", now=NOW + timedelta(hours=1))
        with pytest.raises(ChainwardenError):
            regulator_reports.send_report(
                s,
                gw.bj_reviewer,
                gw.beijing_id,
                period_start=date(2026, 5, 1),
                period_end=date(2026, 5, 31),
                summary="五月",
            )
        report = regulator_reports.send_report(
            s,
            gw.bj_admin,
            gw.beijing_id,
            period_start=date(2026, 5, 1),
            period_end=date(2026, 5, 31),
            summary="五月处置违法信息情况",
            now=NOW + timedelta(days=1),
        )
        assert report.body["posts"] == {"published": 1, "held": 1, "blocked": 2, "rejected": 0}
        for category in blocked.post.categories:
            assert report.body["handled_by_category"][category] == 2
        assert report.body["measures"]["counts"]["warning"] == 1
        assert [r.id for r in regulator_reports.inbox(s, gw.bj_regulator)] == [report.id]
        assert [r.id for r in regulator_reports.inbox(s, gw.cac)] == [report.id]
        assert regulator_reports.inbox(s, gw.sh_regulator) == []
        with pytest.raises(ChainwardenError):
            regulator_reports.inbox(s, gw.bj_admin)
        regulator_reports.mark_read(s, gw.bj_regulator, report.id, now=NOW + timedelta(days=2))
        assert regulator_reports.inbox(s, gw.bj_regulator, unread_only=True) == []
        week = screening_by_week(s, gw.bj_regulator, date(2026, 5, 8), weeks=1)
        for category in blocked.post.categories:
            assert week["categories"][category] == [2]


def test_complaints_deadline_resolution_and_rate_limit(db, gw, limits_clock):
    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        post = gateway.publish(s, user, gw.service_id, ALLOWED, now=NOW).post
        complaint = complaints.file_complaint(
            s,
            CAL,
            service_id=gw.service_id,
            post_id=post.id,
            body="这条内容涉嫌诈骗",
            source="198.51.100.9",
            now=NOW,
        )
        # 6 May 2026 (Wednesday) + 10 working days, Saturday 9 May being a make-up working day
        # after the Labour Day holiday (counting weekdays would say 20 May).
        assert complaint.due == date(2026, 5, 19)
        assert [c.id for c in complaints.list_complaints(s, gw.bj_reviewer)] == [complaint.id]
        assert complaints.list_complaints(s, gw.sh_admin) == []
        assert complaints.overdue_complaints(s, gw.bj_regulator, date(2026, 5, 19)) == []
        overdue = complaints.overdue_complaints(s, gw.bj_regulator, date(2026, 5, 20))
        assert [c.id for c in overdue] == [complaint.id]
        assert complaints.overdue_complaints(s, gw.sh_regulator, date(2026, 5, 20)) == []
        with pytest.raises(ChainwardenError):
            complaints.resolve_complaint(s, gw.bj_regulator, complaint.id, "已处理")
        complaints.resolve_complaint(s, gw.bj_reviewer, complaint.id, "已删除并警示用户", now=NOW)
        assert complaints.overdue_complaints(s, gw.bj_regulator, date(2026, 5, 20)) == []
        for n in range(complaints.RATE_LIMIT - 1):
            complaints.file_complaint(
                s,
                CAL,
                service_id=gw.service_id,
                body=f"第{n}次投诉内容",
                source="198.51.100.9",
                now=NOW,
            )
        with pytest.raises(ChainwardenError) as limited:
            complaints.file_complaint(
                s, CAL, service_id=gw.service_id, body="再投诉一次", source="198.51.100.9", now=NOW
            )
        assert limited.value.kind == "too_many_requests"
        # Another source, or the same one an hour later, may complain.
        complaints.file_complaint(
            s, CAL, service_id=gw.service_id, body="另一来源投诉", source="203.0.113.1", now=NOW
        )
        limits_clock.offset += 3601
        complaints.file_complaint(
            s,
            CAL,
            service_id=gw.service_id,
            body="一小时后再投诉",
            source="198.51.100.9",
            now=NOW + timedelta(hours=1, seconds=1),
        )
        with pytest.raises(ChainwardenError) as bad:
            complaints.file_complaint(
                s,
                CAL,
                service_id=gw.service_id,
                post_id="nope",
                body="无此内容的投诉",
                source="x",
                now=NOW,
            )
        assert bad.value.code == "post_not_found"
