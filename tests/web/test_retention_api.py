"""The retention API: published keys and heads, proofs, periods, holds, purging and exports."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from chainwarden import merkle
from chainwarden.retention import NewEntry, append_many
from chainwarden.retention.bundle import verify_bundle
from chainwarden.store import Database

from support.api import auth

OLD = datetime(2025, 1, 1, 3, tzinfo=UTC)


def _entries(tmp_path: Path, provider_id: str, n: int = 5) -> None:
    db = Database(f"sqlite:///{tmp_path / 'api.db'}")
    with db.session() as s:
        append_many(
            s,
            provider_id,
            [
                NewEntry("published_item", "user", {"n": i}, user_id=f"u{i % 2}", at=OLD)
                for i in range(n)
            ],
        )
    db.dispose()


def test_proofs_and_published_heads(client, seeded, tmp_path):
    bj = seeded.ids["beijing"]
    _entries(tmp_path, bj)
    base = f"/api/v1/retention/providers/{bj}"
    assert client.get(f"{base}/tree-head").status_code == 404
    signed = client.post(f"{base}/tree-heads", headers=auth(seeded, "bj_provider"))
    assert signed.status_code == 201, signed.text
    assert client.post(f"{base}/tree-heads", headers=auth(seeded, "sh_provider")).status_code == 404

    published = client.get(f"{base}/tree-head").json()  # no sign-in needed
    assert published["tree_head"]["tree_size"] == 5
    key = client.get(f"{base}/public-key").json()
    assert key["public_key"] == published["public_key"] and "BEGIN PUBLIC KEY" in key["pem"]
    assert key["fingerprint"] == hashlib.sha256(bytes.fromhex(key["public_key"])).hexdigest()

    proof = client.get(
        f"{base}/proofs/inclusion", params={"index": 3}, headers=auth(seeded, "bj_regulator")
    ).json()
    assert merkle.verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        3,
        proof["tree_size"],
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(published["tree_head"]["root_hash"]),
    )
    cons = client.get(
        f"{base}/proofs/consistency",
        params={"old_size": 2, "tree_size": 5},
        headers=auth(seeded, "bj_provider"),
    ).json()
    assert merkle.verify_consistency(
        2,
        5,
        bytes.fromhex(cons["old_root"]),
        bytes.fromhex(cons["root_hash"]),
        [bytes.fromhex(p) for p in cons["proof"]],
    )
    hidden = client.get(
        f"{base}/proofs/inclusion", params={"index": 0}, headers=auth(seeded, "sh_regulator")
    )
    assert hidden.status_code == 404
    too_far = client.get(
        f"{base}/proofs/inclusion", params={"index": 9}, headers=auth(seeded, "bj_provider")
    )
    assert too_far.status_code == 422 and too_far.json()["code"] == "invalid_index"


def test_period_holds_purge_and_export(client, seeded, tmp_path):
    bj = seeded.ids["beijing"]
    _entries(tmp_path, bj)
    base = f"/api/v1/retention/providers/{bj}"
    admin = auth(seeded, "bj_provider")
    short = client.put(f"{base}/period", json={"months": 3}, headers=admin)
    assert short.status_code == 422
    assert "第十七条" in short.json()["message"]["zh"]
    for months in (1201, 100_000, 2**31, 2**63):
        long = client.put(f"{base}/period", json={"months": months}, headers=admin)
        assert long.status_code == 422, long.text
        assert long.json()["code"] == "retention_too_long"
        assert "1200" in long.json()["message"]["zh"] and "1200" in long.json()["message"]["en"]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["PeriodIn"]
    assert (
        schema["properties"]["months"]["minimum"],
        schema["properties"]["months"]["maximum"],
    ) == (6, 1200)
    assert client.put(f"{base}/period", json={"months": 12}, headers=admin).json() == {
        "provider_id": bj,
        "retention_months": 12,
    }

    hold = client.post(
        f"{base}/holds",
        json={"scope": "user", "value": "u1", "reason": "协查"},
        headers=auth(seeded, "bj_regulator"),
    )
    assert hold.status_code == 201, hold.text
    purged = client.post(f"{base}/purge", headers=admin).json()
    assert (purged["purged"], purged["held"]) == (3, 2)
    released = client.post(
        f"/api/v1/retention/holds/{hold.json()['id']}/release",
        json={"reason": "结案"},
        headers=auth(seeded, "bj_regulator"),
    )
    assert released.json()["released_by"]

    bundle = client.post(
        f"{base}/exports",
        json={"reason": "协查函", "user_id": "u1"},
        headers=auth(seeded, "bj_regulator"),
    )
    assert bundle.status_code == 200, bundle.text
    assert bundle.headers["content-type"] == "application/zip"
    report = verify_bundle(bundle.content)
    assert report.ok and report.entries == 2
    refused = client.post(
        f"{base}/exports", json={"reason": "x"}, headers=auth(seeded, "sh_regulator")
    )
    assert refused.status_code == 404
