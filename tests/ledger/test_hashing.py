from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from chainwarden.ledger.hashing import (
    commit,
    inclusion_path,
    leaf_hash,
    merkle_root,
    node_hash,
    root_from_path,
)


def rfc9162_root(leaves: list[bytes]) -> bytes:
    """The recursive definition of RFC 9162 §2.1.1, as a reference."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(rfc9162_root(leaves[:k]), rfc9162_root(leaves[k:]))


def test_commitment_is_sha256_of_salt_then_content():
    salt = bytes(range(32))
    assert commit(salt, "内容".encode()) == hashlib.sha256(salt + "内容".encode()).hexdigest()
    assert commit(salt, b"a") != commit(bytes(32), b"a")


def test_rfc9162_vectors():
    # Leaf and node prefixes as in RFC 9162 / Certificate Transparency.
    assert leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    three = [leaf_hash(bytes([i])) for i in range(3)]
    assert merkle_root(three) == node_hash(node_hash(three[0], three[1]), three[2])


@given(st.integers(min_value=1, max_value=70), st.data())
def test_root_and_inclusion_proofs_follow_rfc9162(size, data):
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    root = merkle_root(leaves)
    assert root == rfc9162_root(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    path = inclusion_path(leaves, index)
    assert root_from_path(leaves[index], index, size, path) == root
    # The same path does not prove another leaf, nor the leaf at another position.
    other = leaf_hash(b"not in the tree")
    assert root_from_path(other, index, size, path) != root
    if size > 1:
        assert root_from_path(leaves[index], (index + 1) % size, size, path) != root
