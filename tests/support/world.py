"""A small world for registry tests: two providers in two provinces and their accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from chainwarden.accounts import SYSTEM, Actor, Role
from chainwarden.accounts import service as accounts
from chainwarden.registry import filings
from chainwarden.registry.providers import ProviderInfo, ServiceInfo, register_provider
from chainwarden.workdays import WorkingCalendar

PASSWORD = "correct horse battery"
BEIJING = ProviderInfo(
    name="北京链测科技有限公司",
    uscc="91110108MA01ABCD0B",
    kind="entity",
    region_code="110108",
    legal_representative="王一",
    responsible_person="李二",
    contact_phone="13800138000",
)
SHANGHAI = ProviderInfo(
    name="上海链测数据有限公司",
    uscc="91310115MA1HXY2T0D",
    kind="node",
    region_code="310115",
    legal_representative="张三",
    responsible_person="赵四",
    contact_phone="021-61234567",
)


def at(day: str, hour: int = 3) -> datetime:
    """A moment on that day in Beijing (03:00 UTC is 11:00 in Beijing)."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def service_info(
    name: str = "链上存证", started: str = "2026-03-02", **extra: object
) -> ServiceInfo:
    values: dict[str, object] = {
        "name": name,
        "category": "存证",
        "form": "website",
        "address": "https://cz.example",
        "application_field": "司法存证",
        "chain_type": "consortium",
        "platform": "FISCO BCOS",
        "node_count": 4,
        "started_on": date.fromisoformat(started),
        "server_addresses": ["198.51.100.7"],
    }
    values.update(extra)
    return ServiceInfo(**values)


@dataclass
class World:
    beijing_id: str
    shanghai_id: str
    admin: Actor
    cac: Actor  # national regulator
    bj_regulator: Actor
    sh_regulator: Actor
    bj_provider: Actor
    bj_reviewer: Actor
    sh_provider: Actor


def make_world(session: Session) -> World:
    bj = register_provider(session, SYSTEM, BEIJING)
    sh = register_provider(session, SYSTEM, SHANGHAI)

    def actor(username: str, role: Role, **scope: str) -> Actor:
        return accounts.actor_of(
            accounts.create_account(
                session, SYSTEM, username=username, password=PASSWORD, role=role, **scope
            )
        )

    return World(
        beijing_id=bj.id,
        shanghai_id=sh.id,
        admin=actor("admin", Role.ADMIN),
        cac=actor("cac", Role.REGULATOR),
        bj_regulator=actor("bj-cac", Role.REGULATOR, province_code="11"),
        sh_regulator=actor("sh-cac", Role.REGULATOR, province_code="31"),
        bj_provider=actor("bj-admin", Role.PROVIDER_ADMIN, provider_id=bj.id),
        bj_reviewer=actor("bj-reviewer", Role.PROVIDER_REVIEWER, provider_id=bj.id),
        sh_provider=actor("sh-admin", Role.PROVIDER_ADMIN, provider_id=sh.id),
    )


def new_filing(
    session: Session,
    world: World,
    calendar: WorkingCalendar,
    *,
    provider: str = "beijing",
    **service: object,
) -> str:
    provider_id, actor = (
        (world.beijing_id, world.bj_provider)
        if provider == "beijing"
        else (world.shanghai_id, world.sh_provider)
    )
    created = filings.open_service(session, actor, calendar, provider_id, service_info(**service))
    assert created.filing is not None
    return created.filing.id
