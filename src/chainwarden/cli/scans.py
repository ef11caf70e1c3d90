"""Whole-chain scans kept in the database and the workers that run them
(``chainwarden chain scans|scan-show|scan-resume``, ``chainwarden worker``)."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import typer

from chainwarden.cli.common import err_console, fail, open_database, out_console, print_json
from chainwarden.jobs import Job, JobFailed, Queue, open_queue
from chainwarden.settings import get_settings
from chainwarden.store import Database

SEGMENT_JOB = "scan.segment"


def queue() -> Queue:
    settings = get_settings()
    try:
        return (
            open_queue(
                settings.queue_url, stream=settings.queue_stream, ack_wait=settings.queue_ack_wait
            )
            if settings.queue_url
            else open_queue(None)
        )
    except ValueError as exc:
        fail(f"CHAINWARDEN_QUEUE_URL: {exc} / 队列地址无效")


def screening_version(engine: Any) -> str:
    """The lexicon's version and a digest of the packaged model: a finding says what found it."""
    if engine is None:
        return "custom screener"
    digest = hashlib.sha256()
    folder = resources.files("chainwarden.screening") / "model"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            digest.update(entry.read_bytes())
    return f"lexicon {engine.lexicon.version}; model {digest.hexdigest()[:12]}"


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def segment_handler(
    db: Database, screen_many: Callable[..., Any], web3_for: Callable[[str], Any] | None = None
) -> Callable[[Job], None]:
    """Runs one segment job; findings and the done mark commit together."""
    from chainwarden.ledger.scan.records import run_segment

    name = _worker_name()

    def handle(job: Job) -> None:
        if job.kind != SEGMENT_JOB or "segment_id" not in job.payload:
            raise JobFailed(f"unknown job {job.kind}")
        with db.session() as session:
            run_segment(
                session, job.payload["segment_id"], screen_many, worker=name, web3_for=web3_for
            )

    return handle


def segment_jobs(segment_ids: list[str]) -> list[Job]:
    return [Job(SEGMENT_JOB, f"segment-{sid}", {"segment_id": sid}) for sid in segment_ids]


def submit_and_run(
    db: Database,
    scan_id: str,
    screen_many: Callable[..., Any],
    web3_for: Callable[[str], Any] | None = None,
    *,
    wait: bool = True,
) -> None:
    """Put the scan's pending segments on the queue. In-process, run them here with a progress
    bar; with JetStream, workers run them, and ``wait`` follows their progress."""
    from chainwarden.jobs import InProcessQueue
    from chainwarden.ledger.scan.records import pending_segments

    with db.session() as session:
        pending = pending_segments(session, scan_id)
    q = queue()
    q.submit(segment_jobs(pending))
    if isinstance(q, InProcessQueue):
        handle = segment_handler(db, screen_many, web3_for)
        with _progress() as bar:
            task = bar.add_task("scanning segments", total=len(pending))

            def counted(job: Job) -> None:
                handle(job)
                bar.advance(task)

            q.work(counted)
    else:
        err_console.print(f"{len(pending)} 个分段已入队 / segments queued for workers")
        if wait:
            _follow(db, scan_id)
    _summary(db, scan_id)


def _progress() -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


def _follow(db: Database, scan_id: str) -> None:
    from chainwarden.ledger.scan.records import progress

    with _progress() as bar:
        task = None
        while True:
            with db.session() as session:
                state = progress(session, scan_id)
            if task is None:
                task = bar.add_task("workers scanning", total=state["segments"])
            bar.update(task, completed=state["segments_done"])
            if state["complete"]:
                return
            time.sleep(1)


def _summary(db: Database, scan_id: str) -> None:
    from chainwarden.ledger.scan.records import progress

    with db.session() as session:
        state = progress(session, scan_id)
    found = ", ".join(f"{k} {v}" for k, v in sorted(state["findings"].items())) or "none"
    err_console.print(
        f"扫描 {scan_id}: {state['segments_done']}/{state['segments']} 分段, "
        f"{state['blocks']} 区块 ({state['skipped']} skipped) / scan {scan_id}: findings {found}"
    )


def record_bitcoin(
    files: list[Path], *, chunk_mb: int, min_bytes: int, screen_many: Any, engine: Any, wait: bool
) -> None:
    from chainwarden.ledger.scan.records import plan_bitcoin

    db = open_database()
    with db.session() as session:
        scan = plan_bitcoin(
            session,
            files,
            requested_by=os.environ.get("USER", "cli"),
            screening_version=screening_version(engine),
            chunk_bytes=chunk_mb << 20,
            min_bytes=min_bytes,
        )
        scan_id = scan.id
    out_console.print(scan_id)
    submit_and_run(db, scan_id, screen_many, wait=wait)


def record_ethereum(
    rpc: str,
    first: int,
    last: int,
    *,
    chunk_blocks: int,
    min_bytes: int,
    screen_many: Any,
    engine: Any,
    web3_for: Callable[[str], Any],
    wait: bool,
) -> None:
    from chainwarden.ledger.scan.records import plan_ethereum

    db = open_database()
    with db.session() as session:
        scan = plan_ethereum(
            session,
            rpc,
            first,
            last,
            requested_by=os.environ.get("USER", "cli"),
            screening_version=screening_version(engine),
            chunk_blocks=chunk_blocks,
            min_bytes=min_bytes,
        )
        scan_id = scan.id
    out_console.print(scan_id)
    submit_and_run(db, scan_id, screen_many, web3_for, wait=wait)


def list_scans(json_: bool) -> None:
    from sqlalchemy import select

    from chainwarden.ledger.scan.records import ChainScan, progress

    with open_database().session() as session:
        ids = session.scalars(select(ChainScan.id).order_by(ChainScan.created_at.desc()))
        states = [progress(session, scan_id) for scan_id in ids]
    if json_:
        print_json(states)
        return
    if not states:
        out_console.print("还没有扫描 / no scans yet")
    for s in states:
        found = ", ".join(f"{k} {v}" for k, v in sorted(s["findings"].items())) or "-"
        mark = "done" if s["complete"] else "running"
        out_console.print(
            f"{s['scan_id']}  {s['chain']}  {s['segments_done']}/{s['segments']} segments  "
            f"{s['blocks']} blocks  findings: {found}  [{mark}]  {s['source']}",
            soft_wrap=True,
            markup=False,
        )


def show_scan(scan_id: str, findings: bool, json_: bool) -> None:
    from chainwarden.ledger.scan.records import findings as list_findings
    from chainwarden.ledger.scan.records import progress

    with open_database().session() as session:
        try:
            state = progress(session, scan_id)
        except LookupError:
            fail(f"没有扫描 {scan_id} / no scan {scan_id}")
        rows = [
            {
                "block": f.block,
                "tx": f.tx,
                "location": f.location,
                "text_hash": f.text_hash,
                "text": f.text,
                "decision": f.decision,
                "categories": f.categories,
            }
            for f in (list_findings(session, scan_id) if findings else [])
        ]
    if json_:
        print_json({**state, "items": rows} if findings else state)
        return
    for key in ("scan_id", "chain", "source", "screening_version", "requested_by", "created_at"):
        out_console.print(f"{key}: {state[key]}", markup=False, soft_wrap=True)
    out_console.print(
        f"segments: {state['segments_done']}/{state['segments']}, blocks {state['blocks']}, "
        f"skipped {state['skipped']}, findings {state['findings'] or '-'}",
        markup=False,
    )
    for row in rows:
        out_console.print(
            f"[{row['decision']}] {row['block']} {row['tx']} {row['location']}: {row['text'][:120]}",
            markup=False,
            soft_wrap=True,
        )


def worker(
    idle_exit: float = typer.Option(
        None,
        "--idle-exit",
        min=0,
        help="Stop after this many seconds without a job (default: run until stopped).",
    ),
) -> None:
    """Run queued jobs (chain scan segments) until stopped: one job at a time, acknowledged only
    after its results are committed. Needs CHAINWARDEN_QUEUE_URL (nats://…). / 运行队列中的任务。"""
    from chainwarden.cli.ledger import _web3, screener

    settings = get_settings()
    if not settings.queue_url:
        fail(
            "CHAINWARDEN_QUEUE_URL 未设置：没有队列时任务在提交它的进程中运行 / no queue set "
            "(CHAINWARDEN_QUEUE_URL=nats://host:4222): without one, jobs run where they are submitted"
        )
    db = open_database()
    handle = segment_handler(db, screener(), _web3)
    err_console.print(f"worker {_worker_name()} waiting for jobs on {settings.queue_url}")
    done = queue().work(handle, idle_exit=idle_exit)
    err_console.print(f"{done} 个任务已完成 / jobs done")
