"""Whole-chain scans: parse speed against python-bitcoinlib, memory on a large file, and workers
through NATS JetStream.

    python benchmarks/chain_scan.py [--size-mb 1024] [--parse-mb 64] [--queue-mb 256]
                                    [--nats nats://127.0.0.1:4222] [--workers 1,2]

1. Parse: the scanner's block walk over the first ``--parse-mb`` of a synthetic blk file shaped
   like mainnet (segwit spends, pay-to-witness outputs, some OP_RETURN texts), against
   python-bitcoinlib's full parse of the same blocks (the scanner before), in this run: MB/s and
   the ratio.
2. Memory: ``chainwarden chain scan-btc`` over a ``--size-mb`` file in a child process, with the
   packaged screener; its peak resident memory (the whole file never is in memory).
3. Queue: a ``--queue-mb`` file recorded as a scan in 16 MB segments on a fresh SQLite database,
   run by 1 and by 2 ``chainwarden worker`` processes through JetStream: MB/s and the ratio of 2
   workers to 1. Skipped with a note when NATS is not reachable.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from chainwarden.ledger.scan.bitcoin import extract_raw, read_frames
from chainwarden.ledger.scan.synthetic import frames


def synthetic_file(path: Path, size_mb: int) -> None:
    """A file of ``size_mb``: 48 MB of distinct blocks, repeated with a new nonce each time so
    every block has its own hash (generating 1 GB of fresh random blocks takes minutes)."""
    distinct = list(frames(seed=11, size_bytes=min(size_mb, 48) << 20, txs_per_block=2000))
    written, n = 0, 0
    with path.open("wb") as f:
        while written < size_mb << 20:
            frame = bytearray(distinct[n % len(distinct)])
            frame[8 + 76 : 8 + 80] = n.to_bytes(4, "little")  # the header's nonce
            f.write(frame)
            written += len(frame)
            n += 1


def parse_speed(path: Path, parse_mb: int) -> None:
    from bitcoin.core import CBlock

    raws, size = [], 0
    for frame in read_frames(path):
        if isinstance(frame, Exception) or not hasattr(frame, "raw"):
            continue
        raws.append(frame.raw)
        size += len(frame.raw)
        if size >= parse_mb << 20:
            break
    started = time.perf_counter()
    texts = sum(len(extract_raw(raw)) for raw in raws)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    for raw in raws:
        CBlock.deserialize(raw)
    theirs = time.perf_counter() - started
    mb = size / 1e6
    print(f"parse  {mb:.0f} MB, {len(raws)} blocks, {texts} texts")
    print(f"  python-bitcoinlib full parse : {mb / theirs:7.1f} MB/s (baseline)")
    print(f"  scanner block walk + texts   : {mb / ours:7.1f} MB/s  ({theirs / ours:.1f}x)")


def memory(path: Path) -> None:
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(
        [sys.executable, "-m", "chainwarden.cli.main", "chain", "scan-btc", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        check=False,
    )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode:
        print("  scan failed:", result.stderr.decode()[-400:])
        return
    size = path.stat().st_size / 1e6
    print(
        f"memory scan-btc over {size:.0f} MB with screening: peak RSS {max(peak, before) / 1024:.0f} MB, "
        f"{elapsed:.0f} s ({size / elapsed:.1f} MB/s end to end)"
    )


def _reachable(url: str) -> bool:
    host, port = url.removeprefix("nats://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return False
    return True


def queue_run(path: Path, url: str, workers: int, folder: Path) -> float:
    """Seconds for ``workers`` processes to finish a scan of ``path`` submitted to JetStream."""
    from chainwarden.cli.scans import segment_jobs
    from chainwarden.jobs import JetStreamQueue
    from chainwarden.ledger.scan.records import pending_segments, plan_bitcoin, progress
    from chainwarden.store import Database

    db_url = f"sqlite:///{folder / f'scan-{workers}.db'}"
    stream = f"BENCH_{uuid.uuid4().hex[:8].upper()}"
    env = {
        **os.environ,
        "CHAINWARDEN_DATABASE_URL": db_url,
        "CHAINWARDEN_KEY_FILE": str(folder / "keys"),
        "CHAINWARDEN_QUEUE_URL": url,
        "CHAINWARDEN_QUEUE_STREAM": stream,
        "OPENBLAS_NUM_THREADS": "1",
    }
    db = Database(db_url)
    db.upgrade()
    with db.session() as session:
        scan_id = plan_bitcoin(
            session, [path], requested_by="bench", screening_version="bench", chunk_bytes=16 << 20
        ).id
    with db.session() as session:
        segments = pending_segments(session, scan_id)
    queue = JetStreamQueue(url, stream=stream)
    queue.submit(segment_jobs(segments))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "chainwarden.cli.main", "worker", "--idle-exit", "600"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    started = None
    try:
        while True:
            with db.session() as session:
                state = progress(session, scan_id)
            if started is None and state["segments_done"] > 0:
                # Count from the first finished segment: worker start-up (loading the screener)
                # is not scan speed. Its segment's bytes are subtracted below.
                started = time.perf_counter()
                first_done = state["span_done"]
            if state["complete"]:
                break
            time.sleep(0.05)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
    elapsed = time.perf_counter() - (started or time.perf_counter())
    return (state["span"] - first_done) / 1e6 / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--parse-mb", type=int, default=64)
    parser.add_argument("--queue-mb", type=int, default=256)
    parser.add_argument("--nats", default="nats://127.0.0.1:4222")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ.setdefault("CHAINWARDEN_KEY_FILE", str(folder / "keys"))
        big = folder / "blk-big.dat"
        synthetic_file(big, max(args.size_mb, args.parse_mb))
        parse_speed(big, args.parse_mb)
        if not args.skip_memory:
            memory(big)
        if not _reachable(args.nats):
            print(f"queue  skipped: NATS not reachable at {args.nats}")
            return
        small = folder / "blk-queue.dat"
        synthetic_file(small, args.queue_mb)
        rates = {}
        for n in (int(w) for w in args.workers.split(",")):
            rates[n] = queue_run(small, args.nats, n, folder)
            ratio = (
                f"  ({rates[n] / rates[min(rates)]:.2f}x {min(rates)} worker)"
                if n != min(rates)
                else ""
            )
            print(f"queue  {n} worker(s) through JetStream: {rates[n]:6.1f} MB/s{ratio}")


if __name__ == "__main__":
    main()
