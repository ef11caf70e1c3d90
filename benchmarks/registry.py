"""The public registry under open-loop load: latency, errors, and recovery after an overload.

Starts `chainwarden run --demo` on a loopback port (its own SQLite file in a temporary folder)
and drives it from a load generator in a process of its own. Open loop: request i is sent at
start + i / rate whether or not earlier ones were answered, and its latency counts from that
planned moment, so a server that stalls cannot slow the load down and hide it. Every phase is
bounded in count and time.

Phases: a baseline at a low rate; the JSON API (`GET /api/v1/registry?...`) at --rate for
--seconds; the HTML page (`GET /registry?...`) at --page-rate; then --overload × --rate for
--overload-seconds, after which one request at a time probes until one is answered 200 in
under a second: the time from the end of the overload to that answer is the recovery time.

    python benchmarks/registry.py [--rate 500] [--seconds 20] [--overload 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"  # loopback only
API = "/api/v1/registry?q=%E9%93%BE&limit=20"
PAGE = "/registry?q=%E9%93%BE"
MAX_REQUESTS = 60_000
TIMEOUT = 10.0
MAX_CONNECTIONS = 512


@dataclass
class Outcome:
    rate: float
    sent: int = 0
    latencies: list[float] = field(default_factory=list)  # ms, answered 200
    statuses: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # After an overload: seconds from the last request sent until one is answered 200 in
    # under a second.
    recovery: float | None = None
    server_cpu: float = 0.0  # seconds, the server process, during the phase

    def count(self, status: str) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != "200")

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def _get(
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]], port: int, path: str
) -> str:
    """One GET on a kept-alive connection; the status code, or the kind of failure."""
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()
    if idle:
        reader, writer = idle.pop()
        try:
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
        except (OSError, asyncio.IncompleteReadError):
            # The server closed the idle connection (keep-alive timeout): as any client does,
            # send the request again on a new one.
            writer.close()
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
    else:
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
    status = head.split(b" ", 2)[1].decode()
    length = 0
    close = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
        elif name.lower() == b"connection" and value.strip().lower() == b"close":
            close = True
    await reader.readexactly(length)
    if close:
        writer.close()
    else:
        idle.append((reader, writer))
    return status


async def _recover(port: int, path: str, give_up: float = 60.0) -> float:
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < give_up:
        try:
            if await asyncio.wait_for(_get([], port, path), 1.0) == "200":
                return loop.time() - start
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            pass
        await asyncio.sleep(0.05)
    return float("inf")


async def _drive(port: int, path: str, rate: float, seconds: float, probe: bool = False) -> Outcome:
    outcome = Outcome(rate)
    total = min(int(rate * seconds), MAX_REQUESTS)
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    open_now = 0
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def one(planned: float) -> None:
        nonlocal open_now
        open_now += 1
        try:
            status = await asyncio.wait_for(_get(idle, port, path), TIMEOUT)
        except TimeoutError:
            status = "timeout"
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status = "connection"
        finally:
            open_now -= 1
        outcome.count(status)
        if status == "200":
            outcome.latencies.append((loop.time() - planned) * 1000)

    tasks = []
    for i in range(total):
        planned = start + i / rate
        delay = planned - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if open_now >= MAX_CONNECTIONS:
            outcome.count("not sent (client limit)")
            continue
        tasks.append(asyncio.create_task(one(planned)))
        outcome.sent += 1
    if probe:
        outcome.recovery = await _recover(port, path)
    await asyncio.gather(*tasks)
    outcome.seconds = loop.time() - start
    for _, writer in idle:
        writer.close()
    return outcome


def drive(port: int, path: str, rate: float, seconds: float, probe: bool = False) -> Outcome:
    return asyncio.run(_drive(port, path, rate, seconds, probe))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped (exit {server.returncode})")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not start within 120 s")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its children (the workers) so far (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


def report(name: str, outcome: Outcome, baseline: Outcome | None = None) -> None:
    p50, p99 = outcome.percentile(50), outcome.percentile(99)
    ratio = f"  p99 ×{p99 / baseline.percentile(99):.1f} of baseline" if baseline else ""
    others = ", ".join(f"{k}: {v}" for k, v in sorted(outcome.statuses.items()) if k != "200")
    answered = sum(n for k, n in outcome.statuses.items() if k.isdigit())
    cpu = f"  server CPU {outcome.server_cpu / answered * 1000:.2f} ms/answer" if answered else ""
    print(
        f"{name:<28} {outcome.rate:>6.0f}/s  sent {outcome.sent:>6}  ok {len(outcome.latencies):>6}"
        f"  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  errors {outcome.errors}"
        + (f" ({others})" if others else "")
        + ratio
        + cpu,
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=500, help="requests per second")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--page-rate", type=float, default=100)
    parser.add_argument("--page-seconds", type=float, default=10)
    parser.add_argument("--overload", type=float, default=2.0, help="× rate")
    parser.add_argument("--overload-seconds", type=float, default=10)
    parser.add_argument("--baseline-rate", type=float, default=50)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    args = parser.parse_args()

    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "CHAINWARDEN_DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
            "CHAINWARDEN_KEY_FILE": str(Path(folder) / "bench.keys"),
        }
        command = [sys.executable, "-m", "chainwarden.cli.main", "run", "--demo"]
        command += ["--host", HOST, "--port", str(port), "--workers", str(args.workers)]
        log = open(Path(folder) / "server.log", "wb")  # noqa: SIM115
        server = subprocess.Popen(command, env=env, cwd=folder, stdout=log, stderr=log)
        try:
            _wait_until_up(port, server)
            print(f"server: {' '.join(command[1:])} (pid {server.pid}, {os.cpu_count()} CPUs)")
            with ProcessPoolExecutor(max_workers=1) as generator:

                def phase(path: str, rate: float, seconds: float, probe: bool = False) -> Outcome:
                    before = cpu_seconds(server.pid)
                    outcome = generator.submit(drive, port, path, rate, seconds, probe).result()
                    outcome.server_cpu = cpu_seconds(server.pid) - before
                    return outcome

                phase(API, 50, 2)  # warm-up
                baseline = phase(API, args.baseline_rate, 5)
                report("baseline API", baseline)
                report("API", phase(API, args.rate, args.seconds), baseline)
                report("HTML page", phase(PAGE, args.page_rate, args.page_seconds))
                overload = phase(API, args.rate * args.overload, args.overload_seconds, True)
                report(f"API overload ×{args.overload:g}", overload, baseline)
                print(f"recovered {overload.recovery:.2f} s after the overload stopped")
                report("API after recovery", phase(API, args.baseline_rate, 3), baseline)
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()


if __name__ == "__main__":
    main()
