"""The provider's page of held posts: hits highlighted, approve publishes, reject needs a reason,
and another provider's reviewer sees nothing of it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from chainwarden.accounts import SYSTEM, Role
from chainwarden.accounts import service as accounts
from chainwarden.gateway import publish as gateway
from chainwarden.gateway.models import Post
from chainwarden.store import Database
from chainwarden.web.app import create_app

from support.gateway import GRAY, MOBILES, NOW, make_gateway_world, ready_user
from support.pages import post, signed_in_as


def _client(tmp_path) -> tuple[TestClient, str]:
    db = Database(f"sqlite:///{tmp_path / 'posts.db'}")
    db.upgrade()
    with db.session() as s:
        world = make_gateway_world(s)
        user, _ = ready_user(s, world, MOBILES[0])
        held = gateway.publish(s, user, world.service_id, GRAY, now=NOW).post
        assert held.state == "held"
        # Screening's spans index the original text; the page marks exactly those characters.
        held.hits = [
            {"rule": "r", "category": "speculation", "start": 2, "end": 3, "matched": "币"}
        ]
        for name, provider in (("bj-reviewer", world.beijing_id), ("sh-admin", world.shanghai_id)):
            accounts.create_account(
                s,
                SYSTEM,
                username=name,
                password="a-long-enough-password",
                role=Role.PROVIDER_REVIEWER if name == "bj-reviewer" else Role.PROVIDER_ADMIN,
                provider_id=provider,
            )
    return TestClient(create_app(db, clock=lambda: NOW, upgrade=False)), held.id


def test_reviewer_sees_highlights_and_approves(tmp_path):
    client, post_id = _client(tmp_path)
    token = signed_in_as(client, "bj-reviewer")
    page = client.get("/console/posts")
    assert page.status_code == 200
    assert f'value="{post_id}"' in page.text
    assert '这个<mark data-category="speculation">币</mark>靠谱吗' in page.text

    refused = post(client, "/console/posts/decide", token, post_ids=post_id, decision="reject")
    assert refused.status_code == 422 and 'role="alert"' in refused.text

    done = post(client, "/console/posts/decide", token, post_ids=post_id, decision="approve")
    assert done.status_code == 303
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        decided = s.scalars(select(Post).where(Post.id == post_id)).one()
        assert decided.state == "published" and decided.item_id
    assert f'value="{post_id}"' not in client.get("/console/posts").text


def test_other_provider_sees_no_held_post(tmp_path):
    client, post_id = _client(tmp_path)
    token = signed_in_as(client, "sh-admin")
    assert post_id not in client.get("/console/posts").text
    response = post(client, "/console/posts/decide", token, post_ids=post_id, decision="approve")
    assert response.status_code == 404
