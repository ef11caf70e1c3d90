"""Appending to a provider's log and proving what it holds, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from chainwarden import merkle
from chainwarden.retention import (
    EntryType,
    NewEntry,
    RetentionError,
    append,
    append_many,
    proofs,
    tiles,
)
from chainwarden.retention import log as retention_log
from chainwarden.retention.heads import verify_tree_head
from chainwarden.retention.models import LogEntry, LogPayload, LogTile, node_key

from support.retention import Logs

AT = datetime(2026, 3, 2, 3, tzinfo=UTC)


def _items(n: int, **extra: object) -> list[NewEntry]:
    return [
        NewEntry(
            EntryType.PUBLISHED_ITEM,
            "user:alice",
            {"text": f"第 {i} 条内容", "n": i},
            user_id="alice",
            at=AT,
            **extra,  # type: ignore[arg-type]
        )
        for i in range(n)
    ]


def _leaf_hashes(logs: Logs, provider: str) -> list[bytes]:
    with logs.db.session() as s:
        return list(
            s.scalars(
                select(LogEntry.leaf_hash)
                .where(LogEntry.provider_id == provider)
                .order_by(LogEntry.idx)
            )
        )


def test_appends_build_the_rfc9162_tree(logs: Logs) -> None:
    with logs.db.session() as s:
        first = append(
            s,
            provider_id=logs.beijing,
            entry_type="login",
            actor=logs.bj_admin,
            payload={"ip": "192.0.2.7"},
        )
        rest = append_many(s, logs.beijing, _items(20))
    assert first.index == 0
    assert [e.index for e in rest] == list(range(1, 21))

    leaves = _leaf_hashes(logs, logs.beijing)
    with logs.db.session() as s:
        head = retention_log.head(s, logs.beijing)
        assert head.size == 21
        assert head.root_hash == merkle.naive_root(leaves)
        for size in (1, 8, 13, 21):
            assert proofs.root_at(s, logs.beijing, size) == merkle.naive_root(leaves[:size])
            for index in range(size):
                got = proofs.inclusion_proof(s, logs.beijing, index, size)
                assert got == merkle.naive_inclusion(leaves[:size], index)
            for old in range(size + 1):
                got = proofs.consistency_proof(s, logs.beijing, old, size)
                assert got == merkle.naive_consistency(leaves[:size], old)
        assert retention_log.verify_log(s, logs.beijing) == []
        # The other provider's log is separate and still empty.
        with pytest.raises(RetentionError):
            retention_log.head(s, logs.shanghai)


def test_the_leaf_names_the_payload_only_by_a_salted_digest(logs: Logs) -> None:
    with logs.db.session() as s:
        entry = append(
            s,
            provider_id=logs.beijing,
            entry_type=EntryType.USER_MEASURE,
            actor=logs.bj_reviewer,
            payload={"measure": "warning", "text": "秘密内容"},
            user_id="alice",
            service_id="svc-1",
            case_ref="CASE-1",
            at=AT,
        )
    with logs.db.session() as s:
        row = s.get_one(LogEntry, entry.id)
        leaf = json.loads(row.leaf)
        payload = s.get_one(LogPayload, entry.id)
    assert "秘密内容" not in row.leaf
    assert leaf["type"] == "user_measure"
    assert leaf["actor"] == {"id": "u-bjr", "name": "北京审核员", "role": "provider_reviewer"}
    assert (leaf["user"], leaf["service"], leaf["case"]) == ("alice", "svc-1", "CASE-1")
    assert leaf["at"] == "2026-03-02T03:00:00.000000+00:00"
    assert leaf["payload_sha256"] == retention_log.payload_digest(payload.salt, payload.body)
    assert json.loads(payload.body) == {"measure": "warning", "text": "秘密内容"}
    assert merkle.hash_leaf(row.leaf.encode()) == row.leaf_hash == entry.leaf_hash


def test_batch_rows_read_back_as_written(logs: Logs) -> None:
    beijing_time = datetime(2026, 3, 2, 11, 0, 0, 123456, tzinfo=timezone(timedelta(hours=8)))
    with logs.db.session() as s:
        items = [
            NewEntry(
                EntryType.LOGIN,
                "user:alice",
                {"n": i},
                user_id="alice",
                case_ref="C-9",
                at=beijing_time,
            )
            for i in range(50)
        ]
        entries = append_many(s, logs.beijing, items)
    ids = [e.id for e in entries]
    assert len(set(ids)) == 50
    assert all(str(uuid.UUID(i)) == i and uuid.UUID(i).version == 7 for i in ids)
    assert ids == sorted(ids)  # time-ordered: the id indexes grow at their right edge
    with logs.db.session() as s:
        rows = s.scalars(select(LogEntry).order_by(LogEntry.idx)).all()
        payloads = {p.entry_id: p for p in s.scalars(select(LogPayload))}
        stored = s.execute(select(LogTile.tile, LogTile.hashes)).all()
        # 50 = 0b110010 leaves close 50 - 3 subtrees: 31 fill the first tile (leaves 0–31),
        # the other 16 are over leaves 32–49.
        assert sorted((t, len(h)) for t, h in stored) == [
            (node_key(0, 0), 31 * 32),
            (node_key(0, 1), 16 * 32),
        ]
        assert retention_log.verify_log(s, logs.beijing) == []
    assert [r.id for r in rows] == ids
    for row, entry in zip(rows, entries, strict=True):
        assert row.at == beijing_time == entry.at
        assert (row.user_id, row.case_ref, row.service_id) == ("alice", "C-9", None)
        assert row.payload_purged_at is None
        assert row.leaf_hash == entry.leaf_hash
        assert json.loads(row.leaf)["at"] == "2026-03-02T03:00:00.123456+00:00"
        assert len(payloads[row.id].salt) == 16
    assert len({payloads[i].salt for i in ids}) == 50


def test_append_belongs_to_the_callers_transaction(logs: Logs) -> None:
    with logs.db.session() as s:
        append_many(s, logs.beijing, _items(3))

    class Boom(Exception):
        pass

    with pytest.raises(Boom), logs.db.session() as s:
        append_many(s, logs.beijing, _items(5))
        raise Boom
    with logs.db.session() as s:
        assert retention_log.head(s, logs.beijing).size == 3
        assert len(_leaf_hashes(logs, logs.beijing)) == 3
        assert retention_log.verify_log(s, logs.beijing) == []


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (NewEntry("gossip", "x", {}), "invalid_entry_type"),
        (NewEntry("login", "x", {"n": float("nan")}), "invalid_payload"),
        (NewEntry("login", "x", {"when": datetime.now(UTC)}), "invalid_payload"),
        (NewEntry("login", "x", {}, at=datetime(2026, 1, 1)), "naive_time"),
    ],
)
def test_bad_entries_are_refused_before_anything_is_written(
    logs: Logs, item: NewEntry, code: str
) -> None:
    with pytest.raises(RetentionError) as caught, logs.db.session() as s:
        append_many(s, logs.beijing, [*_items(1), item])
    assert caught.value.code == code


def test_unknown_provider_is_refused(logs: Logs) -> None:
    with pytest.raises(RetentionError) as caught, logs.db.session() as s:
        append(s, provider_id="nope", entry_type="login", actor="x", payload={})
    assert caught.value.kind == "not_found"


def test_signed_tree_head_verifies_with_the_published_key(logs: Logs) -> None:
    with logs.db.session() as s:
        append_many(s, logs.beijing, _items(5))
        sth = proofs.sign_tree_head(s, logs.beijing, at=AT)
        key = proofs.public_key(s, logs.beijing)
    assert sth.tree_size == 5
    assert verify_tree_head(sth, key)
    forged = type(sth)(sth.provider_id, 4, sth.root_hash, sth.signed_at, sth.signature)
    assert not verify_tree_head(forged, key)
    with logs.db.session() as s:
        latest = proofs.latest_tree_head(s, logs.beijing)
        append_many(s, logs.shanghai, _items(1))
        other_key = proofs.public_key(s, logs.shanghai)
    assert latest == sth
    assert other_key != key and not verify_tree_head(sth, other_key)


def test_tampering_with_stored_rows_is_found(logs: Logs) -> None:
    with logs.db.session() as s:
        entries = append_many(s, logs.beijing, _items(9))
    with logs.db.session() as s:
        s.execute(
            update(LogPayload).where(LogPayload.entry_id == entries[4].id).values(body='{"n":99}')
        )
        (tile, position) = tiles.tile_of((2, 0))
        where = (LogTile.provider_id == logs.beijing, LogTile.tile == node_key(*tile))
        data = bytearray(s.scalars(select(LogTile.hashes).where(*where)).one())
        data[32 * position : 32 * position + 32] = b"\x00" * 32
        s.execute(update(LogTile).where(*where).values(hashes=bytes(data)))
    with logs.db.session() as s:
        problems = retention_log.verify_log(s, logs.beijing)
    assert problems == [
        "entry 4: payload does not match the digest in its leaf",
        "stored subtree (2, 0) is wrong",
    ]


def test_proof_sizes_are_checked(logs: Logs) -> None:
    with logs.db.session() as s:
        append_many(s, logs.beijing, _items(4))
        for index, size, code in (
            (4, 4, "invalid_index"),
            (0, 5, "invalid_tree_size"),
            (4, 5, "invalid_tree_size"),
        ):
            with pytest.raises(RetentionError) as caught:
                proofs.inclusion_proof(s, logs.beijing, index, size)
            assert caught.value.code == code
        with pytest.raises(RetentionError) as caught:
            proofs.consistency_proof(s, logs.beijing, 5, 4)
        assert caught.value.code == "invalid_tree_size"
        with pytest.raises(RetentionError) as caught:
            proofs.inclusion_proof(s, logs.shanghai, 0, 1)
        assert caught.value.code == "log_not_found"
