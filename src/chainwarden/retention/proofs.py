"""Proofs and signed tree heads from the stored tree: one statement per proof, reading the\nfew tiles (and leaf hashes) its path crosses.

The verifiers need no database (an authority runs them offline); they are re-exported here so
callers find proving and checking side by side.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from chainwarden import merkle
from chainwarden.keys import keyring
from chainwarden.merkle import NodeId, verify_consistency, verify_inclusion
from chainwarden.retention import tiles
from chainwarden.retention.errors import RetentionError
from chainwarden.retention.heads import SignedTreeHead, tree_head_message, verify_tree_head
from chainwarden.retention.log import ENTRIES, LOGS, TILES, head, signing_key_context
from chainwarden.retention.models import RetentionLog, TreeHead, node_key, node_of_key
from chainwarden.store.base import utcnow

__all__ = [
    "consistency_proof",
    "inclusion_proof",
    "latest_tree_head",
    "root_at",
    "sign_tree_head",
    "verify_consistency",
    "verify_inclusion",
    "verify_tree_head",
]


def _bad_size(zh: str, en: str) -> RetentionError:
    return RetentionError("invalid_tree_size", zh, en, field="tree_size")


@functools.lru_cache(maxsize=512)
def _nodes_sql(dialect: Dialect, leaves: int, keys: int) -> str:
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    parts = []
    if leaves:
        parts.append(
            f"SELECT {ENTRIES.c.idx.name} AS k, {ENTRIES.c.leaf_hash.name} AS h "
            f"FROM {ENTRIES.name} WHERE {ENTRIES.c.provider_id.name} = {mark} "
            f"AND {ENTRIES.c.idx.name} IN ({', '.join([mark] * leaves)})"
        )
    if keys:
        # Tile keys are ≥ 0 like leaf indexes: ``-1 - key`` puts them below zero, so one
        # result column tells the two apart.
        parts.append(
            f"SELECT -1 - {TILES.c.tile.name} AS k, {TILES.c.hashes.name} AS h "
            f"FROM {TILES.name} WHERE {TILES.c.provider_id.name} = {mark} "
            f"AND {TILES.c.tile.name} IN ({', '.join([mark] * keys)})"
        )
    return " UNION ALL ".join(parts)


def fetch_nodes(session: Session, provider_id: str, ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
    """Look up complete subtrees in one statement: ``idx IN (…)`` on the entries for leaves and
    ``tile IN (…)`` on the tiles holding the subtrees above them, both index look-ups."""
    wanted = set(ids)
    leaves = [index for level, index in wanted if level == 0]
    places = {node: tiles.tile_of(node) for node in wanted if node[0] > 0}
    keys = sorted({node_key(*tile) for tile, _ in places.values()})
    # The text is written for the driver directly: building and caching a statement with two
    # ``IN`` lists costs several times the database's own work on a proof's few look-ups.
    found: dict[NodeId, bytes] = {}
    if leaves or keys:
        connection = session.connection()
        sql = _nodes_sql(connection.dialect, len(leaves), len(keys))
        params: list[object] = []
        if leaves:
            params += [provider_id, *leaves]
        if keys:
            params += [provider_id, *keys]
        stored: dict[tiles.TileId, bytes] = {}
        for key, data in connection.exec_driver_sql(sql, tuple(params)):
            if key >= 0:
                found[(0, key)] = bytes(data)
            else:
                stored[node_of_key(-1 - key)] = bytes(data)
        for node, (tile, position) in places.items():
            digest = tiles.node_in(stored.get(tile, b""), position)
            if digest is not None:
                found[node] = digest
    missing = wanted - found.keys()
    if missing:
        raise RetentionError(
            "tree_incomplete",
            f"留存日志缺少 {len(missing)} 个节点",
            f"the stored tree lacks {len(missing)} node(s), e.g. {min(missing)}",
            kind="conflict",
        )
    return found


def _current_size(session: Session, provider_id: str) -> int:
    size = (
        session.connection()
        .execute(select(LOGS.c.size).where(LOGS.c.provider_id == provider_id))
        .scalar()
    )
    if size is None:
        head(session, provider_id)  # raises log_not_found
    return int(size or 0)


def _size(session: Session, provider_id: str, tree_size: int | None) -> int:
    current = _current_size(session, provider_id)
    if tree_size is None:
        return current
    if not 0 <= tree_size <= current:
        raise _bad_size(
            f"树大小 {tree_size} 超出日志当前大小 {current}",
            f"tree size {tree_size} is outside the log's current size {current}",
        )
    return tree_size


def inclusion_proof(
    session: Session, provider_id: str, index: int, tree_size: int | None = None
) -> list[bytes]:
    """RFC 9162 inclusion proof of leaf ``index`` in the tree of ``tree_size`` leaves
    (default: the current size). One database round trip when ``tree_size`` is given."""
    size = _current_size(session, provider_id) if tree_size is None else tree_size
    if not 0 <= index < size:
        raise RetentionError(
            "invalid_index",
            f"条目 {index} 不在大小为 {size} 的树中",
            f"entry {index} is not in a tree of {size} entries",
            field="index",
        )
    plan = merkle.inclusion_plan(index, size)
    try:
        # The leaf itself is looked up too: a tree larger than the log then always lacks a node.
        nodes = fetch_nodes(session, provider_id, plan.node_ids() | {(0, index)})
    except RetentionError as exc:
        if exc.code == "tree_incomplete":
            _size(session, provider_id, tree_size)  # names the real problem: size or log
        raise
    return merkle.assemble(plan, nodes)


def consistency_proof(
    session: Session, provider_id: str, old_size: int, tree_size: int | None = None
) -> list[bytes]:
    """RFC 9162 consistency proof that the tree of ``old_size`` leaves is a prefix of the tree
    of ``tree_size`` leaves (default: the current size)."""
    size = _size(session, provider_id, tree_size)
    if not 0 <= old_size <= size:
        raise _bad_size(
            f"旧树大小 {old_size} 不能大于 {size}",
            f"old tree size {old_size} cannot exceed {size}",
        )
    plan = merkle.consistency_plan(old_size, size)
    return merkle.assemble(plan, fetch_nodes(session, provider_id, plan.node_ids()))


def root_at(session: Session, provider_id: str, tree_size: int) -> bytes:
    """The root hash the log had when it held ``tree_size`` entries."""
    size = _size(session, provider_id, tree_size)
    if size == 0:
        return merkle.EMPTY_ROOT
    nodes = merkle.root_plan(size)
    found = fetch_nodes(session, provider_id, nodes)
    return merkle.fold([found[node] for node in nodes])


def private_key(session: Session, provider_id: str) -> Ed25519PrivateKey:
    token = session.scalar(
        select(RetentionLog.signing_key).where(RetentionLog.provider_id == provider_id)
    )
    if token is None:
        head(session, provider_id)  # raises log_not_found
    assert token is not None
    raw = keyring().decrypt(token, context=signing_key_context(provider_id))
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key(session: Session, provider_id: str) -> bytes:
    """The raw 32-byte Ed25519 public key that verifies this provider's tree heads."""
    return head(session, provider_id).public_key


def sign_tree_head(
    session: Session, provider_id: str, *, at: datetime | None = None
) -> SignedTreeHead:
    """Sign the log's current size and root, and keep the signed head (in the caller's
    transaction)."""
    log = head(session, provider_id)
    moment = at or utcnow()
    message = tree_head_message(provider_id, log.size, log.root_hash, moment)
    signature = private_key(session, provider_id).sign(message)
    session.add(
        TreeHead(
            provider_id=provider_id,
            tree_size=log.size,
            root_hash=log.root_hash,
            signed_at=moment,
            signature=signature,
        )
    )
    return SignedTreeHead(provider_id, log.size, log.root_hash, moment, signature)


def latest_tree_head(session: Session, provider_id: str) -> SignedTreeHead | None:
    row = session.scalars(
        select(TreeHead)
        .where(TreeHead.provider_id == provider_id)
        .order_by(TreeHead.tree_size.desc(), TreeHead.signed_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return SignedTreeHead(
        row.provider_id, row.tree_size, row.root_hash, row.signed_at, row.signature
    )
