"""Two providers with logs to write to, and the people who act on them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from chainwarden.accounts import SYSTEM, Actor, Role
from chainwarden.registry.providers import register_provider
from chainwarden.retention import NewEntry, append_many, service
from chainwarden.retention.export import ExportQuery, export_bundle
from chainwarden.store import Database

from support.bundles import EXPORTED_ENTRIES, Exported, entry_lines
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


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    """A bundle of every entry of a 20-entry log (and the export entry), made once per module."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('bundle') / 'cw.db'}")
    db.upgrade()
    at = datetime(2026, 3, 2, 3, tzinfo=UTC)
    with db.session() as s:
        provider = register_provider(s, SYSTEM, BEIJING).id
        items = [
            NewEntry("published_item", "user", {"n": i}, user_id="u", at=at)
            for i in range(EXPORTED_ENTRIES)
        ]
        append_many(s, provider, items)
    regulator = Actor("u-bjc", "北京网信办", Role.REGULATOR, province_code="11")
    with db.session() as s:
        bundle = export_bundle(s, regulator, provider, ExportQuery(), reason="协查").bundle
        key = service.public_key(s, provider)
    db.dispose()
    ids = {line["index"]: line["id"] for line in entry_lines(bundle)}
    yield Exported(bundle, key, ids)
