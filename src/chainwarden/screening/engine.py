"""The screener: normalise → match lexicon and pattern rules → weigh context → classify → decide."""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import ahocorasick_rs
import numpy as np

from chainwarden.screening.errors import ScreeningError
from chainwarden.screening.lexicon import (
    CATEGORIES,
    CONTEXT_KINDS,
    Lexicon,
    packaged_lexicon,
    read_extra,
    read_lexicon,
)
from chainwarden.screening.model import (
    MARK,
    PACKAGED,
    Batch,
    FloatArray,
    LinearModel,
    load_model,
)
from chainwarden.screening.normalise import Normalised, Normaliser
from chainwarden.screening.rules import RULES, PatternRule

ALLOWED_LABELS = ("tech", "news", "warning", "other")
GRAY = "gray"
LABELS = (*CATEGORIES, *ALLOWED_LABELS, GRAY)

# The evidence the engine hands to the classifier, in this order (the model file records it).
EXTRAS: tuple[str, ...] = (
    *(f"evidence:{c}" for c in CATEGORIES),
    *(f"context:{k}" for k in CONTEXT_KINDS),
    *(f"evidence*context:{k}" for k in CONTEXT_KINDS),
    "evidence:max",
    "evidence:categories",
)

# Without a model: how much each kind of context discounts the rule evidence.
_CONTEXT_DISCOUNT = {
    "warning": 0.85,
    "report": 0.8,
    "negation": 0.85,
    "tech": 0.6,
    "question": 0.5,
    "market": 0.4,
}


class Decision(StrEnum):
    PASS = "pass"
    REVIEW = "review"
    BLOCK = "block"


@dataclass(frozen=True, slots=True)
class Hit:
    """One piece of evidence: which rule, for which category, where in the ORIGINAL text."""

    rule: str
    category: str
    start: int
    end: int
    matched: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "matched": self.matched,
        }


@dataclass(frozen=True)
class ScreeningResult:
    decision: Decision
    score: float  # probability that the text is prohibited, 0..1
    categories: tuple[str, ...]  # prohibited categories, strongest first; empty on pass
    hits: tuple[Hit, ...]
    id: Any = None
    category_scores: Mapping[str, float] = field(default_factory=dict)
    context: tuple[str, ...] = ()  # context kinds seen (warning, report, …)

    def with_id(self, id: Any) -> ScreeningResult:
        return replace(self, id=id)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {} if self.id is None else {"id": self.id}
        out["decision"] = self.decision.value
        out["score"] = self.score
        out["categories"] = list(self.categories)
        out["hits"] = [h.to_dict() for h in self.hits]
        return out


@dataclass(frozen=True)
class Thresholds:
    """``block``: prohibited probability to block; ``review``: to hold for review;
    ``gray``: probability of a gray text (price talk, "is this legit?") to hold for review."""

    block: float = 0.5
    review: float = 0.3
    gray: float = 0.4

    def __post_init__(self) -> None:
        for name in ("block", "review", "gray"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ScreeningError(
                    "screening.threshold",
                    f"阈值 {name}={value} 应在 0 与 1 之间",
                    f"threshold {name}={value} must be between 0 and 1",
                )
        if self.review > self.block:
            raise ScreeningError(
                "screening.threshold",
                "review 阈值不能高于 block 阈值",
                "the review threshold cannot exceed the block threshold",
            )


@dataclass(frozen=True, slots=True)
class _Entry:
    rule: str
    category: str  # a prohibited category, or "context:<kind>"
    weight: float
    left_word: bool  # the pattern starts / ends with a Latin letter or digit:
    right_word: bool  # a match must not sit inside a longer word


@dataclass(slots=True)
class _RawHit:
    rule: str
    category: str
    weight: float
    start: int  # in the normalised text
    end: int


_SUFFIXES = ("s", "es", "ed", "ing", "er", "ers")


def _word(char: str) -> bool:
    return char.isascii() and char.isalnum()


class Screener:
    """Built once, then screens any number of texts; thread-safe (nothing changes after build)."""

    def __init__(
        self,
        lexicon: Lexicon,
        model: LinearModel | None,
        thresholds: Thresholds | None = None,
        rules: Sequence[PatternRule] = RULES,
    ) -> None:
        self.lexicon = lexicon
        self.model = model
        self.thresholds = thresholds or Thresholds()
        self.rules = tuple(rules)
        self.normaliser = Normaliser((s.variant, s.canonical) for s in lexicon.substitutions)
        patterns: dict[str, list[_Entry]] = {}
        for term in lexicon.terms:
            self._add(
                patterns,
                term.term,
                _Entry(f"lexicon:{term.source}", term.category, term.weight, False, False),
            )
        for cue in lexicon.cues:
            self._add(
                patterns,
                cue.cue,
                _Entry(f"context:{cue.source}", f"context:{cue.kind}", cue.weight, False, False),
            )
        self._patterns = list(patterns)
        self._entries = [tuple(patterns[p]) for p in self._patterns]
        self._automaton = ahocorasick_rs.AhoCorasick(self._patterns) if self._patterns else None
        if model is not None:
            self._label_index = {label: i for i, label in enumerate(model.labels)}
            missing = [label for label in (*CATEGORIES, GRAY) if label not in self._label_index]
            if missing:
                raise ScreeningError(
                    "screening.model_labels",
                    f"模型缺少类别 {', '.join(missing)}",
                    f"the model lacks the labels {', '.join(missing)}",
                )
            self._prohibited = np.array([self._label_index[c] for c in CATEGORIES])

    def _add(self, patterns: dict[str, list[_Entry]], raw: str, entry: _Entry) -> None:
        text = self.normaliser.normalise(raw).text.strip()
        if not text:
            return
        entry = replace(entry, left_word=_word(text[0]), right_word=_word(text[-1]))
        patterns.setdefault(text, []).append(entry)

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        extra_lexicons: Iterable[str | Path] = (),
        thresholds: Thresholds | Mapping[str, float] | None = None,
        *,
        lexicon: str | Path | None = None,
        model: str | Path | None = PACKAGED,
    ) -> Screener:
        """The packaged lexicon (or ``lexicon``, a folder) plus a provider's own files, and the
        packaged model (``model=None`` screens with rules alone)."""
        lex = packaged_lexicon() if lexicon is None else read_lexicon(Path(lexicon))
        for extra in extra_lexicons:
            lex = lex.extended(read_extra(Path(extra)))
        if isinstance(thresholds, Mapping):
            thresholds = Thresholds(**thresholds)
        linear = None
        if model is not None and Path(model).exists():
            linear = load_model(Path(model), EXTRAS)
        return cls(lex, linear, thresholds)

    @classmethod
    def default(cls) -> Screener:
        """The packaged lexicon and model, built once per process."""
        return _default()

    # -- screening ---------------------------------------------------------------------------
    def screen(self, text: str) -> ScreeningResult:
        return self.screen_many([text])[0]

    def screen_many(self, texts: Sequence[str]) -> list[ScreeningResult]:
        normalised = self.normaliser.normalise_many(texts)
        raw_hits, extras = self.evidence(normalised)
        if self.model is not None:
            probs = self.model.probabilities(Batch.of([n.text for n in normalised]), extras)
            return [
                self._decide_model(n, hits, p)
                for n, hits, p in zip(normalised, raw_hits, probs, strict=True)
            ]
        return [self._decide_rules(n, hits) for n, hits in zip(normalised, raw_hits, strict=True)]

    def evidence(self, normalised: Sequence[Normalised]) -> tuple[list[list[_RawHit]], FloatArray]:
        """Lexicon, pattern and context hits of each text, and the extra features for the model."""
        texts = [n.text for n in normalised]
        starts: list[int] = []
        pos = 1
        for t in texts:
            starts.append(pos)
            pos += len(t) + 1
        joined = MARK + MARK.join(texts)
        hits: list[list[_RawHit]] = [[] for _ in texts]
        if self._automaton is not None:
            for index, s, e in self._automaton.find_matches_as_indexes(joined, overlapping=True):
                for entry in self._entries[index]:
                    if entry.left_word and _word(joined[s - 1]):
                        continue
                    if (
                        entry.right_word
                        and e < len(joined)
                        and _word(joined[e])
                        and not self._suffix(joined, e)
                    ):
                        continue
                    doc = bisect_right(starts, s) - 1
                    base = starts[doc]
                    hits[doc].append(
                        _RawHit(entry.rule, entry.category, entry.weight, s - base, e - base)
                    )
        for rule in self.rules:
            for m in rule.pattern.finditer(joined):
                s, e = m.span()
                if e <= s:
                    continue
                doc = bisect_right(starts, s) - 1
                base = starts[doc]
                if e > base + len(texts[doc]):
                    continue  # ran across into the next text
                hits[doc].append(_RawHit(rule.rule, rule.category, rule.weight, s - base, e - base))
        extras = np.zeros((len(texts), len(EXTRAS)), dtype=np.float32)
        n_cat = len(CATEGORIES)
        n_ctx = len(CONTEXT_KINDS)
        for doc, doc_hits in enumerate(hits):
            if doc_hits:
                evidence, context = _weigh(doc_hits)
                row = extras[doc]
                row[:n_cat] = evidence
                row[n_cat : n_cat + n_ctx] = context
                top = max(evidence)
                row[n_cat + n_ctx : n_cat + 2 * n_ctx] = [top * c for c in context]
                row[-2] = top
                row[-1] = sum(1 for v in evidence if v >= 0.5)
        return hits, extras

    @staticmethod
    def _suffix(text: str, end: int) -> bool:
        for suffix in _SUFFIXES:
            stop = end + len(suffix)
            if text.startswith(suffix, end) and (stop >= len(text) or not _word(text[stop])):
                return True
        return False

    # -- decisions ---------------------------------------------------------------------------
    def _hits(self, normalised: Normalised, raw: list[_RawHit]) -> tuple[Hit, ...]:
        out = []
        seen = set()
        for h in sorted(raw, key=lambda h: (h.start, -h.end, h.rule)):
            if h.category.startswith("context:"):
                continue
            start, end = normalised.span(h.start, h.end)
            key = (h.rule, start, end)
            if key in seen:
                continue
            seen.add(key)
            out.append(Hit(h.rule, h.category, start, end, normalised.original[start:end]))
        return tuple(out)

    def _decide_model(
        self, normalised: Normalised, raw: list[_RawHit], probs: FloatArray
    ) -> ScreeningResult:
        t = self.thresholds
        per_category = {c: float(probs[self._label_index[c]]) for c in CATEGORIES}
        score = float(probs[self._prohibited].sum())
        gray = float(probs[self._label_index[GRAY]])
        if score >= t.block:
            decision = Decision.BLOCK
        elif score >= t.review or gray >= t.gray:
            decision = Decision.REVIEW
        else:
            decision = Decision.PASS
        return self._result(normalised, raw, decision, score, per_category)

    def _decide_rules(self, normalised: Normalised, raw: list[_RawHit]) -> ScreeningResult:
        t = self.thresholds
        evidence, context = (
            _weigh(raw) if raw else ([0.0] * len(CATEGORIES), [0.0] * len(CONTEXT_KINDS))
        )
        discount = 1.0
        for kind, value in zip(CONTEXT_KINDS, context, strict=True):
            discount *= 1.0 - _CONTEXT_DISCOUNT[kind] * value
        per_category = {c: v * discount for c, v in zip(CATEGORIES, evidence, strict=True)}
        score = max(per_category.values())
        gray = max(context[CONTEXT_KINDS.index("question")], context[CONTEXT_KINDS.index("market")])
        if score >= t.block:
            decision = Decision.BLOCK
        elif score >= t.review or (gray >= t.gray and max(evidence) > 0):
            decision = Decision.REVIEW
        else:
            decision = Decision.PASS
        return self._result(normalised, raw, decision, score, per_category)

    def _result(
        self,
        normalised: Normalised,
        raw: list[_RawHit],
        decision: Decision,
        score: float,
        per_category: dict[str, float],
    ) -> ScreeningResult:
        categories: tuple[str, ...] = ()
        if decision is not Decision.PASS:
            ranked = sorted(per_category.items(), key=lambda kv: -kv[1])
            top = ranked[0][1]
            if top >= 0.1:
                categories = tuple(c for c, v in ranked if v >= max(0.1, top / 2))
        context = tuple(sorted({h.category[8:] for h in raw if h.category.startswith("context:")}))
        return ScreeningResult(
            decision,
            round(min(max(score, 0.0), 1.0), 4),
            categories,
            self._hits(normalised, raw),
            None,
            {c: round(v, 4) for c, v in per_category.items()},
            context,
        )


def _weigh(hits: Sequence[_RawHit]) -> tuple[list[float], list[float]]:
    """Per category, the noisy-OR of the distinct rules hit; per context kind, the strongest cue."""
    rules: dict[str, dict[str, float]] = {}
    context = dict.fromkeys(CONTEXT_KINDS, 0.0)
    for h in hits:
        if h.category.startswith("context:"):
            kind = h.category[8:]
            context[kind] = max(context[kind], h.weight)
        else:
            rules.setdefault(h.category, {})[h.rule] = h.weight
    evidence = []
    for category in CATEGORIES:
        miss = 1.0
        for weight in rules.get(category, {}).values():
            miss *= 1.0 - weight
        evidence.append(1.0 - miss)
    return evidence, [context[k] for k in CONTEXT_KINDS]


@functools.cache
def _default() -> Screener:
    return Screener.load()
