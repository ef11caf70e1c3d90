"""Rectification orders (责令限期改正, Art. 15): a service with a security hazard is corrected by a
deadline in working days; under Arts. 19 and 21 it is suspended until the regulator accepts the
correction (Art. 22 orders correction without suspension)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, not_found
from chainwarden.registry.providers import get_service
from chainwarden.store.base import utcnow
from chainwarden.supervision import penalties
from chainwarden.supervision.common import (
    MAX_CORRECTION_DAYS,
    case_audit,
    due_after,
    local_date,
    regulated_case,
    require_text,
    scoped,
    visible,
)
from chainwarden.supervision.errors import SupervisionError
from chainwarden.supervision.models import OrderState, RectificationOrder, Suspension
from chainwarden.workdays import WorkingCalendar

OPEN_ORDER_STATES = (OrderState.OPEN, OrderState.CORRECTED)


def order_rectification(
    session: Session,
    actor: Actor,
    calendar: WorkingCalendar,
    case_id: str,
    *,
    article: str,
    requirement: str,
    working_days: int,
    service_id: str | None = None,
    now: datetime | None = None,
) -> RectificationOrder:
    """Order correction within ``working_days``; under Arts. 19 and 21 the service is suspended
    until the correction is accepted (Art. 22 orders correction without suspension)."""
    case = regulated_case(session, actor, case_id)
    if not 1 <= working_days <= MAX_CORRECTION_DAYS:
        raise SupervisionError(
            "bad_period",
            f"整改期限应为1至{MAX_CORRECTION_DAYS}个工作日",
            f"The correction period must be 1 to {MAX_CORRECTION_DAYS} working days",
            field="working_days",
        )
    service_id = service_id or case.service_id
    if service_id is None:
        raise SupervisionError(
            "missing_field",
            "请指明需整改的服务",
            "Name the service that must be corrected",
            field="service_id",
        )
    service = get_service(session, actor, service_id)
    if service.provider_id != case.provider_id:
        raise not_found("服务", "Service")
    now = now or utcnow()
    today = local_date(now)
    rule = penalties.allowed(article, on=today)
    order = RectificationOrder(
        case_id=case.id,
        provider_id=case.provider_id,
        province_code=case.province_code,
        service_id=service.id,
        article=rule.breached_article,
        requirement=require_text(
            requirement, "requirement", "请写明整改要求", "State what must be corrected"
        ),
        working_days=working_days,
        ordered_by=actor.name,
        ordered_at=now,
        due=due_after(calendar, today, working_days),
        suspends_service=penalties.Measure.SUSPENSION in rule.rule.base,
        state=OrderState.OPEN,
    )
    order.provisional = calendar.depends_on_provisional(today, order.due)
    session.add(order)
    session.flush()
    if order.suspends_service:
        session.add(
            Suspension(
                service_id=service.id,
                order_id=order.id,
                provider_id=case.provider_id,
                province_code=case.province_code,
                reason=order.requirement,
                starts_at=now,
            )
        )
    case_audit(
        session,
        actor,
        "order.issue",
        case,
        at=now,
        reason=order.requirement,
        details={
            "order": order.id,
            "service": service.id,
            "article": order.article,
            "due": order.due.isoformat(),
            "suspended": order.suspends_service,
        },
    )
    return order


def get_order(session: Session, actor: Actor, order_id: str) -> RectificationOrder:
    return visible(session, actor, RectificationOrder, order_id, "整改通知", "Rectification order")


def _wrong_order_state(order: RectificationOrder, doing_zh: str, doing_en: str) -> SupervisionError:
    return SupervisionError(
        "wrong_state",
        f"整改通知当前状态为 {order.state}，不能{doing_zh}",
        f"The order is {order.state}; it cannot be {doing_en}",
        kind="conflict",
        state=order.state,
    )


def report_correction(
    session: Session, actor: Actor, order_id: str, note: str, now: datetime | None = None
) -> RectificationOrder:
    """The provider reports what it corrected; the regulator then accepts or sends it back."""
    order = get_order(session, actor, order_id)
    actor.require_provider_admin_of(order.provider_id)
    if order.state != OrderState.OPEN:
        raise _wrong_order_state(order, "报告整改", "reported as corrected")
    now = now or utcnow()
    order.state = OrderState.CORRECTED
    order.correction_note = require_text(
        note, "note", "请说明整改情况", "Describe the correction made"
    )
    order.corrected_at = now
    order.corrected_late = local_date(now) > order.due
    case_audit(
        session,
        actor,
        "order.correct",
        order.case,
        at=now,
        reason=order.correction_note,
        details={"order": order.id, "late": order.corrected_late},
    )
    return order


def accept_correction(
    session: Session,
    actor: Actor,
    order_id: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> RectificationOrder:
    """Accept the correction and lift the suspension it imposed."""
    order = get_order(session, actor, order_id)
    actor.require(Role.REGULATOR)
    if order.state != OrderState.CORRECTED:
        raise _wrong_order_state(order, "验收", "accepted")
    now = now or utcnow()
    order.state = OrderState.ACCEPTED
    order.accepted_at = now
    order.accepted_by = actor.name
    suspension = session.scalar(select(Suspension).where(Suspension.order_id == order.id))
    if suspension is not None and suspension.lifted_at is None:
        suspension.lifted_at = now
    case_audit(
        session,
        actor,
        "order.accept",
        order.case,
        at=now,
        reason=reason,
        details={"order": order.id, "lifted": suspension is not None},
    )
    return order


def reject_correction(
    session: Session, actor: Actor, order_id: str, reason: str, now: datetime | None = None
) -> RectificationOrder:
    """Send the correction back: the order is open again (the deadline stands) and the service
    stays suspended."""
    order = get_order(session, actor, order_id)
    actor.require(Role.REGULATOR)
    if order.state != OrderState.CORRECTED:
        raise _wrong_order_state(order, "退回", "sent back")
    reason = require_text(reason, "reason", "请说明退回理由", "Say why the correction falls short")
    now = now or utcnow()
    order.state = OrderState.OPEN
    case_audit(
        session,
        actor,
        "order.reject",
        order.case,
        at=now,
        reason=reason,
        details={"order": order.id},
    )
    return order


def list_orders(
    session: Session, actor: Actor, *, case_id: str | None = None, open_only: bool = False
) -> list[RectificationOrder]:
    query = select(RectificationOrder).order_by(RectificationOrder.due)
    if case_id:
        query = query.where(RectificationOrder.case_id == case_id)
    if open_only:
        query = query.where(RectificationOrder.state.in_([str(s) for s in OPEN_ORDER_STATES]))
    return list(session.scalars(scoped(query, actor, RectificationOrder)))


def overdue_orders(session: Session, actor: Actor, today: date) -> list[RectificationOrder]:
    """Orders whose deadline has passed without a reported correction."""
    actor.require(Role.REGULATOR, Role.ADMIN)
    query = (
        select(RectificationOrder)
        .where(RectificationOrder.state == OrderState.OPEN, RectificationOrder.due < today)
        .order_by(RectificationOrder.due)
    )
    return list(session.scalars(scoped(query, actor, RectificationOrder)))


def is_service_suspended(session: Session, service_id: str) -> bool:
    """Whether a rectification order keeps this service suspended now. The publish path calls
    this (without an actor: it is the provider's own system asking about itself)."""
    return (
        session.scalar(
            select(Suspension.id)
            .where(Suspension.service_id == service_id, Suspension.lifted_at.is_(None))
            .limit(1)
        )
        is not None
    )


def active_suspensions(session: Session, actor: Actor) -> list[Suspension]:
    query = select(Suspension).where(Suspension.lifted_at.is_(None)).order_by(Suspension.starts_at)
    return list(session.scalars(scoped(query, actor, Suspension)))
