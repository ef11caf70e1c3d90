"""Group commit for the publish path: posts arriving together are published in one transaction.

A ``Publisher`` hands the posts waiting at any moment to one writer thread, which publishes them
with ``publish_many`` in one transaction (screening them together first, far cheaper per text
than one by one) and commits once; each post's future is resolved only after that commit, so a
post is acknowledged only once it is durable.
While the writer works, the next posts queue up and form the next batch: there is no timer,
a lone post is written at once.

One post's refusal (a bad token, a suspended service, a block) is its own answer and does not
touch the others. When the batch's transaction fails, its posts are written again one by one,
each in its own transaction, so the post whose writes fail gets the error and the others are
published as if alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from chainwarden.gateway.errors import GatewayError
from chainwarden.gateway.publish import Outcome, PostRequest, publish_many, publish_with_token
from chainwarden.screening import Screener
from chainwarden.store import Database
from chainwarden.store.base import utcnow

log = logging.getLogger(__name__)

# Posts in one transaction at most: bounds a batch's latency and its statements' size.
MAX_BATCH = 64


# Where a post's answer goes: a future of the thread that submitted it, or of its event loop.
Waiter = Future[Outcome] | asyncio.Future[Outcome]
Result = Outcome | BaseException


class Publisher:
    """Publishes posts submitted from any thread or event loop in batches, on one writer thread.

    The thread is started when posts arrive and ends when none are left waiting; it is the
    executor's, so it goes away with the publisher."""

    def __init__(
        self,
        db: Database,
        *,
        screener: Screener | None = None,
        clock: Callable[[], datetime] = utcnow,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self.db = db
        self.screener = screener
        self.clock = clock
        self.max_batch = max_batch
        self._guard = threading.Lock()
        self._waiting: deque[tuple[PostRequest, Waiter]] = deque()
        self._writing = False
        self._closed = False
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gateway-publisher")

    def submit(self, request: PostRequest) -> Future[Outcome]:
        """The post's outcome once committed, or its refusal (``ChainwardenError``) or failure
        as the future's exception."""
        future: Future[Outcome] = Future()
        self._enqueue(request, future)
        return future

    async def publish(self, request: PostRequest) -> Outcome:
        """``submit`` for a coroutine: its event loop is woken once per batch, not per post."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._enqueue(request, future)
        return await future

    def close(self) -> None:
        """Publishes the posts already waiting, then stops the writer; a post submitted after
        this is refused (``gateway_closed``) rather than left without an answer."""
        with self._guard:
            self._closed = True
        self._writer.shutdown(wait=True)

    def _enqueue(self, request: PostRequest, waiter: Waiter) -> None:
        with self._guard:
            if self._closed:
                raise GatewayError(
                    "gateway_closed",
                    "服务正在停止，请稍后重试",
                    "The service is shutting down; try again shortly",
                    kind="unavailable",
                )
            self._waiting.append((request, waiter))
            if not self._writing:
                self._writing = True
                self._writer.submit(self._drain)

    def _drain(self) -> None:
        while True:
            with self._guard:
                if not self._waiting:
                    self._writing = False
                    return
                taken = [
                    self._waiting.popleft() for _ in range(min(self.max_batch, len(self._waiting)))
                ]
            # A post whose requester gave up before its turn is dropped, never written.
            batch = [(r, w) for r, w in taken if _still_wanted(w)]
            try:
                results = self._publish([r for r, _ in batch]) if batch else []
            except BaseException as exc:  # never leave a waiter without an answer
                _settle([w for _, w in batch], [exc] * len(batch))
                if not isinstance(exc, Exception):
                    with self._guard:
                        self._writing = False
                    raise
            else:
                _settle([w for _, w in batch], results)

    def _publish(self, requests: list[PostRequest]) -> list[Result]:
        screener = self.screener or Screener.default()
        now = self.clock()
        try:
            with self.db.session() as session:
                return list(publish_many(session, requests, screener=screener, now=now))
        except Exception:
            log.warning(
                "publishing %d posts together failed; one by one", len(requests), exc_info=True
            )
        return [self._publish_alone(r, screener, now) for r in requests]

    def _publish_alone(self, request: PostRequest, screener: Screener, now: datetime) -> Result:
        try:
            with self.db.session() as session:
                return publish_with_token(session, request, screener=screener, now=now)
        except Exception as exc:
            return exc


def _still_wanted(waiter: Waiter) -> bool:
    if isinstance(waiter, Future):
        return waiter.set_running_or_notify_cancel()
    return not waiter.cancelled()


def _settle(waiters: list[Waiter], results: list[Result]) -> None:
    """Hand each waiter its answer: thread futures at once, loop futures with one call per
    loop."""
    loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Outcome], Result]]] = {}
    for waiter, result in zip(waiters, results, strict=True):
        if isinstance(waiter, Future):
            if isinstance(result, BaseException):
                waiter.set_exception(result)
            else:
                waiter.set_result(result)
        else:
            loops.setdefault(waiter.get_loop(), []).append((waiter, result))
    for loop, answers in loops.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            loop.call_soon_threadsafe(_settle_on_loop, answers)


def _settle_on_loop(answers: list[tuple[asyncio.Future[Outcome], Result]]) -> None:
    for future, result in answers:
        if future.done():  # cancelled meanwhile
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)
