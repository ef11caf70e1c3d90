"""Guessing passwords and tokens: per account and per address back-off, 429 with Retry-After,
an audit event per lock, and the right password working again once the lock has passed."""

from __future__ import annotations

import os
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from chainwarden.audit.models import AuditEvent
from chainwarden.settings import get_settings
from chainwarden.store import ratelimits

from support.api import auth, client_for
from support.world import PASSWORD

LOGIN = "/api/v1/auth/login"


@pytest.fixture
def clock(limits_clock: SimpleNamespace) -> SimpleNamespace:
    return limits_clock


def _wrong(client, username: str = "bj-admin", **headers: str):
    return client.post(
        LOGIN, json={"username": username, "password": "guess"}, headers=headers or None
    )


def _right(client, username: str = "bj-admin"):
    return client.post(LOGIN, json={"username": username, "password": PASSWORD})


def _locks(client) -> list[AuditEvent]:
    with client.app.state.db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "throttle.locked")))


def test_wrong_passwords_lock_the_account_until_the_window_passes(seeded, tmp_path, clock):
    with client_for(seeded, tmp_path) as client:
        assert [_wrong(client).status_code for _ in range(5)] == [401] * 5
        refused = _wrong(client)
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        wait = int(refused.headers["Retry-After"])
        assert 0 < wait <= 60
        body = refused.json()
        assert body["code"] == "too_many_attempts" and body["retry_after"] == wait
        assert "重试" in body["message"]["zh"] and "try again" in body["message"]["en"]
        # Locked means locked: the right password is refused too, without being checked.
        assert _right(client).status_code == 429
        # Another account is not locked by these failures.
        assert _right(client, "bj-reviewer").status_code == 200
        [event] = _locks(client)
        assert event.object_type == "account" and event.object_id == "bj-admin"

        clock.offset += wait + 1
        assert _right(client).status_code == 200


def test_locks_grow_with_repeated_failures(seeded, tmp_path, clock):
    with client_for(seeded, tmp_path) as client:
        waits = []
        for _ in range(3):
            while (answer := _wrong(client)).status_code == 401:
                pass
            waits.append(int(answer.headers["Retry-After"]))
            clock.offset += waits[-1] + 1
        # 5 failures lock for up to a minute; 10 within 4 minutes for longer.
        assert waits[0] <= 60 < max(waits[1:])


def test_one_address_guessing_many_accounts_is_locked(seeded, tmp_path, clock):
    with client_for(seeded, tmp_path) as client:
        statuses = [_wrong(client, f"nobody-{n}").status_code for n in range(21)]
        assert statuses == [401] * 20 + [429]
        assert _right(client).status_code == 429
        assert any(e.object_type == "address" for e in _locks(client))


def test_sign_in_page_shows_the_lock_in_the_visitors_language(seeded, tmp_path, clock):
    with client_for(seeded, tmp_path) as client:
        page = client.get("/signin?lang=en")
        token = client.cookies.get("cw_csrf")
        form = {"username": "bj-admin", "password": "guess", "csrf_token": token}
        answers = [client.post("/signin", data=form) for _ in range(6)]
        assert page.status_code == 200
        assert [a.status_code for a in answers] == [401] * 5 + [429]
        assert "Too many failed attempts" in answers[-1].text
        assert "Traceback" not in answers[-1].text


def test_bad_tokens_from_one_address_are_refused(seeded, tmp_path, clock):
    with client_for(seeded, tmp_path) as client:
        bad = {"Authorization": "Bearer cw_not-a-token"}
        statuses = [client.get("/api/v1/auth/me", headers=bad).status_code for _ in range(21)]
        assert statuses == [401] * 20 + [429]
        # While locked, even a good token from that address waits.
        good = client.get("/api/v1/auth/me", headers=auth(seeded, "admin"))
        assert good.status_code == 429 and int(good.headers["Retry-After"]) > 0
        user = client.get("/api/v1/me", headers={"Authorization": "Bearer cwu_guess"})
        assert user.status_code == 429
        clock.offset += 61
        assert client.get("/api/v1/auth/me", headers=auth(seeded, "admin")).status_code == 200


REDIS_URL = os.environ.get("CHAINWARDEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_limits(monkeypatch: pytest.MonkeyPatch):
    from limits.storage import storage_from_string

    try:
        reachable = storage_from_string(REDIS_URL).check()
    except Exception:
        reachable = False
    if not reachable:
        message = f"Redis not reachable at {REDIS_URL}"
        if os.environ.get("CHAINWARDEN_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message + " (set CHAINWARDEN_TEST_REDIS_URL to run this on Redis)")
    monkeypatch.setenv("CHAINWARDEN_RATE_LIMIT_URL", REDIS_URL)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_locks_are_shared_through_redis(seeded, tmp_path, redis_limits):
    # A name of its own: the Redis server is shared with other runs.
    username = f"guess-{uuid.uuid4().hex[:12]}"
    with client_for(seeded, tmp_path) as client:
        assert [_wrong(client, username).status_code for _ in range(5)] == [401] * 5
        # A second server process starts with its own limiter and sees the same lock.
        ratelimits._limiter.cache_clear()
        assert _wrong(client, username).status_code == 429
    from chainwarden.accounts import throttle

    throttle.ACCOUNT_FAILURES.clear(username)
    throttle.ADDRESS_FAILURES.clear(throttle._address("testclient"))
