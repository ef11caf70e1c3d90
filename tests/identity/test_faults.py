"""Faults a running system meets: an identity service that hangs or floods, a database that
turns read-only. Each is a clear refusal, and nothing already stored is lost."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from chainwarden.identity.verifiers import CircuitBreaker, HttpVerifier
from chainwarden.store import Database
from chainwarden.web.app import create_app

from support.api import auth

RIC = "11010519491231002X"
USER = {"nickname": "小王", "real_name": "王小明", "number": RIC, "mobile": "13812345678"}


@pytest.fixture
def hanging_service() -> Iterator[str]:
    """Accepts connections and reads the request, and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/verify"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_hanging_identity_service_is_a_timeout_and_the_user_is_kept(
    client, seeded, hanging_service
):
    client.app.state.identity_verifier = HttpVerifier(
        hanging_service, timeout=0.3, retries=1, backoff=0.0, breaker=CircuitBreaker()
    )
    url = f"/api/v1/services/{seeded.ids['bj_service']}/users"
    created = client.post(url, json=USER, headers=auth(seeded, "bj_provider"))
    assert created.status_code == 201, created.text
    verification = created.json()["verification"]
    assert verification["outcome"] == "error"
    assert "timed out" in verification["message"]["en"] and verification["message"]["zh"]
    # Stored, waiting for the service: verifying again once it is back succeeds.
    client.app.state.identity_verifier = None
    user_id = created.json()["user"]["id"]
    again = client.post(
        f"/api/v1/service-users/{user_id}/verify", headers=auth(seeded, "bj_reviewer")
    )
    assert again.json()["user"]["verification"] == "verified"


def test_a_read_only_database_answers_503_with_a_reason_and_loses_nothing(seeded, tmp_path):
    path = tmp_path / "ro.db"
    shutil.copyfile(seeded.path, path)
    read_only = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    url = f"/api/v1/services/{seeded.ids['bj_service']}/users"
    with TestClient(create_app(read_only, upgrade=False), raise_server_exceptions=False) as c:
        refused = c.post(url, json=USER, headers=auth(seeded, "bj_provider"))
        assert refused.status_code == 503, refused.text
        assert refused.json()["code"] == "database_unavailable"
        assert refused.json()["message"]["zh"] and "nothing was changed" in refused.text
        # Reading still works.
        assert c.get("/api/v1/registry").status_code == 200
    read_only.dispose()
    # Writable again: the same request succeeds and what was there before is still there.
    writable = Database(f"sqlite:///{path}")
    with TestClient(create_app(writable, upgrade=False)) as c:
        before = c.get("/api/v1/registry").json()
        created = c.post(url, json=USER, headers=auth(seeded, "bj_provider"))
        assert created.status_code == 201, created.text
        assert c.get("/api/v1/registry").json() == before
    writable.dispose()
