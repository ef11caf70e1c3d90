"""Inspections (Art. 18), findings, rectification orders with suspension of the service until
the correction is accepted (Arts. 15, 19, 21, 22), and penalty decisions (Arts. 19–22)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, not_found, restrict
from chainwarden.registry.filings import PUBLISHED
from chainwarden.registry.models import Filing
from chainwarden.registry.numbers import parse_filing_number
from chainwarden.registry.providers import get_provider, get_service
from chainwarden.store.base import utcnow
from chainwarden.supervision import penalties
from chainwarden.supervision.common import (
    MAX_CORRECTION_DAYS,
    audit,
    due_after,
    local_date,
    require_text,
)
from chainwarden.supervision.errors import SupervisionError
from chainwarden.supervision.models import (
    Case,
    CaseState,
    Finding,
    OrderState,
    PenaltyDecision,
    PenaltyState,
    RectificationOrder,
    Suspension,
)
from chainwarden.workdays import WorkingCalendar

ORIGINS = ("inspection", "complaint", "check", "report")
OPEN_ORDER_STATES = (OrderState.OPEN, OrderState.CORRECTED)


def _case_audit(session: Session, actor: Actor, action: str, case: Case, **kwargs: Any) -> None:
    audit(
        session,
        actor,
        action,
        "case",
        case.id,
        provider_id=case.provider_id,
        province_code=case.province_code,
        **kwargs,
    )


# --- cases ----------------------------------------------------------------------------------


def open_case(
    session: Session,
    actor: Actor,
    provider_id: str,
    *,
    title: str,
    origin: str = "inspection",
    service_id: str | None = None,
    now: datetime | None = None,
) -> Case:
    """A regulator opens a case against a provider of its province (national: any)."""
    actor.require(Role.REGULATOR)
    provider = get_provider(session, actor, provider_id)
    if service_id is not None:
        service = get_service(session, actor, service_id)
        if service.provider_id != provider.id:
            raise not_found("服务", "Service")
    if origin not in ORIGINS:
        raise SupervisionError(
            "invalid_choice",
            f"案件来源必须是 {', '.join(ORIGINS)} 之一",
            f"origin must be one of {', '.join(ORIGINS)}",
            field="origin",
        )
    now = now or utcnow()
    case = Case(
        provider_id=provider.id,
        province_code=provider.province_code,
        service_id=service_id,
        title=require_text(title, "title", "缺少案件名称", "title is required"),
        origin=origin,
        state=CaseState.OPEN,
        opened_by=actor.name,
        opened_at=now,
    )
    session.add(case)
    session.flush()
    _case_audit(
        session, actor, "case.open", case, at=now, details={"title": case.title, "origin": origin}
    )
    return case


def get_case(session: Session, actor: Actor, case_id: str) -> Case:
    """Regulators see their province's cases, providers their own."""
    case = session.get(Case, case_id)
    if case is None or not actor.can_see(case.provider_id, case.province_code):
        raise not_found("案件", "Case")
    return case


def _scoped(query: Select[Any], actor: Actor, model: Any) -> Select[Any]:
    return restrict(query, actor, provider=model.provider_id, province=model.province_code)


def list_cases(session: Session, actor: Actor, *, state: CaseState | None = None) -> list[Case]:
    query = select(Case).order_by(Case.opened_at.desc())
    if state:
        query = query.where(Case.state == state)
    return list(session.scalars(_scoped(query, actor, Case)))


def _regulated_case(session: Session, actor: Actor, case_id: str) -> Case:
    case = get_case(session, actor, case_id)
    actor.require(Role.REGULATOR)
    if case.state != CaseState.OPEN:
        raise SupervisionError("case_closed", "案件已结案", "The case is closed", kind="conflict")
    return case


def add_finding(
    session: Session,
    actor: Actor,
    case_id: str,
    *,
    article: str,
    description: str,
    now: datetime | None = None,
) -> Finding:
    case = _regulated_case(session, actor, case_id)
    now = now or utcnow()
    finding = Finding(
        case_id=case.id,
        article=penalties.normalise_article(article),
        description=require_text(
            description, "description", "请描述发现的问题", "Describe what was found"
        ),
        recorded_by=actor.name,
        recorded_at=now,
    )
    session.add(finding)
    session.flush()
    _case_audit(
        session,
        actor,
        "case.finding",
        case,
        at=now,
        details={"finding": finding.id, "article": finding.article},
    )
    return finding


def close_case(
    session: Session, actor: Actor, case_id: str, reason: str, now: datetime | None = None
) -> Case:
    case = _regulated_case(session, actor, case_id)
    reason = require_text(reason, "reason", "请说明结案理由", "Say why the case is closed")
    pending = [o for o in case.orders if o.state in OPEN_ORDER_STATES]
    if pending:
        raise SupervisionError(
            "orders_pending",
            f"仍有 {len(pending)} 项整改未验收，不能结案",
            f"{len(pending)} rectification order(s) are not accepted yet; the case stays open",
            kind="conflict",
        )
    now = now or utcnow()
    case.state = CaseState.CLOSED
    case.closed_at = now
    case.closing_reason = reason
    _case_audit(session, actor, "case.close", case, at=now, reason=reason)
    return case


# --- rectification orders and suspension ------------------------------------------------------


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
    case = _regulated_case(session, actor, case_id)
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
    _case_audit(
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
    order = session.get(RectificationOrder, order_id)
    if order is None or not actor.can_see(order.provider_id, order.province_code):
        raise not_found("整改通知", "Rectification order")
    return order


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
    _case_audit(
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
    _case_audit(
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
    _case_audit(
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
    return list(session.scalars(_scoped(query, actor, RectificationOrder)))


def overdue_orders(session: Session, actor: Actor, today: date) -> list[RectificationOrder]:
    """Orders whose deadline has passed without a reported correction."""
    actor.require(Role.REGULATOR, Role.ADMIN)
    query = (
        select(RectificationOrder)
        .where(RectificationOrder.state == OrderState.OPEN, RectificationOrder.due < today)
        .order_by(RectificationOrder.due)
    )
    return list(session.scalars(_scoped(query, actor, RectificationOrder)))


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
    return list(session.scalars(_scoped(query, actor, Suspension)))


# --- penalty decisions ----------------------------------------------------------------------


def decide_penalty(
    session: Session,
    actor: Actor,
    case_id: str,
    *,
    breached_article: str,
    measures: list[str],
    facts: str,
    fine_yuan: int | None = None,
    refused_to_correct: bool = False,
    serious: bool = False,
    act_date: date | None = None,
    now: datetime | None = None,
) -> PenaltyDecision:
    """Record a penalty decision (a draft until finalised); outside the statutory measures or
    fine range it is refused with the reason (PenaltyOutOfRange)."""
    case = _regulated_case(session, actor, case_id)
    now = now or utcnow()
    allowance = penalties.allowed(
        breached_article,
        refused_to_correct=refused_to_correct,
        serious=serious,
        on=act_date or local_date(case.opened_at),
    )
    chosen = penalties.check_decision(allowance, measures, fine_yuan)
    decision = PenaltyDecision(
        case_id=case.id,
        provider_id=case.provider_id,
        province_code=case.province_code,
        breached_article=allowance.breached_article,
        penalty_article=allowance.rule.article,
        refused_to_correct=refused_to_correct,
        serious=serious,
        measures=sorted(str(m) for m in chosen),
        fine_yuan=fine_yuan,
        legal_basis=allowance.legal_basis,
        facts=require_text(facts, "facts", "请写明违法事实", "State the facts found"),
        state=PenaltyState.DRAFT,
        decided_by=actor.name,
        decided_at=now,
    )
    session.add(decision)
    session.flush()
    _case_audit(
        session,
        actor,
        "penalty.decide",
        case,
        at=now,
        reason=decision.facts,
        details={
            "penalty": decision.id,
            "article": decision.penalty_article,
            "measures": decision.measures,
            "fine_yuan": fine_yuan,
        },
    )
    return decision


def finalise_penalty(
    session: Session, actor: Actor, penalty_id: str, now: datetime | None = None
) -> PenaltyDecision:
    """Make a decision final: from then on it is shown on the provider's public registry
    entries."""
    decision = session.get(PenaltyDecision, penalty_id)
    if decision is None or not actor.can_see(decision.provider_id, decision.province_code):
        raise not_found("处罚决定", "Penalty decision")
    actor.require(Role.REGULATOR)
    if decision.state != PenaltyState.DRAFT:
        raise SupervisionError(
            "already_final", "处罚决定已生效", "The decision is already final", kind="conflict"
        )
    now = now or utcnow()
    decision.state = PenaltyState.FINAL
    decision.final_at = now
    _case_audit(
        session,
        actor,
        "penalty.finalise",
        decision.case,
        at=now,
        details={"penalty": decision.id},
    )
    return decision


@dataclass(frozen=True)
class PublicPenalty:
    """A final decision as the public registry shows it."""

    decided_on: date
    penalty_article: str
    breached_article: str
    measures: list[str]
    measures_zh: list[str]
    fine_yuan: int | None
    legal_basis: str
    facts: str


def public_penalties(session: Session, provider_id: str) -> list[PublicPenalty]:
    """Final penalty decisions against a provider (no actor: this is public information)."""
    decisions = session.scalars(
        select(PenaltyDecision)
        .where(
            PenaltyDecision.provider_id == provider_id,
            PenaltyDecision.state == PenaltyState.FINAL,
        )
        .order_by(PenaltyDecision.final_at.desc())
    )
    return [
        PublicPenalty(
            decided_on=local_date(d.final_at or d.decided_at),
            penalty_article=d.penalty_article,
            breached_article=d.breached_article,
            measures=list(d.measures),
            measures_zh=[penalties.MEASURE_NAMES[penalties.Measure(m)][0] for m in d.measures],
            fine_yuan=d.fine_yuan,
            legal_basis=d.legal_basis,
            facts=d.facts,
        )
        for d in decisions
    ]


def public_penalties_for_number(session: Session, number: str) -> list[PublicPenalty] | None:
    """Final decisions against the provider of a published filing number; None when the number
    is not in the public registry (a malformed number raises FilingNumberError)."""
    canonical = str(parse_filing_number(number))
    provider_id = session.scalar(
        select(Filing.provider_id).where(
            Filing.number == canonical, Filing.state.in_([str(s) for s in PUBLISHED])
        )
    )
    return None if provider_id is None else public_penalties(session, provider_id)
