from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, restrict
from chainwarden.audit.models import AuditEvent
from chainwarden.store.base import utcnow


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str,
    *,
    reason: str | None = None,
    provider_id: str | None = None,
    province_code: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add an event to the caller's transaction: it is kept only if the change itself commits."""
    event = AuditEvent(
        at=at or utcnow(),
        actor_id=actor.id,
        actor_name=actor.name,
        actor_role=str(actor.role),
        action=action,
        object_type=object_type,
        object_id=object_id,
        provider_id=provider_id,
        province_code=province_code,
        reason=reason,
        details=details or {},
    )
    session.add(event)
    return event


def events_for(session: Session, object_id: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == object_id).order_by(AuditEvent.at)
        )
    )


def visible_events(
    session: Session, actor: Actor, *, object_id: str | None = None, limit: int = 100
) -> list[AuditEvent]:
    """Admins and national regulators see every event; provincial regulators their province's;
    provider admins their organisation's."""
    actor.require(Role.ADMIN, Role.REGULATOR, Role.PROVIDER_ADMIN)
    query = select(AuditEvent).order_by(AuditEvent.at.desc()).limit(limit)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    query = restrict(
        query, actor, provider=AuditEvent.provider_id, province=AuditEvent.province_code
    )
    return list(session.scalars(query))
