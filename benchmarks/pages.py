"""Cost of server-rendered pages against the JSON API serving the same data.

Seeds the demo data plus N filed services on a temporary SQLite file, then times the public
registry page (HTML, Chinese and English) and the review queue against `GET /api/v1/registry`
and `GET /api/v1/filings?state=submitted` in the same process. Prints requests per second and the
ratio page / API.

    python benchmarks/pages.py [--services 200] [--requests 200]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

import chainwarden.models  # noqa: F401
from chainwarden.accounts import SYSTEM, Account
from chainwarden.accounts import service as accounts
from chainwarden.demo import _service, seed
from chainwarden.registry import filings
from chainwarden.registry.models import Provider
from chainwarden.store import Database
from chainwarden.web.app import create_app
from chainwarden.web.deps import SESSION_COOKIE
from chainwarden.workdays.store import load_calendar

NOW = datetime(2026, 11, 25, 3, tzinfo=UTC)


def build(path: Path, services: int) -> Database:
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    for _ in seed(db):
        pass
    with db.session() as s:
        calendar = load_calendar(s)
        provider = s.scalars(select(Provider).order_by(Provider.name)).first()
        assert provider is not None
        regulator = accounts.actor_of(
            s.scalars(select(Account).where(Account.username == "cac")).one()
        )
        for i in range(services):
            service = filings.open_service(
                s, SYSTEM, calendar, provider.id, _service(f"压测服务{i}", "2026-10-08")
            )
            assert service.filing is not None
            filings.submit(
                s, SYSTEM, calendar, service.filing.id, datetime(2026, 10, 9, 2, tzinfo=UTC)
            )
            if i % 2 == 0:
                filings.approve(
                    s, regulator, service.filing.id, datetime(2026, 10, 20, 2, tzinfo=UTC)
                )
    return db


def rate(client: TestClient, path: str, requests: int, **headers: str) -> float:
    client.get(path, headers=headers)  # warm up
    start = time.perf_counter()
    for _ in range(requests):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
    return requests / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = build(Path(folder) / "bench.db", args.services)
        client = TestClient(create_app(db, clock=lambda: NOW, upgrade=False))
        with db.session() as s:
            account = s.scalars(select(Account).where(Account.username == "cac")).one()
            issued = accounts.start_session(s, account, hours=1)
            token = accounts.create_token(s, accounts.actor_of(account), "bench").secret
        bearer = {"Authorization": f"Bearer {token}"}
        api_registry = rate(client, "/api/v1/registry?limit=200", args.requests)
        page_zh = rate(client, "/registry", args.requests)
        page_en = rate(client, "/registry?lang=en", args.requests)
        api_queue = rate(client, "/api/v1/filings?state=submitted", args.requests, **bearer)
        client.cookies.set(SESSION_COOKIE, issued.secret)
        page_queue = rate(client, "/console/review", args.requests)
        print(f"{args.services} extra services ({date.today()}), {args.requests} requests each")
        print(
            f"registry  API {api_registry:8.1f}/s  page zh {page_zh:8.1f}/s  ratio {page_zh / api_registry:.2f}"
        )
        print(
            f"registry  API {api_registry:8.1f}/s  page en {page_en:8.1f}/s  ratio {page_en / api_registry:.2f}"
        )
        print(
            f"review    API {api_queue:8.1f}/s  page    {page_queue:8.1f}/s  ratio {page_queue / api_queue:.2f}"
        )
        db.dispose()


if __name__ == "__main__":
    main()
