"""The whole path over HTTP: a user registered, verified and accepting the agreement publishes (ledger,
retention, inclusion proof), is blocked with highlighted spans, is held for review and approved,
offends again until a measure stops posting; the provider reports to the regulator, and the
public complains."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from chainwarden import merkle
from chainwarden.accounts import SYSTEM, Role
from chainwarden.accounts import service as accounts
from chainwarden.identity import measures
from chainwarden.ledger.models import Item
from chainwarden.retention import proofs
from chainwarden.retention.models import LogEntry
from chainwarden.web.app import create_app

from support.gateway import ALLOWED, GRAY, MOBILES, NOW, PROHIBITED


@pytest.fixture
def client(db):
    with TestClient(create_app(db, clock=lambda: NOW, upgrade=False)) as c:
        yield c


def staff_token(s, username: str, role: Role, **scope: str) -> dict[str, str]:
    account = accounts.create_account(
        s, SYSTEM, username=username, password="correct horse battery", role=role, **scope
    )
    secret = accounts.create_token(s, accounts.actor_of(account), "tests").secret
    return {"Authorization": f"Bearer {secret}"}


def test_publish_review_measure_report_complaint(db, gw, client):
    with db.session() as s:
        reviewer = staff_token(s, "bj-reviewer", Role.PROVIDER_REVIEWER, provider_id=gw.beijing_id)
        admin = staff_token(s, "bj-admin", Role.PROVIDER_ADMIN, provider_id=gw.beijing_id)
        regulator = staff_token(s, "bj-cac", Role.REGULATOR, province_code="11")
        sh_regulator = staff_token(s, "sh-cac", Role.REGULATOR, province_code="31")
    posts = f"/api/v1/services/{gw.service_id}/posts"

    # Register → (refused) → verify → (refused) → accept the agreement.
    registered = client.post(
        f"/api/v1/services/{gw.service_id}/users",
        json={"nickname": "小王", "real_name": "王小明", "number": MOBILES[0], "verify": False},
        headers=admin,
    )
    assert registered.status_code == 201, registered.text
    user_id = registered.json()["user"]["id"]
    me = {"Authorization": f"Bearer {registered.json()['token']['token']}"}
    refused = client.post(posts, json={"text": ALLOWED}, headers=me)
    assert refused.status_code == 403 and refused.json()["code"] == "not_verified"
    verified = client.post(f"/api/v1/service-users/{user_id}/verify", headers=admin)
    assert verified.status_code == 200 and verified.json()["user"]["verification"] == "verified"
    refused = client.post(posts, json={"text": ALLOWED}, headers=me)
    assert refused.status_code == 403 and refused.json()["code"] == "agreement_not_accepted"
    accepted = client.post(f"/api/v1/me/agreements/{gw.agreement_id}/accept", headers=me)
    assert accepted.status_code == 201, accepted.text

    # Allowed text: on the ledger, in retention, provably.
    ok = client.post(posts, json={"text": ALLOWED}, headers=me)
    assert ok.status_code == 201, ok.text
    published = ok.json()
    with db.session() as s:
        item = s.get_one(Item, published["item"]["id"])
        assert item.content == ALLOWED.encode()
        entry = s.get_one(LogEntry, published["log_entry"]["id"])
        assert entry.entry_type == "published_item"
        head = proofs.head(s, gw.beijing_id)
        path = proofs.inclusion_proof(s, gw.beijing_id, entry.idx)
        assert merkle.verify_inclusion(entry.leaf_hash, entry.idx, head.size, path, head.root_hash)

    # Prohibited text: refused with the categories and the spans to highlight.
    blocked = client.post(posts, json={"text": PROHIBITED}, headers=me)
    assert blocked.status_code == 422 and blocked.json()["code"] == "content_blocked"
    hits = blocked.json()["hits"]
    assert hits and all(PROHIBITED[h["start"] : h["end"]] == h["matched"] for h in hits)

    # Gray text: held; the reviewer sees it highlighted and approves it.
    held = client.post(posts, json={"text": GRAY}, headers=me)
    assert held.status_code == 202
    held_id = held.json()["post"]["id"]
    queue = client.get("/api/v1/gateway/queue", headers=reviewer).json()
    assert [p["id"] for p in queue] == [held_id]
    assert "".join(seg["text"] for seg in queue[0]["segments"]) == GRAY
    assert client.get("/api/v1/gateway/queue", headers=me).status_code == 401
    approved = client.post(
        f"/api/v1/gateway/queue/{held_id}/decision",
        json={"approve": True, "reason": "用户提问，非推广"},
        headers=reviewer,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["post"]["state"] == "published" and approved.json()["post"]["item_id"]
    assert client.get("/api/v1/gateway/queue", headers=reviewer).json() == []

    # Repeat offences: a warning after the second block, a restriction after the third.
    second = client.post(posts, json={"text": PROHIBITED + "！"}, headers=me).json()
    assert [m["kind"] for m in second["measures"]] == ["warning"]
    third = client.post(posts, json={"text": PROHIBITED + "!!"}, headers=me).json()
    (restriction,) = third["measures"]
    assert (
        restriction["kind"] == "restriction" and restriction["rule"]["id"] == "repeat-restriction"
    )
    assert len(restriction["rule"]["posts"]) == 3
    refused = client.post(posts, json={"text": ALLOWED}, headers=me)
    assert refused.status_code == 403 and refused.json()["code"] == "function_restricted"
    assert "repeat-restriction" in refused.json()["message"]["en"]
    with db.session() as s:
        kinds = [m.kind for m in measures.measures_of(s, user_id)]
        assert sorted(kinds) == ["restriction", "warning"]

    # The provider reports to the regulator; it lands in Beijing's inbox only.
    sent = client.post(
        "/api/v1/gateway/reports",
        json={"period_start": "2026-05-01", "period_end": "2026-05-31", "summary": "五月报告"},
        headers=admin,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["body"]["posts"]["blocked"] == 3
    inbox = client.get("/api/v1/gateway/reports", headers=regulator).json()
    assert [r["id"] for r in inbox] == [sent.json()["id"]]
    assert client.get("/api/v1/gateway/reports", headers=sh_regulator).json() == []

    # Anyone complains without an account; the provider resolves it.
    complaint = client.post(
        "/api/v1/complaints",
        json={"service_id": gw.service_id, "post_id": held_id, "body": "疑似虚拟币推广"},
    )
    assert complaint.status_code == 201, complaint.text
    listed = client.get("/api/v1/gateway/complaints", headers=reviewer).json()
    assert [c["id"] for c in listed] == [complaint.json()["id"]]
    assert client.get("/api/v1/gateway/complaints", headers=regulator).json() == []  # not overdue
    resolved = client.post(
        f"/api/v1/gateway/complaints/{complaint.json()['id']}/resolve",
        json={"resolution": "已复核，内容为提问"},
        headers=reviewer,
    )
    assert resolved.status_code == 200 and resolved.json()["state"] == "resolved"
    for _ in range(5):
        client.post(
            "/api/v1/complaints", json={"service_id": gw.service_id, "body": "再次投诉此服务"}
        )
    limited = client.post(
        "/api/v1/complaints", json={"service_id": gw.service_id, "body": "再次投诉此服务"}
    )
    assert limited.status_code == 429 and limited.json()["code"] == "too_many_complaints"
