"""Tables of the retention log: one log head per provider, entries (leaves), payloads kept
apart from the leaves, the complete-subtree hashes in tiles, signed tree heads and legal holds."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from chainwarden.store.base import Base, new_id, utcnow

# Art. 17: records are kept for no less than six months.
MINIMUM_RETENTION_MONTHS = 6
# An upper bound no law asks to exceed (a century), keeping date arithmetic and the database
# column in range.
MAXIMUM_RETENTION_MONTHS = 1200

# Entries are grouped in blocks of 2^14 consecutive indexes for the look-up by user.
BLOCK_SHIFT = 14


def block_of(index: int) -> int:
    return index >> BLOCK_SHIFT


class RetentionLog(Base):
    """The head of a provider's log. Appends lock this row, so two writers never interleave."""

    __tablename__ = "retention_logs"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    # The compact range: hashes of the complete subtrees that summarise the tree, left to right,
    # concatenated (32 bytes each, one per set bit of ``size``). Appends need nothing else.
    frontier: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    retention_months: Mapped[int] = mapped_column(default=MINIMUM_RETENTION_MONTHS)
    # Ed25519 private key, encrypted with the installation keyring; the public key is published.
    signing_key: Mapped[str] = mapped_column(Text)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LogEntry(Base):
    """One leaf. ``leaf`` is the exact text hashed into the tree; it names the payload only by
    a salted digest, so the payload can be purged without changing any hash."""

    __tablename__ = "retention_entries"
    __table_args__ = (
        UniqueConstraint("provider_id", "idx", name="uq_retention_entries_provider_idx"),
        Index("ix_retention_entries_provider_at", "provider_id", "at"),
        # By user within each block, not by user alone: a batch of appends spans many users,
        # and an index on the user dirties a page per entry (at 1M entries that cost more than
        # every other write of an append together); this one grows at its right edge, and a
        # look-up by user seeks once per block (``block IN (…)``).
        Index("ix_retention_entries_provider_block_user", "provider_id", "block", "user_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider_id: Mapped[str] = mapped_column(ForeignKey("retention_logs.provider_id"))
    idx: Mapped[int] = mapped_column(BigInteger)
    entry_type: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    service_id: Mapped[str | None] = mapped_column(String(36), index=True)
    user_id: Mapped[str | None] = mapped_column(String(64))
    block: Mapped[int | None] = mapped_column(BigInteger)  # block_of(idx); set on every append
    case_ref: Mapped[str | None] = mapped_column(String(100))
    leaf: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    payload_purged_at: Mapped[datetime | None]


class LogPayload(Base):
    __tablename__ = "retention_payloads"

    entry_id: Mapped[str] = mapped_column(ForeignKey("retention_entries.id"), primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary(16))
    body: Mapped[str] = mapped_column(Text)


NODE_LEVEL_SHIFT = 48  # a key is level·2^48 + index: one indexed column, one IN (…) look-up


def node_key(level: int, index: int) -> int:
    return (level << NODE_LEVEL_SHIFT) | index


def node_of_key(key: int) -> tuple[int, int]:
    return key >> NODE_LEVEL_SHIFT, key & ((1 << NODE_LEVEL_SHIFT) - 1)


class LogTile(Base):
    """The hashes of the complete subtrees above the leaves, 31 to a row (see
    ``retention.tiles``), keyed by ``node_key(tile_level, tile_index)``. Leaf hashes (level 0)
    live on the entries."""

    __tablename__ = "retention_tiles"

    provider_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tile: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)


class TreeHead(Base):
    __tablename__ = "retention_tree_heads"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider_id: Mapped[str] = mapped_column(ForeignKey("retention_logs.provider_id"), index=True)
    tree_size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    signed_at: Mapped[datetime]
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))


class HoldScope(StrEnum):
    USER = "user"
    SERVICE = "service"
    CASE = "case"


class LegalHold(Base):
    """While a hold is active, entries of that user, service or case keep their payloads."""

    __tablename__ = "retention_holds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider_id: Mapped[str] = mapped_column(ForeignKey("retention_logs.provider_id"), index=True)
    scope: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    placed_by: Mapped[str] = mapped_column(String(200))
    released_at: Mapped[datetime | None]
    released_by: Mapped[str | None] = mapped_column(String(200))
