"""Service agreements and platform rules (Art. 7): versioned per service; a user's acceptance of a
version is recorded, and a new version needs accepting again."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, not_found
from chainwarden.audit import record
from chainwarden.identity.errors import IdentityError
from chainwarden.identity.models import Acceptance, Agreement, AgreementKind, ServiceUser
from chainwarden.identity.trail import record_by_user
from chainwarden.registry.models import Provider, Service
from chainwarden.store.base import utcnow


def publish_agreement(
    session: Session,
    actor: Actor,
    service_id: str,
    kind: str,
    title: str,
    body: str,
    *,
    now: datetime | None = None,
) -> Agreement:
    """Publish the next version; users must accept it before they use the service again."""
    service = session.get(Service, service_id)
    if service is None:
        raise not_found("服务", "Service")
    provider = session.get_one(Provider, service.provider_id)
    if not actor.can_see(provider.id, provider.province_code):
        raise not_found("服务", "Service")
    actor.require_provider_admin_of(provider.id)
    if kind not in {str(k) for k in AgreementKind}:
        raise IdentityError(
            "invalid_agreement_kind",
            "协议类型必须是 service_agreement 或 platform_rules",
            "kind must be service_agreement or platform_rules",
            field="kind",
        )
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > 200 or not body:
        raise IdentityError(
            "agreement_incomplete",
            "协议需要标题（不超过200字）和正文",
            "An agreement needs a title (up to 200 characters) and a body",
        )
    version = (
        session.scalar(
            select(func.max(Agreement.version)).where(
                Agreement.service_id == service.id, Agreement.kind == kind
            )
        )
        or 0
    ) + 1
    now = now or utcnow()
    agreement = Agreement(
        service_id=service.id,
        provider_id=provider.id,
        kind=kind,
        version=version,
        title=title,
        body=body,
        body_sha256=hashlib.sha256(body.encode()).hexdigest(),
        published_at=now,
        published_by=actor.name,
    )
    session.add(agreement)
    session.flush()
    record(
        session,
        actor,
        "agreement.publish",
        "agreement",
        agreement.id,
        at=now,
        provider_id=provider.id,
        province_code=provider.province_code,
        details={"service_id": service.id, "kind": kind, "version": version, "title": title},
    )
    return agreement


def list_agreements(session: Session, service_id: str) -> list[Agreement]:
    """Every published version (they are public: Art. 7 rules are published to everyone)."""
    if session.get(Service, service_id) is None:
        raise not_found("服务", "Service")
    return list(
        session.scalars(
            select(Agreement)
            .where(Agreement.service_id == service_id)
            .order_by(Agreement.kind, Agreement.version)
        )
    )


def current_agreements(session: Session, service_id: str) -> list[Agreement]:
    """The latest version of each kind published for the service."""
    latest: dict[str, Agreement] = {}
    for agreement in list_agreements(session, service_id):
        latest[agreement.kind] = agreement
    return list(latest.values())


def pending_agreements(session: Session, user: ServiceUser) -> list[Agreement] | None:
    """Current versions the user has not accepted; None when the service has no service
    agreement at all (so nobody can have accepted one)."""
    current = current_agreements(session, user.service_id)
    if not any(a.kind == AgreementKind.SERVICE_AGREEMENT for a in current):
        return None
    accepted = set(
        session.scalars(
            select(Acceptance.agreement_id).where(
                Acceptance.user_id == user.id,
                Acceptance.agreement_id.in_([a.id for a in current]),
            )
        )
    )
    return [a for a in current if a.id not in accepted]


def accept_agreement(
    session: Session,
    user: ServiceUser,
    agreement_id: str,
    *,
    recorded_by: Actor | None = None,
    now: datetime | None = None,
) -> Acceptance:
    """Record that the user accepted this (current) version. ``recorded_by``: the staff account
    reporting an acceptance collected by the provider's own application; None when the user
    accepted through the API themselves."""
    from chainwarden.identity.access import require_manager_of

    if recorded_by is not None:
        require_manager_of(recorded_by, user.provider_id)
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.service_id != user.service_id:
        raise not_found("协议", "Agreement")
    latest = session.scalar(
        select(func.max(Agreement.version)).where(
            Agreement.service_id == agreement.service_id, Agreement.kind == agreement.kind
        )
    )
    if agreement.version != latest:
        raise IdentityError(
            "agreement_superseded",
            f"{agreement.title} v{agreement.version} 已被新版本 v{latest} 取代，请接受新版本",
            f"{agreement.title} v{agreement.version} is superseded by v{latest}; accept that instead",
            kind="conflict",
        )
    existing = session.scalar(
        select(Acceptance).where(
            Acceptance.user_id == user.id, Acceptance.agreement_id == agreement.id
        )
    )
    if existing is not None:
        return existing
    now = now or utcnow()
    acceptance = Acceptance(
        user_id=user.id,
        agreement_id=agreement.id,
        accepted_at=now,
        recorded_by=recorded_by.name if recorded_by else "user",
    )
    session.add(acceptance)
    session.flush()
    details = {"agreement_id": agreement.id, "kind": agreement.kind, "version": agreement.version}
    if recorded_by is None:
        record_by_user(
            session, user, "agreement.accept", "service_user", user.id, details=details, at=now
        )
    else:
        record(
            session,
            recorded_by,
            "agreement.accept",
            "service_user",
            user.id,
            at=now,
            provider_id=user.provider_id,
            province_code=user.province_code,
            details=details,
        )
    return acceptance


def acceptances_of(session: Session, user_id: str) -> list[tuple[Acceptance, Agreement]]:
    rows = session.execute(
        select(Acceptance, Agreement)
        .join(Agreement, Acceptance.agreement_id == Agreement.id)
        .where(Acceptance.user_id == user_id)
        .order_by(Acceptance.accepted_at)
    )
    return [(a, g) for a, g in rows]
