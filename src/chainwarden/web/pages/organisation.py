"""Provider console: the organisation, its services, and registering a new service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from sqlalchemy.orm import Session

from chainwarden.registry import filings as filing_rules
from chainwarden.registry import providers as provider_rules
from chainwarden.registry.providers import ServiceInfo
from chainwarden.web.deps import DB, Tx
from chainwarden.web.pages.common import (
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


@router.get("/console/organisation")
def organisation(request: Request, session: Tx, actor: SignedIn) -> Response:
    providers = provider_rules.list_providers(session, actor)
    services = provider_rules.list_services(session, actor)
    return render(
        request,
        "console/organisation.html",
        {"providers": providers, "services": services},
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
