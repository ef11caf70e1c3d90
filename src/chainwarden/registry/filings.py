"""The filing procedure (Arts. 11, 12, 22, 23): draft → submitted → returned | filed | refused,
then changes and cancellation of a filed service."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, not_found, restrict
from chainwarden.audit import record
from chainwarden.registry import deadlines
from chainwarden.registry.errors import RegistryError
from chainwarden.registry.models import Filing, FilingChange, FilingState, Provider, Service
from chainwarden.registry.numbers import make_filing_number
from chainwarden.registry.providers import (
    ServiceInfo,
    apply_service_values,
    create_service,
    require_reason,
)
from chainwarden.store.base import utcnow
from chainwarden.workdays import WorkingCalendar

EDITABLE = (FilingState.DRAFT, FilingState.RETURNED)
# States the public registry shows (Art. 12: filing numbers are published).
PUBLISHED = (FilingState.FILED, FilingState.CANCELLED)

STATE_NAMES = {
    FilingState.DRAFT: "草稿",
    FilingState.SUBMITTED: "已提交",
    FilingState.RETURNED: "退回补正",
    FilingState.FILED: "已备案",
    FilingState.REFUSED: "不予备案",
    FilingState.CANCELLED: "已注销",
}


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    filing: Filing,
    *,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    record(
        session,
        actor,
        action,
        "filing",
        filing.id,
        reason=reason,
        details=details,
        provider_id=filing.provider_id,
        province_code=filing.province_code,
        at=at,
    )


def _wrong_state(filing: Filing, doing_zh: str, doing_en: str) -> RegistryError:
    state = FilingState(filing.state)
    return RegistryError(
        "wrong_state",
        f"备案当前状态为「{STATE_NAMES[state]}」，不能{doing_zh}",
        f"The filing is {state}; it cannot be {doing_en}",
        kind="conflict",
        state=str(state),
    )


def open_service(
    session: Session, actor: Actor, calendar: WorkingCalendar, provider_id: str, info: ServiceInfo
) -> Service:
    """Register a service and its draft filing, with the Art. 11 / Art. 23 filing deadline."""
    service = create_service(
        session,
        actor,
        provider_id,
        info,
        filing_due=deadlines.filing_due(calendar, info.started_on),
    )
    filing = session.scalars(select(Filing).where(Filing.service_id == service.id)).one()
    filing.provisional = deadlines.filing_provisional(calendar, filing)
    return service


def get_filing(session: Session, actor: Actor, filing_id: str) -> Filing:
    filing = session.get(Filing, filing_id)
    if filing is None or not actor.can_see(filing.provider_id, filing.province_code):
        raise not_found("备案", "Filing")
    return filing


def _provider_action(
    session: Session,
    actor: Actor,
    filing_id: str,
    states: tuple[FilingState, ...],
    doing: tuple[str, str],
) -> Filing:
    """The filing, if the actor is its provider's admin and it is in one of ``states``."""
    filing = get_filing(session, actor, filing_id)
    actor.require_provider_admin_of(filing.provider_id)
    if filing.state not in states:
        raise _wrong_state(filing, *doing)
    return filing


def edit_draft(
    session: Session,
    actor: Actor,
    calendar: WorkingCalendar,
    filing_id: str,
    values: dict[str, Any],
) -> Filing:
    """Complete or correct a filing's service information before (re)submission."""
    filing = _provider_action(
        session,
        actor,
        filing_id,
        EDITABLE,
        ("直接修改（已备案的请提交变更）", "edited (file a change instead)"),
    )
    diff = apply_service_values(filing.service, values)
    if "started_on" in diff:
        filing.filing_due = deadlines.filing_due(calendar, filing.service.started_on)
        filing.provisional = deadlines.filing_provisional(calendar, filing)
    _audit(session, actor, "filing.edit", filing, details={"fields": diff})
    return filing


def submit(
    session: Session,
    actor: Actor,
    calendar: WorkingCalendar,
    filing_id: str,
    now: datetime | None = None,
) -> Filing:
    filing = _provider_action(session, actor, filing_id, EDITABLE, ("提交", "submitted"))
    now = now or utcnow()
    today = deadlines.local_date(now)
    if filing.first_submitted_at is None:
        filing.first_submitted_at = now
        # Lateness is judged on the first submission: completing returned materials later does
        # not make an on-time filing late (Art. 11, basis for Art. 22).
        filing.late = today > filing.filing_due
    filing.submitted_at = now
    filing.review_due = deadlines.review_due(calendar, today)
    filing.state = FilingState.SUBMITTED
    filing.decision_reason = None
    filing.provisional = deadlines.filing_provisional(calendar, filing)
    _audit(
        session,
        actor,
        "filing.submit",
        filing,
        at=now,
        details={
            "late": filing.late,
            "filing_due": filing.filing_due.isoformat(),
            "review_due": filing.review_due.isoformat(),
            "provisional": filing.provisional,
        },
    )
    return filing


def _decidable(session: Session, actor: Actor, filing_id: str, doing: tuple[str, str]) -> Filing:
    filing = get_filing(session, actor, filing_id)
    actor.require(Role.REGULATOR)
    if filing.state != FilingState.SUBMITTED:
        raise _wrong_state(filing, *doing)
    return filing


def _decide(
    filing: Filing, actor: Actor, state: FilingState, now: datetime, reason: str | None
) -> None:
    filing.state = state
    filing.decided_at = now
    filing.decided_by = actor.name
    filing.decision_reason = reason


def return_for_completion(
    session: Session, actor: Actor, filing_id: str, reason: str, now: datetime | None = None
) -> Filing:
    filing = _decidable(session, actor, filing_id, ("退回", "returned"))
    reason = require_reason(reason)
    now = now or utcnow()
    _decide(filing, actor, FilingState.RETURNED, now, reason)
    filing.review_due = None
    _audit(session, actor, "filing.return", filing, reason=reason, at=now)
    return filing


def refuse(
    session: Session, actor: Actor, filing_id: str, reason: str, now: datetime | None = None
) -> Filing:
    filing = _decidable(session, actor, filing_id, ("不予备案", "refused"))
    reason = require_reason(reason)
    now = now or utcnow()
    _decide(filing, actor, FilingState.REFUSED, now, reason)
    _audit(session, actor, "filing.refuse", filing, reason=reason, at=now)
    return filing


def approve(
    session: Session,
    actor: Actor,
    filing_id: str,
    now: datetime | None = None,
    reason: str | None = None,
) -> Filing:
    """File the service and issue its filing number (Art. 12)."""
    filing = _decidable(session, actor, filing_id, ("备案", "filed"))
    now = now or utcnow()
    provider = session.get_one(Provider, filing.provider_id)
    if provider.filing_serial is None:
        provider.filing_serial = (session.scalar(select(func.max(Provider.filing_serial))) or 0) + 1
    number = make_filing_number(
        provider.region_code,
        deadlines.local_date(now).year,
        provider.filing_serial,
        filing.service.sequence,
    )
    _decide(filing, actor, FilingState.FILED, now, reason)
    filing.number = str(number)
    filing.filed_on = deadlines.local_date(now)
    _audit(
        session,
        actor,
        "filing.approve",
        filing,
        reason=reason,
        at=now,
        details={"number": filing.number},
    )
    return filing


def submit_change(
    session: Session,
    actor: Actor,
    calendar: WorkingCalendar,
    filing_id: str,
    *,
    change_date: date,
    values: dict[str, Any],
    reason: str,
    now: datetime | None = None,
) -> FilingChange:
    """Record a change of a filed service; more than 5 wd after the change it is flagged late."""
    filing = _provider_action(session, actor, filing_id, (FilingState.FILED,), ("变更", "changed"))
    reason = require_reason(reason)
    now = now or utcnow()
    if change_date > deadlines.local_date(now):
        raise RegistryError(
            "change_in_future",
            "变更日期不能晚于今天：变更发生后再备案",
            "The change date cannot be in the future: file the change once it has happened",
            field="change_date",
        )
    if "started_on" in values:
        raise RegistryError(
            "field_not_editable",
            "已备案服务的开始日期不能变更",
            "The start date of a filed service cannot be changed",
        )
    diff = apply_service_values(filing.service, values)
    if not diff:
        raise RegistryError(
            "nothing_changed",
            "提交的信息与备案信息相同",
            "Nothing differs from the filed information",
        )
    due = deadlines.change_due(calendar, change_date)
    change = FilingChange(
        filing_id=filing.id,
        change_date=change_date,
        due=due,
        submitted_at=now,
        late=deadlines.local_date(now) > due,
        fields=diff,
        reason=reason,
        submitted_by=actor.name,
        provisional=calendar.depends_on_provisional(change_date, due),
    )
    session.add(change)
    session.flush()
    _audit(
        session,
        actor,
        "filing.change",
        filing,
        reason=reason,
        at=now,
        details={"fields": diff, "late": change.late, "due": due.isoformat()},
    )
    return change


def cancel(
    session: Session,
    actor: Actor,
    calendar: WorkingCalendar,
    filing_id: str,
    *,
    termination_date: date,
    arrangements: str,
    now: datetime | None = None,
) -> Filing:
    """Cancel a filing because the service ends. Art. 11(3) asks for 30 wd notice: that is the
    provider's duty, not a reason to refuse, so a shorter notice is accepted and flagged late with
    the earliest compliant date, for the regulator to see."""
    filing = _provider_action(
        session, actor, filing_id, (FilingState.FILED,), ("注销", "cancelled")
    )
    if not arrangements or not arrangements.strip():
        raise RegistryError(
            "arrangements_required",
            "注销须说明对用户的妥善安排",
            "A cancellation must state the arrangements made for users",
            field="arrangements",
        )
    now = now or utcnow()
    today = deadlines.local_date(now)
    earliest = deadlines.earliest_termination(calendar, today)
    filing.state = FilingState.CANCELLED
    filing.termination_date = termination_date
    filing.cancellation_arrangements = arrangements.strip()
    filing.cancellation_notified_on = today
    filing.termination_earliest = earliest
    filing.termination_notice_late = termination_date < earliest
    filing.provisional = deadlines.filing_provisional(calendar, filing)
    _audit(
        session,
        actor,
        "filing.cancel",
        filing,
        reason=arrangements.strip(),
        at=now,
        details={
            "termination_date": termination_date.isoformat(),
            "termination_earliest": earliest.isoformat(),
            "notice_late": filing.termination_notice_late,
            "provisional": filing.provisional,
        },
    )
    return filing


def scoped(query: Select[Any], actor: Actor) -> Select[Any]:
    """Restrict a filing query to what the actor may see."""
    return restrict(query, actor, provider=Filing.provider_id, province=Filing.province_code)


def list_filings(
    session: Session,
    actor: Actor,
    *,
    state: FilingState | None = None,
    province_code: str | None = None,
    provider_id: str | None = None,
) -> list[Filing]:
    query = select(Filing).order_by(Filing.created_at)
    if state:
        query = query.where(Filing.state == state)
    if province_code:
        query = query.where(Filing.province_code == province_code)
    if provider_id:
        query = query.where(Filing.provider_id == provider_id)
    return list(session.scalars(scoped(query, actor)))


def overdue_reviews(session: Session, actor: Actor, today: date) -> list[Filing]:
    """Submitted filings whose 20-working-day review period has passed (Art. 12)."""
    actor.require(Role.REGULATOR, Role.ADMIN)
    query = (
        select(Filing)
        .where(Filing.state == FilingState.SUBMITTED, Filing.review_due < today)
        .order_by(Filing.review_due)
    )
    return list(session.scalars(scoped(query, actor)))


def late_cancellations(session: Session, actor: Actor) -> list[Filing]:
    """Cancellations notified less than 30 working days ahead (Art. 11(3)), for the regulator."""
    actor.require(Role.REGULATOR, Role.ADMIN)
    query = (
        select(Filing)
        .where(Filing.state == FilingState.CANCELLED, Filing.termination_notice_late.is_(True))
        .order_by(Filing.termination_date)
    )
    return list(session.scalars(scoped(query, actor)))
