"""Provider organisations and their services."""

from __future__ import annotations

from fastapi import APIRouter

from chainwarden.registry import filings as filing_rules
from chainwarden.registry import providers as registry
from chainwarden.registry.models import Filing, Provider, Service
from chainwarden.web.deps import Calendar, CurrentActor, Tx, UnitOfWorkRoute
from chainwarden.web.schemas import (
    FilingOut,
    ProviderIn,
    ProviderOut,
    ProviderPatch,
    ServiceIn,
    ServiceOut,
)

router = APIRouter(route_class=UnitOfWorkRoute, tags=["providers"])


@router.get("/providers", response_model=list[ProviderOut])
def list_providers(session: Tx, actor: CurrentActor) -> list[Provider]:
    return registry.list_providers(session, actor)


@router.post("/providers", response_model=ProviderOut, status_code=201)
def register_provider(body: ProviderIn, session: Tx, actor: CurrentActor) -> Provider:
    info = registry.ProviderInfo(**body.model_dump(exclude={"reason"}))
    return registry.register_provider(session, actor, info, reason=body.reason)


@router.get("/providers/{provider_id}", response_model=ProviderOut)
def get_provider(provider_id: str, session: Tx, actor: CurrentActor) -> Provider:
    return registry.get_provider(session, actor, provider_id)


@router.patch("/providers/{provider_id}", response_model=ProviderOut)
def update_provider(
    provider_id: str, body: ProviderPatch, session: Tx, actor: CurrentActor
) -> Provider:
    return registry.update_provider(session, actor, provider_id, body.values, body.reason)


@router.get("/services", response_model=list[ServiceOut])
def list_services(
    session: Tx, actor: CurrentActor, provider_id: str | None = None
) -> list[Service]:
    return registry.list_services(session, actor, provider_id)


@router.post("/providers/{provider_id}/services", response_model=FilingOut, status_code=201)
def open_service(
    provider_id: str, body: ServiceIn, session: Tx, actor: CurrentActor, calendar: Calendar
) -> Filing:
    """Register a service; returns its draft filing with the filing deadline (Art. 11/23)."""
    service = filing_rules.open_service(
        session, actor, calendar, provider_id, registry.ServiceInfo(**body.model_dump())
    )
    session.refresh(service)
    assert service.filing is not None
    return service.filing


@router.get("/services/{service_id}", response_model=ServiceOut)
def get_service(service_id: str, session: Tx, actor: CurrentActor) -> Service:
    return registry.get_service(session, actor, service_id)
