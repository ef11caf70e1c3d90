"""The ledger's commitments; its Merkle trees are ``chainwarden.merkle`` (tests/merkle)."""

from __future__ import annotations

import hashlib

from chainwarden.ledger.hashing import commit, record_hash


def test_commitment_is_sha256_of_salt_then_content():
    salt = bytes(range(32))
    assert commit(salt, "内容".encode()) == hashlib.sha256(salt + "内容".encode()).hexdigest()
    assert commit(salt, b"a") != commit(bytes(32), b"a")


def test_record_hash_does_not_depend_on_key_order():
    record = {"kind": "disposal", "targets": [{"item_id": "甲"}]}
    assert record_hash(record) == record_hash(dict(reversed(list(record.items()))))
    assert record_hash(record) != record_hash({**record, "kind": "other"})
