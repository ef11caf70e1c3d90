"""Cycle-collector settings for long-running work: the server and batch screening."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """While the block runs, the objects made so far (tables, automata, models, routes) are left
    out of the cycle collector's scans and the collector runs less often: its pauses stop every
    thread at once, and batch work allocates many short-lived objects that hold no cycles.
    The settings are restored afterwards (the process may go on, as under tests)."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, 50, 50)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
