"""Work that is not a request (whole-chain scans, re-screening): jobs put on a queue and done by
workers on any host. NATS JetStream when a queue URL is set; otherwise the same jobs run in the
process that submitted them, so the embedded default needs no server."""

from chainwarden.jobs.queue import InProcessQueue, JetStreamQueue, Job, JobFailed, Queue, open_queue

__all__ = ["InProcessQueue", "JetStreamQueue", "Job", "JobFailed", "Queue", "open_queue"]
