"""RFC 9162 Merkle tree hashing, proofs and their verification, and the canonical JSON that is
hashed — pure functions, no database. The one Merkle core: the ledger's blocks and the retention
log both build on it (``retention.tiles`` and ``retention.proofs`` are the storage side).

The tree over leaves ``D[0:n]`` is the one of RFC 9162 §2.1.1: the leaf hash is
``SHA-256(0x00 ‖ d)``, an interior node ``SHA-256(0x01 ‖ left ‖ right)``, and a tree of ``n``
leaves splits at ``k``, the largest power of two smaller than ``n``.

Two ways to build proofs live here:

- ``naive_*``: the RFC's recursive definitions over the full list of leaf hashes (O(n)); they are
  the reference the tests and the benchmark compare against.
- ``inclusion_plan`` / ``consistency_plan``: the same proofs expressed as the hashes of *complete
  subtrees* (a node ``(level, index)`` covers leaves ``[index·2^level, (index+1)·2^level)``).
  A store that keeps those nodes answers a proof with O(log n) look-ups; ``assemble`` turns the
  plan plus the looked-up hashes into the proof.

The verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2 step by step and need nothing but bytes, so
an authority can check an export bundle offline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeId = tuple[int, int]  # (level, index)


def hash_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1 in one bottom-up pass: pairing each level and carrying the
    odd last node up unchanged gives the same tree as the RFC's left-heavy split."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [hash_children(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


# One encoder for every canonical text (``json.dumps`` with options builds a new one per call).
_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)


def canonical_json(value: Any) -> str:
    """One spelling for a JSON value (keys sorted, no spaces, UTF-8 kept), so the same data
    always hashes the same."""
    return _CANONICAL.encode(value)


# -- naive reference: the RFC's recursive definitions over all leaf hashes ---------------------
def naive_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1, given the leaf hashes."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = _split(n)
    return hash_children(naive_root(leaf_hashes[:k]), naive_root(leaf_hashes[k:]))


def naive_inclusion(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise ValueError(f"leaf {index} is not in a tree of {n} leaves")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*naive_inclusion(leaf_hashes[:k], index), naive_root(leaf_hashes[k:])]
    return [*naive_inclusion(leaf_hashes[k:], index - k), naive_root(leaf_hashes[:k])]


def naive_consistency(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1 (empty for m = 0 and m = n)."""
    n = len(leaf_hashes)
    if not 0 <= old_size <= n:
        raise ValueError(f"cannot prove size {old_size} against a tree of {n} leaves")
    if old_size in (0, n):
        return []
    return _naive_subproof(leaf_hashes, old_size, True)


def _naive_subproof(leaf_hashes: Sequence[bytes], m: int, complete: bool) -> list[bytes]:
    n = len(leaf_hashes)
    if m == n:
        return [] if complete else [naive_root(leaf_hashes)]
    k = _split(n)
    if m <= k:
        return [*_naive_subproof(leaf_hashes[:k], m, complete), naive_root(leaf_hashes[k:])]
    return [*_naive_subproof(leaf_hashes[k:], m - k, False), naive_root(leaf_hashes[:k])]


# -- proofs as plans over complete subtrees ----------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """Each proof element is the hash of one or more complete subtrees: a single node, or the
    root of a right-edge range folded from the nodes that make it up (left to right)."""

    elements: tuple[tuple[NodeId, ...], ...]

    def node_ids(self) -> set[NodeId]:
        return {node for element in self.elements for node in element}


def range_nodes(start: int, end: int) -> tuple[NodeId, ...]:
    """The complete subtrees that make up the leaves ``[start, end)`` of a tree, in order, when
    ``start`` is aligned as it is on every range a proof asks for (left-edge splits)."""
    nodes = []
    while start < end:
        size = end - start
        level = size.bit_length() - 1
        # The biggest aligned subtree that starts here and fits.
        while start % (1 << level):
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return tuple(nodes)


def fold(hashes: Sequence[bytes]) -> bytes:
    """The root of a range from its complete subtrees, left to right (RFC 9162 split order)."""
    root = hashes[-1]
    for left in reversed(hashes[:-1]):
        root = hash_children(left, root)
    return root


def inclusion_plan(index: int, size: int) -> Plan:
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    elements: list[tuple[NodeId, ...]] = []
    lo, hi = 0, size
    # Walk down from the root, collecting siblings; they are emitted leaf-upwards.
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            elements.append(range_nodes(lo + k, hi))
            hi = lo + k
        else:
            elements.append(range_nodes(lo, lo + k))
            lo = lo + k
    return Plan(tuple(reversed(elements)))


def consistency_plan(old_size: int, size: int) -> Plan:
    if not 0 <= old_size <= size:
        raise ValueError(f"cannot prove size {old_size} against a tree of {size} leaves")
    if old_size in (0, size):
        return Plan(())
    elements: list[tuple[NodeId, ...]] = []
    lo, hi, m, complete = 0, size, old_size, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            elements.append(range_nodes(lo + k, hi))
            hi = lo + k
        else:
            elements.append(range_nodes(lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        elements.append(range_nodes(lo, hi))
    return Plan(tuple(reversed(elements)))


def assemble(plan: Plan, nodes: Mapping[NodeId, bytes]) -> list[bytes]:
    return [fold([nodes[node] for node in element]) for element in plan.elements]


def root_plan(size: int) -> tuple[NodeId, ...]:
    return range_nodes(0, size)


# -- appending: the compact range of a tree ----------------------------------------------------
def frontier_nodes(size: int) -> tuple[NodeId, ...]:
    """The complete subtrees whose hashes summarise a tree of ``size`` leaves (its compact
    range), left to right: one per set bit of ``size``."""
    return range_nodes(0, size)


def append_leaf(
    frontier: list[bytes], size: int, leaf_hash: bytes, new_node: Callable[[int, int, bytes], None]
) -> None:
    """Add leaf number ``size`` to a compact range in place, reporting each complete subtree
    it closes (level ≥ 1) to ``new_node(level, index, hash)``."""
    node, level, index = leaf_hash, 0, size
    while index & 1:
        node = hash_children(frontier.pop(), node)
        level += 1
        index >>= 1
        new_node(level, index, node)
    frontier.append(node)


def root_of_frontier(frontier: Sequence[bytes]) -> bytes:
    return fold(frontier) if frontier else EMPTY_ROOT


# -- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ---------------------------------------------
def root_from_inclusion(index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof implies, or ``ValueError`` if it cannot be a valid proof."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    if len(leaf_hash) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        raise ValueError("a hash has the wrong length")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise ValueError("proof is too long")
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hash_children(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof is too short")
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    try:
        return root_from_inclusion(index, size, leaf_hash, proof) == root
    except ValueError:
        return False


def verify_consistency(
    old_size: int, size: int, old_root: bytes, root: bytes, proof: Sequence[bytes]
) -> bool:
    if not 0 <= old_size <= size:
        return False
    if old_size == size:
        return not proof and old_root == root
    if old_size == 0:
        return not proof
    if not proof or any(len(p) != HASH_SIZE for p in proof):
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = hash_children(c, fr)
            sr = hash_children(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hash_children(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == root and sn == 0


def streaming_root(leaf_hashes: Iterable[bytes]) -> tuple[int, bytes]:
    """Size and root of a tree from its leaf hashes in one pass with O(log n) memory."""
    frontier: list[bytes] = []
    size = 0
    for leaf in leaf_hashes:
        append_leaf(frontier, size, leaf, lambda _l, _i, _h: None)
        size += 1
    return size, root_of_frontier(frontier)
