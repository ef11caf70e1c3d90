"""Group commit for the publish path: posts arriving together are published in one transaction.

A ``Publisher`` hands the posts waiting at any moment to one writer thread, which publishes them
with ``publish_many`` in one transaction (screening them together first, far cheaper per text
than one by one) and commits once; each post's
future is resolved only after that commit, so a post is acknowledged only once it is durable.
While the writer works, the next posts queue up and form the next batch: there is no timer,
a lone post is written at once.

One post's refusal (a bad token, a suspended service, a block) is its own answer and does not
touch the others. When the batch's transaction fails, its posts are written again one by one,
each in its own transaction, so the post whose writes fail gets the error and the others are
published as if alone.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from chainwarden.errors import ChainwardenError
from chainwarden.gateway.publish import Outcome, PostRequest, publish_many, publish_with_token
from chainwarden.screening import Screener
from chainwarden.store import Database
from chainwarden.store.base import utcnow

log = logging.getLogger(__name__)

# Posts in one transaction at most: bounds a batch's latency and its statements' size.
MAX_BATCH = 64


class Publisher:
    """Publishes posts submitted from any thread in batches, on one writer thread.

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
        self._waiting: deque[tuple[PostRequest, Future[Outcome]]] = deque()
        self._writing = False
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gateway-publisher")

    def submit(self, request: PostRequest) -> Future[Outcome]:
        """The post's outcome once committed, or its refusal (``ChainwardenError``) or failure
        as the future's exception."""
        future: Future[Outcome] = Future()
        with self._guard:
            self._waiting.append((request, future))
            if not self._writing:
                self._writing = True
                self._writer.submit(self._drain)
        return future

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
            batch = [(r, f) for r, f in taken if f.set_running_or_notify_cancel()]
            try:
                self._publish(batch)
            except BaseException as exc:  # never leave a future unresolved
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                if not isinstance(exc, Exception):
                    with self._guard:
                        self._writing = False
                    raise

    def _publish(self, batch: list[tuple[PostRequest, Future[Outcome]]]) -> None:
        if not batch:
            return
        screener = self.screener or Screener.default()
        requests = [r for r, _ in batch]
        now = self.clock()
        try:
            with self.db.session() as session:
                results = publish_many(session, requests, screener=screener, now=now)
        except Exception:
            log.warning(
                "publishing %d posts together failed; one by one", len(batch), exc_info=True
            )
            for request, (_, future) in zip(requests, batch, strict=True):
                self._publish_alone(request, future, screener, now)
            return
        for result, (_, future) in zip(results, batch, strict=True):
            if isinstance(result, ChainwardenError):
                future.set_exception(result)
            else:
                future.set_result(result)

    def _publish_alone(
        self, request: PostRequest, future: Future[Outcome], screener: Screener, now: datetime
    ) -> None:
        try:
            with self.db.session() as session:
                outcome = publish_with_token(session, request, screener=screener, now=now)
        except Exception as exc:
            future.set_exception(exc)
        else:
            future.set_result(outcome)
