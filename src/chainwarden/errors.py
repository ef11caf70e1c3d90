"""The base of every domain error: a stable code and a message in Chinese and in English.

Each domain package subclasses it once; the web layer turns it into RFC 9457 problem+json and
the CLI into one line on stderr.
"""

from __future__ import annotations

from typing import Any


class ChainwardenError(Exception):
    # What kind of failure this is, independent of any transport: invalid input, a missing
    # object, a state conflict, a refused permission or a missing identity.
    kind: str = "invalid"

    def __init__(
        self, code: str, zh: str, en: str, *, kind: str | None = None, **extra: Any
    ) -> None:
        super().__init__(en)
        if kind is not None:
            self.kind = kind
        self.code = code
        self.zh = zh
        self.en = en
        self.extra = extra

    def line(self) -> str:
        return f"{self.zh} / {self.en}"


class NotFound(ChainwardenError):
    kind = "not_found"


class Conflict(ChainwardenError):
    kind = "conflict"


class Forbidden(ChainwardenError):
    kind = "forbidden"


class Unauthenticated(ChainwardenError):
    kind = "unauthenticated"
