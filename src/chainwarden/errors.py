"""The base of every domain error: a stable code and a message in Chinese and in English.

Each domain package subclasses ``ChainwardenError`` once, in its ``errors.py``, and declares
there every error it raises, each once, with its code, kind and bilingual message::

    class LedgerError(ChainwardenError): ...

    chain_not_found = LedgerError.declare(
        "chain_not_found", "该提供者没有账本", "This provider has no ledger", kind="not_found"
    )
    missing_field = LedgerError.declare(
        "missing_field", "缺少必填项 {field}", "{field} is required", carries=("field",)
    )

A raise site names the error and fills the message's placeholders:
``raise errors.chain_not_found()``, ``required_text(value, errors.missing_field, field=name)``.
An error whose message needs more than placeholders is a named constructor function in the same
``errors.py``. The web layer turns every one into RFC 9457 problem+json (status from ``kind``)
and the CLI into one line on stderr.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

E = TypeVar("E", bound="ChainwardenError")


class ChainwardenError(Exception):
    # What kind of failure this is, independent of any transport: invalid input, a missing
    # object, a state conflict, a refused permission or a missing identity (the web layer's
    # STATUS table maps each to an HTTP status).
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

    @classmethod
    def declare(
        cls: type[E],
        code: str,
        zh: str,
        en: str,
        *,
        kind: str | None = None,
        field: str | None = None,
        carries: Iterable[str] = (),
    ) -> Declared[E]:
        """One error of this class, declared once. ``zh`` and ``en`` may hold ``{name}``
        placeholders that the raise site fills; ``field`` names the input it concerns, and
        ``carries`` the filled values the problem document repeats as members."""
        return Declared(cls, code, zh, en, kind, field, tuple(carries))


@dataclass(frozen=True)
class Declared(Generic[E]):
    """A declared error: call it with the placeholder values to get the exception to raise."""

    error: type[E]
    code: str
    zh: str
    en: str
    kind: str | None = None
    field: str | None = None
    carries: tuple[str, ...] = ()

    def __call__(self, **values: Any) -> E:
        extra = {name: values[name] for name in self.carries if name in values}
        if self.field is not None:
            extra.setdefault("field", self.field)
        return self.error(
            self.code,
            self.zh.format(**values),
            self.en.format(**values),
            kind=self.kind,
            **extra,
        )


def required_text(value: str | None, missing: Declared[Any], **values: Any) -> str:
    """The text without surrounding blanks; ``missing`` (filled with ``values``) when there is
    none. The one check of a required text field, whatever package's error it raises."""
    if value is None or not value.strip():
        raise missing(**values)
    return value.strip()


def bounded_text(
    value: str | None, most: int, invalid: Declared[Any], *, least: int = 1, **values: Any
) -> str:
    """The text without surrounding blanks if its length is within ``least`` … ``most``;
    ``invalid`` (filled with ``values``) otherwise."""
    text = (value or "").strip()
    if not least <= len(text) <= most:
        raise invalid(**values)
    return text
