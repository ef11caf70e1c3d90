"""The audit trail: who changed what, when and why."""

from __future__ import annotations

from fastapi import APIRouter, Query

from chainwarden.accounts.trail import visible_events
from chainwarden.audit import AuditEvent
from chainwarden.web.deps import CurrentActor, Tx, UnitOfWorkRoute
from chainwarden.web.schemas import AuditEventOut

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/audit", tags=["audit"])


@router.get("", response_model=list[AuditEventOut])
def audit_events(
    session: Tx,
    actor: CurrentActor,
    object_id: str | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[AuditEvent]:
    return visible_events(session, actor, object_id=object_id, limit=limit)
