"""Regular checks (定期查验, Art. 14): the regulator opens a window, filed providers confirm or
update their filing information within it, and those who did not are listed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, not_found
from chainwarden.audit import record
from chainwarden.regions import province
from chainwarden.registry import deadlines
from chainwarden.registry.errors import RegistryError
from chainwarden.registry.filings import get_filing, scoped, submit_change
from chainwarden.registry.models import CheckCampaign, CheckResponse, Filing, FilingState
from chainwarden.store.base import utcnow
from chainwarden.workdays import WorkingCalendar


def open_campaign(
    session: Session,
    actor: Actor,
    *,
    title: str,
    opens_on: date,
    closes_on: date,
    province_code: str | None = None,
) -> CheckCampaign:
    actor.require(Role.REGULATOR)
    if actor.province_code is not None:
        # A provincial office checks its own province only.
        if province_code not in (None, actor.province_code):
            raise RegistryError(
                "other_province",
                "省级网信部门只能对本省开展查验",
                "A provincial regulator can only check its own province",
                kind="forbidden",
            )
        province_code = actor.province_code
    elif province_code is not None:
        province(province_code)
    if closes_on < opens_on:
        raise RegistryError(
            "bad_window",
            "查验截止日期早于开始日期",
            "The check window closes before it opens",
        )
    if not title.strip():
        raise RegistryError("missing_field", "缺少查验名称", "title is required", field="title")
    campaign = CheckCampaign(
        title=title.strip(),
        province_code=province_code,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor.name,
    )
    session.add(campaign)
    session.flush()
    record(
        session,
        actor,
        "check.open",
        "check_campaign",
        campaign.id,
        province_code=province_code,
        details={
            "title": campaign.title,
            "opens_on": opens_on.isoformat(),
            "closes_on": closes_on.isoformat(),
        },
    )
    return campaign


def _visible(campaign: CheckCampaign, actor: Actor) -> bool:
    if actor.sees_everything or campaign.province_code is None:
        return True
    if actor.is_regulator:
        return actor.province_code == campaign.province_code
    return False


def get_campaign(session: Session, actor: Actor, campaign_id: str) -> CheckCampaign:
    campaign = session.get(CheckCampaign, campaign_id)
    if campaign is None or not (
        _visible(campaign, actor)
        or (actor.is_provider and _concerns_provider(session, campaign, actor))
    ):
        raise not_found("查验", "Regular check")
    return campaign


def _concerns_provider(session: Session, campaign: CheckCampaign, actor: Actor) -> bool:
    return bool(
        session.scalar(
            select(Filing.id)
            .where(
                Filing.provider_id == actor.provider_id,
                Filing.province_code == campaign.province_code,
            )
            .limit(1)
        )
    )


def list_campaigns(session: Session, actor: Actor) -> list[CheckCampaign]:
    campaigns = session.scalars(select(CheckCampaign).order_by(CheckCampaign.opens_on.desc()))
    return [
        c
        for c in campaigns
        if _visible(c, actor) or (actor.is_provider and _concerns_provider(session, c, actor))
    ]


def _in_scope(campaign: CheckCampaign, filing: Filing) -> bool:
    return campaign.province_code in (None, filing.province_code)


def respond(
    session: Session,
    actor: Actor,
    calendar: WorkingCalendar,
    campaign_id: str,
    filing_id: str,
    *,
    updates: dict[str, Any] | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> CheckResponse:
    """Confirm the filed information, or update it (recorded as a filing change of today)."""
    campaign = get_campaign(session, actor, campaign_id)
    filing = get_filing(session, actor, filing_id)
    actor.require_provider_admin_of(filing.provider_id)
    if filing.state != FilingState.FILED or not _in_scope(campaign, filing):
        raise RegistryError(
            "not_checked",
            "该备案不在本次查验范围内",
            "This filing is not part of this regular check",
            kind="conflict",
        )
    now = now or utcnow()
    today = deadlines.local_date(now)
    if today < campaign.opens_on:
        raise RegistryError(
            "check_not_open",
            f"查验将于 {campaign.opens_on.isoformat()} 开始",
            f"The regular check opens on {campaign.opens_on.isoformat()}",
            kind="conflict",
        )
    if session.scalar(
        select(CheckResponse.id).where(
            CheckResponse.campaign_id == campaign.id, CheckResponse.filing_id == filing.id
        )
    ):
        raise RegistryError(
            "already_responded",
            "该备案已提交本次查验信息",
            "This filing has already responded to this check",
            kind="conflict",
        )
    if updates:
        submit_change(
            session,
            actor,
            calendar,
            filing.id,
            change_date=today,
            values=updates,
            reason=note or f"定期查验 / regular check: {campaign.title}",
            now=now,
        )
    response = CheckResponse(
        campaign_id=campaign.id,
        filing_id=filing.id,
        provider_id=filing.provider_id,
        submitted_at=now,
        in_time=today <= campaign.closes_on,
        updates=updates or {},
        note=note,
        submitted_by=actor.name,
    )
    session.add(response)
    session.flush()
    record(
        session,
        actor,
        "check.respond",
        "check_campaign",
        campaign.id,
        at=now,
        provider_id=filing.provider_id,
        province_code=filing.province_code,
        details={"filing": filing.id, "in_time": response.in_time, "updated": bool(updates)},
    )
    return response


@dataclass(frozen=True)
class Outstanding:
    filing: Filing
    response: CheckResponse | None  # a late response, or None if there was none


def non_responders(session: Session, actor: Actor, campaign_id: str) -> list[Outstanding]:
    """Filed services of the campaign's scope without a response inside the window."""
    campaign = get_campaign(session, actor, campaign_id)
    actor.require(Role.REGULATOR, Role.ADMIN)
    query = select(Filing).where(Filing.state == FilingState.FILED).order_by(Filing.number)
    if campaign.province_code:
        query = query.where(Filing.province_code == campaign.province_code)
    responses = {
        r.filing_id: r
        for r in session.scalars(
            select(CheckResponse).where(CheckResponse.campaign_id == campaign.id)
        )
    }
    return [
        Outstanding(filing, responses.get(filing.id))
        for filing in session.scalars(scoped(query, actor))
        if filing.id not in responses or not responses[filing.id].in_time
    ]


@dataclass(frozen=True)
class ChecklistItem:
    filing: Filing
    response: CheckResponse | None


def checklist(session: Session, actor: Actor, campaign_id: str) -> list[ChecklistItem]:
    """The filed services a campaign checks that the actor may see, each with its response (if
    any): a provider sees what it still has to confirm, a regulator the whole picture."""
    campaign = get_campaign(session, actor, campaign_id)
    query = select(Filing).where(Filing.state == FilingState.FILED).order_by(Filing.number)
    if campaign.province_code:
        query = query.where(Filing.province_code == campaign.province_code)
    responses = {
        r.filing_id: r
        for r in session.scalars(
            select(CheckResponse).where(CheckResponse.campaign_id == campaign.id)
        )
    }
    return [
        ChecklistItem(filing, responses.get(filing.id))
        for filing in session.scalars(scoped(query, actor))
    ]
