"""Complaints and reports from the public (Art. 18): anyone may complain about a service or one
of its posts, without an account (rate-limited per source). The provider sees and resolves its
complaints; those still unresolved after the deadline (working days) are visible to the
regulators of its province.

Domain functions run inside the caller's transaction and never commit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role, denied, not_found, restrict
from chainwarden.audit import record
from chainwarden.gateway.errors import GatewayError
from chainwarden.gateway.models import Complaint, ComplaintState, Post
from chainwarden.keys import keyring
from chainwarden.registry.models import Provider, Service
from chainwarden.settings import LOCAL_TZ
from chainwarden.store.base import utcnow
from chainwarden.store.ratelimits import Tiers
from chainwarden.workdays import WorkingCalendar

# Working days a provider has to resolve a complaint.
DEADLINE_WORKING_DAYS = 10
# Complaints one source may file per hour, counted like failed sign-ins (in memory, or in Redis
# when the servers share one).
RATE_LIMIT = 5
COMPLAINTS = Tiers.of("complaints:source", (RATE_LIMIT, 60))


def source_hash(source: str) -> str:
    return keyring().lookup_hash(source or "unknown", purpose="gateway.complaint-source")


def file_complaint(
    session: Session,
    calendar: WorkingCalendar,
    *,
    service_id: str,
    body: str,
    source: str,
    post_id: str | None = None,
    contact: str | None = None,
    now: datetime | None = None,
) -> Complaint:
    """A complaint from the public about a service (or one of its posts). ``source`` is where it
    came from (e.g. the client address); only its keyed hash is kept, for rate limiting."""
    now = now or utcnow()
    body = (body or "").strip()
    if not 5 <= len(body) <= 4000:
        raise GatewayError(
            "invalid_complaint",
            "投诉内容须为5至4000个字符",
            "A complaint must be 5 to 4000 characters",
            field="body",
        )
    contact = (contact or "").strip() or None
    if contact is not None and len(contact) > 200:
        raise GatewayError(
            "invalid_contact",
            "联系方式不能超过200个字符",
            "contact: at most 200 characters",
            field="contact",
        )
    service = session.get(Service, service_id)
    if service is None:
        raise GatewayError("service_not_found", "服务不存在", "Service not found", kind="not_found")
    if post_id is not None:
        post = session.get(Post, post_id)
        if post is None or post.service_id != service.id:
            raise GatewayError(
                "post_not_found",
                "该服务下没有这条内容",
                "No such post on this service",
                kind="not_found",
                field="post_id",
            )
    hashed = source_hash(source)
    wait = COMPLAINTS.retry_after(hashed)
    if wait is not None:
        raise GatewayError(
            "too_many_complaints",
            f"提交过于频繁：每小时最多{RATE_LIMIT}条，请稍后再试",
            f"Too many complaints: at most {RATE_LIMIT} an hour; try again later",
            kind="too_many_requests",
            retry_after=wait,
        )
    provider = session.get_one(Provider, service.provider_id)
    filed_on = now.astimezone(LOCAL_TZ).date()
    due = calendar.add_working_days(filed_on, DEADLINE_WORKING_DAYS)
    complaint = Complaint(
        service_id=service.id,
        provider_id=provider.id,
        province_code=provider.province_code,
        post_id=post_id,
        body=body,
        contact=contact,
        source_hash=hashed,
        state=str(ComplaintState.OPEN),
        created_at=now,
        due=due,
        provisional=calendar.depends_on_provisional(filed_on, due),
    )
    session.add(complaint)
    session.flush()
    COMPLAINTS.hit(hashed)
    return complaint


def _visible(actor: Actor) -> Any:
    return restrict(
        select(Complaint).order_by(Complaint.created_at, Complaint.id),
        actor,
        provider=Complaint.provider_id,
        province=Complaint.province_code,
    )


def list_complaints(
    session: Session, actor: Actor, *, state: str | None = None, limit: int = 500
) -> list[Complaint]:
    """The provider's complaints (its own staff; admins see all)."""
    actor.require(Role.PROVIDER_ADMIN, Role.PROVIDER_REVIEWER, Role.ADMIN)
    query = _visible(actor).limit(limit)
    if state:
        query = query.where(Complaint.state == state)
    return list(session.scalars(query))


def overdue_complaints(session: Session, actor: Actor, today: date) -> list[Complaint]:
    """Unresolved complaints past their deadline: what a regulator sees of them."""
    query = _visible(actor).where(Complaint.state == ComplaintState.OPEN, Complaint.due < today)
    return list(session.scalars(query))


def resolve_complaint(
    session: Session,
    actor: Actor,
    complaint_id: str,
    resolution: str,
    *,
    now: datetime | None = None,
) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or not actor.can_see(complaint.provider_id, complaint.province_code):
        raise not_found("投诉", "Complaint")
    if actor.role is not Role.SYSTEM and (
        actor.role not in (Role.PROVIDER_ADMIN, Role.PROVIDER_REVIEWER)
        or actor.provider_id != complaint.provider_id
    ):
        raise denied()
    resolution = (resolution or "").strip()
    if not resolution or len(resolution) > 4000:
        raise GatewayError(
            "resolution_required",
            "须说明处理结果（不超过4000字）",
            "Say how the complaint was resolved (up to 4000 characters)",
            field="resolution",
        )
    if complaint.state == ComplaintState.RESOLVED:
        raise GatewayError(
            "already_resolved", "该投诉已处理", "The complaint is already resolved", kind="conflict"
        )
    now = now or utcnow()
    complaint.state = str(ComplaintState.RESOLVED)
    complaint.resolved_at, complaint.resolved_by, complaint.resolution = now, actor.name, resolution
    record(
        session,
        actor,
        "complaint.resolve",
        "complaint",
        complaint.id,
        reason=resolution,
        at=now,
        provider_id=complaint.provider_id,
        province_code=complaint.province_code,
        details={
            "due": complaint.due.isoformat(),
            "late": now.astimezone(LOCAL_TZ).date() > complaint.due,
        },
    )
    return complaint
