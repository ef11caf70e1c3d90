"""Posts per second through the whole publish path over HTTP, on SQLite, with a running server.

    python benchmarks/gateway.py [--posts 5000] [--seconds 30] [--concurrency 16] [--users 200]

Seeds a fresh SQLite database (one provider, one service, an agreement, verified users who
accepted it), starts uvicorn on 127.0.0.1 (one worker) in its own process, and drives it from a
load generator in a second process, bounded in post count and in time. Every post goes through
the user token, the identity checks, the suspension check, screening, the ledger commitment, the
retention log append and the commit. About one text in ten is gray (held for review), the rest
pass. The baseline, measured in the same run against the same server, is a request refused at
the first step (no token): HTTP, routing and one transaction, no database writes.

Prints p50 / p99 latency and posts/s for both, and the ratio.
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


async def drive(
    base: str,
    service_id: str,
    tokens: list[str],
    posts: int,
    seconds: float,
    concurrency: int,
    baseline: bool,
) -> dict[str, Any]:
    import httpx

    url = f"{base}/api/v1/services/{service_id}/posts"
    rng = random.Random(7)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sent = 0
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal sent
        while sent < posts and time.perf_counter() < deadline:
            sent += 1
            pool = GRAY if rng.random() < 0.1 else ALLOWED
            text = f"{rng.choice(pool)} #{sent}"
            headers = {} if baseline else {"Authorization": f"Bearer {rng.choice(tokens)}"}
            start = time.perf_counter()
            response = await client.post(url, json={"text": text}, headers=headers)
            latencies.append(time.perf_counter() - start)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        began = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "statuses": statuses,
    }


def load_child(args: argparse.Namespace) -> None:
    """The load generator process: prints one JSON line with its measurements."""
    tokens = Path(args.tokens).read_text().split()
    result = asyncio.run(
        drive(
            args.base,
            args.service,
            tokens,
            args.posts,
            args.seconds,
            args.concurrency,
            args.baseline,
        )
    )
    print(json.dumps(result))


def measure(
    script: str,
    base: str,
    service_id: str,
    tokens_file: Path,
    args: argparse.Namespace,
    *,
    baseline: bool,
) -> dict[str, Any]:
    command = [
        sys.executable,
        script,
        "--load-child",
        "--base",
        base,
        "--service",
        service_id,
        "--tokens",
        str(tokens_file),
        "--posts",
        str(args.posts),
        "--seconds",
        str(args.seconds),
        "--concurrency",
        str(args.concurrency),
    ]
    if baseline:
        command.append("--baseline")
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.seconds + 120)
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
    parser.add_argument("--load-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
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
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                raise SystemExit("server did not start")
            script = str(Path(__file__).resolve())
            # Warm up (screener loaded, connections pooled) before measuring.
            warm = argparse.Namespace(**{**vars(args), "posts": 200, "seconds": 10.0})
            measure(script, base, service_id, tokens_file, warm, baseline=False)
            base_line = measure(script, base, service_id, tokens_file, args, baseline=True)
            full = measure(script, base, service_id, tokens_file, args, baseline=False)
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

    print(f"cores: {os.cpu_count()}  concurrency: {args.concurrency}  users: {args.users}")
    for name, r in (("baseline (refused, no token)", base_line), ("publish path", full)):
        print(
            f"{name:30s} {r['per_second']:8.0f} req/s  p50 {r['p50_ms']:6.1f} ms  "
            f"p99 {r['p99_ms']:6.1f} ms  ({r['requests']} in {r['seconds']:.1f} s, "
            f"statuses {r['statuses']})"
        )
    print(f"publish path / baseline throughput: {full['per_second'] / base_line['per_second']:.2f}")
    print(f"rows after the run (incl. warm-up): {counts}")


if __name__ == "__main__":
    main()
