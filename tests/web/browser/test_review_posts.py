"""In a real browser: a provider's reviewer finds a post that screening held, sees what was
found highlighted, and approves it; it leaves the queue and is published."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from chainwarden.accounts import Actor, Role
from chainwarden.demo import seed
from chainwarden.gateway import publish as gateway
from chainwarden.gateway.models import Post
from chainwarden.identity import agreements, users
from chainwarden.identity.verifiers import OfflineVerifier
from chainwarden.registry.models import Service
from chainwarden.store import Database
from chainwarden.web.app import create_app
from web.browser.conftest import NOW
from web.browser.test_portal import sign_in

from support.server import serving

HELD_TEXT = "这个币靠谱吗，有人了解吗"


@pytest.fixture(scope="module")
def site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo system plus one post by a verified user of 链信电子合同, held for review."""
    import chainwarden.models  # noqa: F401

    db = Database(f"sqlite:///{tmp_path_factory.mktemp('review') / 'demo.db'}")
    db.upgrade()
    for _ in seed(db):
        pass
    with db.session() as s:
        service = s.scalars(select(Service).where(Service.name == "链信电子合同")).one()
        admin = Actor(
            id=None, name="lianxin-admin", role=Role.PROVIDER_ADMIN, provider_id=service.provider_id
        )
        agreement = agreements.publish_agreement(
            s, admin, service.id, "service_agreement", "服务协议", "不得发布违法信息。"
        )
        user, _ = users.register_user(
            s,
            admin,
            service.id,
            users.NewUser(nickname="用户0001", real_name="王小明", number="13800138001"),
            now=NOW,
        )
        users.verify_user(s, admin, user.id, OfflineVerifier(), now=NOW)
        agreements.accept_agreement(s, user, agreement.id, now=NOW)
        held = gateway.publish(s, user, service.id, HELD_TEXT, now=NOW).post
        assert held.state == "held"
        held.hits = [
            {"rule": "r", "category": "speculation", "start": 2, "end": 3, "matched": "币"}
        ]
        post_id = held.id
    with serving(create_app(db, clock=lambda: NOW, upgrade=False)) as base:
        yield base
    with db.session() as s:
        assert s.get(Post, post_id).state == "published"  # type: ignore[union-attr]
    db.dispose()


def test_reviewer_approves_a_held_post(page: Any) -> None:
    sign_in(page, "lianxin-admin")
    page.get_by_role("link", name="待审内容").click()
    row = page.get_by_role("row").filter(has_text=HELD_TEXT)
    assert row.locator("mark").inner_text() == "币"
    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="通过并发布").click()
    page.get_by_text("所选内容已发布。").wait_for()
    assert page.get_by_role("row").filter(has_text=HELD_TEXT).count() == 0
