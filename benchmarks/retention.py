"""Retention log: appends per second in batches of 1,000, and inclusion-proof time at 1,000,000
leaves from the stored tiles, each beside a naive full recomputation measured in the same run
(appends that recompute the root from every leaf; proofs recomputed from every leaf).

    python benchmarks/retention.py [--leaves 1000000] [--url sqlite:///…|postgresql+psycopg://…]

Aims: ≥ 20,000 appends/s on SQLite, ≤ 1 ms per inclusion proof at 1M leaves. Prints the
durability settings in force (SQLite ``journal_mode``/``synchronous``, PostgreSQL
``synchronous_commit``) and the machine's load, since both change the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden import merkle
from chainwarden.accounts import SYSTEM
from chainwarden.registry.providers import ProviderInfo, register_provider
from chainwarden.retention import EntryType, NewEntry, append_many, proofs
from chainwarden.retention import log as retention_log
from chainwarden.retention.models import LogEntry
from chainwarden.store import Database

BATCH = 1_000
PROVIDER = ProviderInfo(
    name="基准测试科技有限公司",
    uscc="91110108MA01ABCD0B",
    kind="entity",
    region_code="110108",
    legal_representative="王一",
    responsible_person="李二",
    contact_phone="13800138000",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--url", default=None, help="database (default: a fresh SQLite file)")
    parser.add_argument("--proofs", type=int, default=2_000, help="stored-node proofs to time")
    parser.add_argument("--naive", type=int, default=3, help="naive proofs and batches to time")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cw-bench-"))
    os.environ.setdefault("CHAINWARDEN_KEY_FILE", str(workdir / "bench.keys"))
    url = args.url or f"sqlite:///{workdir / 'bench.db'}"
    db = Database(url)
    db.upgrade()
    with db.session() as s:
        provider_id = register_provider(s, SYSTEM, PROVIDER).id
    print(f"database: {db.engine.url.render_as_string()}  leaves: {args.leaves:,}")
    print(f"durability: {durability(db)}")
    print(f"load average before: {load()}")

    # -- appends --------------------------------------------------------------------------------
    started, cpu_started = time.perf_counter(), time.process_time()
    appended = 0
    while appended < args.leaves:
        n = min(BATCH, args.leaves - appended)
        items = batch(appended, n)
        with db.session() as s:  # one committed transaction per batch
            append_many(s, provider_id, items)
        appended += n
        if appended % 100_000 == 0:
            rate = appended / (time.perf_counter() - started)
            print(f"  {appended:>9,} appended, {rate:,.0f}/s", file=sys.stderr)
    append_seconds = time.perf_counter() - started
    append_cpu = time.process_time() - cpu_started
    print(
        f"appends: {args.leaves:,} in batches of {BATCH:,}: {append_seconds:.1f} s "
        f"= {args.leaves / append_seconds:,.0f} appends/s (aim ≥ 20,000); "
        f"this process's CPU {append_cpu:.1f} s (the rest: waiting for the disk, the database "
        f"server or a core)"
    )

    # -- inclusion proofs: stored tiles ---------------------------------------------------------
    size = args.leaves
    rng = random.Random(9162)
    indexes = [rng.randrange(size) for _ in range(args.proofs)]
    with db.session() as s:
        proofs.inclusion_proof(s, provider_id, 0, size)  # warm the connection
        timings = []
        cpu_started = time.process_time()
        for index in indexes:
            t0 = time.perf_counter()
            proofs.inclusion_proof(s, provider_id, index, size)
            timings.append(time.perf_counter() - t0)
        cpu_ms = (time.process_time() - cpu_started) / len(indexes) * 1000
        stored_ms = statistics.mean(timings) * 1000
        median_ms = statistics.median(timings) * 1000
        p99_ms = sorted(timings)[int(len(timings) * 0.99)] * 1000
        root = proofs.root_at(s, provider_id, size)
    print(
        f"inclusion proof, stored tiles: mean {stored_ms:.3f} ms, median {median_ms:.3f} ms, "
        f"p99 {p99_ms:.3f} ms, CPU {cpu_ms:.3f} ms over {len(indexes):,} proofs (aim ≤ 1 ms)"
    )

    # -- inclusion proofs: naive full recomputation ---------------------------------------------
    naive = []
    for index in indexes[: args.naive]:
        t0 = time.perf_counter()
        with db.session() as s:
            leaves = all_leaves(s, provider_id)
        path = merkle.naive_inclusion(leaves, index)
        naive.append(time.perf_counter() - t0)
        with db.session() as s:
            assert path == proofs.inclusion_proof(s, provider_id, index, size)
        assert merkle.verify_inclusion(leaves[index], index, size, path, root)
    naive_ms = statistics.mean(naive) * 1000
    print(
        f"inclusion proof, naive recomputation (read all leaves, RFC recursion): "
        f"mean {naive_ms:,.0f} ms over {len(naive)} proofs"
    )
    print(f"ratio: stored tiles are {naive_ms / stored_ms:,.0f}× faster than the naive baseline")

    # -- appends: naive, the root recomputed from every leaf ------------------------------------
    per_batch = []
    for number in range(args.naive):
        items = batch(size + number * BATCH, BATCH)
        t0 = time.perf_counter()
        with db.session() as s:
            append_many(s, provider_id, items)
            root = merkle.naive_root(all_leaves(s, provider_id))
        per_batch.append(time.perf_counter() - t0)
        with db.session() as s:
            assert root == retention_log.head(s, provider_id).root_hash
    naive_rate = BATCH / statistics.mean(per_batch)
    print(
        f"appends, naive (same batches, root recomputed from all ~{size:,} leaves each): "
        f"{naive_rate:,.0f} appends/s over {len(per_batch)} batches"
    )
    rate = args.leaves / append_seconds
    print(f"ratio: tiled appends are {rate / naive_rate:,.0f}× faster than the naive baseline")
    print(f"load average after: {load()}")
    db.dispose()


def batch(first: int, n: int) -> list[NewEntry]:
    return [
        NewEntry(
            EntryType.PUBLISHED_ITEM,
            "bench",
            {"text": f"item {first + i}", "n": first + i},
            user_id=f"user{(first + i) % 997}",
            service_id="svc-1",
        )
        for i in range(n)
    ]


def all_leaves(session: Session, provider_id: str) -> list[bytes]:
    return list(
        session.scalars(
            select(LogEntry.leaf_hash)
            .where(LogEntry.provider_id == provider_id)
            .order_by(LogEntry.idx)
        )
    )


def durability(db: Database) -> str:
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            level = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            name = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(int(level or 0), level)
            return f"SQLite journal_mode={journal}, synchronous={name}"
        commit = conn.exec_driver_sql("SHOW synchronous_commit").scalar()
        return f"PostgreSQL synchronous_commit={commit}"


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} CPUs)"


if __name__ == "__main__":
    main()
