"""Recording published items and sealing them into blocks.

An item is *committed* the moment it is recorded: its content and a fresh random salt are stored
off-chain and ``SHA-256(salt‖content)`` is stored with it, inside the caller's transaction. Items
are *sealed* into signed blocks in batches (``seal_pending``), so the publish path stays one small
insert while blocks stay large; verification covers sealed blocks and pending commitments alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from chainwarden import merkle
from chainwarden.accounts.access import Actor, Role, restrict
from chainwarden.ledger.blocks import Header
from chainwarden.ledger.chains import (
    append_block,
    block_dict,
    chain_for,
    chain_id_for,
    locked,
    signing_key,
)
from chainwarden.ledger.errors import LedgerError, item_removed
from chainwarden.ledger.hashing import commit, new_salt
from chainwarden.ledger.models import Block, BlockKind, Chain, Disposal, Item
from chainwarden.store.base import new_id, utcnow

DEFAULT_BLOCK_SIZE = 1000
TEXT = "text/plain; charset=utf-8"


def new_item(
    session: Session,
    *,
    provider_id: str | None,
    service_id: str | None = None,
    content: bytes | str,
    author_ref: str | None = None,
    media_type: str | None = None,
    now: datetime | None = None,
) -> Item:
    """A published item and its commitment, not yet stored (``record_item``, ``insert_items``)."""
    data = content.encode() if isinstance(content, str) else bytes(content)
    chain_id = chain_id_for(session, provider_id)
    salt = new_salt()
    return Item(
        id=new_id(),
        chain_id=chain_id,
        provider_id=provider_id,
        service_id=service_id,
        author_ref=author_ref,
        media_type=media_type or (TEXT if isinstance(content, str) else "application/octet-stream"),
        content=data,
        salt=salt,
        commitment=commit(salt, data),
        created_at=now or utcnow(),
    )


def record_item(
    session: Session,
    *,
    provider_id: str | None,
    service_id: str | None = None,
    content: bytes | str,
    author_ref: str | None = None,
    media_type: str | None = None,
    now: datetime | None = None,
) -> Item:
    """Store a published item and its commitment in the caller's transaction (no commit).

    The item is pending until ``seal_pending`` puts it in a block."""
    item = new_item(
        session,
        provider_id=provider_id,
        service_id=service_id,
        content=content,
        author_ref=author_ref,
        media_type=media_type,
        now=now,
    )
    # No flush: the row goes in with the caller's next flush or commit, in one batch with the
    # rest of the transaction.
    session.add(item)
    return item


_ITEM_COLUMNS = (
    "id",
    "chain_id",
    "provider_id",
    "service_id",
    "author_ref",
    "media_type",
    "content",
    "salt",
    "commitment",
    "created_at",
)


def insert_items(session: Session, items: Sequence[Item]) -> None:
    """Store items made by ``new_item`` with one multi-row ``INSERT`` in the caller's
    transaction, bypassing the session's unit of work (the objects stay outside the session:
    ``session.get`` reads the stored rows)."""
    if items:
        session.connection().execute(
            insert(Item),
            [{name: getattr(item, name) for name in _ITEM_COLUMNS} for item in items],
        )


def _pending(session: Session, chain_id: str, limit: int) -> list[tuple[str, str]]:
    """(id, commitment) of the chain's oldest pending items."""
    rows = session.execute(
        select(Item.id, Item.commitment)
        .where(Item.chain_id == chain_id, Item.block_height.is_(None))
        .order_by(Item.created_at, Item.id)
        .limit(limit)
    )
    return [(row.id, row.commitment) for row in rows]


def seal_chain(
    session: Session,
    chain_id: str,
    *,
    block_size: int = DEFAULT_BLOCK_SIZE,
    now: datetime | None = None,
) -> list[Block]:
    """Seal every pending item of one chain into blocks of at most ``block_size`` items."""
    if block_size < 1:
        raise LedgerError("invalid_block_size", "区块大小至少为1", "block size must be at least 1")
    chain = locked(session, chain_id)
    key = None
    blocks = []
    while batch := _pending(session, chain.id, block_size):
        key = key or signing_key(chain)
        root = merkle.root([merkle.hash_leaf(bytes.fromhex(commitment)) for _, commitment in batch])
        block = append_block(
            session,
            chain,
            kind=BlockKind.ITEMS,
            merkle_root=root.hex(),
            leaf_count=len(batch),
            now=now,
            key=key,
        )
        session.execute(
            update(Item),
            [
                {"id": item_id, "block_height": block.height, "position": position}
                for position, (item_id, _) in enumerate(batch)
            ],
        )
        blocks.append(block)
    if blocks:
        # The bulk update bypassed items already loaded in this session: reload their place.
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Item) and obj.chain_id == chain.id:
                session.expire(obj, ["block_height", "position"])
    return blocks


def seal_pending(
    session: Session,
    *,
    provider_id: str | None = None,
    all_chains: bool = False,
    block_size: int = DEFAULT_BLOCK_SIZE,
    now: datetime | None = None,
) -> list[Block]:
    """Seal pending items of the provider's chain, or of every chain with ``all_chains``."""
    if all_chains:
        chain_ids = list(
            session.scalars(select(Item.chain_id).where(Item.block_height.is_(None)).distinct())
        )
    else:
        chain_ids = [chain_for(session, provider_id).id]
    blocks = []
    for chain_id in chain_ids:
        blocks.extend(seal_chain(session, chain_id, block_size=block_size, now=now))
    return blocks


def get_item(session: Session, item_id: str) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise LedgerError("item_not_found", "内容不存在", "Item not found", kind="not_found")
    return item


@dataclass(frozen=True)
class ItemContent:
    id: str
    provider_id: str | None
    service_id: str | None
    author_ref: str | None
    media_type: str
    content: bytes
    commitment: str
    created_at: datetime
    block_height: int | None

    @property
    def text(self) -> str | None:
        if not self.media_type.startswith("text/"):
            return None
        return self.content.decode("utf-8", errors="replace")


def read_item(session: Session, item_id: str) -> ItemContent:
    """The item's content; a disposed item raises ``item_removed`` naming the order."""
    item = get_item(session, item_id)
    if item.disposal_id is not None:
        disposal = session.get_one(Disposal, item.disposal_id)
        raise item_removed(item.id, disposal.id, disposal.reference)
    assert item.content is not None
    return ItemContent(
        id=item.id,
        provider_id=item.provider_id,
        service_id=item.service_id,
        author_ref=item.author_ref,
        media_type=item.media_type,
        content=item.content,
        commitment=item.commitment,
        created_at=item.created_at,
        block_height=item.block_height,
    )


def block_at(session: Session, chain_id: str, height: int) -> Block:
    block = session.scalar(select(Block).where(Block.chain_id == chain_id, Block.height == height))
    if block is None:
        raise LedgerError("block_not_found", "区块不存在", "Block not found", kind="not_found")
    return block


def item_proof(session: Session, item: Item) -> dict[str, Any]:
    """Proof that the item's commitment is in its signed block: header and inclusion path."""
    if item.block_height is None or item.position is None:
        raise LedgerError(
            "item_pending",
            "内容尚未封块，稍后再取证明",
            "The item is not sealed in a block yet",
            kind="conflict",
        )
    block = block_at(session, item.chain_id, item.block_height)
    commitments = list(
        session.scalars(
            select(Item.commitment)
            .where(Item.chain_id == item.chain_id, Item.block_height == item.block_height)
            .order_by(Item.position)
        )
    )
    leaves = [merkle.hash_leaf(bytes.fromhex(c)) for c in commitments]
    return {
        "item_id": item.id,
        "commitment": item.commitment,
        "position": item.position,
        "block": block_dict(block),
        "inclusion": [h.hex() for h in merkle.naive_inclusion(leaves, item.position)],
    }


def header_dict_valid(data: dict[str, Any], public_key: str) -> list[str]:
    """Problems with a block header taken from a proof (empty when it checks out)."""
    from chainwarden.ledger.blocks import signature_valid

    problems = []
    header = Header.from_dict(data)
    if header.hash() != data.get("hash"):
        problems.append(f"block {header.height}: hash does not match its header")
    if header.signer_key != public_key:
        problems.append(f"block {header.height}: signed by another key")
    if not signature_valid(public_key, header.hash(), str(data.get("signature", ""))):
        problems.append(f"block {header.height}: signature invalid")
    return problems


def visible_chains(session: Session, actor: Actor) -> list[Chain]:
    """Chains the actor may see: every chain for admins and national regulators, a province's
    for its regulator, the organisation's own for provider accounts."""
    actor.require(Role.ADMIN, Role.REGULATOR, Role.PROVIDER_ADMIN, Role.PROVIDER_REVIEWER)
    query = restrict(
        select(Chain).order_by(Chain.created_at),
        actor,
        provider=Chain.provider_id,
        province=Chain.province_code,
    )
    return list(session.scalars(query))
