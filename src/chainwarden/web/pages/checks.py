"""Regular checks (Art. 14): regulators open campaigns and see who has not responded; providers
confirm their filing information."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from sqlalchemy.orm import Session

from chainwarden.registry import checks as rules
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
from chainwarden.web.pages.forms import parse_date
from chainwarden.workdays.store import load_calendar

router = APIRouter(route_class=PageRoute, dependencies=[Depends(visitor)])

NOTICES.update(
    opened=N_("The regular check is open."),
    responded=N_("Your response to the regular check was recorded."),
)


@router.get("/console/checks")
def campaigns(request: Request, session: Tx, actor: SignedIn) -> Response:
    return render(
        request,
        "console/checks.html",
        {"campaigns": rules.list_campaigns(session, actor), "values": {}, "error": ""},
    )


@router.post("/console/checks")
def open_campaign(
    request: Request,
    db: DB,
    actor: SignedIn,
    title: Annotated[str, Form(max_length=200)] = "",
    opens_on: Annotated[str, Form(max_length=10)] = "",
    closes_on: Annotated[str, Form(max_length=10)] = "",
    province_code: Annotated[str, Form(max_length=2)] = "",
) -> Response:
    def open_(session: Session) -> str:
        return rules.open_campaign(
            session,
            actor,
            title=title,
            opens_on=parse_date(opens_on, "opens_on"),
            closes_on=parse_date(closes_on, "closes_on"),
            province_code=province_code or None,
        ).id

    result = attempt(db, open_)
    if isinstance(result, str):
        return see_other(f"/console/checks/{result}?done=opened")
    with db.session() as session:
        return render(
            request,
            "console/checks.html",
            {
                "campaigns": rules.list_campaigns(session, actor),
                "values": {
                    "title": title,
                    "opens_on": opens_on,
                    "closes_on": closes_on,
                    "province_code": province_code,
                },
                "error": message(request, result),
            },
            status_code=status_of(result),
        )


@router.get("/console/checks/respond")
def provider_checks(request: Request, session: Tx, actor: SignedIn) -> Response:
    """Every open campaign with the provider's services it checks."""
    found = rules.list_campaigns(session, actor)
    return render(
        request,
        "console/checks_respond.html",
        {"items": [(c, rules.checklist(session, actor, c.id)) for c in found]},
    )


@router.get("/console/checks/{campaign_id}")
def campaign(request: Request, campaign_id: str, session: Tx, actor: SignedIn) -> Response:
    found = rules.get_campaign(session, actor, campaign_id)
    return render(
        request,
        "console/check.html",
        {"campaign": found, "items": rules.checklist(session, actor, found.id)},
    )


@router.post("/console/checks/{campaign_id}/respond")
def respond(
    request: Request,
    campaign_id: str,
    db: DB,
    actor: SignedIn,
    clock: Clock,
    filing_id: Annotated[str, Form(max_length=36)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def confirm(session: Session) -> str:
        return rules.respond(
            session,
            actor,
            load_calendar(session),
            campaign_id,
            filing_id,
            note=note.strip() or None,
            now=clock(),
        ).id

    result = attempt(db, confirm)
    if isinstance(result, str):
        return see_other("/console/checks/respond?done=responded")
    with db.session() as session:
        found = rules.list_campaigns(session, actor)
        return render(
            request,
            "console/checks_respond.html",
            {
                "items": [(c, rules.checklist(session, actor, c.id)) for c in found],
                "error": message(request, result),
            },
            status_code=status_of(result),
        )
