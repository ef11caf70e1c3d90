"""The review queue, policy and regulator views over HTTP: bulk decisions, escalation, scoping."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from chainwarden.accounts import SYSTEM, Role
from chainwarden.accounts import service as accounts
from chainwarden.gateway import publish as gateway
from chainwarden.web.app import create_app

from support.gateway import GRAY, MOBILES, NOW, ready_user


@pytest.fixture
def client(db):
    with TestClient(create_app(db, clock=lambda: NOW, upgrade=False)) as c:
        yield c


def token(s, username: str, role: Role, **scope: str) -> dict[str, str]:
    account = accounts.create_account(
        s, SYSTEM, username=username, password="correct horse battery", role=role, **scope
    )
    return {
        "Authorization": f"Bearer {accounts.create_token(s, accounts.actor_of(account), 't').secret}"
    }


def test_bulk_escalate_and_policy(db, gw, client):
    from datetime import timedelta

    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        ids = [
            gateway.publish(
                s, user, gw.service_id, GRAY + "？" * n, now=NOW - timedelta(days=2)
            ).post.id
            for n in range(3)
        ]
        reviewer = token(s, "bj-reviewer", Role.PROVIDER_REVIEWER, provider_id=gw.beijing_id)
        admin = token(s, "bj-admin", Role.PROVIDER_ADMIN, provider_id=gw.beijing_id)
        other = token(s, "sh-admin", Role.PROVIDER_ADMIN, provider_id=gw.shanghai_id)

    assert client.get("/api/v1/gateway/queue", headers=other).json() == []
    escalated = client.post("/api/v1/gateway/queue/escalate", json={}, headers=admin)
    assert escalated.status_code == 200 and len(escalated.json()) == 3  # default: 24 hours
    assert (
        client.post("/api/v1/gateway/queue/escalate", json={}, headers=reviewer).status_code == 403
    )

    no_reason = client.post(
        "/api/v1/gateway/queue/decisions",
        json={"post_ids": ids, "approve": False},
        headers=reviewer,
    )
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "reason_required"
    foreign = client.post(
        "/api/v1/gateway/queue/decisions", json={"post_ids": ids, "approve": True}, headers=other
    )
    assert foreign.status_code == 404
    done = client.post(
        "/api/v1/gateway/queue/decisions",
        json={"post_ids": ids[:2], "approve": False, "reason": "虚拟币推广"},
        headers=reviewer,
    )
    assert done.status_code == 200, done.text
    states = [d["post"]["state"] for d in done.json()]
    assert states == ["rejected", "rejected"]
    assert [m["kind"] for m in done.json()[1]["measures"]] == ["warning"]  # two offences
    queue = client.get("/api/v1/gateway/queue?escalated=true", headers=reviewer).json()
    assert [p["id"] for p in queue] == ids[2:]
    assert queue[0]["text"] == GRAY + "？" * 2
    assert "".join(seg["text"] for seg in queue[0]["segments"]) == queue[0]["text"]

    policy = client.put(
        "/api/v1/gateway/policy",
        json={"rules": [{"id": "r", "offences": 5, "days": 30, "measure": "warning"}]},
        headers=admin,
    )
    assert policy.status_code == 200 and policy.json()["rules"][0]["id"] == "r"
    assert (
        client.get("/api/v1/gateway/policy", headers=reviewer).json()["rules"][0]["offences"] == 5
    )
    bad = client.put(
        "/api/v1/gateway/policy",
        json={"rules": [{"id": "r", "offences": 5, "days": 30, "measure": "closure"}]},
        headers=admin,
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_policy"
    assert (
        client.put("/api/v1/gateway/policy", json={"rules": []}, headers=reviewer).status_code
        == 403
    )
