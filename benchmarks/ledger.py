"""Emergency takedown on a chain of 100,000 items, against a naive baseline in the same run.

The built-in ledger removes an item by deleting its content and salt and appending one signed
disposal block: the work does not grow with the chain. The baseline is what a ledger that cannot
forget content without rewriting history does: drop the item from its block, then recompute the
Merkle root, hash and signature of that block and of every block after it (each names the hash
of the one before).

    python benchmarks/ledger.py [--items 100000] [--block-size 1000] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, select, update

import chainwarden.models  # noqa: F401  (all tables)
from chainwarden import merkle
from chainwarden.accounts import SYSTEM
from chainwarden.ledger import dispose, record_item, seal_pending, verify
from chainwarden.ledger.blocks import Header, sign, timestamp
from chainwarden.ledger.chains import header_of, signing_key
from chainwarden.ledger.models import Block, Chain, Item
from chainwarden.store import Database

PROVIDER = "bench-provider"


def build(db: Database, items: int, block_size: int) -> float:
    started = time.perf_counter()
    with db.session() as s:
        for n in range(items):
            record_item(
                s, provider_id=PROVIDER, content=f"第 {n} 条上链信息 item {n}", author_ref=f"u{n}"
            )
    with db.session() as s:
        seal_pending(s, provider_id=PROVIDER, block_size=block_size)
    return time.perf_counter() - started


def takedown(db: Database, item_id: str, n: int) -> float:
    started = time.perf_counter()
    with db.session() as s:
        dispose(s, SYSTEM, item_ids=[item_id], reason="紧急处置", reference=f"应急〔2026〕{n}号")
    return time.perf_counter() - started


def naive_takedown(db: Database, item_id: str) -> float:
    """Remove the item from its block and rewrite that block and every later one."""
    started = time.perf_counter()
    with db.session() as s:
        item = s.get_one(Item, item_id)
        chain = s.get_one(Chain, item.chain_id)
        key = signing_key(chain)
        height = item.block_height
        s.execute(delete(Item).where(Item.id == item_id))
        blocks = list(
            s.scalars(
                select(Block)
                .where(Block.chain_id == chain.id, Block.height >= height)
                .order_by(Block.height)
            )
        )
        prev = blocks[0].prev_hash
        for block in blocks:
            commitments = list(
                s.scalars(
                    select(Item.commitment)
                    .where(Item.chain_id == chain.id, Item.block_height == block.height)
                    .order_by(Item.position)
                )
            )
            root = merkle.root([merkle.hash_leaf(bytes.fromhex(c)) for c in commitments]).hex()
            header = Header(
                chain_id=chain.id,
                height=block.height,
                kind=block.kind,
                prev_hash=prev,
                merkle_root=root,
                leaf_count=len(commitments),
                time=timestamp(block.created_at),
                signer_key=block.signer_key,
            )
            digest = header.hash()
            s.execute(
                update(Block)
                .where(Block.id == block.id)
                .values(
                    prev_hash=prev,
                    merkle_root=root,
                    leaf_count=len(commitments),
                    hash=digest,
                    signature=sign(key, digest),
                )
            )
            prev = digest
        chain.head_hash = prev
        assert header_of(blocks[-1]) is not None
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--block-size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--url", help="Database URL [default: a fresh SQLite file]")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("CHAINWARDEN_KEY_FILE", str(Path(tmp) / "bench.keys"))
        db = Database(args.url or f"sqlite:///{Path(tmp) / 'ledger.db'}")
        db.upgrade()
        built = build(db, args.items, args.block_size)
        print(f"chain: {args.items} items in blocks of {args.block_size}: built in {built:.1f} s")
        with db.session() as s:
            ids = list(s.scalars(select(Item.id)))
        rng = random.Random(7)
        targets = rng.sample(ids, args.runs + args.baseline_runs)

        ours = [takedown(db, item_id, n) for n, item_id in enumerate(targets[: args.runs])]
        started = time.perf_counter()
        with db.session() as s:
            (report,) = verify(s, SYSTEM)
        verified = time.perf_counter() - started
        assert report.valid, report.to_dict()["problems"][:5]
        print(
            f"verify after {args.runs} disposals: {len(report.blocks)} blocks, "
            f"{report.items} items, every block valid, in {verified:.2f} s"
        )
        # The baseline rewrites history, so it runs last (its chain no longer verifies).
        naive = [naive_takedown(db, item_id) for item_id in targets[args.runs :]]
        db.dispose()

    median = statistics.median(ours)
    worst = max(ours)
    base = statistics.median(naive)
    print(
        f"takedown (disposal order, one item): median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms"
    )
    print(f"baseline (rewrite later blocks):     median {base * 1000:.1f} ms")
    print(f"ratio baseline / ours: {base / median:.1f}x")


if __name__ == "__main__":
    main()
