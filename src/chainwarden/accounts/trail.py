"""Reading the audit trail: which events an account may see."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, restrict
from chainwarden.audit.models import AuditEvent


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
