"""Chains and their signing keys; appending a signed block."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from chainwarden.keys import keyring
from chainwarden.ledger.blocks import Header, public_hex, sign, timestamp
from chainwarden.ledger.errors import LedgerError
from chainwarden.ledger.hashing import ZERO_HASH
from chainwarden.ledger.models import Block, Chain
from chainwarden.store.base import new_id, utcnow


def _key_context(chain_id: str) -> str:
    return f"ledger.signing-key:{chain_id}"


def _province_of(session: Session, provider_id: str | None) -> str | None:
    if provider_id is None:
        return None
    from chainwarden.registry.models import Provider

    return session.scalar(select(Provider.province_code).where(Provider.id == provider_id))


def chain_for(session: Session, provider_id: str | None, *, create: bool = True) -> Chain:
    """The provider's chain; created with a fresh signing key (stored encrypted) on first use.

    Remembered in the session, so recording many items neither queries nor flushes each time."""
    known: dict[str | None, str] = session.info.setdefault("ledger.chain_ids", {})
    # The identity map holds objects weakly: without a reference of our own the chain would be
    # collected between two items and loaded again for each.
    held: dict[str | None, Chain] = session.info.setdefault("ledger.chains", {})
    if provider_id in known:
        cached = session.get(Chain, known[provider_id])  # identity map: no query, no flush
        if cached is not None:
            held[provider_id] = cached
            return cached
    query = select(Chain).where(
        Chain.provider_id == provider_id if provider_id else Chain.provider_id.is_(None)
    )
    chain = session.scalar(query)
    if chain is not None:
        known[provider_id] = chain.id
        held[provider_id] = chain
        return chain
    if not create:
        raise LedgerError(
            "chain_not_found", "该提供者没有账本", "This provider has no ledger", kind="not_found"
        )
    key = Ed25519PrivateKey.generate()
    chain_id = new_id()
    chain = Chain(
        id=chain_id,
        provider_id=provider_id,
        province_code=_province_of(session, provider_id),
        public_key=public_hex(key),
        private_key=keyring().encrypt(key.private_bytes_raw(), context=_key_context(chain_id)),
        height=-1,
        head_hash=None,
        created_at=utcnow(),
    )
    session.add(chain)
    session.flush()
    known[provider_id] = chain.id
    held[provider_id] = chain
    return chain


_CHAIN_ID = select(Chain.id).where(Chain.provider_id == bindparam("provider"))


def chain_id_for(session: Session, provider_id: str | None) -> str:
    """The id of the provider's chain (created as by ``chain_for`` on first use): one small
    query per session, without loading the chain and its key."""
    known: dict[str | None, str] = session.info.setdefault("ledger.chain_ids", {})
    if provider_id in known:
        return known[provider_id]
    if provider_id is not None:
        found = session.connection().scalar(_CHAIN_ID, {"provider": provider_id})
        if found is not None:
            known[provider_id] = found
            return str(found)
    return chain_for(session, provider_id).id


def locked(session: Session, chain_id: str) -> Chain:
    """The chain row, locked for this transaction (PostgreSQL), so appends are serialised."""
    chain = session.scalar(
        select(Chain)
        .where(Chain.id == chain_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if chain is None:
        raise LedgerError("chain_not_found", "账本不存在", "Ledger not found", kind="not_found")
    return chain


def signing_key(chain: Chain) -> Ed25519PrivateKey:
    raw = keyring().decrypt(chain.private_key, context=_key_context(chain.id))
    return Ed25519PrivateKey.from_private_bytes(raw)


def append_block(
    session: Session,
    chain: Chain,
    *,
    kind: str,
    merkle_root: str,
    leaf_count: int,
    record: dict[str, Any] | None = None,
    now: datetime | None = None,
    key: Ed25519PrivateKey | None = None,
) -> Block:
    """Sign and add the next block; the caller holds the chain lock."""
    key = key or signing_key(chain)
    moment = now or utcnow()
    header = Header(
        chain_id=chain.id,
        height=chain.height + 1,
        kind=kind,
        prev_hash=chain.head_hash or ZERO_HASH,
        merkle_root=merkle_root,
        leaf_count=leaf_count,
        time=timestamp(moment),
        signer_key=public_hex(key),
    )
    digest = header.hash()
    block = Block(
        chain_id=chain.id,
        height=header.height,
        kind=kind,
        prev_hash=header.prev_hash,
        merkle_root=merkle_root,
        leaf_count=leaf_count,
        created_at=moment,
        signer_key=header.signer_key,
        hash=digest,
        signature=sign(key, digest),
        record=record,
    )
    session.add(block)
    chain.height = header.height
    chain.head_hash = digest
    return block


def header_of(block: Block) -> Header:
    return Header(
        chain_id=block.chain_id,
        height=block.height,
        kind=block.kind,
        prev_hash=block.prev_hash,
        merkle_root=block.merkle_root,
        leaf_count=block.leaf_count,
        time=timestamp(block.created_at),
        signer_key=block.signer_key,
    )


def block_dict(block: Block) -> dict[str, Any]:
    """A block header as an outsider needs it to check the hash and the signature."""
    return {**header_of(block).to_dict(), "hash": block.hash, "signature": block.signature}
