"""Printable text inside arbitrary bytes, and the shape of what the scanners find."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Any

# Runs of printable ASCII or well-formed multi-byte UTF-8 (Chinese text included).
_RUN = re.compile(
    rb"(?:[\x20-\x7e\t\n\r]|[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
    rb"|[\xf0-\xf4][\x80-\xbf]{3})+"
)
DEFAULT_MIN_BYTES = 8

ScreenMany = Callable[[Sequence[str]], Sequence[dict[str, Any]]]


def _clean(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="ignore")
    return "".join(
        ch for ch in text if ch in "\t\n\r" or not unicodedata.category(ch).startswith("C")
    ).strip()


def printable_runs(data: bytes, *, min_bytes: int = DEFAULT_MIN_BYTES) -> list[str]:
    """Text runs of at least ``min_bytes`` bytes that hold at least one letter."""
    found = []
    for run in _RUN.findall(data):  # most runs in binary data are short: filter in C first
        if len(run) < min_bytes:
            continue
        text = _clean(run)
        if len(text.encode()) >= min_bytes and any(ch.isalpha() for ch in text):
            found.append(text)
    return found


@dataclass(frozen=True)
class Extract:
    """A piece of text found on a chain, and where: block (hash or number), transaction, and
    the place in it (``coinbase``, ``output:1:op_return``, ``input``, ``log:0`` …)."""

    block: str
    tx: str
    location: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScanError:
    """A block that could not be read; the scan reports it and goes on."""

    source: str
    reason: str

    def line(self) -> str:
        return f"skipped malformed block {self.source}: {self.reason}"


def screen_extracts(
    extracts: Iterable[Extract], screen_many: ScreenMany, *, batch: int = 256
) -> Iterator[dict[str, Any]]:
    """Each extract with the screening decision and categories, in order."""
    items = iter(extracts)
    while chunk := list(islice(items, batch)):
        results = screen_many([e.text for e in chunk])
        if len(results) != len(chunk):
            raise ValueError("screening returned a different number of results")
        for extract, result in zip(chunk, results, strict=True):
            yield {
                **extract.to_dict(),
                "decision": result.get("decision"),
                "categories": list(result.get("categories", [])),
            }
