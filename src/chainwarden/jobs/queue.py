"""One queue interface, two engines.

JetStream: a work-queue stream (a job is removed once acknowledged) and one durable pull
consumer shared by every worker, so each job goes to one worker at a time. A worker acknowledges
a job only after its results are committed, tells the server it is still busy while it works, and
a job whose worker dies is delivered again after ``ack_wait``: handlers must be idempotent. A job
id set as ``Nats-Msg-Id`` makes submitting the same job twice (a re-run of a submit that died
halfway) one job."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    kind: str  # e.g. "scan.segment"
    key: str  # unique per job: the queue drops a second submission of the same key
    payload: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[Job], None]


class JobFailed(Exception):
    """A job that will never succeed (its subject is gone, its payload is malformed): dropped,
    not retried."""


class Queue(Protocol):
    def submit(self, jobs: Iterable[Job]) -> int: ...

    def work(self, handler: Handler, *, idle_exit: float | None = None) -> int: ...


class InProcessQueue:
    """Jobs kept in memory and run by ``work`` in this process, in order."""

    def __init__(self) -> None:
        self._jobs: deque[Job] = deque()
        self._keys: set[str] = set()

    def submit(self, jobs: Iterable[Job]) -> int:
        count = 0
        for job in jobs:
            if job.key not in self._keys:
                self._keys.add(job.key)
                self._jobs.append(job)
                count += 1
        return count

    def work(self, handler: Handler, *, idle_exit: float | None = None) -> int:
        done = 0
        while self._jobs:
            job = self._jobs.popleft()
            try:
                handler(job)
            except JobFailed as exc:
                log.warning("job %s dropped: %s", job.key, exc)
            done += 1
        return done


class JetStreamQueue:
    def __init__(
        self,
        url: str,
        *,
        stream: str = "CHAINWARDEN_JOBS",
        ack_wait: float = 60.0,
        max_deliver: int = 20,
        connect_timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.stream = stream
        self.subject = stream.lower().replace("_", ".")
        self.ack_wait = ack_wait
        self.max_deliver = max_deliver
        self.connect_timeout = connect_timeout

    # --- connection and stream ------------------------------------------------------------

    async def _connect(self) -> Any:
        import nats

        return await nats.connect(
            self.url,
            connect_timeout=self.connect_timeout,
            max_reconnect_attempts=3,
            allow_reconnect=True,
        )

    async def _ensure(self, js: Any) -> None:
        from nats.js.api import AckPolicy, ConsumerConfig, RetentionPolicy, StreamConfig
        from nats.js.errors import NotFoundError

        try:
            await js.stream_info(self.stream)
        except NotFoundError:
            await js.add_stream(
                StreamConfig(
                    name=self.stream,
                    subjects=[f"{self.subject}.>"],
                    retention=RetentionPolicy.WORK_QUEUE,
                    duplicate_window=24 * 3600,
                )
            )
        await js.add_consumer(
            self.stream,
            ConsumerConfig(
                durable_name="workers",
                ack_policy=AckPolicy.EXPLICIT,
                ack_wait=self.ack_wait,
                max_deliver=self.max_deliver,
                max_ack_pending=1000,
            ),
        )

    # --- submit ---------------------------------------------------------------------------

    def submit(self, jobs: Iterable[Job]) -> int:
        return asyncio.run(self._submit(list(jobs)))

    async def _submit(self, jobs: list[Job]) -> int:
        nc = await self._connect()
        try:
            js = nc.jetstream()
            await self._ensure(js)
            new = 0
            for job in jobs:
                body = json.dumps({"kind": job.kind, "key": job.key, "payload": job.payload})
                ack = await js.publish(
                    f"{self.subject}.{job.kind}",
                    body.encode(),
                    headers={"Nats-Msg-Id": job.key},
                )
                new += not ack.duplicate
            return new
        finally:
            await nc.close()

    # --- work -----------------------------------------------------------------------------

    def work(self, handler: Handler, *, idle_exit: float | None = None) -> int:
        """Take jobs one at a time until stopped, or until none came for ``idle_exit`` seconds."""
        return asyncio.run(self._work(handler, idle_exit))

    async def _work(self, handler: Handler, idle_exit: float | None) -> int:
        from nats.errors import TimeoutError as FetchTimeout

        nc = await self._connect()
        done = 0
        try:
            js = nc.jetstream()
            await self._ensure(js)
            sub = await js.pull_subscribe(
                f"{self.subject}.>", durable="workers", stream=self.stream
            )
            idle_since = time.monotonic()
            while True:
                try:
                    (msg,) = await sub.fetch(1, timeout=1.0)
                except FetchTimeout:
                    if idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
                        return done
                    continue
                await self._handle(msg, handler)
                done += 1
                idle_since = time.monotonic()
        finally:
            await nc.close()

    async def _handle(self, msg: Any, handler: Handler) -> None:
        try:
            data = json.loads(msg.data)
            job = Job(data["kind"], data["key"], data.get("payload") or {})
        except (ValueError, KeyError, TypeError):
            log.error("malformed job dropped")
            await msg.term()
            return
        beat = asyncio.create_task(self._keep_alive(msg))
        try:
            await asyncio.to_thread(handler, job)
        except JobFailed as exc:
            log.warning("job %s dropped: %s", job.key, exc)
            await msg.term()
            return
        except Exception:
            # A passing fault (database restarting …): delivered again, to this or another worker.
            log.exception("job %s failed; it will be delivered again", job.key)
            await msg.nak(delay=5)
            return
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
        await msg.ack_sync()

    async def _keep_alive(self, msg: Any) -> None:
        while True:
            await asyncio.sleep(max(self.ack_wait / 3, 0.5))
            await msg.in_progress()

    def pending(self) -> int:
        """Jobs in the stream not yet acknowledged."""

        async def count() -> int:
            nc = await self._connect()
            try:
                js = nc.jetstream()
                await self._ensure(js)
                info = await js.stream_info(self.stream)
                return int(info.state.messages)
            finally:
                await nc.close()

        return asyncio.run(count())


def open_queue(url: str | None, **options: Any) -> Queue:
    """JetStream for ``nats://…`` URLs; in-process when no URL is set."""
    if not url:
        return InProcessQueue()
    if not url.startswith(("nats://", "tls://")):
        raise ValueError("the queue URL must start with nats:// or tls://")
    return JetStreamQueue(url, **options)
