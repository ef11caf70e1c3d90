"""What the supervision services share: audit entries, reasons, deadlines in working days, and
the case (案件) that an inspection opens and its findings, rectification orders and penalty
decisions belong to."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, not_found, restrict
from chainwarden.audit import record
from chainwarden.registry.deadlines import local_date
from chainwarden.supervision.errors import SupervisionError
from chainwarden.supervision.models import Case, CaseState
from chainwarden.workdays import WorkingCalendar

# Art. 9 sets no period for the review of a security assessment; the regulator answers within
# the same 20 working days Art. 12 gives it for a filing.
ASSESSMENT_REVIEW_DAYS = 20
# A rectification order gives between 1 and 60 working days to correct.
MAX_CORRECTION_DAYS = 60

__all__ = [
    "audit",
    "case_audit",
    "due_after",
    "get_case",
    "local_date",
    "regulated_case",
    "require_text",
    "scoped",
    "visible",
]


class _Scoped(Protocol):
    @property
    def provider_id(self) -> str: ...

    @property
    def province_code(self) -> str: ...


Scoped = TypeVar("Scoped", bound=_Scoped)


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


def visible(
    session: Session, actor: Actor, model: type[Scoped], object_id: str, what_zh: str, what_en: str
) -> Scoped:
    """The object if the actor may see it: regulators their province's, providers their own;
    anything else is reported as missing."""
    found = session.get(model, object_id)
    if found is None or not actor.can_see(found.provider_id, found.province_code):
        raise not_found(what_zh, what_en)
    return found


def scoped(query: Select[Any], actor: Actor, model: Any) -> Select[Any]:
    return restrict(query, actor, provider=model.provider_id, province=model.province_code)


def get_case(session: Session, actor: Actor, case_id: str) -> Case:
    """Regulators see their province's cases, providers their own."""
    return visible(session, actor, Case, case_id, "案件", "Case")


def regulated_case(session: Session, actor: Actor, case_id: str) -> Case:
    """An open case a regulator acts on: adding a finding, an order or a penalty decision."""
    case = get_case(session, actor, case_id)
    actor.require(Role.REGULATOR)
    if case.state != CaseState.OPEN:
        raise SupervisionError("case_closed", "案件已结案", "The case is closed", kind="conflict")
    return case


def case_audit(session: Session, actor: Actor, action: str, case: Case, **kwargs: Any) -> None:
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
