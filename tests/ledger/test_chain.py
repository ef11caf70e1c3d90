"""Recording, sealing and verifying the built-in ledger; disposal and its proof."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from chainwarden.accounts import SYSTEM
from chainwarden.audit import events_for
from chainwarden.errors import ChainwardenError
from chainwarden.ledger import (
    LedgerError,
    check_disposal_proof,
    disposal_proof,
    dispose,
    execute_disposal,
    issue_disposal,
    read_item,
    record_item,
    seal_pending,
    verify,
)
from chainwarden.ledger.hashing import commit
from chainwarden.ledger.models import Block, Chain, Disposal, Item

T0 = datetime(2026, 5, 1, 2, tzinfo=UTC)


def publish(db, provider_id, texts, *, block_size=3):
    with db.session() as s:
        ids = [
            record_item(s, provider_id=provider_id, content=t, author_ref=f"user-{n}").id
            for n, t in enumerate(texts)
        ]
        seal_pending(s, provider_id=provider_id, block_size=block_size)
    return ids


def report(db, provider_id):
    with db.session() as s:
        (found,) = verify(s, SYSTEM, provider_id=provider_id)
    return found


def test_recorded_item_is_committed_then_sealed(db, world):
    with db.session() as s:
        item = record_item(s, provider_id=world.beijing_id, content="第一条内容", author_ref="u1")
        assert item.pending
        assert item.commitment == commit(item.salt, "第一条内容".encode())
        item_id = item.id
    with db.session() as s:
        blocks = seal_pending(s, provider_id=world.beijing_id)
        assert [b.height for b in blocks] == [0]
        assert seal_pending(s, provider_id=world.beijing_id) == []
    with db.session() as s:
        content = read_item(s, item_id)
        assert content.text == "第一条内容"
        assert content.block_height == 0
        chain = s.scalar(select(Chain).where(Chain.provider_id == world.beijing_id))
        # The signing key is stored encrypted, never in the clear.
        assert chain.public_key not in chain.private_key
        assert chain.province_code == "11"


def test_salts_are_fresh_so_equal_content_has_different_commitments(db, world):
    with db.session() as s:
        a = record_item(s, provider_id=world.beijing_id, content="same")
        b = record_item(s, provider_id=world.beijing_id, content="same")
        assert a.salt != b.salt and a.commitment != b.commitment


def test_record_item_does_not_commit_the_callers_transaction(db, world):
    with pytest.raises(RuntimeError), db.session() as s:
        record_item(s, provider_id=world.beijing_id, content="rolled back")
        raise RuntimeError
    with db.session() as s:
        assert s.scalar(select(Item.id)) is None


def test_blocks_link_and_verify(db, world):
    publish(db, world.beijing_id, [f"post {n}" for n in range(7)])
    found = report(db, world.beijing_id)
    assert found.valid, found.to_dict()
    assert [b.leaves for b in found.blocks] == [3, 3, 1]
    assert found.items == 7 and found.pending == 0


def test_pending_items_are_verified_too(db, world):
    publish(db, world.beijing_id, ["a", "b"])
    with db.session() as s:
        record_item(s, provider_id=world.beijing_id, content="pending")
    with db.session() as s:
        s.execute(Item.__table__.update().where(Item.block_height.is_(None)).values(content=b"x"))
    found = report(db, world.beijing_id)
    assert found.pending == 1
    assert not found.valid
    assert any("does not match its commitment" in p for p in found.problems)


@pytest.mark.parametrize(
    "tamper, expected",
    [
        ("content", "content does not match its commitment"),
        ("commitment", "Merkle root"),
        ("block_time", "hash does not match"),
        ("signature", "signature invalid"),
        ("delete_content", "content missing without a disposal order"),
    ],
)
def test_verify_catches_tampering(db, world, tamper, expected):
    ids = publish(db, world.beijing_id, ["one", "two", "three", "four"])
    with db.session() as s:
        item = s.get_one(Item, ids[1])
        block = s.scalar(select(Block).where(Block.height == 0))
        if tamper == "content":
            item.content = b"edited"
        elif tamper == "commitment":
            item.salt = b"s" * 32
            item.content = b"edited"
            item.commitment = commit(item.salt, item.content)
        elif tamper == "block_time":
            block.created_at = T0
        elif tamper == "signature":
            block.signature = "00" * 64
        elif tamper == "delete_content":
            item.content = None
            item.salt = None
    found = report(db, world.beijing_id)
    assert not found.valid
    assert any(expected in p for p in found.to_dict()["problems"]), found.to_dict()


def test_disposal_removes_content_and_chain_still_verifies(db, world):
    ids = publish(db, world.beijing_id, ["ok 1", "空气币 保本高收益", "ok 2", "ok 3"])
    with db.session() as s:
        disposal = dispose(
            s,
            world.bj_regulator,
            item_ids=[ids[1]],
            reason="非法集资宣传",
            reference="京网信处〔2026〕7号",
        )
        disposal_id = disposal.id
    with db.session() as s:
        item = s.get_one(Item, ids[1])
        assert item.content is None and item.salt is None
        with pytest.raises(LedgerError) as caught:
            read_item(s, ids[1])
        assert caught.value.kind == "removed"
        assert "removed under disposal order 京网信处〔2026〕7号" in caught.value.en
        assert read_item(s, ids[0]).text == "ok 1"
        actions = [e.action for e in events_for(s, disposal_id)]
        assert actions == ["ledger.disposal_issued", "ledger.disposal_executed"]
    found = report(db, world.beijing_id)
    assert found.valid, found.to_dict()
    assert found.blocks[-1].kind == "disposal"
    assert found.disposed == 1


def test_disposal_is_provable_offline(db, world):
    ids = publish(db, world.beijing_id, ["a", "b", "c", "d", "e"], block_size=2)
    with db.session() as s:
        disposal_id = dispose(
            s, world.bj_provider, item_ids=[ids[0], ids[3]], reason="r", reference="自查-1"
        ).id
    with db.session() as s:
        proof = disposal_proof(s, world.bj_regulator, disposal_id)
        public_key = s.scalar(select(Chain.public_key))
    assert check_disposal_proof(proof, public_key) == []
    assert {t["item_id"] for t in proof["record"]["targets"]} == {ids[0], ids[3]}
    forged = {**proof, "record": {**proof["record"], "reason": "something else"}}
    assert check_disposal_proof(forged, public_key)
    # A proof signed by another key fails against the real key.
    assert check_disposal_proof(proof, "11" * 32)


def test_pending_target_is_sealed_before_disposal(db, world):
    with db.session() as s:
        item_id = record_item(s, provider_id=world.beijing_id, content="just posted").id
    with db.session() as s:
        dispose(s, SYSTEM, item_ids=[item_id], reason="紧急", reference="应急-1")
    with db.session() as s:
        assert s.get_one(Item, item_id).block_height == 0
    assert report(db, world.beijing_id).valid


def test_disposal_listeners_are_called_in_the_transaction(db, world):
    (item_id,) = publish(db, world.beijing_id, ["x"])
    seen = []
    with db.session() as s:
        dispose(
            s,
            SYSTEM,
            item_ids=[item_id],
            reason="r",
            reference="ref",
            on_disposed=lambda session, d: seen.append((session is s, d.reference)),
        )
    assert seen == [(True, "ref")]


def test_two_step_order_and_scope(db, world):
    (item_id,) = publish(db, world.beijing_id, ["x"])
    with db.session() as s:
        # Shanghai's regulator and provider cannot see a Beijing provider's items.
        for outsider in (world.sh_regulator, world.sh_provider):
            with pytest.raises(ChainwardenError) as caught:
                issue_disposal(s, outsider, item_ids=[item_id], reason="r", reference="x")
            assert caught.value.kind in ("not_found", "forbidden")
        with pytest.raises(ChainwardenError):
            issue_disposal(s, world.bj_reviewer, item_ids=[item_id], reason="r", reference="x")
        order = issue_disposal(
            s, world.bj_regulator, item_ids=[item_id], reason="r", reference="o1"
        )
        order_id = order.id
    with db.session() as s:
        assert read_item(s, item_id).text == "x"  # issued, not yet executed
        execute_disposal(s, world.bj_provider, order_id)
    with db.session() as s:
        with pytest.raises(LedgerError) as caught:
            execute_disposal(s, world.bj_provider, order_id)
        assert caught.value.code == "already_executed"
        with pytest.raises(LedgerError) as caught:
            dispose(s, SYSTEM, item_ids=[item_id], reason="r", reference="again")
        assert caught.value.code == "already_disposed"
        assert s.get_one(Disposal, order_id).state == "executed"


def test_bad_orders(db, world):
    (item_id,) = publish(db, world.beijing_id, ["x"])
    (other,) = publish(db, world.shanghai_id, ["y"])
    with db.session() as s:
        for kwargs, code in (
            ({"item_ids": [], "reason": "r", "reference": "x"}, "no_targets"),
            ({"item_ids": [item_id], "reason": " ", "reference": "x"}, "missing_field"),
            ({"item_ids": ["nope"], "reason": "r", "reference": "x"}, "item_not_found"),
            ({"item_ids": [item_id, other], "reason": "r", "reference": "x"}, "several_chains"),
        ):
            with pytest.raises(LedgerError) as caught:
                issue_disposal(s, SYSTEM, **kwargs)
            assert caught.value.code == code
