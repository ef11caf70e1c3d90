"""The gateway tests' world: a Beijing service with a published agreement, staff on both sides, and service users ready to
post (verified, agreement accepted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from chainwarden.accounts import SYSTEM, Actor, Role
from chainwarden.identity import agreements, users
from chainwarden.identity.models import ServiceUser
from chainwarden.identity.verifiers import OfflineVerifier
from chainwarden.registry import filings
from chainwarden.registry.providers import register_provider
from chainwarden.workdays import WorkingCalendar

from support.world import BEIJING, SHANGHAI, service_info

NOW = datetime(2026, 5, 6, 3, tzinfo=UTC)
ALLOWED = "今天用区块链做了供应链溯源的试点，效果不错。"
PROHIBITED = "ICO私募火热进行中，早期认购，保本保息，月收益30%，拉人头返利！"
GRAY = "这个币靠谱吗，有人了解吗"
MOBILES = ["13800138001", "13800138002", "13800138003", "13800138004", "13800138005"]


@dataclass
class GatewayWorld:
    service_id: str
    other_service_id: str
    beijing_id: str
    shanghai_id: str
    bj_admin: Actor
    bj_reviewer: Actor
    sh_admin: Actor
    bj_regulator: Actor
    sh_regulator: Actor
    cac: Actor
    agreement_id: str
    users: list[str] = field(default_factory=list)


def make_gateway_world(session: Session) -> GatewayWorld:
    bj = register_provider(session, SYSTEM, BEIJING)
    sh = register_provider(session, SYSTEM, SHANGHAI)
    cal = WorkingCalendar()

    def actor(name: str, role: Role, **scope: str) -> Actor:
        return Actor(id=None, name=name, role=role, **scope)

    bj_admin = actor("bj-admin", Role.PROVIDER_ADMIN, provider_id=bj.id)
    sh_admin = actor("sh-admin", Role.PROVIDER_ADMIN, provider_id=sh.id)
    bj_service = filings.open_service(session, bj_admin, cal, bj.id, service_info())
    sh_service = filings.open_service(session, sh_admin, cal, sh.id, service_info())
    agreement = agreements.publish_agreement(
        session, bj_admin, bj_service.id, "service_agreement", "服务协议", "不得发布违法信息。"
    )
    return GatewayWorld(
        service_id=bj_service.id,
        other_service_id=sh_service.id,
        beijing_id=bj.id,
        shanghai_id=sh.id,
        bj_admin=bj_admin,
        bj_reviewer=actor("bj-reviewer", Role.PROVIDER_REVIEWER, provider_id=bj.id),
        sh_admin=sh_admin,
        bj_regulator=actor("bj-cac", Role.REGULATOR, province_code="11"),
        sh_regulator=actor("sh-cac", Role.REGULATOR, province_code="31"),
        cac=actor("cac", Role.REGULATOR),
        agreement_id=agreement.id,
    )


def ready_user(
    session: Session,
    world: GatewayWorld,
    number: str,
    *,
    verify: bool = True,
    accept: bool = True,
) -> tuple[ServiceUser, str]:
    """A registered user (verified and agreement accepted unless told otherwise) and a token."""
    user, token = users.register_user(
        session,
        world.bj_admin,
        world.service_id,
        users.NewUser(nickname=f"用户{number[-4:]}", real_name="王小明", number=number),
        now=NOW,
    )
    if verify:
        users.verify_user(session, world.bj_admin, user.id, OfflineVerifier(), now=NOW)
    if accept:
        agreements.accept_agreement(session, user, world.agreement_id, now=NOW)
    return user, token.secret
