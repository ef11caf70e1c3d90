"""The offline verifier, and the HTTP verifier against a real-name service the test runs on
127.0.0.1: answers, timeouts, 5xx, retries and the circuit breaker."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chainwarden.identity.numbers import NumberKind
from chainwarden.identity.verifiers import (
    CircuitBreaker,
    HttpVerifier,
    OfflineVerifier,
    Outcome,
)

RIC = "11010519491231002X"


class FakeIdentityService:
    """Answers with the queued behaviours in order, then with the default one."""

    def __init__(self) -> None:
        self.queue: list[str] = []
        self.default = "match"
        self.requests: list[dict[str, object]] = []
        self.headers: list[dict[str, str]] = []
        self.delay = 0.0

    def next(self) -> str:
        return self.queue.pop(0) if self.queue else self.default


@pytest.fixture
def service() -> Iterator[tuple[FakeIdentityService, str]]:
    fake = FakeIdentityService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            fake.requests.append(json.loads(self.rfile.read(length)))
            fake.headers.append(dict(self.headers))
            behaviour = fake.next()
            if behaviour == "slow":
                time.sleep(0.5)
                behaviour = "match"
            if behaviour in ("huge", "trickle"):
                self._endless(behaviour)
                return
            if behaviour.isdigit():
                self.send_response(int(behaviour))
                self.end_headers()
                return
            body = (
                b"not json"
                if behaviour == "garbage"
                else json.dumps({"result": behaviour, "reference": "ref-1"}).encode()
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _endless(self, behaviour: str) -> None:
            # 50 MB announced and sent as fast as it goes, or a byte at a time, each well within
            # the read timeout: until the client hangs up.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            piece = b" " * 65536 if behaviour == "huge" else b" "
            try:
                for _ in range(50 * 1024 * 1024 // len(piece)):
                    self.wfile.write(piece)
                    self.wfile.flush()
                    if behaviour == "trickle":
                        time.sleep(0.02)
            except OSError:
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}/verify"
    finally:
        server.shutdown()
        server.server_close()


def verifier(url: str, **options: object) -> HttpVerifier:
    values: dict[str, object] = {"timeout": 0.2, "retries": 2, "backoff": 0.0}
    values.update(options)
    return HttpVerifier(url, **values)  # type: ignore[arg-type]


def test_offline_says_it_checked_format_only():
    result = OfflineVerifier().verify(NumberKind.RIC, RIC, "张三")
    assert result.outcome is Outcome.FORMAT_ONLY
    assert result.accepted
    assert "format and checksum only" in result.en
    bad = OfflineVerifier().verify(NumberKind.RIC, "110105194912310021", "张三")
    assert bad.outcome is Outcome.NO_MATCH and not bad.accepted


def test_match_and_no_match_send_name_number_and_key(service):
    fake, url = service
    v = verifier(url, api_key="secret-key")
    result = v.verify(NumberKind.RIC, RIC, "张三")
    assert result.outcome is Outcome.MATCH and result.accepted
    assert result.reference == "ref-1" and result.attempts == 1
    assert fake.requests[0] == {"kind": "ric", "number": RIC, "name": "张三"}
    assert fake.headers[0]["Authorization"] == "Bearer secret-key"
    fake.queue.append("no_match")
    refused = v.verify(NumberKind.RIC, RIC, "李四")
    assert refused.outcome is Outcome.NO_MATCH and not refused.accepted


def test_5xx_is_retried_then_answered(service):
    fake, url = service
    fake.queue.extend(["503", "500"])
    result = verifier(url).verify(NumberKind.RIC, RIC, "张三")
    assert result.outcome is Outcome.MATCH
    assert result.attempts == 3
    assert len(fake.requests) == 3


def test_persistent_5xx_is_an_error_not_a_rejection(service):
    fake, url = service
    fake.default = "502"
    result = verifier(url, retries=1).verify(NumberKind.RIC, RIC, "张三")
    assert result.outcome is Outcome.ERROR and not result.accepted
    assert "HTTP 502" in result.en
    assert len(fake.requests) == 2


def test_timeout_is_retried_and_reported(service):
    fake, url = service
    fake.default = "slow"
    started = time.monotonic()
    result = verifier(url, timeout=0.1, retries=1).verify(NumberKind.RIC, RIC, "张三")
    assert result.outcome is Outcome.ERROR
    assert "timed out" in result.en
    assert result.attempts == 2
    assert time.monotonic() - started < 0.45 * 2  # gave up on each attempt at the timeout

    fake.default = "match"
    fake.queue.append("slow")
    assert verifier(url, timeout=0.1, retries=1).verify(NumberKind.RIC, RIC, "张三").accepted


def test_4xx_and_unreadable_answers_are_errors_without_retry(service):
    fake, url = service
    fake.queue.append("403")
    result = verifier(url).verify(NumberKind.RIC, RIC, "张三")
    assert result.outcome is Outcome.ERROR and "HTTP 403" in result.en
    assert len(fake.requests) == 1
    fake.queue.append("garbage")
    assert verifier(url).verify(NumberKind.RIC, RIC, "张三").outcome is Outcome.ERROR


def test_unreachable_service():
    result = verifier("http://127.0.0.1:9/verify", retries=0).verify(NumberKind.RIC, RIC, "张三")
    assert result.outcome is Outcome.ERROR
    assert "cannot connect" in result.en


def test_circuit_breaker_opens_fails_fast_and_recovers(service):
    fake, url = service
    now = [0.0]
    breaker = CircuitBreaker(failures=2, reset_after=30, clock=lambda: now[0])
    v = verifier(url, retries=0, breaker=breaker)
    fake.default = "500"
    v.verify(NumberKind.RIC, RIC, "张三")
    assert breaker.state == "closed"
    v.verify(NumberKind.RIC, RIC, "张三")
    assert breaker.state == "open"
    calls = len(fake.requests)

    fake.default = "match"
    fast = v.verify(NumberKind.RIC, RIC, "张三")
    assert fast.outcome is Outcome.ERROR and fast.attempts == 0
    assert len(fake.requests) == calls  # the service was not called

    now[0] = 31.0
    assert breaker.state == "half_open"
    assert v.verify(NumberKind.RIC, RIC, "张三").outcome is Outcome.MATCH
    assert breaker.state == "closed"


def test_a_failed_trial_call_reopens_the_circuit():
    now = [0.0]
    breaker = CircuitBreaker(failures=1, reset_after=10, clock=lambda: now[0])
    breaker.failure()
    assert not breaker.allow()
    now[0] = 10.0
    assert breaker.allow()  # the one trial
    assert not breaker.allow()  # nobody else meanwhile
    breaker.failure()
    assert breaker.state == "open"
    now[0] = 15.0
    assert not breaker.allow()


def test_an_oversized_answer_is_a_service_failure_read_no_further(service):
    fake, url = service
    fake.default = "huge"
    result = verifier(url, timeout=5, retries=1).verify(NumberKind.RIC, RIC, "张三")
    assert result.outcome is Outcome.ERROR
    assert "more than 1048576 bytes" in result.en and "答复超过" in result.zh
    assert result.attempts == 2


def test_a_service_that_trickles_its_answer_times_out(service):
    fake, url = service
    fake.default = "trickle"
    result = verifier(url, timeout=0.3, retries=0).verify(NumberKind.RIC, RIC, "张三")
    assert result.outcome is Outcome.ERROR
    assert "timed out" in result.en
