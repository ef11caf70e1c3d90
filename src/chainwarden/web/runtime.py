"""The server's own safeguards, around every route: a bounded number of requests at once (the
rest wait briefly, then get 503 with Retry-After), security headers on every response, and
``Secure`` cookies whenever the request arrived over HTTPS.

Sizing: every admitted request uses at most one worker thread at a time, so with at least as
many worker threads as admitted requests a request holding a database connection always finds
a thread to finish on, and the pool (``db_pool_size`` + ``db_max_overflow``) covers them."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chainwarden.settings import Settings
from chainwarden.web.deps import SESSION_COOKIE

RETRY_AFTER_SECONDS = 1

# Pages add their own, stricter policy; this one fits the API and anything else served.
DEFAULT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", DEFAULT_CSP.encode()),
)


def worker_threads(settings: Settings) -> int:
    """Worker threads for a server admitting ``max_concurrent_requests`` at once (and a margin
    for the publisher and start-up work that also run in threads)."""
    return max(40, settings.max_concurrent_requests + 8)


def size_worker_threads(settings: Settings) -> None:
    anyio.to_thread.current_default_thread_limiter().total_tokens = worker_threads(settings)


def _busy_body(scope: Scope) -> tuple[bytes, bytes]:
    zh, en = "服务器繁忙，请稍后重试", "The server is busy; retry shortly"
    accept = dict(scope.get("headers") or ()).get(b"accept", b"")
    if b"text/html" in accept and not scope.get("path", "").startswith("/api/"):
        page = (
            '<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>503</title>'
            f"<p>{zh}</p><p lang='en'>{en}</p></html>"
        )
        return page.encode(), b"text/html; charset=utf-8"
    problem = {
        "type": "urn:chainwarden:problem:busy",
        "title": "Service unavailable",
        "title_zh": "暂不可用",
        "status": 503,
        "detail": en,
        "code": "busy",
        "message": {"zh": zh, "en": en},
    }
    return json.dumps(problem, ensure_ascii=False).encode(), b"application/problem+json"


async def busy(scope: Scope, send: Send) -> None:
    body, media_type = _busy_body(scope)
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", media_type),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
                (b"cache-control", b"no-store"),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class _Gate:
    def __init__(self, limit: int) -> None:
        self.free = asyncio.Semaphore(limit)
        self.waiting = 0
        self.loop = asyncio.get_running_loop()


class Admission:
    """At most ``limit`` requests are served at once; up to ``queue`` more wait at most ``wait``
    seconds for a turn. Beyond that the answer is 503 with Retry-After, at once: an overloaded
    server stays responsive and recovers by itself as soon as the load drops."""

    def __init__(self, app: ASGIApp, *, limit: int, queue: int, wait: float) -> None:
        self.app = app
        self.limit = limit
        self.queue = queue
        self.wait = wait
        self._gate: _Gate | None = None

    def _current(self) -> _Gate:
        # One gate per event loop (test clients start a loop of their own).
        if self._gate is None or self._gate.loop is not asyncio.get_running_loop():
            self._gate = _Gate(self.limit)
        return self._gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gate = self._current()
        if gate.free.locked():
            if gate.waiting >= self.queue:
                await busy(scope, send)
                return
            gate.waiting += 1
            try:
                await asyncio.wait_for(gate.free.acquire(), self.wait)
            except TimeoutError:
                await busy(scope, send)
                return
            finally:
                gate.waiting -= 1
        else:
            await gate.free.acquire()
        try:
            await self.app(scope, receive, send)
        finally:
            gate.free.release()


def _authenticated(scope: Scope) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"authorization":
            return True
        if name == b"cookie" and SESSION_COOKIE.encode() + b"=" in value:
            return True
    return False


class SecurityHeaders:
    """Headers every response carries (a route may set stricter ones), ``no-store`` on answers
    to a signed-in request, and ``Secure`` on cookies set over HTTPS. The scheme is the one the
    server saw, or the one a trusted proxy reported (``trusted_proxies``)."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = self.secure_cookies or scope.get("scheme") == "https"
        private = _authenticated(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers") or ())
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if private:
                    headers = [h for h in headers if h[0].lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                if secure:
                    headers = [_secure_cookie(h) for h in headers]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secure_cookie(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    name, value = header
    if name.lower() != b"set-cookie" or b"; secure" in value.lower():
        return header
    return name, value + b"; Secure"


def trusted_proxies(settings: Settings) -> list[str]:
    """The proxies whose X-Forwarded-For/-Proto are believed (addresses or networks)."""
    return [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]


def server_options(settings: Settings) -> dict[str, Any]:
    """Options for uvicorn. Forwarded headers are believed only from the listed proxies: by
    default uvicorn trusts them from loopback, so a client on the same host could claim any
    address and slip past the per-address limits."""
    proxies = trusted_proxies(settings)
    return {
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies,
    }
