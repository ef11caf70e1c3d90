"""Who confirms that a name and an identity number belong together.

``OfflineVerifier`` (the default) checks format and checksum only, and says so in every result.
``HttpVerifier`` asks a real-name service over HTTP, with a timeout, retries and a circuit
breaker so a failing service does not slow every registration down.

The HTTP protocol: ``POST <url>`` with JSON ``{"kind": "ric|uscc|mobile", "number": "…",
"name": "…"}`` and, when configured, ``Authorization: Bearer <key>``; the service answers 200
with ``{"result": "match" | "no_match", "reference": "…"}``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import httpx

from chainwarden.identity.numbers import NumberKind, NumberRejected, check


class Outcome(StrEnum):
    MATCH = "match"  # the service confirmed name and number belong together
    NO_MATCH = "no_match"  # the service (or the format check) says they do not
    FORMAT_ONLY = "format_only"  # only format and checksum were checked (offline)
    ERROR = "error"  # no answer: try again later


@dataclass(frozen=True)
class VerificationResult:
    outcome: Outcome
    method: str
    zh: str
    en: str
    attempts: int = 0
    reference: str | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome in (Outcome.MATCH, Outcome.FORMAT_ONLY)


class Verifier(Protocol):
    name: str

    def verify(self, kind: NumberKind, number: str, name: str) -> VerificationResult: ...


class OfflineVerifier:
    """Format and checksum only: cannot know whether the number belongs to the person."""

    name = "offline"

    def verify(self, kind: NumberKind, number: str, name: str) -> VerificationResult:
        try:
            check(number, kind)
        except NumberRejected as exc:
            return VerificationResult(Outcome.NO_MATCH, self.name, exc.zh, exc.en)
        return VerificationResult(
            Outcome.FORMAT_ONLY,
            self.name,
            "离线核验：仅检查了号码格式和校验码，未核对姓名与号码是否属于同一人",
            "Offline check: format and checksum only; whether the number belongs to this name "
            "was not checked",
        )


class CircuitBreaker:
    """Closed → (``failures`` consecutive failures) → open: calls fail at once for
    ``reset_after`` seconds → half-open: one trial call closes it again or re-opens it."""

    def __init__(
        self,
        failures: int = 5,
        reset_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = failures
        self.reset_after = reset_after
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.reset_after:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half_open" and not self._trial:
                self._trial = True
                return True
            return False

    def success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial = False

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial or self._failures >= self.threshold:
                self._opened_at = self._clock()
            self._trial = False


# The largest answer read from the service; its real answers are a few hundred bytes.
MAX_ANSWER = 1024 * 1024


class _TooLarge(Exception):
    pass


class HttpVerifier:
    name = "http"

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        timeout: float = 3.0,
        retries: int = 2,
        backoff: float = 0.2,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.breaker = breaker or CircuitBreaker()
        self._sleep = sleep
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers, transport=transport)

    def close(self) -> None:
        self._client.close()

    def _error(self, zh: str, en: str, attempts: int) -> VerificationResult:
        return VerificationResult(
            Outcome.ERROR,
            self.name,
            f"实名核验服务不可用：{zh}",
            f"Identity service unavailable: {en}",
            attempts,
        )

    def verify(self, kind: NumberKind, number: str, name: str) -> VerificationResult:
        if not self.breaker.allow():
            return self._error(
                "连续失败后暂停调用，稍后再试", "paused after repeated failures; try again later", 0
            )
        problem = ("", "")
        attempts = 0
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self.backoff * 2 ** (attempt - 1))
            attempts += 1
            try:
                status, body = self._exchange({"kind": str(kind), "number": number, "name": name})
            except httpx.TimeoutException:
                problem = ("请求超时", "timed out")
                continue
            except _TooLarge:
                problem = (
                    f"答复超过 {MAX_ANSWER} 字节，未予读取",
                    f"answered more than {MAX_ANSWER} bytes, not read",
                )
                continue
            except httpx.HTTPError as exc:
                problem = ("无法连接", f"cannot connect ({exc.__class__.__name__})")
                continue
            if status >= 500 or status == 429:
                problem = (f"返回 HTTP {status}", f"answered HTTP {status}")
                continue
            # The service answered: it is up, whatever it said.
            self.breaker.success()
            return self._read(status, body, attempts)
        self.breaker.failure()
        return self._error(*problem, attempts)

    def _exchange(self, payload: dict[str, str]) -> tuple[int, bytes]:
        """One call's status and answer, read piece by piece: at most ``MAX_ANSWER`` bytes, and
        within the timeout as a whole (a service that trickles bytes hangs as surely as a silent
        one)."""
        deadline = time.monotonic() + self.timeout
        with self._client.stream("POST", self.url, json=payload) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_ANSWER:
                    raise _TooLarge
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer took longer than the timeout")
            return response.status_code, bytes(body)

    def _read(self, status: int, answer: bytes, attempts: int) -> VerificationResult:
        if status != 200:
            return self._error(
                f"拒绝了请求（HTTP {status}）", f"refused the request (HTTP {status})", attempts
            )
        try:
            body = json.loads(answer)
            result = body["result"]
            reference = body.get("reference")
        except (ValueError, KeyError, TypeError, AttributeError):
            result, reference = None, None
        if result == "match":
            return VerificationResult(
                Outcome.MATCH,
                self.name,
                "实名核验通过：姓名与号码一致",
                "Verified: the name and number belong together",
                attempts,
                str(reference) if reference is not None else None,
            )
        if result == "no_match":
            return VerificationResult(
                Outcome.NO_MATCH,
                self.name,
                "实名核验未通过：姓名与号码不一致",
                "Not verified: the name and number do not belong together",
                attempts,
                str(reference) if reference is not None else None,
            )
        return self._error("答复无法识别", "gave an answer that cannot be read", attempts)


_configured: dict[tuple[str, str | None, float, int], HttpVerifier] = {}


def configured_verifier() -> Verifier:
    """The installation's verifier: HTTP when ``CHAINWARDEN_IDENTITY_VERIFIER_URL`` is set
    (one per process, so its circuit breaker sees every call), otherwise offline."""
    from chainwarden.settings import get_settings

    settings = get_settings()
    if not settings.identity_verifier_url:
        return OfflineVerifier()
    key = (
        settings.identity_verifier_url,
        settings.identity_verifier_key,
        settings.identity_verifier_timeout,
        settings.identity_verifier_retries,
    )
    if key not in _configured:
        _configured[key] = HttpVerifier(
            settings.identity_verifier_url,
            api_key=settings.identity_verifier_key,
            timeout=settings.identity_verifier_timeout,
            retries=settings.identity_verifier_retries,
        )
    return _configured[key]
