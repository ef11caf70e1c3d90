"""Whole-chain scans kept in the database: a scan is cut into segments (byte ranges of blk files,
or height ranges of an Ethereum node) that any worker may run, in any order, more than once.

A segment's findings and its ``done`` mark are written in one transaction, and a finding is
unique per scan and place, so a worker that dies mid-segment leaves nothing behind and a segment
run twice (a redelivered job) adds nothing: no finding lost, none doubled."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy import func as sql
from sqlalchemy.orm import Mapped, Session, mapped_column

from chainwarden.ledger.scan.text import Extract, ScanError, screen_extracts
from chainwarden.store.base import Base, UTCDateTime, new_id, utcnow

ScreenMany = Callable[[Sequence[str]], Sequence[dict[str, Any]]]


class ScanState(StrEnum):
    PENDING = "pending"
    DONE = "done"


class ChainScan(Base):
    """One scan of a chain: what was asked, by whom, and with which screening version."""

    __tablename__ = "chain_scans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    chain: Mapped[str] = mapped_column(String(16))  # bitcoin | ethereum
    source: Mapped[str] = mapped_column(Text)  # files, or the node's endpoint and heights
    requested_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    screening_version: Mapped[str] = mapped_column(String(200))
    min_bytes: Mapped[int] = mapped_column(Integer, default=8)


class ScanSegment(Base):
    """A piece of a scan one worker runs at once: bytes ``start`` to ``end`` of a file, or block
    heights ``start`` to ``end`` of an Ethereum node (``end`` not included in either)."""

    __tablename__ = "chain_scan_segments"
    __table_args__ = (UniqueConstraint("scan_id", "seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    scan_id: Mapped[str] = mapped_column(ForeignKey("chain_scans.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(BigInteger)
    end: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default=ScanState.PENDING, index=True)
    blocks: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(200))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScanFinding(Base):
    """Text found on the chain and what screening decided about it."""

    __tablename__ = "chain_scan_findings"
    __table_args__ = (
        UniqueConstraint("scan_id", "block", "tx", "location", "text_hash", name="uq_finding"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    scan_id: Mapped[str] = mapped_column(ForeignKey("chain_scans.id"), index=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("chain_scan_segments.id"), index=True)
    block: Mapped[str] = mapped_column(String(80))
    tx: Mapped[str] = mapped_column(String(80))
    location: Mapped[str] = mapped_column(String(80))
    text_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(16), index=True)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)


def plan_bitcoin(
    session: Session,
    files: Sequence[Path],
    *,
    requested_by: str,
    screening_version: str,
    chunk_bytes: int = 64 << 20,
    min_bytes: int = 8,
) -> ChainScan:
    """A scan of blk files cut at frame boundaries into segments of about ``chunk_bytes``."""
    from chainwarden.ledger.scan.bitcoin import frame_offsets

    scan = ChainScan(
        chain="bitcoin",
        source=", ".join(str(f) for f in files),
        requested_by=requested_by,
        screening_version=screening_version,
        min_bytes=min_bytes,
    )
    session.add(scan)
    session.flush()
    ranges = ((str(f.resolve()), r) for f in files for r in frame_offsets(f, chunk_bytes))
    for seq, (source, (start, end)) in enumerate(ranges):
        session.add(ScanSegment(scan_id=scan.id, seq=seq, source=source, start=start, end=end))
    return scan


def plan_ethereum(
    session: Session,
    rpc: str,
    first: int,
    last: int,
    *,
    requested_by: str,
    screening_version: str,
    chunk_blocks: int = 100,
    min_bytes: int = 8,
) -> ChainScan:
    scan = ChainScan(
        chain="ethereum",
        source=f"{rpc} {first}–{last}",
        requested_by=requested_by,
        screening_version=screening_version,
        min_bytes=min_bytes,
    )
    session.add(scan)
    session.flush()
    for seq, start in enumerate(range(first, last + 1, chunk_blocks)):
        end = min(start + chunk_blocks, last + 1)  # exclusive, like a byte range
        session.add(ScanSegment(scan_id=scan.id, seq=seq, source=rpc, start=start, end=end))
    return scan


def pending_segments(session: Session, scan_id: str) -> list[str]:
    rows = session.scalars(
        select(ScanSegment.id)
        .where(ScanSegment.scan_id == scan_id, ScanSegment.state == ScanState.PENDING)
        .order_by(ScanSegment.seq)
    )
    return list(rows)


def _blocks(
    segment: ScanSegment, chain: str, min_bytes: int, web3_for: Callable[[str], Any] | None
) -> Iterator[list[Extract] | ScanError]:
    if chain == "bitcoin":
        from chainwarden.ledger.scan.bitcoin import scan_file

        yield from scan_file(
            Path(segment.source), start=segment.start, end=segment.end, min_bytes=min_bytes
        )
    else:
        from chainwarden.ledger.scan.ethereum import scan_range

        if web3_for is None:
            raise ValueError("an Ethereum segment needs a node connection")
        node = web3_for(segment.source)
        yield from scan_range(node, segment.start, segment.end - 1, min_bytes=min_bytes)


def run_segment(
    session: Session,
    segment_id: str,
    screen_many: ScreenMany,
    *,
    worker: str,
    web3_for: Callable[[str], Any] | None = None,
) -> bool:
    """Scan one segment and record its findings, unless it is already done (a redelivered job).
    The caller commits: findings and the done mark land together or not at all."""
    segment = session.get(ScanSegment, segment_id)
    if segment is None or segment.state == ScanState.DONE:
        return False
    scan = session.get(ChainScan, segment.scan_id)
    assert scan is not None
    blocks = skipped = 0

    def extracts() -> Iterator[Extract]:
        nonlocal blocks, skipped
        for result in _blocks(segment, scan.chain, scan.min_bytes, web3_for):
            if isinstance(result, ScanError):
                skipped += 1
            else:
                blocks += 1
                yield from result

    rows = []
    for found in screen_extracts(extracts(), screen_many):
        rows.append(
            {
                "id": new_id(),
                "scan_id": scan.id,
                "segment_id": segment.id,
                "block": found["block"],
                "tx": found["tx"],
                "location": found["location"],
                "text_hash": hashlib.sha256(found["text"].encode()).hexdigest(),
                "text": found["text"],
                "decision": found["decision"] or "pass",
                "categories": found["categories"],
            }
        )
        if len(rows) >= 1000:
            _insert_new(session, rows)
            rows = []
    _insert_new(session, rows)
    segment.state = ScanState.DONE
    segment.blocks, segment.skipped = blocks, skipped
    segment.worker = worker
    segment.done_at = utcnow()
    return True


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert findings, skipping any already recorded for the same scan and place (a block that
    appears twice in the files, or in two segments)."""
    if not rows:
        return
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(ScanFinding).on_conflict_do_nothing(), rows)


def progress(session: Session, scan_id: str) -> dict[str, Any]:
    """Segments and bytes or heights done, blocks read and findings by decision."""
    scan = session.get(ChainScan, scan_id)
    if scan is None:
        raise LookupError(scan_id)
    segments = session.execute(
        select(
            ScanSegment.state,
            sql.count(),
            sql.sum(ScanSegment.end - ScanSegment.start),
            sql.sum(ScanSegment.blocks),
            sql.sum(ScanSegment.skipped),
        )
        .where(ScanSegment.scan_id == scan_id)
        .group_by(ScanSegment.state)
    ).all()
    by_state = {
        state: (count, size or 0, blocks or 0, skipped or 0)
        for state, count, size, blocks, skipped in segments
    }
    done = by_state.get(ScanState.DONE, (0, 0, 0, 0))
    pending = by_state.get(ScanState.PENDING, (0, 0, 0, 0))
    decisions = dict(
        session.execute(
            select(ScanFinding.decision, sql.count())
            .where(ScanFinding.scan_id == scan_id)
            .group_by(ScanFinding.decision)
        ).all()
    )
    return {
        "scan_id": scan.id,
        "chain": scan.chain,
        "source": scan.source,
        "requested_by": scan.requested_by,
        "created_at": scan.created_at.isoformat(),
        "screening_version": scan.screening_version,
        "segments": done[0] + pending[0],
        "segments_done": done[0],
        "span": done[1] + pending[1],
        "span_done": done[1],
        "blocks": done[2],
        "skipped": done[3],
        "findings": decisions,
        "complete": pending[0] == 0,
    }


def findings(
    session: Session, scan_id: str, *, decisions: Iterable[str] = ("block", "review")
) -> list[ScanFinding]:
    return list(
        session.scalars(
            select(ScanFinding)
            .where(ScanFinding.scan_id == scan_id, ScanFinding.decision.in_(list(decisions)))
            .order_by(ScanFinding.block, ScanFinding.tx, ScanFinding.location)
        )
    )
