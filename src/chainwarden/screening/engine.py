"""The screener: normalise → match lexicon and pattern rules → weigh context → classify → decide."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import FrozenInstanceError, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import ahocorasick_rs
import numpy as np
import numpy.typing as npt

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
    IntArray,
    LinearModel,
    load_model,
)
from chainwarden.screening.normalise import Normalised, Normaliser
from chainwarden.screening.rules import LONG_TOKEN, RULES, PatternRule

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
    "evidence:quoted",
    "evidence:unquoted",
)

# A quoted term is mentioned rather than used (news and warnings quote scheme vocabulary).
# Every branch begins with its quotation mark (look-behinds after it), so the regex engine
# skips quickly to the next mark.
_QUOTED = re.compile(
    "“[^”\x01]{1,80}”|「[^」\x01]{1,80}」|『[^』\x01]{1,80}』|‘[^’\x01]{1,80}’"
    "|\"(?<![a-z0-9]\")[^\"\x01]{1,80}\"|'(?<![a-z0-9]')[^'\x01]{1,80}'(?![a-z0-9])"
)

# Without a model: how much each kind of context discounts the rule evidence.
_CONTEXT_DISCOUNT = {
    "warning": 0.85,
    "report": 0.8,
    "negation": 0.85,
    "tech": 0.6,
    "question": 0.5,
    "market": 0.4,
    "promotion": 0.0,  # not a frame: it cancels the others
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


class ScreeningResult:
    """What screening found in one text; immutable.

    A result from ``screen_many`` works out its ``hits``, ``categories``, ``category_scores`` and
    ``context`` when they are first read (most callers of a big batch read the decision only),
    and keeps its batch's evidence until then."""

    __slots__ = (
        "_categories",
        "_category_scores",
        "_context",
        "_hits",
        "_index",
        "_outcome",
        "_reason",
        "_score",
        "decision",
        "id",
    )
    decision: Decision
    id: Any
    _outcome: _Outcome | None
    _index: int

    def __init__(
        self,
        decision: Decision,
        score: float,  # probability that the text is prohibited, 0..1
        categories: tuple[str, ...],  # prohibited categories, strongest first; empty on pass
        hits: tuple[Hit, ...],
        id: Any = None,
        category_scores: Mapping[str, float] | None = None,
        context: tuple[str, ...] = (),  # context kinds seen (warning, report, …)
        reason: Mapping[str, Any] | None = None,  # why: evidence, context, threshold (zh/en)
    ) -> None:
        for name, value in (
            ("decision", decision),
            ("id", id),
            ("_score", score),
            ("_categories", categories),
            ("_hits", hits),
            ("_category_scores", {} if category_scores is None else category_scores),
            ("_context", context),
            ("_reason", reason),
            ("_outcome", None),
            ("_index", 0),
        ):
            _set(self, name, value)

    @classmethod
    def _pending(cls, outcome: _Outcome, index: int, decision: Decision) -> ScreeningResult:
        """A result whose other fields come from ``outcome`` when first read."""
        new = object.__new__(cls)
        _set(new, "decision", decision)
        _set(new, "id", None)
        _set(new, "_outcome", outcome)
        _set(new, "_index", index)
        return new

    def _lazy(self, name: str) -> Any:
        value = getattr(self, name, _UNSET)
        if value is _UNSET:
            value = getattr(self._outcome, name)(self._index)
            _set(self, name, value)
        return value

    @property
    def score(self) -> float:
        value: float = self._lazy("_score")
        return value

    @property
    def categories(self) -> tuple[str, ...]:
        value: tuple[str, ...] = self._lazy("_categories")
        return value

    @property
    def hits(self) -> tuple[Hit, ...]:
        value: tuple[Hit, ...] = self._lazy("_hits")
        return value

    @property
    def category_scores(self) -> Mapping[str, float]:
        value: Mapping[str, float] = self._lazy("_category_scores")
        return value

    @property
    def context(self) -> tuple[str, ...]:
        value: tuple[str, ...] = self._lazy("_context")
        return value

    @property
    def reason(self) -> Mapping[str, Any] | None:
        """Why this decision: ``code``, ``threshold``, ``sentence`` (the deciding sentence in
        the original text), ``evidence``, ``context``, ``speech_act``, and ``zh``/``en`` text."""
        value: Mapping[str, Any] | None = self._lazy("_reason")
        return value

    def _fields(self) -> tuple[Any, ...]:
        return (
            self.decision,
            self.score,
            self.categories,
            self.hits,
            self.id,
            self.category_scores,
            self.context,
            self.reason,
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, ScreeningResult)
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # category_scores is a mapping

    def __repr__(self) -> str:
        names = (
            "decision",
            "score",
            "categories",
            "hits",
            "id",
            "category_scores",
            "context",
            "reason",
        )
        inner = ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True))
        return f"ScreeningResult({inner})"

    def with_id(self, id: Any) -> ScreeningResult:
        return ScreeningResult(
            self.decision,
            self.score,
            self.categories,
            self.hits,
            id,
            self.category_scores,
            self.context,
            self.reason,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {} if self.id is None else {"id": self.id}
        out["decision"] = self.decision.value
        out["score"] = self.score
        out["categories"] = list(self.categories)
        out["hits"] = [h.to_dict() for h in self.hits]
        if self.reason is not None:
            out["reason"] = dict(self.reason)
        return out


_set = object.__setattr__
_UNSET = object()  # a field of a result not worked out yet


@dataclass(frozen=True)
class Thresholds:
    """``block``: the classifier's probability of a prohibited text needed to block; ``review``:
    to hold for review; ``gray``: probability of a gray text (price talk, "is this legit?") to
    hold for review."""

    block: float = 0.8
    review: float = 0.6
    gray: float = 0.5
    # Also block when the classifier reaches ``corroborated`` and the rules, outside quotation
    # marks and after the context discount, reach ``evidence``.
    corroborated: float = 0.5
    evidence: float = 0.8
    # To hold a text for review on the classifier's score alone, with nothing located in it
    # (no category hit, no offer addressed to the reader).
    unsupported: float = 0.9

    def __post_init__(self) -> None:
        for name in ("block", "review", "gray", "corroborated", "evidence", "unsupported"):
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
class _Source:
    """Where evidence comes from: a lexicon line, a context cue line or a pattern rule."""

    rule: str
    kind: int  # 0..5: a prohibited category; 6..11: a context kind
    weight: float


N_CAT = len(CATEGORIES)
N_CTX = len(CONTEXT_KINDS)
KINDS = (*CATEGORIES, *(f"context:{k}" for k in CONTEXT_KINDS))
_SUFFIXES = ("s", "es", "ed", "ing", "er", "ers")
_ASCII_WORD = np.array([chr(i).isalnum() for i in range(128)], dtype=bool)


def _word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _word_codes(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    word: npt.NDArray[np.bool_] = (codes < 128) & _ASCII_WORD[codes & 127]
    return word


@dataclass(frozen=True)
class Evidence:
    """The hits of a batch as arrays (one row per hit, grouped by nothing) and the features."""

    doc: IntArray  # which text
    source: IntArray  # index into ``Screener.sources``
    start: IntArray  # [start, end) in the normalised text
    end: IntArray
    unit: IntArray  # which unit (sentence or window) the hit begins in
    categories: FloatArray  # (units, 6): noisy-OR of the rule weights per category
    context: FloatArray  # (units, 7): strongest cue per context kind in the unit's text
    extras: FloatArray  # (units, len(EXTRAS)): what the classifier sees


# Where a sentence ends: a Chinese or Western terminator or a line break ("." only before a
# space or the end, so that 2.5% and example.com stay whole).
_CJK_TERMINATORS = np.array([ord(c) for c in "。！？；…"], dtype=np.uint32)
UNIT_MAX = 200  # a longer sentence is scored in windows of this many characters


def _unit_classes() -> npt.NDArray[np.uint8]:
    """Per code point below 0x10000: 1 ends a sentence, 2 is a space, 4 is content (a letter,
    a digit or a character of a script, not punctuation)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    table[[ord(c) for c in "!?;\n\r"]] |= 1
    table[_CJK_TERMINATORS] |= 1
    table[[ord(c) for c in " \t"]] |= 2
    table[np.flatnonzero(_ASCII_WORD)] |= 4
    script = np.ones(0x10000, dtype=bool)
    script[:0x80] = False
    script[0x2000:0x2070] = False
    script[0x3000:0x3040] = False
    table[script] |= 4
    return table


_UNIT_CLASS = _unit_classes()


@dataclass(frozen=True)
class Units:
    """The units a batch is scored by: each text's sentences, a long sentence cut in windows.

    ``start``/``end`` are positions in the batch's joined string, ``doc`` the text of each unit,
    ``first`` where each text's units begin (one more entry than texts), ``batch`` the units as a
    batch of their own (the texts' batch itself when every text is one unit)."""

    start: IntArray
    end: IntArray
    doc: IntArray
    first: IntArray
    batch: Batch
    batch_start: IntArray  # where each text begins in the texts' joined string
    content: npt.NDArray[np.bool_]  # the unit holds more than punctuation and spaces

    @classmethod
    def whole(cls, batch: Batch) -> Units:
        """Each text one unit (how the classifier is trained)."""
        ends = np.append(batch.starts[1:] - 1, len(batch.joined))
        index = np.arange(batch.size + 1, dtype=np.int64)
        content = np.ones(batch.size, dtype=bool)
        return cls(batch.starts, ends, index[:-1], index, batch, batch.starts, content)

    @classmethod
    def of(cls, batch: Batch) -> Units:
        codes = batch.codes
        n = len(codes)
        starts = batch.starts
        ends = np.append(starts[1:] - 1, n)
        # One lookup gives each character's class (code points past the table are content).
        kind = _UNIT_CLASS[np.minimum(codes, 0xFFFF)]
        term = (kind & 1).astype(bool)
        space = (kind & 2).astype(bool)
        dot = np.flatnonzero(codes == 46)
        after = np.minimum(dot + 1, n - 1)
        dot = dot[(dot + 1 >= n) | space[after] | (codes[after] == 1) | term[after]]
        term[dot] = True
        sticky = term | space
        # A unit begins at a character that is neither, after a run of them holding a terminator.
        begins = np.flatnonzero(~sticky[1:] & sticky[:-1]) + 1
        if len(begins):
            positions = np.arange(n)
            last_plain = np.maximum.accumulate(np.where(sticky, -1, positions))
            seen = np.cumsum(term)
            before = begins - 1
            run_from = last_plain[before]
            held = seen[before] - np.where(run_from >= 0, seen[np.maximum(run_from, 0)], 0)
            begins = begins[held > 0]
            doc = batch.doc_of[begins]
            begins = begins[(begins > starts[doc]) & (begins < ends[doc])]
        cuts = np.union1d(starts, begins)
        doc = np.searchsorted(starts, cuts, side="right") - 1
        stops = np.minimum(np.append(cuts[1:], n), ends[doc])
        long = np.flatnonzero(stops - cuts > UNIT_MAX)
        if len(long):
            # Equal windows, so that no scrap of a few characters is scored alone.
            extra = []
            for u in long.tolist():
                size = int(stops[u] - cuts[u])
                pieces = -(-size // UNIT_MAX)
                extra.append(cuts[u] + (np.arange(1, pieces, dtype=np.int64) * size) // pieces)
            cuts = np.union1d(cuts, np.concatenate(extra))
            doc = np.searchsorted(starts, cuts, side="right") - 1
            stops = np.minimum(np.append(cuts[1:], n), ends[doc])
        first = np.searchsorted(doc, np.arange(batch.size + 1)).astype(np.int64)
        # Units with a letter, a digit or a character of a script (not only punctuation).
        content = kind & 4
        seen_content = np.concatenate(([0], np.cumsum(content)))
        has_content = seen_content[stops] > seen_content[cuts]
        if len(cuts) == batch.size:
            unit_batch = batch
        else:
            joined = batch.joined
            unit_batch = Batch.of(
                [joined[a:b] for a, b in zip(cuts.tolist(), stops.tolist(), strict=True)]
            )
        return cls(
            cuts.astype(np.int64),
            stops.astype(np.int64),
            doc,
            first,
            unit_batch,
            starts,
            has_content,
        )


@dataclass(frozen=True)
class _Verdict:
    """Per unit: decision (0 pass, 1 review, 2 block), score, gray score, per-category scores,
    whether strong rules lifted the score, the context discount; per text: the deciding unit,
    the decision and the score."""

    unit_decision: IntArray
    score: npt.NDArray[np.floating[Any]]
    gray: npt.NDArray[np.floating[Any]]
    per_category: npt.NDArray[np.floating[Any]]
    corroborated: npt.NDArray[np.bool_]
    discount: FloatArray
    deciding: IntArray
    doc_decision: IntArray
    doc_score: npt.NDArray[np.floating[Any]]


class Screener:
    """Built once, then screens any number of texts; thread-safe (after build only a cache of
    context discounts grows, one dict write at a time)."""

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
        kind_index = {k: i for i, k in enumerate(KINDS)}
        patterns: dict[str, list[int]] = {}
        sources: list[_Source] = []
        for rule, raw, kind, weight in [
            *((f"lexicon:{t.source}", t.term, t.category, t.weight) for t in lexicon.terms),
            *((f"context:{c.source}", c.cue, f"context:{c.kind}", c.weight) for c in lexicon.cues),
        ]:
            text = self.normaliser.normalise(raw).text.strip()
            if text:
                patterns.setdefault(text, []).append(len(sources))
                sources.append(_Source(rule, kind_index[kind], weight))
        # The sources of one pattern sit side by side, so that a match expands to a range.
        texts = list(patterns)
        order = [i for t in texts for i in patterns[t]]
        first = np.cumsum([0] + [len(patterns[t]) for t in texts])[:-1]
        self._pattern_first = np.asarray(first, dtype=np.int64)
        self._pattern_count = np.array([len(patterns[t]) for t in texts], dtype=np.int64)
        sources = [sources[i] for i in order]
        self._first_rule_source = len(sources)
        sources += [_Source(r.rule, kind_index[r.category], r.weight) for r in self.rules]
        self.sources = tuple(sources)
        self._hit_labels = (
            [src.rule for src in sources],
            [CATEGORIES[src.kind] if src.kind < N_CAT else "" for src in sources],
        )
        self._source_kind = np.array([s.kind for s in sources], dtype=np.int64)
        weights = np.array([s.weight for s in sources], dtype=np.float64)
        self._source_weight = weights.astype(np.float32)
        self._source_logmiss = np.log1p(-np.minimum(weights, 0.999))
        self._left_word = np.array([_word(t[0]) for t in texts], dtype=bool)
        self._right_word = np.array([_word(t[-1]) for t in texts], dtype=bool)
        self._automaton = (
            # A DFA: larger, but faster to run than the default over a whole batch.
            ahocorasick_rs.AhoCorasick(texts, implementation=ahocorasick_rs.Implementation.DFA)
            if texts
            else None
        )
        anchors: dict[str, list[int]] = {}
        for i, pattern_rule in enumerate(self.rules):
            for anchor in pattern_rule.anchors:
                anchors.setdefault(anchor, []).append(i)
        anchor_index = {anchor: i for i, anchor in enumerate(anchors)}
        # Which rules each anchor stands for, as a table: one lookup gives every (match, rule).
        self._anchor_rules = np.zeros((len(anchors), len(self.rules)), dtype=bool)
        for anchor, rule_indexes in anchors.items():
            self._anchor_rules[anchor_index[anchor], rule_indexes] = True
        self._anchors = (
            ahocorasick_rs.AhoCorasick(
                list(anchors), implementation=ahocorasick_rs.Implementation.DFA
            )
            if anchors
            else None
        )
        self._long_rules = [i for i, r in enumerate(self.rules) if r.long_token]
        # The same tables as Python lists, for screening one text without arrays.
        self._pattern_lists = (
            self._left_word.tolist(),
            self._right_word.tolist(),
            self._pattern_first.tolist(),
            self._pattern_count.tolist(),
        )
        self._source_lists = (
            self._source_kind.tolist(),
            self._source_weight.tolist(),
            self._source_logmiss.tolist(),
        )
        self._discounts: dict[tuple[float, ...], float] = {}
        self._anchor_lists = [np.flatnonzero(row).tolist() for row in self._anchor_rules]
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
            self._gray = self._label_index[GRAY]
            # A decision head, when the model has one, gives the decision directly.
            self._block = self._label_index.get("decision:block")
            self._review = self._label_index.get("decision:review")

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
        """One text: the same result as ``screen_many([text])[0]``, by a path of plain Python
        (a batch of one would pay the set-up of every array step)."""
        if self.model is None:
            return self.screen_many([text])[0]
        n = self.normaliser.normalise(text)
        if MARK in n.text:  # pragma: no cover - normalisation removes control characters
            return self.screen_many([text])[0]
        return self._screen_one(text, n)

    def _screen_one(self, text: str, n: Normalised) -> ScreeningResult:
        joined = MARK + n.text
        cuts, stops, content = _cut_units(joined)
        hits = self._find_one(joined)
        evidence = self._evidence_one(joined, cuts, hits)
        units = Units(
            np.array(cuts, dtype=np.int64),
            np.array(stops, dtype=np.int64),
            np.zeros(len(cuts), dtype=np.int64),
            np.array([0, len(cuts)], dtype=np.int64),
            Batch(joined, _NO_CODES, _NO_INDEX, _ONE_START, 1),
            _ONE_START,
            np.array(content, dtype=bool),
        )
        verdict = self._decide_one(joined, units, evidence, content)
        decision = [int(verdict.doc_decision[0])]
        outcome = _Outcome(self, (text,), {0: n}, units, evidence, verdict, decision)
        return ScreeningResult._pending(outcome, 0, _DECISIONS[decision[0]])

    def _find_one(self, joined: str) -> list[tuple[int, int, int]]:
        """``find`` for one text (after its mark): ``(source, start, end)`` of every hit."""
        hits: list[tuple[int, int, int]] = []
        size = len(joined)
        left, right, first, count = self._pattern_lists
        if self._automaton is not None:
            for p, s, e in self._automaton.find_matches_as_indexes(joined, overlapping=True):
                if left[p] and _word(joined[s - 1]):
                    continue
                if right[p] and e < size and _word(joined[e]) and not self._suffix(joined, e):
                    continue
                hits.extend((k, s, e) for k in range(first[p], first[p] + count[p]))
        candidates: set[int] = set()
        if self._anchors is not None:
            by_anchor = self._anchor_lists
            for a, _, _ in self._anchors.find_matches_as_indexes(joined, overlapping=True):
                candidates.update(by_anchor[a])
        if self._long_rules and _LONG_RUN.search(joined):
            candidates.update(self._long_rules)
        for r in sorted(candidates):
            source = self._first_rule_source + r
            for m in self.rules[r].pattern.finditer(joined, 1, size):
                s, e = m.span()
                if e > s:
                    hits.append((source, s, e))
        return hits

    def _evidence_one(
        self, joined: str, cuts: list[int], hits: list[tuple[int, int, int]]
    ) -> Evidence:
        """``evidence`` for one text cut in units at ``cuts``, with the same arithmetic."""
        size = len(cuts)
        kinds, weights, logmiss = self._source_lists
        unit = [bisect.bisect_right(cuts, s) - 1 for _, s, _ in hits]
        # Each rule counts once per unit; sums in the order of (unit, source), as bincount adds.
        seen = sorted({(u, src) for u, (src, _, _) in zip(unit, hits, strict=True)})
        miss = [[0.0] * N_CAT for _ in range(size)]
        context = [0.0] * N_CTX
        for u, src in seen:
            kind = kinds[src]
            if kind < N_CAT:
                miss[u][kind] += logmiss[src]
        for src, _, _ in hits:
            kind = kinds[src]
            if kind >= N_CAT and weights[src] > context[kind - N_CAT]:
                context[kind - N_CAT] = weights[src]
        categories = (1.0 - np.exp(np.array(miss, dtype=np.float64))).astype(np.float32)
        rows = categories.tolist()
        quoted = self._quoted_one(joined, unit, hits, size)
        extras = np.zeros((size, len(EXTRAS)), dtype=np.float32)
        extras[:, :N_CAT] = categories
        extras[:, N_CAT : N_CAT + N_CTX] = context
        for u, row in enumerate(rows):
            top = max(row)
            if top > 0:
                extras[u, N_CAT + N_CTX : N_CAT + 2 * N_CTX] = [top * c for c in context]
            extras[u, -4] = top
            extras[u, -3] = sum(1 for c in row if c >= 0.5)
        extras[:, -2:] = quoted
        hit_array = np.array(hits, dtype=np.int64).reshape(-1, 3)
        return Evidence(
            np.zeros(len(hits), dtype=np.int64),
            hit_array[:, 0],
            hit_array[:, 1] - 1,
            hit_array[:, 2] - 1,
            np.array(unit, dtype=np.int64),
            categories,
            np.array([context] * size, dtype=np.float32),
            extras,
        )

    def _quoted_one(
        self, joined: str, unit: list[int], hits: list[tuple[int, int, int]], size: int
    ) -> FloatArray:
        """``_quoted`` for one text."""
        out = np.zeros((size, 2), dtype=np.float32)
        kinds, _, logmiss = self._source_lists
        category_hits = [
            (u, src, s) for u, (src, s, _) in zip(unit, hits, strict=True) if kinds[src] < N_CAT
        ]
        if not category_hits:
            return out
        spans = [m.span() for m in _QUOTED.finditer(joined)]
        quote_starts = [a for a, _ in spans]
        keys = set()
        for u, src, s in category_hits:
            last = bisect.bisect_right(quote_starts, s) - 1
            inside = last >= 0 and s < spans[last][1]
            keys.add((u, src, not inside))
        miss = [[0.0, 0.0] for _ in range(size)]
        for u, src, outside in sorted(keys):
            miss[u][outside] += logmiss[src]
        out[:] = 1.0 - np.exp(np.array(miss, dtype=np.float64))
        return out

    def _discount(self, context: list[float]) -> float:
        """What a text's context leaves of its rule evidence, worked out as ``_decide`` does
        (in float32) and kept: texts share few contexts."""
        key = tuple(context)
        value = self._discounts.get(key)
        if value is None:
            row = np.array([context], dtype=np.float32)
            frame = 1.0 - np.prod(1.0 - row * _FRAME_DISCOUNT, axis=1)
            value = float((1.0 - frame * (1.0 - row[:, _PROMOTION]))[0])
            if len(self._discounts) < 10_000:
                self._discounts[key] = value
        return value

    def _decide_one(
        self, joined: str, units: Units, evidence: Evidence, content: list[bool]
    ) -> _Verdict:
        """``_decide`` for the units of one text, with the model's numbers as the batch's."""
        assert self.model is not None
        t = self.thresholds
        cuts, stops = units.start.tolist(), units.end.tolist()
        texts = [joined[a:b] for a, b in zip(cuts, stops, strict=True)]
        probs = self.model.softmax(self.model.logits_few(texts, evidence.extras))
        per_category = probs[:, self._prohibited]
        row = evidence.context[0].tolist()
        discount_one = self._discount(row)
        if self._block is not None and self._review is not None:
            scores, grays = probs[:, self._block], probs[:, self._review]
        else:  # pragma: no cover - the packaged model has a decision head
            scores, grays = per_category.sum(axis=1), probs[:, self._gray]
        # As float32 products, as the arrays make them.
        unquoted = [
            float(np.float32(v * discount_one)) for v in evidence.extras[:, _UNQUOTED].tolist()
        ]
        has_hit = [max(r) > 0 for r in evidence.categories.tolist()]
        gray_cue = max(row[k] for k in _GRAY_KINDS) > 0
        supported_cue = row[_PROMOTION] > 0
        block, review, unsupported, corroborate, gray_at = (
            t.block,
            t.review,
            t.unsupported,
            t.corroborated,
            t.gray,
        )
        # The arrays compare the float32 rule evidence with the threshold made float32.
        strong = float(np.float32(t.evidence))
        decisions, score_list, corroborated = [], [], []
        for u, (score, gray) in enumerate(zip(scores.tolist(), grays.tolist(), strict=True)):
            hit = has_hit[u]
            lift = score >= corroborate and unquoted[u] >= strong and hit
            if lift:
                score = max(score, block)
            by_gray = gray >= gray_at and (hit or gray_cue) and content[u]
            if not content[u]:
                score = 0.0
            if score >= block and hit:
                decisions.append(2)
            elif (score >= review and (hit or supported_cue)) or score >= unsupported or by_gray:
                decisions.append(1)
            else:
                decisions.append(0)
            score_list.append(score)
            corroborated.append(lift)
        keys = [d + min(max(s, 0.0), 1.0) * 0.5 for d, s in zip(decisions, score_list, strict=True)]
        best = max(keys)
        deciding = next(u for u, k in enumerate(keys) if k >= best)
        size = len(decisions)
        return _Verdict(
            unit_decision=np.array(decisions, dtype=np.int64),
            score=np.array(score_list, dtype=np.float64),
            gray=grays,
            per_category=per_category,
            corroborated=np.array(corroborated, dtype=bool),
            discount=np.full(size, discount_one, dtype=np.float32),
            deciding=np.array([deciding], dtype=np.int64),
            doc_decision=np.array([decisions[deciding]], dtype=np.int64),
            doc_score=np.array([max(score_list)], dtype=np.float64),
        )

    def screen_many(self, texts: Sequence[str]) -> list[ScreeningResult]:
        """Screen a batch; much faster per text than one by one.

        Each text is scored sentence by sentence (a long sentence in windows) and takes the
        decision of its worst sentence, so benign text around a sentence neither raises nor hides
        it; ``block`` needs a located hit of a prohibited category in the deciding sentence."""
        if not texts:
            return []
        normalised, rewritten = self.normaliser.normalise_texts(texts)
        batch = Batch.of(normalised)
        units = Units.of(batch)
        evidence = self.evidence(batch, units)
        verdict = self._decide(units, evidence)
        decision = verdict.doc_decision.tolist()
        outcome = _Outcome(self, texts, rewritten, units, evidence, verdict, decision)
        pending = ScreeningResult._pending
        return [pending(outcome, i, _DECISIONS[d]) for i, d in enumerate(decision)]

    def _decide(self, units: Units, evidence: Evidence) -> _Verdict:
        """Each unit's decision and score, then each text's: the worst of its units."""
        t = self.thresholds
        context = evidence.context
        # A frame (warning, report, denial, technology) discounts the rule evidence unless the
        # text also addresses the reader with an offer (contact handle, sign-up call).
        promotion = context[:, _PROMOTION]
        has_hit = evidence.categories.max(axis=1) > 0
        if self.model is not None:
            probs = self.model.probabilities(units.batch, evidence.extras)
            per_category = probs[:, self._prohibited]
            if self._block is not None and self._review is not None:
                score = probs[:, self._block]
                gray = probs[:, self._review]
            else:
                score = per_category.sum(axis=1)
                gray = probs[:, self._gray]
            frame = 1.0 - np.prod(1.0 - context * _FRAME_DISCOUNT, axis=1)
            discount = 1.0 - frame * (1.0 - promotion)
            rules = evidence.extras[:, EXTRAS.index("evidence:unquoted")] * discount
            corroborated = (score >= t.corroborated) & (rules >= t.evidence) & has_hit
            score = np.where(corroborated, np.maximum(score, t.block), score)
            # Gray (price talk, "is this legit?") holds a text only where something is located:
            # a question or market cue, or a category hit; not on the look of a long text.
            located = has_hit | (context[:, _GRAY_KINDS].max(axis=1) > 0)
            by_gray = (gray >= t.gray) & located
        else:
            frame = 1.0 - np.prod(1.0 - context * _DISCOUNT, axis=1)
            discount = 1.0 - frame * (1.0 - promotion)
            per_category = evidence.categories * discount[:, None]
            score = per_category.max(axis=1)
            gray = context[:, _GRAY_KINDS].max(axis=1)
            by_gray = (gray >= t.gray) & has_hit
            corroborated = np.zeros(len(score), dtype=bool)
        # A unit of punctuation alone says nothing (the model has not seen such scraps).
        score = np.where(units.content, score, 0.0)
        by_gray &= units.content
        # No block without located evidence: a score alone holds a text for review at most.
        block = (score >= t.block) & has_hit
        supported = has_hit | (promotion > 0)
        flagged = ((score >= t.review) & supported) | (score >= t.unsupported) | by_gray
        unit_decision = np.where(block, 2, np.where(flagged, 1, 0))
        firsts = units.first[:-1]
        key = unit_decision + np.clip(score, 0.0, 1.0) * 0.5
        best_key = np.maximum.reduceat(key, firsts)
        # The deciding unit of each text: the first one with the text's worst decision and score.
        candidates = np.flatnonzero(key >= best_key[units.doc])
        deciding = candidates[np.searchsorted(units.doc[candidates], np.arange(len(firsts)))]
        return _Verdict(
            unit_decision=unit_decision,
            score=score,
            gray=gray,
            per_category=per_category,
            corroborated=corroborated,
            discount=discount,
            deciding=deciding,
            doc_decision=unit_decision[deciding],
            doc_score=np.maximum.reduceat(score, firsts),
        )

    def evidence(self, batch: Batch, units: Units | None = None) -> Evidence:
        """The hits of a batch and the model's features of each unit (each text, without units):
        category evidence of the unit's own hits, context cues of the whole text."""
        if units is None:
            units = Units.whole(batch)
        doc, source, start, end = self.find(batch)
        unit = np.searchsorted(units.start, start, side="right") - 1
        size = len(units.start)
        offsets = batch.starts[doc]
        # Each rule counts once per unit, however often it matched.
        key = np.unique(unit * len(self.sources) + source)
        u_unit, u_source = np.divmod(key, len(self.sources))
        u_kind = self._source_kind[u_source]
        is_cat = u_kind < N_CAT
        logmiss = np.bincount(
            u_unit[is_cat] * N_CAT + u_kind[is_cat],
            weights=self._source_logmiss[u_source[is_cat]],
            minlength=size * N_CAT,
        )
        categories = (1.0 - np.exp(logmiss)).reshape(size, N_CAT).astype(np.float32)
        # Context is the frame of the whole text: the strongest cue of each kind anywhere in it.
        strongest = np.zeros(batch.size * N_CTX, dtype=np.float32)
        ctx = ~(self._source_kind[source] < N_CAT)
        np.maximum.at(
            strongest,
            doc[ctx] * N_CTX + (self._source_kind[source[ctx]] - N_CAT),
            self._source_weight[source[ctx]],
        )
        context = strongest.reshape(batch.size, N_CTX)[units.doc]
        extras = np.zeros((size, len(EXTRAS)), dtype=np.float32)
        top = categories.max(axis=1)
        extras[:, :N_CAT] = categories
        extras[:, N_CAT : N_CAT + N_CTX] = context
        extras[:, N_CAT + N_CTX : N_CAT + 2 * N_CTX] = top[:, None] * context
        extras[:, -4] = top
        extras[:, -3] = (categories >= 0.5).sum(axis=1)
        extras[:, -2:] = self._quoted(batch, unit, source, start, size)
        return Evidence(
            doc, source, start - offsets, end - offsets, unit, categories, context, extras
        )

    def find(self, batch: Batch) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        """Every lexicon, context and pattern hit of a batch: ``(doc, source, start, end)``,
        positions in ``batch.joined``."""
        joined = batch.joined
        word = _word_codes(batch.codes)
        docs, sources, starts, ends = [], [], [], []
        found = (
            self._automaton.find_matches_as_indexes(joined, overlapping=True)
            if self._automaton
            else []
        )
        if found:
            # One flat pass over the (pattern, start, end) triples: much faster than np.array.
            table = np.fromiter(
                itertools.chain.from_iterable(found), dtype=np.int64, count=3 * len(found)
            ).reshape(-1, 3)
            pattern, s, e = table[:, 0], table[:, 1], table[:, 2]
            ok = ~(self._left_word[pattern] & word[s - 1])
            inside = e < len(joined)
            right = self._right_word[pattern] & inside
            right[right] &= word[e[right]]
            for i in np.flatnonzero(right & ok):
                if self._suffix(joined, int(e[i])):
                    right[i] = False
            ok &= ~right
            pattern, s, e = pattern[ok], s[ok], e[ok]
            counts = self._pattern_count[pattern]
            take = np.repeat(np.arange(len(pattern)), counts)
            offset = np.arange(len(take)) - np.repeat(np.cumsum(counts) - counts, counts)
            sources.append(self._pattern_first[pattern][take] + offset)
            starts.append(s[take])
            ends.append(e[take])
            docs.append(batch.doc_of[s[take]])
        rule_docs = self._rule_candidates(batch, word)
        rs: list[int] = []
        rd: list[int] = []
        r_start: list[int] = []
        r_end: list[int] = []
        text_starts = batch.starts.tolist()
        # Each text is searched alone (its end is the end of the string for the pattern).
        text_stops = [s - 1 for s in text_starts[1:]] + [len(joined)]
        for r, candidates in enumerate(rule_docs):
            finditer = self.rules[r].pattern.finditer
            rule_source = self._first_rule_source + r
            for d in candidates:
                for m in finditer(joined, text_starts[d], text_stops[d]):
                    m_start, m_end = m.span()
                    if m_end > m_start:
                        rs.append(rule_source)
                        rd.append(d)
                        r_start.append(m_start)
                        r_end.append(m_end)
        if rs:
            sources.append(np.array(rs, dtype=np.int64))
            docs.append(np.array(rd, dtype=np.int64))
            starts.append(np.array(r_start, dtype=np.int64))
            ends.append(np.array(r_end, dtype=np.int64))
        if docs:
            doc = np.concatenate(docs)
            source = np.concatenate(sources)
            start = np.concatenate(starts)
            end = np.concatenate(ends)
        else:
            doc = source = start = end = np.zeros(0, dtype=np.int64)
        return doc, source, start, end

    def _quoted(
        self, batch: Batch, unit: IntArray, source: IntArray, start: IntArray, size: int
    ) -> FloatArray:
        """Per unit, the noisy-OR of the category hits inside quotation marks, and outside."""
        out = np.zeros((size, 2), dtype=np.float32)
        is_cat = self._source_kind[source] < N_CAT
        if not is_cat.any():
            return out
        # The quotations do not overlap: a hit is inside the last one that begins at or before it,
        # if that one has not ended yet.
        spans = [m.span() for m in _QUOTED.finditer(batch.joined)]
        at = start[is_cat]
        if spans:
            quote_start, quote_end = np.array(spans, dtype=np.int64).T
            last = np.searchsorted(quote_start, at, side="right") - 1
            inside = (last >= 0) & (at < quote_end[np.maximum(last, 0)])
        else:
            inside = np.zeros(len(at), dtype=bool)
        n = len(self.sources)
        key = np.unique(unit[is_cat] * 2 * n + source[is_cat] * 2 + (~inside))
        u_unit, rest = np.divmod(key, 2 * n)
        u_source, outside = np.divmod(rest, 2)
        logmiss = np.bincount(
            u_unit * 2 + outside, weights=self._source_logmiss[u_source], minlength=size * 2
        )
        out[:] = (1.0 - np.exp(logmiss)).reshape(size, 2)
        return out

    def _rule_candidates(self, batch: Batch, word: npt.NDArray[np.bool_]) -> list[list[int]]:
        """For each pattern rule, the texts worth running it on."""
        candidates: list[list[int]] = [[] for _ in self.rules]
        if self._anchors is not None:
            # Overlapping: a short anchor (推荐) must not hide a longer one (推荐码).
            found = self._anchors.find_matches_as_indexes(batch.joined, overlapping=True)
            if found:
                table = np.fromiter(
                    itertools.chain.from_iterable(found), dtype=np.int64, count=3 * len(found)
                ).reshape(-1, 3)
                # Each (rule, text) once, in order of rule, then the texts of each rule.
                match, rule = np.nonzero(self._anchor_rules[table[:, 0]])
                pairs = np.unique(rule * batch.size + batch.doc_of[table[match, 1]])
                rule, doc = np.divmod(pairs, batch.size)
                bounds = np.searchsorted(rule, np.arange(len(self.rules) + 1)).tolist()
                docs = doc.tolist()
                for r in range(len(self.rules)):
                    candidates[r] = docs[bounds[r] : bounds[r + 1]]
        if self._long_rules and len(word) >= LONG_TOKEN:
            # Texts with a run of at least LONG_TOKEN letters and digits.
            edge = np.zeros(1, dtype=np.int8)
            edges = np.flatnonzero(np.diff(np.concatenate((edge, word.view(np.int8), edge))))
            run_starts, run_ends = edges[::2], edges[1::2]
            long_runs = run_starts[(run_ends - run_starts) >= LONG_TOKEN]
            if len(long_runs):
                docs = np.unique(batch.doc_of[long_runs])
                for r in self._long_rules:
                    candidates[r] = np.union1d(candidates[r], docs).astype(np.int64).tolist()
        return candidates

    @staticmethod
    def _suffix(text: str, end: int) -> bool:
        for suffix in _SUFFIXES:
            stop = end + len(suffix)
            if text.startswith(suffix, end) and (stop >= len(text) or not _word(text[stop])):
                return True
        return False


class _Outcome:
    """The evidence and scores of one screened batch, from which its results fill in their
    fields on demand."""

    def __init__(
        self,
        screener: Screener,
        originals: Sequence[str],
        rewritten: Mapping[int, Normalised],  # texts whose positions may have moved
        units: Units,
        evidence: Evidence,
        verdict: _Verdict,
        decisions: list[int],
    ) -> None:
        self.screener = screener
        self.originals = originals
        self.rewritten = rewritten
        self.units = units
        self.evidence = evidence
        self.verdict = verdict
        self.decisions = decisions
        self._sorted_hits: tuple[list[int], list[int], list[int], list[int], list[int]] | None = (
            None
        )

    def _score(self, i: int) -> float:
        return round(min(max(float(self.verdict.doc_score[i]), 0.0), 1.0), 4)

    def _deciding_units(self, i: int) -> list[int]:
        """The units of text ``i`` that reach its decision."""
        first, stop = int(self.units.first[i]), int(self.units.first[i + 1])
        decided = self.verdict.unit_decision[first:stop].tolist()
        return [first + k for k, d in enumerate(decided) if d == self.decisions[i]]

    def _ranked(self, i: int) -> list[tuple[str, float]]:
        """Categories with located evidence in the deciding units, strongest first."""
        if self.decisions[i] == 0:
            return []
        chosen = self._deciding_units(i)
        evidence = self.evidence.categories[chosen].max(axis=0).tolist()
        model = self.verdict.per_category[chosen].max(axis=0).tolist()
        top = max(evidence)
        if top <= 0:
            return []
        ranked = sorted(range(N_CAT), key=lambda c: (evidence[c], model[c]), reverse=True)
        return [
            (CATEGORIES[c], evidence[c])
            for c in ranked
            if evidence[c] > 0 and (evidence[c] >= top / 2 or model[c] >= 0.3)
        ]

    def _categories(self, i: int) -> tuple[str, ...]:
        return tuple(c for c, _ in self._ranked(i))

    def _category_scores(self, i: int) -> dict[str, float]:
        first, stop = int(self.units.first[i]), int(self.units.first[i + 1])
        row = self.verdict.per_category[first:stop].max(axis=0).tolist()
        return dict(zip(CATEGORIES, row, strict=True))

    def _context(self, i: int) -> tuple[str, ...]:
        row = self.evidence.context[int(self.units.first[i])].tolist()
        return tuple(k for k, v in zip(CONTEXT_KINDS, row, strict=True) if v > 0)

    def _original_span(self, i: int, start: int, end: int) -> tuple[int, int]:
        n = self.rewritten.get(i)
        if n is None or start >= end:
            return start, end
        return n.span(start, end)

    def _hits(self, i: int) -> tuple[Hit, ...]:
        """The category hits of text ``i``, in the original text's positions, in reading order."""
        return tuple(hit for hit, _ in self._located(i))

    def _located(self, i: int) -> list[tuple[Hit, int]]:
        """The category hits of text ``i`` with the unit each lies in."""
        if self._sorted_hits is None:
            evidence = self.evidence
            keep = self.screener._source_kind[evidence.source] < N_CAT
            doc, source = evidence.doc[keep], evidence.source[keep]
            start, end, unit = evidence.start[keep], evidence.end[keep], evidence.unit[keep]
            order = np.lexsort((source, -end, start, doc))
            per_text = np.searchsorted(doc[order], np.arange(len(self.originals) + 1))
            self._sorted_hits = (
                per_text.tolist(),
                source[order].tolist(),
                start[order].tolist(),
                end[order].tolist(),
                unit[order].tolist(),
            )
        bounds, sources, starts, ends, units = self._sorted_hits
        first, stop = bounds[i], bounds[i + 1]
        if first == stop:
            return []
        rules, categories = self.screener._hit_labels
        n = self.rewritten.get(i)
        original = self.originals[i]
        to_start, to_end = (n.starts, n.ends) if n is not None else (None, None)
        found = []
        for k in range(first, stop):
            src, s, e = sources[k], starts[k], ends[k]
            if to_start is not None and to_end is not None:
                s, e = to_start[s], to_end[e - 1]
            found.append((Hit(rules[src], categories[src], s, e, original[s:e]), units[k]))
        return found

    def _reason(self, i: int) -> dict[str, Any]:
        """Why text ``i`` got its decision: which evidence, which context, which threshold."""
        screener, verdict = self.screener, self.verdict
        t = screener.thresholds
        unit = int(verdict.deciding[i])
        decision = self.decisions[i]
        score = float(verdict.score[unit])
        gray = float(verdict.gray[unit])
        offset = int(self.units.start[unit]) - int(self.units.batch_start[i])
        length = int(self.units.end[unit]) - int(self.units.start[unit])
        u_start, u_end = self._original_span(i, offset, offset + length)
        evidence = [
            {"rule": h.rule, "category": h.category, "matched": h.matched}
            for h, u in self._located(i)
            if u == unit
        ]
        context = self._context(i)
        act = _speech_act(self.evidence.context[unit])
        discount = float(verdict.discount[unit])
        if decision == 2:
            if bool(verdict.corroborated[unit]):
                code, name, value = "block.corroborated", "corroborated", t.corroborated
            else:
                code, name, value = "block.evidence", "block", t.block
        elif decision == 1:
            if score >= t.block and not evidence:
                code, name, value = "review.no_evidence", "unsupported", t.unsupported
            elif score >= t.review:
                code, name, value = "review.score", "review", t.review
            else:
                code, name, value, score = "review.gray", "gray", t.gray, gray
        elif evidence and discount < 1.0:
            code, name, value = "pass.context", "review", t.review
        elif evidence:
            code, name, value = "pass.score", "review", t.review
        else:
            code, name, value = "pass.no_evidence", "review", t.review
        found_zh = "、".join(f"{e['matched']}（{e['category']}）" for e in evidence[:5]) or "无"
        found_en = ", ".join(f"{e['matched']!r} ({e['category']})" for e in evidence[:5]) or "none"
        frame_zh = "、".join(_KIND_ZH[k] for k in context) or "无"
        frame_en = ", ".join(context) or "none"
        zh, en = _REASON_TEXT[code]
        cmp = "≥" if score >= value else "<"
        return {
            "code": code,
            "threshold": {"name": name, "value": value, "score": round(score, 4)},
            "sentence": {"start": u_start, "end": u_end},
            "evidence": evidence,
            "context": list(context),
            "speech_act": act,
            "zh": f"{zh}：得分 {score:.2f} {cmp} {name} 阈值 {value:.2f}；"
            f"证据：{found_zh}；语境：{frame_zh}；言语行为：{_ACT_ZH[act]}",
            "en": f"{en}: score {score:.2f} {cmp} {name} threshold {value:.2f}; "
            f"evidence: {found_en}; context: {frame_en}; speech act: {act}",
        }


def _speech_act(context: FloatArray) -> str:
    """What the text does: promote, report, warn, deny, ask, or just state."""
    row = dict(zip(CONTEXT_KINDS, context.tolist(), strict=True))
    frames = {k: row[k] for k in ("report", "warning", "negation", "question")}
    strongest = max(frames, key=frames.__getitem__)
    if row["promotion"] > 0 and row["promotion"] >= frames[strongest]:
        return "promotion"
    if frames[strongest] > 0:
        return strongest
    return "statement"


_REASON_TEXT = {
    "block.evidence": (
        "拦截：分类器得分达到拦截阈值，且该句有违规证据",
        "blocked: the classifier's score reaches the block threshold and the sentence holds evidence",
    ),
    "block.corroborated": (
        "拦截：规则证据强且分类器佐证",
        "blocked: strong rule evidence corroborated by the classifier",
    ),
    "review.no_evidence": (
        "复核：得分高但未定位到违规证据，不直接拦截",
        "held for review: a high score but no located evidence, so not blocked",
    ),
    "review.score": (
        "复核：得分达到复核阈值",
        "held for review: the score reaches the review threshold",
    ),
    "review.gray": (
        "复核：疑似灰色内容（询问或行情）",
        "held for review: gray text (a question or market talk)",
    ),
    "pass.context": (
        "通过：证据出现在警示、报道或否定语境中",
        "passed: the evidence appears in a warning, report or denial",
    ),
    "pass.score": ("通过：证据不足", "passed: the evidence is too weak"),
    "pass.no_evidence": ("通过：无违规证据", "passed: no evidence"),
}
_KIND_ZH = {
    "warning": "警示",
    "report": "报道",
    "negation": "否定",
    "tech": "技术",
    "question": "询问",
    "market": "行情",
    "promotion": "推广",
}
_ACT_ZH = {
    "promotion": "推广",
    "report": "报道",
    "warning": "警示",
    "negation": "否认",
    "question": "询问",
    "statement": "陈述",
}


_DECISIONS = (Decision.PASS, Decision.REVIEW, Decision.BLOCK)
_NO_CODES = np.zeros(0, dtype=np.uint32)
_NO_INDEX = np.zeros(0, dtype=np.int64)
_ONE_START = np.ones(1, dtype=np.int64)
_LONG_RUN = re.compile(f"[0-9A-Za-z]{{{LONG_TOKEN}}}")
_TERMINATORS = "!?;\n\r。！？；…"
# A run of spaces and sentence ends ("." only before a space, another end or the end).
_STICKY_RUN = re.compile(f"(?:[ \t{_TERMINATORS}]|\\.(?=[ \t\x01{_TERMINATORS}]|\\Z))+")
# A letter, a digit or a character of a script: what ``_UNIT_CLASS`` marks as content.
_CONTENT = re.compile("[0-9A-Za-z\u0080-\u1fff\u2070-\u2fff\u3040-\U0010ffff]")


def _cut_units(joined: str) -> tuple[list[int], list[int], list[bool]]:
    """``Units.of`` for one text after its mark: where each unit begins and ends in ``joined``
    and whether it holds content."""
    size = len(joined)
    cuts = [1]
    for m in _STICKY_RUN.finditer(joined, 1):
        e = m.end()
        # A unit begins after a run holding a sentence end, unless the text ends there.
        if 1 < e < size and m.group().strip(" \t"):
            cuts.append(e)
    stops = [*cuts[1:], size]
    if any(b - a > UNIT_MAX for a, b in zip(cuts, stops, strict=True)):
        windows = []
        for a, b in zip(cuts, stops, strict=True):
            windows.append(a)
            length = b - a
            if length > UNIT_MAX:
                pieces = -(-length // UNIT_MAX)
                windows += [a + (k * length) // pieces for k in range(1, pieces)]
        cuts = sorted(set(windows))
        stops = [*cuts[1:], size]
    content = [_CONTENT.search(joined, a, b) is not None for a, b in zip(cuts, stops, strict=True)]
    return cuts, stops, content


_DISCOUNT = np.array([_CONTEXT_DISCOUNT[k] for k in CONTEXT_KINDS], dtype=np.float32)
_FRAME_DISCOUNT = np.array(
    [0.0 if k in ("question", "market") else _CONTEXT_DISCOUNT[k] for k in CONTEXT_KINDS],
    dtype=np.float32,
)
_PROMOTION = CONTEXT_KINDS.index("promotion")
_UNQUOTED = EXTRAS.index("evidence:unquoted")
_GRAY_KINDS = [CONTEXT_KINDS.index("question"), CONTEXT_KINDS.index("market")]


@functools.cache
def _default() -> Screener:
    return Screener.load()
