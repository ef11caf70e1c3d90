"""The built-in ledger's tables: chains, blocks, items (off-chain content, on-chain commitment),
disposal orders and anchors on external chains."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chainwarden.store.base import Base, new_id, utcnow


class BlockKind(StrEnum):
    ITEMS = "items"  # commitments of published items
    DISPOSAL = "disposal"  # one signed disposal record


class DisposalState(StrEnum):
    ISSUED = "issued"
    EXECUTED = "executed"


class Chain(Base):
    """One provider's chain (or an installation's own, when ``provider_id`` is empty)."""

    __tablename__ = "ledger_chains"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    province_code: Mapped[str | None] = mapped_column(String(2))
    # Ed25519 signing key: the public half in hex, the private half encrypted by the keyring.
    public_key: Mapped[str] = mapped_column(String(64))
    private_key: Mapped[str] = mapped_column(Text)
    height: Mapped[int] = mapped_column(Integer, default=-1)  # height of the last block
    head_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Block(Base):
    __tablename__ = "ledger_blocks"
    __table_args__ = (UniqueConstraint("chain_id", "height"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    chain_id: Mapped[str] = mapped_column(ForeignKey("ledger_chains.id"), index=True)
    height: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    prev_hash: Mapped[str] = mapped_column(String(64))
    merkle_root: Mapped[str] = mapped_column(String(64))
    leaf_count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    signer_key: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    signature: Mapped[str] = mapped_column(String(128))
    # A disposal block carries its record (the only leaf is the record's hash).
    record: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Item(Base):
    """A published item: content and salt kept off-chain, ``SHA-256(salt‖content)`` on-chain."""

    __tablename__ = "ledger_items"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_height", "position"),
        # Finds a chain's pending items (block_height empty) and a block's items.
        Index("ix_ledger_items_chain_block", "chain_id", "block_height"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    chain_id: Mapped[str] = mapped_column(ForeignKey("ledger_chains.id"))
    provider_id: Mapped[str | None] = mapped_column(String(36), index=True)
    service_id: Mapped[str | None] = mapped_column(String(36))
    author_ref: Mapped[str | None] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100), default="text/plain; charset=utf-8")
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    salt: Mapped[bytes | None] = mapped_column(LargeBinary)
    commitment: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Empty while pending: the item is committed (its commitment stored) but not yet sealed.
    block_height: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int | None] = mapped_column(Integer)
    disposal_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_disposals.id"), index=True)
    disposed_at: Mapped[datetime | None] = mapped_column()

    @property
    def pending(self) -> bool:
        return self.block_height is None

    @property
    def disposed(self) -> bool:
        return self.disposal_id is not None


class Disposal(Base):
    """A disposal (处置) order: a regulator's order or a provider's own decision."""

    __tablename__ = "ledger_disposals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    chain_id: Mapped[str] = mapped_column(ForeignKey("ledger_chains.id"), index=True)
    provider_id: Mapped[str | None] = mapped_column(String(36), index=True)
    province_code: Mapped[str | None] = mapped_column(String(2))
    reference: Mapped[str] = mapped_column(String(200))  # order reference, e.g. 京网信处〔2026〕1号
    reason: Mapped[str] = mapped_column(Text)
    targets: Mapped[list[str]] = mapped_column(JSON)  # item ids
    state: Mapped[str] = mapped_column(String(16), default=DisposalState.ISSUED)
    issued_by: Mapped[str] = mapped_column(String(200))
    issued_role: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    executed_by: Mapped[str | None] = mapped_column(String(200))
    executed_at: Mapped[datetime | None] = mapped_column()
    block_height: Mapped[int | None] = mapped_column(Integer)


class Anchor(Base):
    """A block hash written to an external chain, and where."""

    __tablename__ = "ledger_anchors"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    chain_id: Mapped[str] = mapped_column(ForeignKey("ledger_chains.id"), index=True)
    height: Mapped[int]
    block_hash: Mapped[str] = mapped_column(String(64))
    network: Mapped[str] = mapped_column(String(64))  # e.g. "eip155:1337"
    tx_hash: Mapped[str] = mapped_column(String(66))
    anchored_at: Mapped[datetime] = mapped_column(default=utcnow)
