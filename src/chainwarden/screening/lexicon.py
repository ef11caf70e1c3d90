"""The lexicon: category terms, context cues and substitutions, read from TSV files.

One file per prohibited category (``ico.tsv`` … ``fraud.tsv``: ``term lang weight note``),
``context.tsv`` (``cue lang kind weight note``) and ``substitutions.tsv`` (``variant canonical
lang note``). Lines starting with ``#`` and blank lines are skipped. A provider extends the
lexicon with its own file in the category format plus a ``category`` column, or with a folder
laid out like the packaged one; nothing in the package needs editing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from chainwarden.screening.errors import DataFileError

CATEGORIES: tuple[str, ...] = ("ico", "trading", "speculation", "fundraising", "pyramid", "fraud")
CONTEXT_KINDS: tuple[str, ...] = (
    "warning",
    "report",
    "negation",
    "tech",
    "question",
    "market",
    "promotion",  # the speech act of an offer: imperative, contact handle, sign-up call
)
LANGS = ("zh", "en", "any")
PACKAGED = Path(__file__).with_name("lexicon")

TERM_HEADER = ("term", "lang", "weight", "note")
EXTRA_HEADER = ("term", "lang", "weight", "note", "category")
CUE_HEADER = ("cue", "lang", "kind", "weight", "note")
SUBSTITUTION_HEADER = ("variant", "canonical", "lang", "note")


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    lang: str
    weight: float
    category: str
    source: str  # file:line, for explaining a hit


@dataclass(frozen=True, slots=True)
class Cue:
    cue: str
    lang: str
    kind: str
    weight: float
    source: str


@dataclass(frozen=True, slots=True)
class Substitution:
    variant: str
    canonical: str
    lang: str


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[Term, ...]
    cues: tuple[Cue, ...]
    substitutions: tuple[Substitution, ...]
    version: str

    def extended(self, other: Lexicon) -> Lexicon:
        return Lexicon(
            self.terms + other.terms,
            self.cues + other.cues,
            self.substitutions + other.substitutions,
            f"{self.version}+{other.version}" if other.version else self.version,
        )


def _rows(path: Path, header: Sequence[str]) -> Iterable[tuple[int, list[str]]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        bad_line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise DataFileError(name, bad_line, "不是UTF-8编码", "is not UTF-8") from None
    except OSError as exc:
        raise DataFileError(
            name, None, f"无法读取（{exc.strerror}）", f"cannot read ({exc.strerror})"
        ) from None
    seen_header = False
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if not seen_header:
            if tuple(f.strip() for f in fields) != tuple(header):
                raise DataFileError(
                    name,
                    number,
                    f"表头应为 {' '.join(header)}（以制表符分隔）",
                    f"header must be {' / '.join(header)} (tab-separated)",
                )
            seen_header = True
            continue
        if len(fields) < len(header) - 1 or len(fields) > len(header):
            raise DataFileError(
                name,
                number,
                f"应有 {len(header)} 个以制表符分隔的字段，实有 {len(fields)} 个",
                f"expected {len(header)} tab-separated fields, found {len(fields)}",
            )
        fields += [""] * (len(header) - len(fields))
        yield number, [f.strip() for f in fields]
    if not seen_header:
        raise DataFileError(name, None, "缺少表头", "has no header line")


def _once(seen: dict[str, int], key: str, name: str, number: int) -> None:
    """A term listed twice in one file is a mistake (which weight is meant?)."""
    if key in seen:
        raise DataFileError(
            name,
            number,
            f"{key!r} 已在第{seen[key]}行出现",
            f"{key!r} is already listed on line {seen[key]}",
        )
    seen[key] = number


def _weight(value: str, name: str, number: int) -> float:
    try:
        weight = float(value)
    except ValueError:
        weight = math.nan
    if not (0.0 < weight <= 1.0):
        raise DataFileError(
            name, number, f"权重 {value!r} 应在 (0, 1] 之内", f"weight {value!r} must be in (0, 1]"
        )
    return weight


def _lang(value: str, name: str, number: int) -> str:
    if value not in LANGS:
        raise DataFileError(
            name,
            number,
            f"语言 {value!r} 应为 zh、en 或 any",
            f"lang {value!r} must be zh, en or any",
        )
    return value


def _text(value: str, what: str, name: str, number: int) -> str:
    if not value:
        raise DataFileError(name, number, f"{what}为空", f"empty {what}")
    return value


def read_terms(path: Path, category: str | None = None) -> list[Term]:
    """Terms of one category file, or of a provider file with a ``category`` column."""
    name = str(path)
    header = TERM_HEADER if category else EXTRA_HEADER
    terms = []
    seen: dict[str, int] = {}
    for number, fields in _rows(path, header):
        term = _text(fields[0], "term", name, number)
        _once(seen, f"{term}\t{fields[4] if category is None else category}", name, number)
        lang = _lang(fields[1], name, number)
        weight = _weight(fields[2], name, number)
        cat = category or fields[4]
        if cat not in CATEGORIES:
            raise DataFileError(
                name,
                number,
                f"类别 {cat!r} 不在 {', '.join(CATEGORIES)} 之中",
                f"category {cat!r} is not one of {', '.join(CATEGORIES)}",
            )
        terms.append(Term(term, lang, weight, cat, f"{path.name}:{number}"))
    return terms


def read_cues(path: Path) -> list[Cue]:
    name = str(path)
    cues = []
    seen: dict[str, int] = {}
    for number, fields in _rows(path, CUE_HEADER):
        cue = _text(fields[0], "cue", name, number)
        _once(seen, f"{cue}\t{fields[2]}", name, number)
        lang = _lang(fields[1], name, number)
        kind = fields[2]
        if kind not in CONTEXT_KINDS:
            raise DataFileError(
                name,
                number,
                f"语境类型 {kind!r} 不在 {', '.join(CONTEXT_KINDS)} 之中",
                f"kind {kind!r} is not one of {', '.join(CONTEXT_KINDS)}",
            )
        cues.append(Cue(cue, lang, kind, _weight(fields[3], name, number), f"{path.name}:{number}"))
    return cues


def read_substitutions(path: Path) -> list[Substitution]:
    name = str(path)
    subs = []
    seen: dict[str, int] = {}
    for number, fields in _rows(path, SUBSTITUTION_HEADER):
        variant = _text(fields[0], "variant", name, number)
        _once(seen, variant, name, number)
        canonical = _text(fields[1], "canonical", name, number)
        subs.append(Substitution(variant, canonical, _lang(fields[2], name, number)))
    return subs


def read_lexicon(folder: Path) -> Lexicon:
    """A lexicon folder: any of the six category files, context.tsv, substitutions.tsv, VERSION."""
    terms: list[Term] = []
    for category in CATEGORIES:
        path = folder / f"{category}.tsv"
        if path.exists():
            terms += read_terms(path, category)
    cues = read_cues(folder / "context.tsv") if (folder / "context.tsv").exists() else []
    subs_path = folder / "substitutions.tsv"
    subs = read_substitutions(subs_path) if subs_path.exists() else []
    version_path = folder / "VERSION"
    version = version_path.read_text(encoding="utf-8").strip() if version_path.exists() else ""
    return Lexicon(tuple(terms), tuple(cues), tuple(subs), version or folder.name)


def read_extra(path: Path) -> Lexicon:
    """A provider's extension: a lexicon folder, or one TSV file of terms with a category column."""
    if path.is_dir():
        return read_lexicon(path)
    if not path.exists():
        raise DataFileError(str(path), None, "文件不存在", "does not exist")
    category = path.stem if path.stem in CATEGORIES else None
    return Lexicon(tuple(read_terms(path, category)), (), (), path.stem)


def packaged_lexicon() -> Lexicon:
    return read_lexicon(PACKAGED)
