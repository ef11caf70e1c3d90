"""The ledger over HTTP: content, 451 after disposal, proofs and verification."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from chainwarden import merkle
from chainwarden.accounts import SYSTEM, Role
from chainwarden.accounts import service as accounts
from chainwarden.ledger import check_disposal_proof, record_item, seal_pending
from chainwarden.registry.providers import register_provider
from chainwarden.store import Database
from chainwarden.web.app import create_app

from support.world import BEIJING, SHANGHAI

NOW = datetime(2026, 5, 1, 3, tzinfo=UTC)


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    import chainwarden.models  # noqa: F401

    path = tmp_path_factory.mktemp("ledger-api") / "seed.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    tokens, ids = {}, {}
    with db.session() as s:
        bj = register_provider(s, SYSTEM, BEIJING).id
        sh = register_provider(s, SYSTEM, SHANGHAI).id
        for name, role, scope in (
            ("bj-cac", Role.REGULATOR, {"province_code": "11"}),
            ("bj-admin", Role.PROVIDER_ADMIN, {"provider_id": bj}),
            ("sh-admin", Role.PROVIDER_ADMIN, {"provider_id": sh}),
        ):
            account = accounts.create_account(
                s, SYSTEM, username=name, password="long enough password", role=role, **scope
            )
            tokens[name] = accounts.create_token(s, accounts.actor_of(account), "t").secret
        ids["bj"] = bj
        ids["items"] = [record_item(s, provider_id=bj, content=f"帖子 {n}").id for n in range(5)]
        ids["binary"] = record_item(s, provider_id=bj, content=b"\x00\x01").id
        seal_pending(s, provider_id=bj, block_size=4)
    db.dispose()
    return path, tokens, ids


@pytest.fixture
def api(seed, tmp_path):
    path, tokens, ids = seed
    copy = tmp_path / "api.db"
    shutil.copyfile(path, copy)
    with TestClient(create_app(Database(f"sqlite:///{copy}"), clock=lambda: NOW)) as client:
        yield client, tokens, ids


def auth(tokens, name):
    return {"Authorization": f"Bearer {tokens[name]}"}


def test_item_then_451_after_emergency_disposal(api):
    client, tokens, ids = api
    target = ids["items"][2]
    shown = client.get(f"/api/v1/ledger/items/{target}")
    assert shown.status_code == 200
    assert shown.json()["text"] == "帖子 2"
    binary = client.get(f"/api/v1/ledger/items/{ids['binary']}").json()
    assert binary["text"] is None and binary["content_base64"] == "AAE="

    created = client.post(
        "/api/v1/ledger/disposals",
        json={"item_ids": [target], "reason": "虚假宣传", "reference": "京网信处〔2026〕9号"},
        headers=auth(tokens, "bj-cac"),
    )
    assert created.status_code == 201, created.text
    assert created.json()["state"] == "executed"

    gone = client.get(f"/api/v1/ledger/items/{target}")
    assert gone.status_code == 451
    assert gone.headers["content-type"].startswith("application/problem+json")
    body = gone.json()
    assert body["detail"] == "removed under disposal order 京网信处〔2026〕9号"
    assert body["disposal_id"] == created.json()["id"]

    proof = client.get(
        f"/api/v1/ledger/disposals/{created.json()['id']}/proof", headers=auth(tokens, "bj-admin")
    )
    assert proof.status_code == 200
    (chain,) = client.get("/api/v1/ledger/chains", headers=auth(tokens, "bj-cac")).json()
    assert chain["provider_id"] == ids["bj"]
    assert check_disposal_proof(proof.json(), chain["public_key"]) == []

    report = client.get("/api/v1/ledger/verify", headers=auth(tokens, "bj-cac")).json()
    assert [r["valid"] for r in report] == [True]
    assert report[0]["disposed"] == 1 and report[0]["blocks"] == 3


def test_item_inclusion_proof(api):
    client, _tokens, ids = api
    proof = client.get(f"/api/v1/ledger/items/{ids['items'][1]}/proof").json()
    root = merkle.root_from_inclusion(
        proof["position"],
        proof["block"]["leaf_count"],
        merkle.hash_leaf(bytes.fromhex(proof["commitment"])),
        [bytes.fromhex(h) for h in proof["inclusion"]],
    )
    assert root.hex() == proof["block"]["merkle_root"]


def test_two_step_order_and_scope(api):
    client, tokens, ids = api
    body = {"item_ids": [ids["items"][0]], "reason": "r", "reference": "o-1", "execute": False}
    # Another province's provider cannot name this provider's items.
    outsider = client.post("/api/v1/ledger/disposals", json=body, headers=auth(tokens, "sh-admin"))
    assert outsider.status_code in (403, 404)
    assert client.post("/api/v1/ledger/disposals", json=body).status_code == 401
    order = client.post("/api/v1/ledger/disposals", json=body, headers=auth(tokens, "bj-cac"))
    assert order.json()["state"] == "issued"
    assert client.get(f"/api/v1/ledger/items/{ids['items'][0]}").status_code == 200
    run = client.post(
        f"/api/v1/ledger/disposals/{order.json()['id']}/execute", headers=auth(tokens, "bj-admin")
    )
    assert run.json()["state"] == "executed"
    again = client.post(
        f"/api/v1/ledger/disposals/{order.json()['id']}/execute", headers=auth(tokens, "bj-admin")
    )
    assert again.status_code == 409
    assert client.get(f"/api/v1/ledger/items/{ids['items'][0]}").status_code == 451
    assert client.get("/api/v1/ledger/items/missing").status_code == 404
    # The other provider sees no chain of its own.
    assert client.get("/api/v1/ledger/verify", headers=auth(tokens, "sh-admin")).json() == []
