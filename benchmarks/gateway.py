"""Posts per second through the whole publish path over HTTP, on SQLite, with a running server.

    python benchmarks/gateway.py [--posts 5000] [--seconds 30] [--concurrency 16] [--users 200]
                                 [--odd 0.01]

Seeds a fresh SQLite database (one provider, one service, an agreement, verified users who
accepted it), starts uvicorn on 127.0.0.1 (one worker) in its own process, and drives it from a
load generator in a second process, bounded in post count and in time. The load generator is a
minimal HTTP/1.1 keep-alive client on uvloop with its requests built in advance (tens of
thousands of requests per second on one core), so it is not what limits the figures. Every post
goes through the user token, the identity checks, the suspension check, screening, the ledger
commitment, the retention log append and the commit. About one text in ten is gray (held for
review), the rest pass. The baseline, measured in the same run against the same server, is a
request refused at the first step (no token): HTTP, routing and the body read, no screening and
no transaction.

With ``--odd F``, one more run at ``--concurrency`` where a fraction F of the posts carry a lone
surrogate (``\\ud800`` in the JSON): each is refused alone (422), and the lawful posts around it
should keep their pace.

Prints p50 / p99 latency and requests/s for both with one connection and with
``--concurrency`` connections, the ratios, and the row counts after the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ALLOWED = [
    "今天用区块链做了供应链溯源的试点，效果不错。",
    "Our consortium chain now anchors customs records every hour.",
    "区块链存证平台新增了电子合同存证功能，欢迎试用。",
    "We published the audit report of the notarisation service.",
]
GRAY = ["这个币靠谱吗，有人了解吗"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(url: str, users: int) -> tuple[str, list[str]]:
    """A provider, its service with an agreement, and ``users`` users ready to post."""
    from chainwarden.accounts import SYSTEM, Actor, Role
    from chainwarden.identity import agreements
    from chainwarden.identity import users as identity
    from chainwarden.identity.verifiers import OfflineVerifier
    from chainwarden.registry import filings
    from chainwarden.registry.providers import ProviderInfo, ServiceInfo, register_provider
    from chainwarden.store import Database
    from chainwarden.workdays import WorkingCalendar

    db = Database(url)
    db.upgrade()
    tokens = []
    with db.session() as s:
        provider = register_provider(
            s,
            SYSTEM,
            ProviderInfo(
                name="北京链测科技有限公司",
                uscc="91110108MA01ABCD0B",
                kind="entity",
                region_code="110108",
                legal_representative="王一",
                responsible_person="李二",
                contact_phone="13800138000",
            ),
        )
        admin = Actor(id=None, name="bench", role=Role.PROVIDER_ADMIN, provider_id=provider.id)
        from datetime import date

        service = filings.open_service(
            s,
            admin,
            WorkingCalendar(),
            provider.id,
            ServiceInfo(
                name="链上存证",
                category="存证",
                form="website",
                address="https://cz.example",
                application_field="司法存证",
                chain_type="consortium",
                platform="FISCO BCOS",
                node_count=4,
                started_on=date(2026, 3, 2),
                server_addresses=["198.51.100.7"],
            ),
        )
        agreement = agreements.publish_agreement(
            s, admin, service.id, "service_agreement", "服务协议", "不得发布违法信息。"
        )
        for n in range(users):
            user, token = identity.register_user(
                s,
                admin,
                service.id,
                identity.NewUser(nickname=f"u{n}", real_name="王小明", number=f"1390000{n:04d}"),
            )
            identity.verify_user(s, admin, user.id, OfflineVerifier())
            agreements.accept_agreement(s, user, agreement.id)
            tokens.append(token.secret)
    db.dispose()
    return service.id, tokens


class Connection:
    """One keep-alive HTTP/1.1 connection: a request out, a whole response in. Far cheaper per
    request than a general-purpose client, so the server, not the load, is what is measured."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer)

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    def close(self) -> None:
        self.writer.close()


def post_request(host: str, path: str, text: str, token: str | None) -> bytes:
    try:
        body = json.dumps({"text": text}, ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate: sent as the escape a JSON client writes
        body = json.dumps({"text": text}).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
    ]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def drive(
    port: int,
    service_id: str,
    tokens: list[str],
    posts: int,
    seconds: float,
    concurrency: int,
    mode: str,
    odd: float = 0.0,
) -> dict[str, Any]:
    """Send up to ``posts`` requests over ``concurrency`` connections for at most ``seconds``.

    ``mode``: ``publish`` (a user's token, one text in ten gray) or ``refused`` (no token)."""
    host = "127.0.0.1"
    path = f"/api/v1/services/{service_id}/posts"
    rng = random.Random(7)
    # Requests built before the clock starts: the generator's own work stays small.
    raws = []
    for n in range(posts):
        pool = GRAY if rng.random() < 0.1 else ALLOWED
        token = rng.choice(tokens) if mode == "publish" else None
        text = f"{rng.choice(pool)} #{n}"
        if odd and rng.random() < odd:
            text += " \ud800"
        raws.append(post_request(host, path, text, token))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sent = 0
    connections = [await Connection.open(host, port) for _ in range(concurrency)]
    deadline = time.perf_counter() + seconds

    async def worker(connection: Connection) -> None:
        nonlocal sent
        while sent < posts and time.perf_counter() < deadline:
            raw = raws[sent]
            sent += 1
            start = time.perf_counter()
            status, _ = await connection.request(raw)
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1

    began = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in connections))
    elapsed = time.perf_counter() - began
    for connection in connections:
        connection.close()
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def load_child(args: argparse.Namespace) -> None:
    """The load generator process: prints one JSON line with its measurements."""
    tokens = Path(args.tokens).read_text().split()
    try:
        import uvloop

        run: Any = uvloop.run
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        run = asyncio.run
    result = run(
        drive(
            args.port,
            args.service,
            tokens,
            args.posts,
            args.seconds,
            args.concurrency,
            args.mode,
            args.odd,
        )
    )
    print(json.dumps(result))


def measure(
    port: int,
    service_id: str,
    tokens_file: Path,
    *,
    posts: int,
    seconds: float,
    concurrency: int,
    mode: str,
    odd: float = 0.0,
) -> dict[str, Any]:
    """One run of the load generator in its own process."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--load-child",
        "--port",
        str(port),
        "--service",
        service_id,
        "--tokens",
        str(tokens_file),
        "--posts",
        str(posts),
        "--seconds",
        str(seconds),
        "--concurrency",
        str(concurrency),
        "--mode",
        mode,
        "--odd",
        str(odd),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0:
        raise SystemExit(f"load generator failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--odd", type=float, default=0.0, help="fraction of lone-surrogate posts")
    parser.add_argument("--load-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="publish", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--service", help=argparse.SUPPRESS)
    parser.add_argument("--tokens", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_child:
        load_child(args)
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.db'}"
        env = {
            **os.environ,
            "CHAINWARDEN_DATABASE_URL": url,
            "CHAINWARDEN_KEY_FILE": str(folder / "bench.keys"),
        }
        os.environ.update(env)
        print(f"seeding {args.users} users …", file=sys.stderr)
        service_id, tokens = seed(url, args.users)
        tokens_file = folder / "tokens.txt"
        tokens_file.write_text("\n".join(tokens))
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "chainwarden.web.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
        )
        runs: list[tuple[str, dict[str, Any]]] = []
        try:
            for _ in range(300):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                raise SystemExit("server did not start")

            def run(name: str, mode: str, concurrency: int, posts: int, odd: float = 0.0) -> None:
                result = measure(
                    port,
                    service_id,
                    tokens_file,
                    posts=posts,
                    seconds=args.seconds,
                    concurrency=concurrency,
                    mode=mode,
                    odd=odd,
                )
                runs.append((name, result))

            c = args.concurrency
            # Warm up (screener loaded, connections pooled) before measuring.
            measure(
                port, service_id, tokens_file, posts=300, seconds=10, concurrency=c, mode="publish"
            )
            run("baseline (refused, no token), c=1", "refused", 1, args.posts)
            run("publish path, c=1", "publish", 1, args.posts)
            run(f"baseline (refused, no token), c={c}", "refused", c, args.posts)
            run(f"publish path, c={c}", "publish", c, args.posts)
            if args.odd:
                run(
                    f"publish, {args.odd:.0%} lone surrogates, c={c}",
                    "publish",
                    c,
                    args.posts,
                    args.odd,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            counts = {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("gateway_posts", "ledger_items", "retention_entries")
            }
        engine.dispose()

    print(f"cores: {os.cpu_count()}  users: {args.users}  load average: {os.getloadavg()}")
    for name, r in runs:
        print(
            f"{name:38s} {r['per_second']:7.0f} req/s  p50 {r['p50_ms']:6.1f} ms  "
            f"p99 {r['p99_ms']:6.1f} ms  ({r['requests']} in {r['seconds']:.1f} s, "
            f"statuses {r['statuses']})"
        )
    results = dict(runs)
    for concurrency in (1, args.concurrency):
        full = results[f"publish path, c={concurrency}"]
        base = results[f"baseline (refused, no token), c={concurrency}"]
        print(
            f"publish path / baseline throughput at c={concurrency}: "
            f"{full['per_second'] / base['per_second']:.2f}"
        )
    if args.odd:
        odd = results[f"publish, {args.odd:.0%} lone surrogates, c={args.concurrency}"]
        clean = results[f"publish path, c={args.concurrency}"]
        print(
            f"with {args.odd:.0%} lone surrogates / without, at c={args.concurrency}: "
            f"{odd['per_second'] / clean['per_second']:.2f}"
        )
    print(f"rows after the run (incl. warm-up): {counts}")


if __name__ == "__main__":
    main()
