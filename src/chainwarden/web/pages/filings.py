"""Filings in the consoles: the list with deadlines, one filing with its history, and the
actions its provider (edit, submit, change, cancel) and its regulator (approve, return, refuse)
take on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role
from chainwarden.audit import events_for
from chainwarden.errors import ChainwardenError
from chainwarden.registry import deadlines
from chainwarden.registry import filings as rules
from chainwarden.registry.models import FilingState
from chainwarden.web.deps import DB, Clock, Tx
from chainwarden.web.i18n import N_
from chainwarden.web.pages.common import (
    NOTICES,
    PageRoute,
    SignedIn,
    attempt,
    message,
    render,
    see_other,
    status_of,
    visitor,
)
from chainwarden.web.pages.forms import ServiceFields, parse_date, service_form_values
from chainwarden.workdays.store import load_calendar

router = APIRouter(route_class=PageRoute, dependencies=[Depends(visitor)])

NOTICES.update(
    created=N_("The service is registered with a draft filing. Complete it and submit it."),
    edited=N_("The filing information was saved."),
    submitted=N_("The filing was submitted for review."),
    approved=N_("The service is filed and its filing number issued."),
    returned=N_("The filing was returned to its provider for completion."),
    refused=N_("The filing was refused."),
    changed=N_("The change was recorded."),
    cancelled=N_("The filing is cancelled as of the termination date."),
)


def _state_filter(value: str | None) -> FilingState | None:
    return FilingState(value) if value in {str(s) for s in FilingState} else None


@router.get("/console/filings")
def filing_list(
    request: Request,
    session: Tx,
    actor: SignedIn,
    state: str | None = Query(default=None, max_length=16),
) -> Response:
    found = rules.list_filings(session, actor, state=_state_filter(state))
    template = "console/_filing_rows.html" if request.headers.get("HX-Request") else None
    return render(
        request,
        template or "console/filings.html",
        {"filings": found, "state": state or "", "states": [str(s) for s in FilingState]},
    )


def filing_page(
    request: Request,
    session: Session,
    actor: Actor,
    filing_id: str,
    today: date,
    *,
    error: str = "",
    status_code: int = 200,
    form_values: dict[str, Any] | None = None,
) -> Response:
    filing = rules.get_filing(session, actor, filing_id)
    overdue = actor.role in (Role.REGULATOR, Role.ADMIN) and filing.id in {
        f.id for f in rules.overdue_reviews(session, actor, today)
    }
    return render(
        request,
        "console/filing.html",
        {
            "filing": filing,
            "service": filing.service,
            "provider": filing.service.provider,
            "history": events_for(session, filing.id),
            "overdue": overdue,
            "values": form_values or service_form_values(filing.service),
            "error": error,
            "provider_admin": actor.role is Role.PROVIDER_ADMIN,
            "regulator": actor.role is Role.REGULATOR,
        },
        status_code=status_code,
    )


@router.get("/console/filings/{filing_id}")
def filing_detail(
    request: Request, filing_id: str, session: Tx, actor: SignedIn, clock: Clock
) -> Response:
    return filing_page(request, session, actor, filing_id, deadlines.local_date(clock()))


def _act(
    request: Request,
    db: Any,
    actor: Actor,
    clock: Clock,
    filing_id: str,
    done: str,
    action: Callable[[Session], object],
    form_values: dict[str, Any] | None = None,
) -> Response:
    """Run an action on a filing; on success show the filing again with a notice, otherwise
    show it with the reason next to the forms."""
    result = attempt(db, action)
    if not isinstance(result, ChainwardenError):
        return see_other(f"/console/filings/{filing_id}?done={done}")
    with db.session() as session:
        return filing_page(
            request,
            session,
            actor,
            filing_id,
            deadlines.local_date(clock()),
            error=message(request, result),
            status_code=status_of(result),
            form_values=form_values,
        )


@router.post("/console/filings/{filing_id}/edit")
def edit(
    request: Request,
    filing_id: str,
    db: DB,
    actor: SignedIn,
    clock: Clock,
    fields: Annotated[ServiceFields, Form()],
) -> Response:
    def save(session: Session) -> object:
        return rules.edit_draft(session, actor, load_calendar(session), filing_id, fields.values())

    return _act(request, db, actor, clock, filing_id, "edited", save, fields.model_dump())


@router.post("/console/filings/{filing_id}/submit")
def submit(request: Request, filing_id: str, db: DB, actor: SignedIn, clock: Clock) -> Response:
    def send(session: Session) -> object:
        return rules.submit(session, actor, load_calendar(session), filing_id, clock())

    return _act(request, db, actor, clock, filing_id, "submitted", send)


@router.post("/console/filings/{filing_id}/approve")
def approve(
    request: Request,
    filing_id: str,
    db: DB,
    actor: SignedIn,
    clock: Clock,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def decide(session: Session) -> object:
        return rules.approve(session, actor, filing_id, clock(), reason.strip() or None)

    return _act(request, db, actor, clock, filing_id, "approved", decide)


@router.post("/console/filings/{filing_id}/return")
def return_for_completion(
    request: Request,
    filing_id: str,
    db: DB,
    actor: SignedIn,
    clock: Clock,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def decide(session: Session) -> object:
        return rules.return_for_completion(session, actor, filing_id, reason, clock())

    return _act(request, db, actor, clock, filing_id, "returned", decide)


@router.post("/console/filings/{filing_id}/refuse")
def refuse(
    request: Request,
    filing_id: str,
    db: DB,
    actor: SignedIn,
    clock: Clock,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def decide(session: Session) -> object:
        return rules.refuse(session, actor, filing_id, reason, clock())

    return _act(request, db, actor, clock, filing_id, "refused", decide)


@router.post("/console/filings/{filing_id}/change")
def change(
    request: Request,
    filing_id: str,
    db: DB,
    actor: SignedIn,
    clock: Clock,
    fields: Annotated[ServiceFields, Form()],
    change_date: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def record(session: Session) -> object:
        return rules.submit_change(
            session,
            actor,
            load_calendar(session),
            filing_id,
            change_date=parse_date(change_date, "change_date"),
            values=fields.values(include_start=False),
            reason=reason,
            now=clock(),
        )

    return _act(request, db, actor, clock, filing_id, "changed", record, fields.model_dump())


@router.post("/console/filings/{filing_id}/cancel")
def cancel(
    request: Request,
    filing_id: str,
    db: DB,
    actor: SignedIn,
    clock: Clock,
    termination_date: Annotated[str, Form(max_length=10)] = "",
    arrangements: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    def end(session: Session) -> object:
        return rules.cancel(
            session,
            actor,
            load_calendar(session),
            filing_id,
            termination_date=parse_date(termination_date, "termination_date"),
            arrangements=arrangements,
            now=clock(),
        )

    return _act(request, db, actor, clock, filing_id, "cancelled", end)
