"""Regular checks of filing information (定期查验, Art. 14)."""

from __future__ import annotations

from fastapi import APIRouter

from chainwarden.registry import checks as rules
from chainwarden.registry.models import CheckCampaign, CheckResponse
from chainwarden.web.deps import Calendar, Clock, CurrentActor, Tx, UnitOfWorkRoute
from chainwarden.web.schemas import (
    CampaignIn,
    CampaignOut,
    CheckResponseIn,
    CheckResponseOut,
    OutstandingOut,
)

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/checks", tags=["regular checks"])


@router.get("", response_model=list[CampaignOut])
def list_campaigns(session: Tx, actor: CurrentActor) -> list[CheckCampaign]:
    return rules.list_campaigns(session, actor)


@router.post("", response_model=CampaignOut, status_code=201)
def open_campaign(body: CampaignIn, session: Tx, actor: CurrentActor) -> CheckCampaign:
    return rules.open_campaign(
        session,
        actor,
        title=body.title,
        opens_on=body.opens_on,
        closes_on=body.closes_on,
        province_code=body.province_code,
    )


@router.get("/{campaign_id}", response_model=CampaignOut)
def get_campaign(campaign_id: str, session: Tx, actor: CurrentActor) -> CheckCampaign:
    return rules.get_campaign(session, actor, campaign_id)


@router.post("/{campaign_id}/responses", response_model=CheckResponseOut, status_code=201)
def respond(
    campaign_id: str,
    body: CheckResponseIn,
    session: Tx,
    actor: CurrentActor,
    calendar: Calendar,
    clock: Clock,
) -> CheckResponse:
    return rules.respond(
        session,
        actor,
        calendar,
        campaign_id,
        body.filing_id,
        updates=body.updates,
        note=body.note,
        now=clock(),
    )


@router.get("/{campaign_id}/outstanding", response_model=list[OutstandingOut])
def outstanding(campaign_id: str, session: Tx, actor: CurrentActor) -> list[OutstandingOut]:
    """Filed services that have not responded within the window."""
    return [
        OutstandingOut(
            filing_id=o.filing.id,
            number=o.filing.number,
            service_name=o.filing.service.name,
            provider_id=o.filing.provider_id,
            late_response_at=o.response.submitted_at if o.response else None,
        )
        for o in rules.non_responders(session, actor, campaign_id)
    ]
