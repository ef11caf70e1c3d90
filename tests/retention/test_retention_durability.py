"""Writers in real processes: a SIGKILL in the middle of a batch loses nothing acknowledged and
leaves a log that verifies; two processes appending at once never corrupt the tree."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import select

from chainwarden.retention import log as retention_log
from chainwarden.retention.models import LogEntry

from support.retention import Logs

WRITER = Path(__file__).with_name("writer.py")


def _start(
    logs: Logs, name: str, batch: int, batches: int, pause_at: int = -1
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    args = [logs.db.url, logs.beijing, name, str(batch), str(batches), str(pause_at)]
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _collect(process: subprocess.Popen[str], into: list[str]) -> threading.Thread:
    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            into.append(line.strip())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def _stored(logs: Logs, writer: str) -> set[str]:
    with logs.db.session() as s:
        return set(
            s.scalars(
                select(LogEntry.id).where(
                    LogEntry.provider_id == logs.beijing, LogEntry.actor_name == writer
                )
            )
        )


def test_sigkill_mid_batch_loses_no_acknowledged_entry(logs: Logs) -> None:
    """The victim is killed inside its fourth batch (rows written, not committed); a second
    writer appends concurrently before and after, waiting on the victim's lock meanwhile."""
    victim_lines: list[str] = []
    other_lines: list[str] = []
    victim = _start(logs, "victim", batch=100, batches=10, pause_at=3)
    other = _start(logs, "other", batch=50, batches=20)
    readers = [_collect(victim, victim_lines), _collect(other, other_lines)]
    deadline = time.monotonic() + 60
    while "pending" not in victim_lines and time.monotonic() < deadline:
        assert victim.poll() is None, victim.stderr.read() if victim.stderr else ""
        time.sleep(0.01)
    assert "pending" in victim_lines
    victim.send_signal(signal.SIGKILL)
    assert victim.wait(timeout=30) == -signal.SIGKILL
    assert other.wait(timeout=120) == 0, other.stderr.read() if other.stderr else ""
    for reader in readers:
        reader.join(timeout=10)

    acknowledged = [line for line in victim_lines if line != "pending"]
    assert len(acknowledged) == 300  # three committed batches
    assert _stored(logs, "victim") == set(acknowledged)  # the fourth left nothing behind
    assert _stored(logs, "other") == set(other_lines)
    assert len(other_lines) == 50 * 20
    with logs.db.session() as s:
        assert retention_log.verify_log(s, logs.beijing) == []
        assert retention_log.head(s, logs.beijing).size == 300 + 1000
