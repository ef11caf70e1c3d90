"""The retention log as people reach it (API and consoles): every call checks the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor
from chainwarden.audit import record
from chainwarden.retention import proofs
from chainwarden.retention.errors import RetentionError
from chainwarden.retention.heads import SignedTreeHead
from chainwarden.retention.log import LogHead, head
from chainwarden.retention.models import LogEntry
from chainwarden.retention.policy import (
    require_authority_or_manager,
    require_manager,
    visible_provider,
)


@dataclass(frozen=True)
class LogStatus:
    head: LogHead
    latest_tree_head: SignedTreeHead | None


def status(session: Session, actor: Actor, provider_id: str) -> LogStatus:
    visible_provider(session, actor, provider_id)
    return LogStatus(head(session, provider_id), proofs.latest_tree_head(session, provider_id))


def published_tree_head(session: Session, provider_id: str) -> tuple[SignedTreeHead, bytes]:
    """The latest signed tree head and the key that verifies it: public, like a registry."""
    sth = proofs.latest_tree_head(session, provider_id)
    if sth is None:
        raise RetentionError(
            "no_tree_head",
            "该日志尚无签名树头",
            "this log has no signed tree head yet",
            kind="not_found",
        )
    return sth, head(session, provider_id).public_key


def public_key(session: Session, provider_id: str) -> bytes:
    return head(session, provider_id).public_key


def sign(session: Session, actor: Actor, provider_id: str, at: datetime) -> SignedTreeHead:
    provider = require_manager(session, actor, provider_id)
    sth = proofs.sign_tree_head(session, provider_id, at=at)
    record(
        session,
        actor,
        "retention.sign",
        "retention_log",
        provider_id,
        provider_id=provider_id,
        province_code=provider.province_code,
        details={"tree_size": sth.tree_size, "root_hash": sth.root_hash.hex()},
        at=at,
    )
    return sth


@dataclass(frozen=True)
class InclusionAnswer:
    index: int
    tree_size: int
    leaf_hash: bytes
    root_hash: bytes
    proof: list[bytes]


def inclusion(
    session: Session, actor: Actor, provider_id: str, index: int, tree_size: int | None
) -> InclusionAnswer:
    require_authority_or_manager(session, actor, provider_id)
    size = head(session, provider_id).size if tree_size is None else tree_size
    proof = proofs.inclusion_proof(session, provider_id, index, size)
    leaf_hash = session.scalar(
        select(LogEntry.leaf_hash).where(LogEntry.provider_id == provider_id, LogEntry.idx == index)
    )
    assert leaf_hash is not None  # the proof above found it
    return InclusionAnswer(
        index, size, leaf_hash, proofs.root_at(session, provider_id, size), proof
    )


@dataclass(frozen=True)
class ConsistencyAnswer:
    old_size: int
    tree_size: int
    old_root: bytes
    root_hash: bytes
    proof: list[bytes]


def consistency(
    session: Session, actor: Actor, provider_id: str, old_size: int, tree_size: int | None
) -> ConsistencyAnswer:
    require_authority_or_manager(session, actor, provider_id)
    size = head(session, provider_id).size if tree_size is None else tree_size
    proof = proofs.consistency_proof(session, provider_id, old_size, size)
    return ConsistencyAnswer(
        old_size,
        size,
        proofs.root_at(session, provider_id, old_size),
        proofs.root_at(session, provider_id, size),
        proof,
    )
