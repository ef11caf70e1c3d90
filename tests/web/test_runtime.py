"""The server under load: connections are held only while the database is used, and a full
server answers 503 with Retry-After instead of queueing for good."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import anyio.to_thread
import httpx

from chainwarden.store import Database
from chainwarden.web.app import create_app

from support.api import Seeded


def _scarce_app(seeded: Seeded, tmp_path: Path, **db_options: float) -> tuple[Database, object]:
    copy = tmp_path / "scarce.db"
    shutil.copyfile(seeded.path, copy)
    db = Database(f"sqlite:///{copy}", **db_options)  # type: ignore[arg-type]
    return db, create_app(db, upgrade=False)


async def _burst(app: object, paths: list[str], threads: int) -> list[httpx.Response]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await asyncio.gather(*(client.get(p) for p in paths))


def test_read_routes_release_their_connection_before_the_response_is_validated(
    seeded: Seeded, tmp_path: Path
) -> None:
    # One connection, two worker threads, many concurrent readers: a request that kept its
    # connection while waiting for a thread to validate its response wedged the server (the
    # other threads wait for the connection), and every reader failed after the pool timeout.
    db, app = _scarce_app(seeded, tmp_path, pool_size=1, max_overflow=0, pool_timeout=2)
    paths = ["/api/v1/registry", "/registry", "/api/v1/registry?q=filed"] * 4
    try:
        responses = asyncio.run(_burst(app, paths, threads=2))
    finally:
        db.dispose()
    assert [r.status_code for r in responses] == [200] * len(paths)
    assert responses[0].json(), "the registry lists the published filings"
