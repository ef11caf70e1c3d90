"""The server under load: connections are held only while the database is used, and a full
server answers 503 with Retry-After instead of queueing for good."""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import httpx
import pytest
import uvicorn

from chainwarden.settings import Settings, get_settings
from chainwarden.store import Database
from chainwarden.web.app import create_app
from chainwarden.web.runtime import server_options

from support.api import Seeded, auth, client_for
from support.world import PASSWORD

T = TypeVar("T")


def _scarce_app(seeded: Seeded, tmp_path: Path, **db_options: float) -> tuple[Database, object]:
    copy = tmp_path / "scarce.db"
    shutil.copyfile(seeded.path, copy)
    db = Database(f"sqlite:///{copy}", **db_options)  # type: ignore[arg-type]
    return db, create_app(db, upgrade=False)


def _run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on an event loop of its own (another test may leave one running here)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(main())).result()


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
        responses = _run(lambda: _burst(app, paths, threads=2))
    finally:
        db.dispose()
    assert [r.status_code for r in responses] == [200] * len(paths)
    assert responses[0].json(), "the registry lists the published filings"


def test_every_route_ends_its_transaction_before_the_response(client) -> None:
    from fastapi.routing import APIRoute

    from chainwarden.web.deps import UnitOfWorkRoute

    def walk(routes: list) -> Iterator[object]:
        for route in routes:
            included = getattr(route, "original_router", None)
            yield from walk(included.routes) if included is not None else [route]

    routes = [r for r in walk(client.app.routes) if isinstance(r, APIRoute)]
    assert routes and all(isinstance(r, UnitOfWorkRoute) for r in routes), [
        r.path for r in routes if not isinstance(r, UnitOfWorkRoute)
    ]


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


def test_a_full_server_answers_503_with_retry_after_and_recovers(
    seeded: Seeded, tmp_path: Path, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("CHAINWARDEN_MAX_CONCURRENT_REQUESTS", "1")
    settings_env.setenv("CHAINWARDEN_MAX_QUEUED_REQUESTS", "0")
    db, app = _scarce_app(seeded, tmp_path)

    async def overload_then_one() -> tuple[list[httpx.Response], httpx.Response]:
        burst = await _burst(app, ["/api/v1/registry"] * 6 + ["/registry"] * 2, threads=40)
        return burst, (await _burst(app, ["/api/v1/registry"], threads=40))[0]

    try:
        burst, after = _run(overload_then_one)
    finally:
        db.dispose()
    refused = [r for r in burst if r.status_code == 503]
    assert refused and {r.status_code for r in burst} == {200, 503}
    for r in refused:
        assert r.headers["Retry-After"] == "1"
    api = next(r for r in refused if r.request.url.path.startswith("/api/"))
    assert api.json()["message"]["en"] == "The server is busy; retry shortly"
    assert after.status_code == 200


def test_every_response_carries_security_headers(client, seeded) -> None:
    for response in (
        client.get("/api/v1/registry"),
        client.get("/api/v1/registry/not-a-number"),
        client.get("/registry"),
        client.get("/static/style.css"),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff", response.url
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "cdn" not in response.headers["Content-Security-Policy"]
    assert "no-store" not in client.get("/api/v1/registry").headers.get("Cache-Control", "")
    signed_in = client.get("/api/v1/auth/me", headers=auth(seeded, "admin"))
    assert signed_in.status_code == 200
    assert signed_in.headers["Cache-Control"] == "no-store"


def test_cookies_are_secure_when_the_request_came_over_https(seeded, tmp_path) -> None:
    login = {"username": "bj-admin", "password": PASSWORD}
    with client_for(seeded, tmp_path) as plain:
        cookie = plain.post("/api/v1/auth/login", json=login).headers["set-cookie"]
        assert "secure" not in cookie.lower()
    (tmp_path / "https").mkdir()
    with client_for(seeded, tmp_path / "https") as client:
        client.base_url = httpx.URL("https://testserver")
        cookie = client.post("/api/v1/auth/login", json=login).headers["set-cookie"]
        assert cookie.lower().endswith("; secure")
        page = client.get("/signin")
        assert all("secure" in c.lower() for c in page.headers.get_list("set-cookie"))


def _serve(app: object, settings: Settings) -> tuple[uvicorn.Server, threading.Thread, int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        **server_options(settings),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.02)
    return server, thread, port


def _complain(port: int, service_id: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(
        f"http://127.0.0.1:{port}/api/v1/complaints",
        json={"service_id": service_id, "body": "疑似虚拟币推广"},
        headers=headers,
    )


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_forwarded_for_is_believed_only_from_a_trusted_proxy(
    seeded: Seeded, tmp_path: Path, settings_env: pytest.MonkeyPatch, trusted: str
) -> None:
    settings_env.setenv("CHAINWARDEN_TRUSTED_PROXIES", trusted)
    db, app = _scarce_app(seeded, tmp_path)
    server, thread, port = _serve(app, get_settings())
    try:
        statuses = [
            _complain(
                port, seeded.ids["bj_service"], {"X-Forwarded-For": f"198.51.100.{n}"}
            ).status_code
            for n in range(7)
        ]
        login = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/auth/login",
            json={"username": "bj-admin", "password": PASSWORD},
            headers={"X-Forwarded-Proto": "https"},
        )
    finally:
        server.should_exit = True
        thread.join(10)
        db.dispose()
    secure = "secure" in login.headers["set-cookie"].lower()
    if trusted:
        # Behind the listed proxy each forwarded address is a client of its own, and the
        # scheme it reports makes the cookie Secure.
        assert statuses == [201] * 7 and secure
    else:
        # A client on the same host cannot claim other addresses to slip past the limit.
        assert statuses[:5] == [201] * 5 and statuses[5:] == [429, 429]
        assert not secure
