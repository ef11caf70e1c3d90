"""Two providers with one service each, and the people acting on them. The actors are built
directly (no accounts, so no password hashing): identity checks the actor, not the account."""

from __future__ import annotations

from dataclasses import dataclass

from chainwarden.accounts import SYSTEM, Actor, Role
from chainwarden.registry.models import Filing
from chainwarden.registry.providers import register_provider
from chainwarden.workdays import WorkingCalendar

from support.world import BEIJING, SHANGHAI


@dataclass
class IdentityWorld:
    service_id: str  # a Beijing service
    other_service_id: str  # a Shanghai service
    beijing_id: str
    shanghai_id: str
    admin: Actor
    cac: Actor
    bj_regulator: Actor
    sh_regulator: Actor
    bj_provider: Actor
    bj_reviewer: Actor
    sh_provider: Actor


def make_identity_world(session) -> IdentityWorld:
    from chainwarden.registry import filings

    from support.world import service_info

    bj = register_provider(session, SYSTEM, BEIJING)
    sh = register_provider(session, SYSTEM, SHANGHAI)
    cal = WorkingCalendar()

    def actor(name: str, role: Role, **scope: str) -> Actor:
        return Actor(id=None, name=name, role=role, **scope)

    bj_provider = actor("bj-admin", Role.PROVIDER_ADMIN, provider_id=bj.id)
    sh_provider = actor("sh-admin", Role.PROVIDER_ADMIN, provider_id=sh.id)
    bj_service = filings.open_service(session, bj_provider, cal, bj.id, service_info())
    sh_service = filings.open_service(session, sh_provider, cal, sh.id, service_info())
    assert isinstance(bj_service.filing, Filing)
    return IdentityWorld(
        service_id=bj_service.id,
        other_service_id=sh_service.id,
        beijing_id=bj.id,
        shanghai_id=sh.id,
        admin=actor("admin", Role.ADMIN),
        cac=actor("cac", Role.REGULATOR),
        bj_regulator=actor("bj-cac", Role.REGULATOR, province_code="11"),
        sh_regulator=actor("sh-cac", Role.REGULATOR, province_code="31"),
        bj_provider=bj_provider,
        bj_reviewer=actor("bj-reviewer", Role.PROVIDER_REVIEWER, provider_id=bj.id),
        sh_provider=sh_provider,
    )
