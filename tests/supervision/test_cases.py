"""Inspection cases: findings, rectification orders with working-day deadlines, suspension of
the service until the correction is accepted, penalty decisions and the public registry."""

from __future__ import annotations

from datetime import date

import pytest

from chainwarden.audit.trail import events_for
from chainwarden.errors import ChainwardenError
from chainwarden.supervision import inspections, penalties, rectification
from chainwarden.supervision.errors import PenaltyOutOfRange
from chainwarden.supervision.models import CaseState, OrderState, PenaltyState
from chainwarden.workdays import WorkingCalendar

from support.world import at

CAL = WorkingCalendar()


def _case(s, world, regulator=None, **kw):
    return inspections.open_case(
        s,
        regulator or world.bj_regulator,
        world.beijing_id,
        title="日志留存检查",
        service_id=world.ids["bj_service"],
        now=at("2026-02-27"),
        **kw,
    )


def test_order_deadline_counts_working_days_across_national_day(db, world):
    with db.session() as s:
        case = _case(s, world)
        order = rectification.order_rectification(
            s,
            world.bj_regulator,
            CAL,
            case.id,
            article="17",
            requirement="补齐六个月日志留存",
            working_days=5,
            now=at("2026-09-28"),
        )
    # 29, 30 Sep, then the National Day holiday; 10 Oct is a make-up Saturday (调休).
    # Counting weekdays would say 5 Oct.
    assert order.due == date(2026, 10, 10)


def test_lifecycle_suspends_until_correction_is_accepted(db, world):
    service = world.ids["bj_service"]
    with db.session() as s:
        case = _case(s, world)
        inspections.add_finding(
            s,
            world.bj_regulator,
            case.id,
            article="17",
            description="日志仅保留30天",
            now=at("2026-03-02", 2),
        )
        order = rectification.order_rectification(
            s,
            world.bj_regulator,
            CAL,
            case.id,
            article="17",
            requirement="日志留存不少于六个月",
            working_days=10,
            now=at("2026-03-02"),
        )
        assert order.due == date(2026, 3, 16)
        assert order.suspends_service
        assert rectification.is_service_suspended(s, service)
        assert not rectification.is_service_suspended(s, world.ids["sh_service"])

    with db.session() as s:
        # Not yet overdue on the due day itself; overdue the day after.
        assert rectification.overdue_orders(s, world.bj_regulator, date(2026, 3, 16)) == []
        assert [
            o.id for o in rectification.overdue_orders(s, world.bj_regulator, date(2026, 3, 17))
        ] == [order.id]
        with pytest.raises(ChainwardenError) as err:
            inspections.close_case(s, world.bj_regulator, case.id, "结案")
        assert err.value.code == "orders_pending"
        # Only the provider reports the correction; only a regulator accepts it.
        with pytest.raises(ChainwardenError):
            rectification.report_correction(s, world.sh_provider, order.id, "已整改")
        with pytest.raises(ChainwardenError):
            rectification.report_correction(s, world.bj_reviewer, order.id, "已整改")
        rectification.report_correction(
            s, world.bj_provider, order.id, "已上线归档", now=at("2026-03-18")
        )

    with db.session() as s:
        assert rectification.get_order(s, world.bj_regulator, order.id).corrected_late
        # A reported but unaccepted correction keeps the service suspended.
        assert rectification.is_service_suspended(s, service)
        rectification.reject_correction(
            s, world.bj_regulator, order.id, "归档未覆盖链上日志", now=at("2026-03-19")
        )
    with db.session() as s:
        assert rectification.get_order(s, world.bj_regulator, order.id).state == OrderState.OPEN
        assert rectification.is_service_suspended(s, service)
        rectification.report_correction(
            s, world.bj_provider, order.id, "补齐链上日志", now=at("2026-03-20")
        )
        with pytest.raises(ChainwardenError):
            rectification.accept_correction(s, world.bj_provider, order.id)
        rectification.accept_correction(
            s, world.bj_regulator, order.id, "复查合格", now=at("2026-03-23")
        )
    with db.session() as s:
        assert not rectification.is_service_suspended(s, service)
        closed = inspections.close_case(
            s, world.bj_regulator, case.id, "整改完成", now=at("2026-03-24")
        )
        assert closed.state == CaseState.CLOSED
        actions = [e.action for e in events_for(s, case.id)]
    assert actions == [
        "case.open",
        "case.finding",
        "order.issue",
        "order.correct",
        "order.reject",
        "order.correct",
        "order.accept",
        "case.close",
    ]


def test_art_22_orders_correction_without_suspension(db, world):
    with db.session() as s:
        case = _case(s, world)
        order = rectification.order_rectification(
            s,
            world.bj_regulator,
            CAL,
            case.id,
            article="11(1)",
            requirement="补办备案",
            working_days=10,
            now=at("2026-03-02"),
        )
        assert not order.suspends_service
        assert not rectification.is_service_suspended(s, world.ids["bj_service"])


def test_two_orders_keep_the_service_suspended_until_both_are_accepted(db, world):
    service = world.ids["bj_service"]
    with db.session() as s:
        case = _case(s, world)
        first, second = (
            rectification.order_rectification(
                s,
                world.bj_regulator,
                CAL,
                case.id,
                article=article,
                requirement=f"整改第{article}条",
                working_days=5,
                now=at("2026-03-02"),
            )
            for article in ("5", "17")
        )
        for order in (first, second):
            rectification.report_correction(
                s, world.bj_provider, order.id, "已整改", now=at("2026-03-04")
            )
        rectification.accept_correction(s, world.bj_regulator, first.id, now=at("2026-03-05"))
        assert rectification.is_service_suspended(s, service)
        rectification.accept_correction(s, world.bj_regulator, second.id, now=at("2026-03-05"))
        assert not rectification.is_service_suspended(s, service)


def test_correction_period_bounds(db, world):
    with db.session() as s:
        case = _case(s, world)
        for days in (0, 61):
            with pytest.raises(ChainwardenError) as err:
                rectification.order_rectification(
                    s,
                    world.bj_regulator,
                    CAL,
                    case.id,
                    article="5",
                    requirement="x",
                    working_days=days,
                )
            assert err.value.code == "bad_period"


def test_penalty_refused_outside_range_and_public_when_final(db, world):
    with db.session() as s:
        case = _case(s, world)
        with pytest.raises(PenaltyOutOfRange) as err:
            penalties.decide_penalty(
                s,
                world.bj_regulator,
                case.id,
                breached_article="17",
                refused_to_correct=True,
                measures=["warning", "order_correction", "suspension", "fine"],
                fine_yuan=30_001,
                facts="拒不改正",
            )
        assert err.value.code == "fine_out_of_range"
        decision = penalties.decide_penalty(
            s,
            world.bj_regulator,
            case.id,
            breached_article="17",
            refused_to_correct=True,
            measures=["warning", "order_correction", "suspension", "fine"],
            fine_yuan=30_000,
            facts="日志留存不足且拒不改正",
            now=at("2026-10-12"),
        )
        assert decision.penalty_article == "19"
        assert "第十九条" in decision.legal_basis
    with db.session() as s:
        # Drafts are not public.
        assert penalties.public_penalties_for_number(s, world.ids["bj_number"]) == []
        with pytest.raises(ChainwardenError):
            penalties.finalise_penalty(s, world.sh_regulator, decision.id)
        final = penalties.finalise_penalty(s, world.bj_regulator, decision.id, now=at("2026-10-13"))
        assert final.state == PenaltyState.FINAL
    with db.session() as s:
        shown = penalties.public_penalties_for_number(s, world.ids["bj_number"])
        assert [(p.fine_yuan, p.penalty_article, p.decided_on) for p in shown] == [
            (30_000, "19", date(2026, 10, 13))
        ]
        assert "罚款" in shown[0].measures_zh
        assert penalties.public_penalties_for_number(s, world.ids["sh_number"]) == []
        assert "penalty.finalise" in [e.action for e in events_for(s, case.id)]


def test_closed_cases_take_no_more_actions(db, world):
    with db.session() as s:
        case = _case(s, world)
        inspections.close_case(s, world.bj_regulator, case.id, "未发现问题")
        with pytest.raises(ChainwardenError) as err:
            inspections.add_finding(s, world.bj_regulator, case.id, article="5", description="x")
        assert err.value.code == "case_closed"


def test_demo_data_shows_a_public_penalty_and_an_overdue_suspension(sqlite_db):
    from chainwarden.accounts import SYSTEM
    from chainwarden.demo import seed
    from chainwarden.registry import public

    list(seed(sqlite_db))
    with sqlite_db.session() as s:
        (entry,) = public.search(s, "链信电子合同")
        (penalty,) = penalties.public_penalties_for_number(s, entry.number)
        assert (penalty.penalty_article, penalty.fine_yuan) == ("19", 10_000)
        (late,) = rectification.overdue_orders(s, SYSTEM, date(2026, 11, 25))
        assert rectification.is_service_suspended(s, late.service_id)
