"""Walking a chain: every block's link, Merkle root, hash and signature, and every item's
commitment (pending ones too)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden import merkle
from chainwarden.accounts.access import Actor
from chainwarden.ledger.blocks import signature_valid
from chainwarden.ledger.chains import header_of
from chainwarden.ledger.errors import LedgerError
from chainwarden.ledger.hashing import ZERO_HASH, commit, record_hash
from chainwarden.ledger.items import visible_chains
from chainwarden.ledger.models import Block, BlockKind, Chain, Disposal, DisposalState, Item


@dataclass
class BlockCheck:
    height: int
    kind: str
    hash: str
    leaves: int
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass
class ChainReport:
    chain_id: str
    provider_id: str | None
    blocks: list[BlockCheck] = field(default_factory=list)
    items: int = 0
    pending: int = 0
    disposed: int = 0
    problems: list[str] = field(default_factory=list)  # item and chain-level problems

    @property
    def valid(self) -> bool:
        return not self.problems and all(b.valid for b in self.blocks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "chain_id": self.chain_id,
            "provider_id": self.provider_id,
            "valid": self.valid,
            "blocks": len(self.blocks),
            "valid_blocks": sum(b.valid for b in self.blocks),
            "items": self.items,
            "pending": self.pending,
            "disposed": self.disposed,
            "problems": self.problems
            + [f"block {b.height}: {p}" for b in self.blocks for p in b.problems],
        }


def _item_rows(session: Session, chain_id: str) -> list[Any]:
    return list(
        session.execute(
            select(
                Item.id,
                Item.commitment,
                Item.block_height,
                Item.position,
                Item.content,
                Item.salt,
                Item.disposal_id,
            ).where(Item.chain_id == chain_id)
        )
    )


def verify_chain(session: Session, chain: Chain) -> ChainReport:
    report = ChainReport(chain.id, chain.provider_id)
    by_block: dict[int, list[Any]] = defaultdict(list)
    items: dict[str, Any] = {}
    for row in _item_rows(session, chain.id):
        items[row.id] = row
        report.items += 1
        if row.block_height is None:
            report.pending += 1
        else:
            by_block[row.block_height].append(row)
        if row.disposal_id is not None:
            report.disposed += 1
            if row.content is not None or row.salt is not None:
                report.problems.append(f"item {row.id}: disposed but content or salt remains")
        elif row.content is None or row.salt is None:
            report.problems.append(f"item {row.id}: content missing without a disposal order")
        elif commit(row.salt, row.content) != row.commitment:
            report.problems.append(f"item {row.id}: content does not match its commitment")

    executed = {
        d.id: d
        for d in session.scalars(select(Disposal).where(Disposal.chain_id == chain.id))
        if d.state == DisposalState.EXECUTED
    }
    named: set[str] = set()
    prev = ZERO_HASH
    expected_height = 0
    blocks = session.scalars(select(Block).where(Block.chain_id == chain.id).order_by(Block.height))
    for block in blocks:
        check = BlockCheck(block.height, block.kind, block.hash, block.leaf_count)
        report.blocks.append(check)
        if block.height != expected_height:
            check.problems.append(f"expected height {expected_height}")
        expected_height = block.height + 1
        if block.prev_hash != prev:
            check.problems.append("previous hash does not link to the block before")
        prev = block.hash
        digest = header_of(block).hash()
        if digest != block.hash:
            check.problems.append("hash does not match the header")
        if block.signer_key != chain.public_key:
            check.problems.append("signed by a key that is not the chain's")
        if not signature_valid(chain.public_key, digest, block.signature):
            check.problems.append("signature invalid")
        if block.kind == BlockKind.ITEMS:
            rows = sorted(by_block.pop(block.height, []), key=lambda r: r.position)
            if [r.position for r in rows] != list(range(block.leaf_count)):
                check.problems.append(f"holds {len(rows)} items, header says {block.leaf_count}")
            leaves = [merkle.hash_leaf(bytes.fromhex(r.commitment)) for r in rows]
            if merkle.root(leaves).hex() != block.merkle_root:
                check.problems.append("Merkle root does not match the items' commitments")
        elif block.kind == BlockKind.DISPOSAL and block.record is not None:
            record = block.record
            if merkle.root([merkle.hash_leaf(record_hash(record))]).hex() != block.merkle_root:
                check.problems.append("Merkle root does not match the disposal record")
            disposal = executed.get(str(record.get("disposal_id")))
            if disposal is None or disposal.block_height != block.height:
                check.problems.append("disposal record has no executed order")
            for target in record.get("targets", []):
                row = items.get(target.get("item_id"))
                named.add(str(target.get("item_id")))
                if row is None or row.commitment != target.get("commitment"):
                    check.problems.append(f"target {target.get('item_id')} does not match")
                elif row.disposal_id != record.get("disposal_id"):
                    check.problems.append(f"target {row.id} is not marked disposed")
        else:
            check.problems.append(f"unknown block kind {block.kind}")
    for height in by_block:
        report.problems.append(f"items claim block {height}, which does not exist")
    if chain.height != expected_height - 1 or (chain.head_hash or ZERO_HASH) != prev:
        report.problems.append("chain head does not match its last block")
    for item_id, row in items.items():
        if row.disposal_id is not None and item_id not in named:
            report.problems.append(f"item {item_id}: disposed without a disposal block")
    return report


def verify(session: Session, actor: Actor, *, provider_id: str | None = None) -> list[ChainReport]:
    """Reports for every chain the actor may see (or the provider's chain)."""
    found = [
        c
        for c in visible_chains(session, actor)
        if provider_id is None or c.provider_id == provider_id
    ]
    if provider_id is not None and not found:
        raise LedgerError(
            "chain_not_found", "该提供者没有账本", "This provider has no ledger", kind="not_found"
        )
    return [verify_chain(session, c) for c in found]
