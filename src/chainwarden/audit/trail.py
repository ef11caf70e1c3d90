from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.audit.models import AuditEvent
from chainwarden.store.base import utcnow


class ActorFields(Protocol):
    """What the trail keeps of whoever acts: plain fields, so the audit layer needs nothing of
    accounts (``accounts.Actor`` has them)."""

    @property
    def id(self) -> str | None: ...

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...


def record(
    session: Session,
    actor: ActorFields,
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
