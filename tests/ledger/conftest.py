from __future__ import annotations

from dataclasses import dataclass

import pytest

from chainwarden.accounts import SYSTEM, Actor, Role
from chainwarden.registry.providers import register_provider

from support.world import BEIJING, SHANGHAI


@dataclass
class World:
    beijing_id: str
    shanghai_id: str
    bj_regulator: Actor
    sh_regulator: Actor
    bj_provider: Actor
    bj_reviewer: Actor
    sh_provider: Actor


@pytest.fixture
def world(db) -> World:
    """Two providers and the people acting on them (no accounts: the ledger needs none)."""
    with db.session() as s:
        bj = register_provider(s, SYSTEM, BEIJING).id
        sh = register_provider(s, SYSTEM, SHANGHAI).id
    return World(
        beijing_id=bj,
        shanghai_id=sh,
        bj_regulator=Actor("r-bj", "bj-cac", Role.REGULATOR, province_code="11"),
        sh_regulator=Actor("r-sh", "sh-cac", Role.REGULATOR, province_code="31"),
        bj_provider=Actor("p-bj", "bj-admin", Role.PROVIDER_ADMIN, provider_id=bj),
        bj_reviewer=Actor("v-bj", "bj-reviewer", Role.PROVIDER_REVIEWER, provider_id=bj),
        sh_provider=Actor("p-sh", "sh-admin", Role.PROVIDER_ADMIN, provider_id=sh),
    )
