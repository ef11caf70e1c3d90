"""Two providers with logs to write to, and the people who act on them."""

from __future__ import annotations

import pytest

from chainwarden.accounts import SYSTEM, Actor, Role
from chainwarden.registry.providers import register_provider
from chainwarden.store import Database

from support.retention import Logs
from support.world import BEIJING, SHANGHAI


@pytest.fixture
def logs(db: Database) -> Logs:
    with db.session() as s:
        bj = register_provider(s, SYSTEM, BEIJING).id
        sh = register_provider(s, SYSTEM, SHANGHAI).id
    return Logs(
        db=db,
        beijing=bj,
        shanghai=sh,
        bj_admin=Actor("u-bj", "北京管理员", Role.PROVIDER_ADMIN, provider_id=bj),
        bj_reviewer=Actor("u-bjr", "北京审核员", Role.PROVIDER_REVIEWER, provider_id=bj),
        sh_admin=Actor("u-sh", "上海管理员", Role.PROVIDER_ADMIN, provider_id=sh),
        bj_regulator=Actor("u-bjc", "北京网信办", Role.REGULATOR, province_code="11"),
        sh_regulator=Actor("u-shc", "上海网信办", Role.REGULATOR, province_code="31"),
        cac=Actor("u-cac", "国家网信办", Role.REGULATOR),
    )
