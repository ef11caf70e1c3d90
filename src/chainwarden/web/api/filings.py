"""The filing procedure: submission, the regulator's decision, changes and cancellation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from chainwarden.audit import AuditEvent, events_for
from chainwarden.registry import deadlines
from chainwarden.registry import filings as rules
from chainwarden.registry.models import Filing, FilingChange, FilingState
from chainwarden.web.deps import Calendar, Clock, CurrentActor, Tx, UnitOfWorkRoute
from chainwarden.web.schemas import (
    AuditEventOut,
    CancellationIn,
    ChangeIn,
    FilingChangeOut,
    FilingOut,
    OptionalReasonIn,
    ReasonIn,
)

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/filings", tags=["filings"])


@router.get("", response_model=list[FilingOut])
def list_filings(
    session: Tx,
    actor: CurrentActor,
    state: FilingState | None = None,
    province: str | None = None,
    provider_id: str | None = None,
) -> list[Filing]:
    return rules.list_filings(
        session, actor, state=state, province_code=province, provider_id=provider_id
    )


@router.get("/overdue", response_model=list[FilingOut])
def overdue(session: Tx, actor: CurrentActor, clock: Clock) -> list[Filing]:
    """Submitted filings past their 20-working-day review deadline (Art. 12)."""
    return rules.overdue_reviews(session, actor, deadlines.local_date(clock()))


@router.get("/{filing_id}", response_model=FilingOut)
def get_filing(filing_id: str, session: Tx, actor: CurrentActor) -> Filing:
    return rules.get_filing(session, actor, filing_id)


@router.get("/{filing_id}/history", response_model=list[AuditEventOut])
def history(filing_id: str, session: Tx, actor: CurrentActor) -> list[AuditEvent]:
    filing = rules.get_filing(session, actor, filing_id)
    return events_for(session, filing.id)


@router.patch("/{filing_id}", response_model=FilingOut)
def edit_draft(
    filing_id: str, values: dict[str, Any], session: Tx, actor: CurrentActor, calendar: Calendar
) -> Filing:
    """Complete or correct the service information of a draft or returned filing."""
    return rules.edit_draft(session, actor, calendar, filing_id, values)


@router.post("/{filing_id}/submit", response_model=FilingOut)
def submit(
    filing_id: str, session: Tx, actor: CurrentActor, calendar: Calendar, clock: Clock
) -> Filing:
    return rules.submit(session, actor, calendar, filing_id, clock())


@router.post("/{filing_id}/return", response_model=FilingOut)
def return_for_completion(
    filing_id: str, body: ReasonIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Filing:
    return rules.return_for_completion(session, actor, filing_id, body.reason, clock())


@router.post("/{filing_id}/approve", response_model=FilingOut)
def approve(
    filing_id: str, body: OptionalReasonIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Filing:
    return rules.approve(session, actor, filing_id, clock(), body.reason)


@router.post("/{filing_id}/refuse", response_model=FilingOut)
def refuse(
    filing_id: str, body: ReasonIn, session: Tx, actor: CurrentActor, clock: Clock
) -> Filing:
    return rules.refuse(session, actor, filing_id, body.reason, clock())


@router.post("/{filing_id}/changes", response_model=FilingChangeOut, status_code=201)
def submit_change(
    filing_id: str,
    body: ChangeIn,
    session: Tx,
    actor: CurrentActor,
    calendar: Calendar,
    clock: Clock,
) -> FilingChange:
    return rules.submit_change(
        session,
        actor,
        calendar,
        filing_id,
        change_date=body.change_date,
        values=body.values,
        reason=body.reason,
        now=clock(),
    )


@router.post("/{filing_id}/cancellation", response_model=FilingOut)
def cancel(
    filing_id: str,
    body: CancellationIn,
    session: Tx,
    actor: CurrentActor,
    calendar: Calendar,
    clock: Clock,
) -> Filing:
    return rules.cancel(
        session,
        actor,
        calendar,
        filing_id,
        termination_date=body.termination_date,
        arrangements=body.arrangements,
        now=clock(),
    )
