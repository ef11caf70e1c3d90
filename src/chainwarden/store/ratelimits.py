"""Counters for rate limits (sign-in back-off, bad tokens, complaints), kept by the `limits`
library: in this process's memory by default, or in Redis when ``rate_limit_url`` names one
(needed when several server processes must share the counts).

A limit is a set of tiers, each allowing more events over a longer window (``Tiers``); an
identity is locked while any tier is spent, until its oldest event leaves that window."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import lru_cache

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from chainwarden.settings import get_settings


@lru_cache
def _limiter(url: str) -> tuple[Storage, MovingWindowRateLimiter]:
    options = {"key_prefix": "chainwarden"} if url.startswith("redis") else {}
    storage = storage_from_string(url, **options)
    assert isinstance(storage, Storage)  # a synchronous storage, for the worker threads
    return storage, MovingWindowRateLimiter(storage)


def limiter() -> MovingWindowRateLimiter:
    return _limiter(get_settings().rate_limit_url)[1]


def reset_memory() -> None:
    """Forget every in-memory count (tests; a new process starts empty anyway)."""
    storage = _limiter(get_settings().rate_limit_url)[0]
    if isinstance(storage, MemoryStorage):
        storage.reset()


@dataclass(frozen=True)
class Tiers:
    """A limit in tiers: ``(events, minutes)`` pairs, e.g. 5 a minute, 10 in 4 minutes."""

    name: str
    items: tuple[RateLimitItem, ...]

    @classmethod
    def of(cls, name: str, *tiers: tuple[int, int]) -> Tiers:
        return cls(name, tuple(RateLimitItemPerMinute(n, minutes) for n, minutes in tiers))

    def retry_after(self, identity: str) -> int | None:
        """Seconds until ``identity`` may try again, or None while no tier is spent."""
        found = limiter()
        now = time.time()
        waits = [
            math.ceil(max(stats.reset_time - now, 1))
            for item in self.items
            if (stats := found.get_window_stats(item, self.name, identity)).remaining <= 0
        ]
        return max(waits) if waits else None

    def hit(self, identity: str) -> bool:
        """Count an event; True when it spent a tier (the identity is now locked)."""
        found = limiter()
        spent = False
        for item in self.items:
            found.hit(item, self.name, identity)
            spent |= found.get_window_stats(item, self.name, identity).remaining <= 0
        return spent

    def clear(self, identity: str) -> None:
        found = limiter()
        for item in self.items:
            found.clear(item, self.name, identity)
