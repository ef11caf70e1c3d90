"""Inspections (监督检查, Art. 18): a regulator opens a case against a provider, records what it
found, and closes the case once every rectification order it issued is accepted. Orders are in
``rectification``, penalty decisions in ``penalties``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, not_found
from chainwarden.registry.providers import get_provider, get_service
from chainwarden.store.base import utcnow
from chainwarden.supervision import penalties
from chainwarden.supervision.common import (
    case_audit,
    get_case,
    regulated_case,
    require_text,
    scoped,
)
from chainwarden.supervision.errors import SupervisionError
from chainwarden.supervision.models import Case, CaseState, Finding
from chainwarden.supervision.rectification import OPEN_ORDER_STATES

ORIGINS = ("inspection", "complaint", "check", "report")

__all__ = ["ORIGINS", "add_finding", "close_case", "get_case", "list_cases", "open_case"]


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
    case_audit(
        session, actor, "case.open", case, at=now, details={"title": case.title, "origin": origin}
    )
    return case


def list_cases(session: Session, actor: Actor, *, state: CaseState | None = None) -> list[Case]:
    query = select(Case).order_by(Case.opened_at.desc())
    if state:
        query = query.where(Case.state == state)
    return list(session.scalars(scoped(query, actor, Case)))


def add_finding(
    session: Session,
    actor: Actor,
    case_id: str,
    *,
    article: str,
    description: str,
    now: datetime | None = None,
) -> Finding:
    case = regulated_case(session, actor, case_id)
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
    case_audit(
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
    case = regulated_case(session, actor, case_id)
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
    case_audit(session, actor, "case.close", case, at=now, reason=reason)
    return case
