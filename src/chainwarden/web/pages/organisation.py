"""Provider console: the organisation, its services, and registering a new service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor
from chainwarden.errors import ChainwardenError
from chainwarden.registry import filings as filing_rules
from chainwarden.registry import providers as provider_rules
from chainwarden.registry.providers import ServiceInfo
from chainwarden.web.deps import DB, Tx
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
from chainwarden.web.pages.forms import ServiceFields
from chainwarden.workdays.store import load_calendar

router = APIRouter(route_class=PageRoute, dependencies=[Depends(visitor)])


NOTICES.update(updated=N_("The organisation's information was updated."))


def _organisation_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: str = "",
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    providers = provider_rules.list_providers(session, actor)
    services = provider_rules.list_services(session, actor)
    return render(
        request,
        "console/organisation.html",
        {"providers": providers, "services": services, "error": error, "values": values},
        status_code=status_code,
    )


@router.get("/console/organisation")
def organisation(request: Request, session: Tx, actor: SignedIn) -> Response:
    return _organisation_page(request, session, actor)


class OrganisationFields(BaseModel):
    name: str = ""
    kind: str = ""
    legal_representative: str = ""
    responsible_person: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    address: str = ""
    reason: str = ""

    def changes(self) -> dict[str, str | None]:
        values: dict[str, str | None] = self.model_dump(exclude={"reason"})
        for optional in ("contact_email", "address"):
            values[optional] = (values[optional] or "").strip() or None
        return values


@router.post("/console/organisation/{provider_id}")
def update_organisation(
    request: Request,
    provider_id: str,
    db: DB,
    actor: SignedIn,
    fields: Annotated[OrganisationFields, Form()],
) -> Response:
    def update(session: Session) -> object:
        return provider_rules.update_provider(
            session, actor, provider_id, fields.changes(), fields.reason
        )

    result = attempt(db, update)
    if not isinstance(result, ChainwardenError):
        return see_other("/console/organisation?done=updated")
    with db.session() as session:
        return _organisation_page(
            request,
            session,
            actor,
            error=message(request, result),
            values=fields.model_dump(),
            status_code=status_of(result),
        )


def _new_service_page(
    request: Request, values: dict[str, Any], error: str = "", status_code: int = 200
) -> Response:
    return render(
        request,
        "console/service_new.html",
        {"values": values, "error": error},
        status_code=status_code,
    )


@router.get("/console/services/new")
def new_service_form(request: Request, actor: SignedIn) -> Response:
    return _new_service_page(request, {"node_count": "1", "server_addresses": ""})


@router.post("/console/services/new")
def create_service(
    request: Request, db: DB, actor: SignedIn, fields: Annotated[ServiceFields, Form()]
) -> Response:
    def create(session: Session) -> str:
        info = ServiceInfo(**provider_rules.checked_service_values(fields.values()))
        service = filing_rules.open_service(
            session, actor, load_calendar(session), actor.provider_id or "", info
        )
        assert service.filing is not None
        return service.filing.id

    result = attempt(db, create)
    if isinstance(result, str):
        return see_other(f"/console/filings/{result}?done=created")
    return _new_service_page(
        request, fields.model_dump(), message(request, result), status_of(result)
    )
