"""What the supervision services share: audit entries, reasons, deadlines in working days."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor
from chainwarden.audit import record
from chainwarden.registry.deadlines import local_date
from chainwarden.supervision.errors import SupervisionError
from chainwarden.workdays import WorkingCalendar

# Art. 9 sets no period for the review of a security assessment; the regulator answers within
# the same 20 working days Art. 12 gives it for a filing.
ASSESSMENT_REVIEW_DAYS = 20
# A rectification order gives between 1 and 60 working days to correct.
MAX_CORRECTION_DAYS = 60

__all__ = ["audit", "due_after", "local_date", "require_text"]


def audit(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str,
    *,
    provider_id: str,
    province_code: str,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    record(
        session,
        actor,
        action,
        object_type,
        object_id,
        reason=reason,
        provider_id=provider_id,
        province_code=province_code,
        details=details,
        at=at,
    )


def require_text(value: str | None, field: str, zh: str, en: str) -> str:
    if value is None or not value.strip():
        raise SupervisionError("missing_field", zh, en, field=field)
    return value.strip()


def due_after(calendar: WorkingCalendar, start: date, working_days: int) -> date:
    return calendar.add_working_days(start, working_days)
