"""Hashing and proofs against the published RFC 6962 test vectors (copied from
transparency-dev/merkle, see vectors/rfc6962.json) and against the RFC's recursive definitions
recomputed naively for random tree sizes; the canonical JSON that both the ledger and the
retention log hash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainwarden import merkle

VECTORS = json.loads((Path(__file__).parent / "vectors" / "rfc6962.json").read_text())
LEAVES = [bytes.fromhex(h) for h in VECTORS["leaves"]]
LEAF_HASHES = [merkle.hash_leaf(d) for d in LEAVES]
ROOTS = [bytes.fromhex(h) for h in VECTORS["roots"]]


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def test_hasher_vectors() -> None:
    v = VECTORS["hasher"]
    assert h(v["empty_root"]) == merkle.EMPTY_ROOT
    assert merkle.hash_leaf(b"") == h(v["empty_leaf"])
    assert merkle.hash_leaf(b"L123456") == h(v["leaf_L123456"])
    assert merkle.hash_children(b"N123", b"N456") == h(v["node_N123_N456"])
    assert merkle.naive_root([]) == merkle.EMPTY_ROOT
    assert merkle.root([]) == merkle.EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_of_published_trees(size: int) -> None:
    assert merkle.naive_root(LEAF_HASHES[:size]) == ROOTS[size - 1]
    assert merkle.root(LEAF_HASHES[:size]) == ROOTS[size - 1]
    assert merkle.streaming_root(LEAF_HASHES[:size]) == (size, ROOTS[size - 1])


def _stored_nodes(leaf_hashes: list[bytes]) -> dict[tuple[int, int], bytes]:
    """Every complete subtree a store keeps while appending these leaves."""
    nodes = {(0, i): leaf for i, leaf in enumerate(leaf_hashes)}
    frontier: list[bytes] = []
    for i, leaf in enumerate(leaf_hashes):
        merkle.append_leaf(frontier, i, leaf, lambda lv, ix, hs: nodes.__setitem__((lv, ix), hs))
    return nodes


@pytest.mark.parametrize("case", VECTORS["inclusion"], ids=lambda c: f"{c['index']}of{c['size']}")
def test_inclusion_vectors(case: dict[str, object]) -> None:
    index, size = int(case["index"]), int(case["size"])  # type: ignore[call-overload]
    want = [h(p) for p in case["proof"]]  # type: ignore[attr-defined]
    leaves = LEAF_HASHES[:size]
    assert merkle.naive_inclusion(leaves, index) == want
    plan = merkle.inclusion_plan(index, size)
    assert merkle.assemble(plan, _stored_nodes(LEAF_HASHES)) == want
    assert merkle.verify_inclusion(LEAF_HASHES[index], index, size, want, ROOTS[size - 1])


@pytest.mark.parametrize(
    "case", VECTORS["consistency"], ids=lambda c: f"{c['old_size']}to{c['size']}"
)
def test_consistency_vectors(case: dict[str, object]) -> None:
    old, size = int(case["old_size"]), int(case["size"])  # type: ignore[call-overload]
    want = [h(p) for p in case["proof"]]  # type: ignore[attr-defined]
    assert merkle.naive_consistency(LEAF_HASHES[:size], old) == want
    plan = merkle.consistency_plan(old, size)
    assert merkle.assemble(plan, _stored_nodes(LEAF_HASHES)) == want
    assert merkle.verify_consistency(old, size, ROOTS[old - 1], ROOTS[size - 1], want)


def _corruptions(proof: list[bytes], other: bytes) -> list[list[bytes]]:
    out = [[*proof, other], [other, *proof]]
    if proof:
        out.append(proof[:-1])
    for i in range(len(proof)):
        flipped = [*proof]
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        out.append(flipped)
    return out


@pytest.mark.parametrize("case", VECTORS["inclusion"][1:], ids=lambda c: f"{c['index']}")
def test_corrupted_inclusion_proofs_fail(case: dict[str, object]) -> None:
    index, size = int(case["index"]), int(case["size"])  # type: ignore[call-overload]
    proof = [h(p) for p in case["proof"]]  # type: ignore[attr-defined]
    root, leaf = ROOTS[size - 1], LEAF_HASHES[index]
    some = hashlib.sha256(b"some").digest()
    for bad in _corruptions(proof, root):
        assert not merkle.verify_inclusion(leaf, index, size, bad, root)
    for bad_index, bad_size in ((index + 1, size), (index ^ 2, size), (index, size * 2)):
        if bad_index < bad_size:
            assert not merkle.verify_inclusion(leaf, bad_index, bad_size, proof, root)
    assert not merkle.verify_inclusion(leaf, index, size, proof, some)
    assert not merkle.verify_inclusion(some, index, size, proof, root)
    assert not merkle.verify_inclusion(leaf, size, size, proof, root)


@pytest.mark.parametrize("case", VECTORS["consistency"][1:], ids=lambda c: f"{c['old_size']}")
def test_corrupted_consistency_proofs_fail(case: dict[str, object]) -> None:
    old, size = int(case["old_size"]), int(case["size"])  # type: ignore[call-overload]
    proof = [h(p) for p in case["proof"]]  # type: ignore[attr-defined]
    r1, r2 = ROOTS[old - 1], ROOTS[size - 1]
    for bad in [*_corruptions(proof, r1), *_corruptions(proof, r2), []]:
        assert not merkle.verify_consistency(old, size, r1, r2, bad)
    assert not merkle.verify_consistency(old, size, r2, r1, proof)
    assert not merkle.verify_consistency(old + 1, size, r1, r2, proof)
    assert not merkle.verify_consistency(old, size * 2, r1, r2, proof)
    assert not merkle.verify_consistency(size, old, r2, r1, proof)


def test_trivial_consistency() -> None:
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, ROOTS[4], [])
    assert merkle.verify_consistency(3, 3, ROOTS[2], ROOTS[2], [])
    assert not merkle.verify_consistency(3, 3, ROOTS[2], ROOTS[3], [])
    assert not merkle.verify_consistency(3, 3, ROOTS[2], ROOTS[2], [ROOTS[0]])


sizes = st.integers(min_value=1, max_value=300)


@settings(max_examples=150, deadline=None)
@given(size=sizes, data=st.data())
def test_stored_node_proofs_equal_the_naive_recursion(size: int, data: st.DataObject) -> None:
    leaves = [merkle.hash_leaf(i.to_bytes(4, "big")) for i in range(size)]
    nodes = _stored_nodes(leaves)
    root = merkle.naive_root(leaves)
    assert merkle.streaming_root(leaves) == (size, root)
    assert merkle.root(leaves) == root
    assert merkle.assemble(merkle.Plan((merkle.root_plan(size),)), nodes) == [root]

    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    proof = merkle.assemble(merkle.inclusion_plan(index, size), nodes)
    assert proof == merkle.naive_inclusion(leaves, index)
    assert merkle.verify_inclusion(leaves[index], index, size, proof, root)
    # The plan needs O(log n) nodes, not a rebuild.
    assert len(merkle.inclusion_plan(index, size).node_ids()) <= 2 * size.bit_length()

    old = data.draw(st.integers(min_value=1, max_value=size), label="old_size")
    old_root = merkle.naive_root(leaves[:old])
    consistency = merkle.assemble(merkle.consistency_plan(old, size), nodes)
    assert consistency == merkle.naive_consistency(leaves, old)
    assert merkle.verify_consistency(old, size, old_root, root, consistency)
    if old < size:
        assert not merkle.verify_consistency(old, size, root, root, consistency)


@settings(max_examples=60, deadline=None)
@given(size=st.integers(min_value=2, max_value=200), data=st.data())
def test_a_changed_leaf_fails_its_proof(size: int, data: st.DataObject) -> None:
    leaves = [merkle.hash_leaf(i.to_bytes(4, "big")) for i in range(size)]
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = merkle.naive_inclusion(leaves, index)
    root = merkle.naive_root(leaves)
    assert not merkle.verify_inclusion(merkle.hash_leaf(b"other"), index, size, proof, root)
    other = (index + 1) % size
    assert not merkle.verify_inclusion(leaves[index], other, size, proof, root)


def test_canonical_json_is_one_spelling() -> None:
    # Keys sorted, no spaces, Chinese kept as UTF-8: the text the ledger and the log hash.
    assert merkle.canonical_json({"b": [1, "处置"], "a": None}) == '{"a":null,"b":[1,"处置"]}'
    assert merkle.canonical_json({"a": 1, "b": 2}) == merkle.canonical_json({"b": 2, "a": 1})
    with pytest.raises(ValueError):
        merkle.canonical_json({"score": float("nan")})
