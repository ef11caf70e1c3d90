"""Audit events for what a service user did themselves (not a staff account)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from chainwarden.audit.models import AuditEvent
from chainwarden.identity.models import ServiceUser
from chainwarden.store.base import utcnow


def record_by_user(
    session: Session,
    user: ServiceUser,
    action: str,
    object_type: str,
    object_id: str,
    *,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """An audit event for something the service user did themselves (not a staff account)."""
    session.add(
        AuditEvent(
            at=at or utcnow(),
            actor_id=user.id,
            actor_name=f"user:{user.nickname}",
            actor_role="service_user",
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details or {},
            provider_id=user.provider_id,
            province_code=user.province_code,
        )
    )
