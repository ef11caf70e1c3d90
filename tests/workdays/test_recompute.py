"""The clock stands at 2026-12-04, when chinese-calendar's data ends with 2026: deadlines reaching
2027 are counted provisionally, and importing the year's schedule recomputes them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from chainwarden.accounts import SYSTEM
from chainwarden.audit.models import AuditEvent
from chainwarden.gateway import complaints
from chainwarden.gateway.models import Complaint
from chainwarden.registry import filings
from chainwarden.registry.models import Filing
from chainwarden.supervision import inspections, rectification
from chainwarden.supervision.models import RectificationOrder
from chainwarden.workdays import parse_schedule
from chainwarden.workdays.recompute import count_provisional, recompute_provisional
from chainwarden.workdays.store import import_schedule, load_calendar

from support.supervision import build_world
from support.world import at, new_filing

TODAY = at("2026-12-04")
OFFICIAL_2027 = parse_schedule(
    (Path(__file__).parent / "data" / "official-2027.yaml").read_text("utf-8"), "2027.yaml"
)


def _order(s, world, working_days, now):
    case = inspections.open_case(
        s,
        world.bj_regulator,
        world.beijing_id,
        title="日志检查",
        service_id=world.ids["bj_service"],
    )
    return rectification.order_rectification(
        s,
        world.bj_regulator,
        load_calendar(s),
        case.id,
        article="17",
        requirement="补齐日志",
        working_days=working_days,
        now=now,
    )


def _import(db, now):
    with db.session() as s:
        import_schedule(s, OFFICIAL_2027, SYSTEM)
        return recompute_provisional(s, load_calendar(s), SYSTEM, now)


def test_legal_acts_succeed_with_provisional_dates_and_official_ones_replace_them(db):
    world = build_world(db)
    with db.session() as s:
        cal = load_calendar(s)
        draft = new_filing(s, world, cal, name="年末服务", started="2026-12-01")
        submitted = filings.submit(s, world.bj_provider, cal, draft, TODAY)
        # 20 wd from Fri 4 Dec: 19 in December, 1 Jan off (元旦), Mon 4 Jan 2027.
        assert submitted.review_due == date(2027, 1, 4) and submitted.provisional
        order = _order(s, world, 60, TODAY)
        # 60 wd reach March 2027 across the provisional Spring Festival (5–10 Feb off).
        assert order.due == date(2027, 3, 5) and order.provisional
        complaint = complaints.file_complaint(
            s,
            cal,
            service_id=world.ids["bj_service"],
            body="投诉内容五个字以上",
            source="198.51.100.1",
            now=at("2026-12-20"),
        )
        assert complaint.due == date(2027, 1, 4) and complaint.provisional
        order_id, complaint_id = order.id, complaint.id
    assert _count(db) == 3

    moved = _import(db, TODAY)

    # The official schedule (5–12 Feb off, Sat 20 Feb worked) moves the order by one day; the
    # others stay, and nothing is provisional any more.
    assert [(m.object_type, m.object_id, m.field, m.old, m.new, m.past) for m in moved] == [
        ("rectification_order", order_id, "due", date(2027, 3, 5), date(2027, 3, 8), False)
    ]
    assert _count(db) == 0
    with db.session() as s:
        assert s.get_one(RectificationOrder, order_id).due == date(2027, 3, 8)
        assert s.get_one(Complaint, complaint_id).due == date(2027, 1, 4)
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "deadline.recompute"))
        assert [(e.object_id, e.details["old"], e.details["new"]) for e in events] == [
            (order_id, "2027-03-05", "2027-03-08")
        ]


def _count(db):
    with db.session() as s:
        return count_provisional(s)


def test_a_date_moved_earlier_into_the_past_is_flagged_not_acted_on(db):
    world = build_world(db)
    with db.session() as s:
        # 5 wd from Tue 20 Apr 2027: provisionally Tue 27 Apr; officially Sun 25 Apr is worked.
        order = _order(s, world, 5, at("2027-04-20"))
        assert order.due == date(2027, 4, 27) and order.provisional
        order_id = order.id
    (moved,) = _import(db, at("2027-04-27"))
    assert (moved.old, moved.new, moved.past) == (date(2027, 4, 27), date(2027, 4, 26), True)
    with db.session() as s:
        order = s.get_one(RectificationOrder, order_id)
        assert order.state == "open" and order.corrected_late is None


def test_late_cancellation_notice_reaching_a_provisional_year(db):
    world = build_world(db)
    with db.session() as s:
        filed = s.scalars(select(Filing).where(Filing.service_id == world.ids["bj_service"])).one()
        cancelled = filings.cancel(
            s,
            world.bj_provider,
            load_calendar(s),
            filed.id,
            termination_date=date(2026, 12, 31),
            arrangements="数据迁移至新平台",
            now=TODAY,
        )
        # 30 wd from Fri 4 Dec 2026: 19 in December, 11 in January → Mon 18 Jan 2027.
        assert cancelled.termination_earliest == date(2027, 1, 18)
        assert cancelled.termination_notice_late and cancelled.provisional
