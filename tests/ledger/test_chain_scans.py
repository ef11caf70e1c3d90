"""Whole-chain scans kept in the database: segments, resume after a crash, and workers on NATS
JetStream that may die mid-scan without losing or doubling a finding."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from chainwarden.cli import ledger as ledger_cli
from chainwarden.cli.main import app
from chainwarden.ledger.scan.bitcoin import scan_file
from chainwarden.ledger.scan.records import (
    ScanFinding,
    ScanSegment,
    pending_segments,
    plan_bitcoin,
    progress,
    run_segment,
)
from chainwarden.ledger.scan.synthetic import write_blk_file
from chainwarden.settings import get_settings
from chainwarden.store import Database

NATS_URL = os.environ.get("CHAINWARDEN_TEST_NATS_URL", "nats://127.0.0.1:4222")
REQUIRE_NATS = os.environ.get("CHAINWARDEN_REQUIRE_NATS") == "1"


def keyword_screen(texts):
    """A stand-in screener: the scans' bookkeeping is under test here, not screening."""
    return [
        {"decision": "block" if "ICO" in t or "空气币" in t else "pass", "categories": []}
        for t in texts
    ]


def places(path: Path) -> set[tuple[str, str, str, str]]:
    """Every text in the file, scanned start to end in one pass (the reference)."""
    return {
        (e.block, e.tx, e.location, e.text)
        for result in scan_file(path)
        if isinstance(result, list)
        for e in result
    }


def recorded(db: Database, scan_id: str) -> list[tuple[str, str, str, str]]:
    with db.session() as session:
        rows = session.execute(
            select(ScanFinding.block, ScanFinding.tx, ScanFinding.location, ScanFinding.text).where(
                ScanFinding.scan_id == scan_id
            )
        ).all()
    return [tuple(r) for r in rows]


@pytest.fixture
def blk(tmp_path) -> Path:
    path = tmp_path / "blk00000.dat"
    write_blk_file(path, 3 << 20, seed=3, txs_per_block=400)
    return path


def test_a_scan_cut_in_segments_finds_what_one_pass_finds(db, blk):
    with db.session() as session:
        scan = plan_bitcoin(
            session, [blk, blk], requested_by="t", screening_version="v", chunk_bytes=256 << 10
        )
        scan_id = scan.id
    with db.session() as session:
        segments = pending_segments(session, scan_id)
    assert len(segments) > 10
    for segment_id in reversed(segments):  # any order
        with db.session() as session:
            assert run_segment(session, segment_id, keyword_screen, worker="w")
    found = recorded(db, scan_id)
    # The same file twice: every place once.
    assert sorted(found) == sorted(places(blk))
    with db.session() as session:
        state = progress(session, scan_id)
    assert state["complete"] and state["segments_done"] == len(segments)
    assert state["findings"]["block"] > 0 and state["findings"]["pass"] > 0


def test_a_redelivered_segment_adds_nothing_and_a_crash_mid_segment_leaves_nothing(db, blk):
    with db.session() as session:
        scan_id = plan_bitcoin(
            session, [blk], requested_by="t", screening_version="v", chunk_bytes=1 << 20
        ).id
    with db.session() as session:
        first = pending_segments(session, scan_id)[0]

    def dying(texts):
        raise RuntimeError("worker died")

    with pytest.raises(RuntimeError), db.session() as session:
        run_segment(session, first, dying, worker="a")
    assert recorded(db, scan_id) == []
    with db.session() as session:
        assert run_segment(session, first, keyword_screen, worker="b")
    once = recorded(db, scan_id)
    with db.session() as session:
        assert not run_segment(session, first, keyword_screen, worker="c")
    assert recorded(db, scan_id) == once and once


@pytest.fixture
def cli(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CHAINWARDEN_DATABASE_URL", url)
    monkeypatch.delenv("CHAINWARDEN_QUEUE_URL", raising=False)
    monkeypatch.setattr(ledger_cli, "SCREEN_MANY", keyword_screen)
    get_settings.cache_clear()
    runner = CliRunner()
    yield (lambda *args: runner.invoke(app, list(args))), Database(url)
    get_settings.cache_clear()


def test_record_then_resume_after_a_stop(cli, blk):
    run, db = cli
    result = run("chain", "scan-btc", str(blk), "--record", "--chunk-mb", "1")
    assert result.exit_code == 0, result.output
    scan_id = result.stdout.strip().splitlines()[0]
    # A stop part-way: two segments marked not done, their findings gone with them.
    with db.session() as session:
        undone = session.scalars(select(ScanSegment).where(ScanSegment.scan_id == scan_id)).all()[
            :2
        ]
        for segment in undone:
            segment.state = "pending"
            session.query(ScanFinding).filter(ScanFinding.segment_id == segment.id).delete()
        kept = {
            s.id: s.done_at
            for s in session.scalars(select(ScanSegment).where(ScanSegment.scan_id == scan_id))
            if s.state == "done"
        }
    result = run("chain", "scan-resume", scan_id)
    assert result.exit_code == 0, result.output
    with db.session() as session:
        after = {
            s.id: s
            for s in session.scalars(select(ScanSegment).where(ScanSegment.scan_id == scan_id))
        }
    assert all(s.state == "done" for s in after.values())
    assert all(after[i].done_at == done_at for i, done_at in kept.items())  # not scanned again
    assert sorted(recorded(db, scan_id)) == sorted(places(blk))
    shown = run("chain", "scan-show", scan_id, "--findings", "--json")
    assert shown.exit_code == 0, shown.output
    state = json.loads(shown.stdout)
    assert state["complete"] and all(i["decision"] == "block" for i in state["items"])
    assert run("chain", "scan-show", "no-such-scan").exit_code == 2
    listed = run("chain", "scans", "--json")
    assert [s["scan_id"] for s in json.loads(listed.stdout)] == [scan_id]


def test_worker_refuses_to_start_without_a_queue(cli):
    run, _ = cli
    result = run("worker", "--idle-exit", "0")
    assert result.exit_code == 2
    assert "CHAINWARDEN_QUEUE_URL" in result.output


# --- NATS JetStream --------------------------------------------------------------------------


def _nats_reachable() -> bool:
    host, port = NATS_URL.removeprefix("nats://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.fixture
def jetstream(monkeypatch):
    if not _nats_reachable():
        message = f"NATS not reachable at {NATS_URL}"
        if REQUIRE_NATS:
            pytest.fail(message)
        pytest.skip(message + " (set CHAINWARDEN_TEST_NATS_URL to run these)")
    stream = f"TEST_{uuid.uuid4().hex[:10].upper()}"
    env = {"CHAINWARDEN_QUEUE_URL": NATS_URL, "CHAINWARDEN_QUEUE_STREAM": stream}
    env["CHAINWARDEN_QUEUE_ACK_WAIT"] = "3"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()

    async def drop() -> None:
        import nats

        nc = await nats.connect(NATS_URL)
        try:
            await nc.jetstream().delete_stream(stream)
        finally:
            await nc.close()

    asyncio.run(drop())


WORKER = """
import sys
from chainwarden.cli import ledger
from chainwarden.cli.main import main
sys.path.insert(0, {tests!r})
from ledger.test_chain_scans import keyword_screen
ledger.SCREEN_MANY = keyword_screen
sys.argv = ["chainwarden", "worker", "--idle-exit", "{idle}"]
main()
"""


def _worker(env: dict[str, str], idle: int) -> subprocess.Popen[bytes]:
    code = WORKER.format(tests=str(Path(__file__).parents[1]), idle=idle)
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _done(db: Database, scan_id: str) -> int:
    with db.session() as session:
        return (
            session.scalar(
                select(func.count()).where(
                    ScanSegment.scan_id == scan_id, ScanSegment.state == "done"
                )
            )
            or 0
        )


def test_a_worker_killed_mid_scan_loses_and_doubles_nothing(db, blk, jetstream, tmp_path):
    from chainwarden.cli.scans import segment_jobs
    from chainwarden.jobs import JetStreamQueue

    with db.session() as session:
        scan_id = plan_bitcoin(
            session, [blk], requested_by="t", screening_version="v", chunk_bytes=128 << 10
        ).id
    with db.session() as session:
        segments = pending_segments(session, scan_id)
    queue = JetStreamQueue(NATS_URL, stream=jetstream["CHAINWARDEN_QUEUE_STREAM"], ack_wait=3)
    assert queue.submit(segment_jobs(segments)) == len(segments)
    assert queue.submit(segment_jobs(segments)) == 0  # a second submit of the same jobs
    env = {**jetstream, "CHAINWARDEN_DATABASE_URL": db.url}
    first = _worker(env, idle=60)
    deadline = time.monotonic() + 120
    while _done(db, scan_id) < 3 and time.monotonic() < deadline:
        assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
        time.sleep(0.2)
    first.send_signal(signal.SIGKILL)  # mid-scan, maybe mid-segment
    first.wait()
    killed_at = _done(db, scan_id)
    assert 3 <= killed_at < len(segments)
    second = _worker(env, idle=8)
    assert second.wait(timeout=180) == 0, second.stderr.read().decode() if second.stderr else ""
    assert _done(db, scan_id) == len(segments)
    found = recorded(db, scan_id)
    assert len(found) == len(set(found))
    assert set(found) == places(blk)
    with db.session() as session:
        workers = set(
            session.scalars(select(ScanSegment.worker).where(ScanSegment.scan_id == scan_id))
        )
    assert len(workers) == 2  # the killed worker's segments stayed done; the rest by the second
    assert queue.pending() == 0
