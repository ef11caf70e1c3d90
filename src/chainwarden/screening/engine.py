"""The screener: normalise → match lexicon and pattern rules → weigh context → classify → decide."""

from __future__ import annotations

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
    ) -> None:
        for name, value in (
            ("decision", decision),
            ("id", id),
            ("_score", score),
            ("_categories", categories),
            ("_hits", hits),
            ("_category_scores", {} if category_scores is None else category_scores),
            ("_context", context),
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

    def _fields(self) -> tuple[Any, ...]:
        return (
            self.decision,
            self.score,
            self.categories,
            self.hits,
            self.id,
            self.category_scores,
            self.context,
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
        names = ("decision", "score", "categories", "hits", "id", "category_scores", "context")
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
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {} if self.id is None else {"id": self.id}
        out["decision"] = self.decision.value
        out["score"] = self.score
        out["categories"] = list(self.categories)
        out["hits"] = [h.to_dict() for h in self.hits]
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

    def __post_init__(self) -> None:
        for name in ("block", "review", "gray", "corroborated", "evidence"):
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
    categories: FloatArray  # (texts, 6): noisy-OR of the rule weights per category
    context: FloatArray  # (texts, 6): strongest cue per context kind
    extras: FloatArray  # (texts, len(EXTRAS)): what the classifier sees


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
        return self.screen_many([text])[0]

    def screen_many(self, texts: Sequence[str]) -> list[ScreeningResult]:
        """Screen a batch; much faster per text than one by one."""
        if not texts:
            return []
        normalised, rewritten = self.normaliser.normalise_texts(texts)
        batch = Batch.of(normalised)
        evidence = self.evidence(batch)
        t = self.thresholds
        if self.model is not None:
            probs = self.model.probabilities(batch, evidence.extras)
            per_category = probs[:, self._prohibited]
            if self._block is not None and self._review is not None:
                score = probs[:, self._block]
                gray = probs[:, self._review]
            else:
                score = per_category.sum(axis=1)
                gray = probs[:, self._gray]
            flagged = (score >= t.review) | (gray >= t.gray)
            # Only frames that change what words mean (warnings, reports, denials, technology)
            # discount here; market talk and questions make a text gray, not innocent.
            discount = np.prod(1.0 - evidence.context * _FRAME_DISCOUNT, axis=1)
            rules = evidence.extras[:, EXTRAS.index("evidence:unquoted")] * discount
            corroborated = (score >= t.corroborated) & (rules >= t.evidence)
            score = np.where(corroborated, np.maximum(score, t.block), score)
        else:
            discount = np.prod(1.0 - evidence.context * _DISCOUNT, axis=1)
            per_category = evidence.categories * discount[:, None]
            score = per_category.max(axis=1)
            gray = evidence.context[:, _GRAY_KINDS].max(axis=1)
            flagged = (score >= t.review) | (
                (gray >= t.gray) & (evidence.categories.max(axis=1) > 0)
            )
        decision = np.where(score >= t.block, 2, np.where(flagged, 1, 0))
        decisions = decision.tolist()
        outcome = _Outcome(self, texts, rewritten, evidence, decisions, score, per_category)
        pending = ScreeningResult._pending
        return [pending(outcome, i, _DECISIONS[d]) for i, d in enumerate(decisions)]

    def evidence(self, batch: Batch) -> Evidence:
        """Lexicon, context and pattern hits of every text of a batch, and the model's features."""
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
        size = batch.size
        if docs:
            doc = np.concatenate(docs)
            source = np.concatenate(sources)
            start = np.concatenate(starts)
            end = np.concatenate(ends)
        else:
            doc = source = start = end = np.zeros(0, dtype=np.int64)
        offsets = batch.starts[doc]
        start = start - offsets
        end = end - offsets
        # Each rule counts once per text, however often it matched.
        key = np.unique(doc * len(self.sources) + source)
        u_doc, u_source = np.divmod(key, len(self.sources))
        u_kind = self._source_kind[u_source]
        is_cat = u_kind < N_CAT
        logmiss = np.bincount(
            u_doc[is_cat] * N_CAT + u_kind[is_cat],
            weights=self._source_logmiss[u_source[is_cat]],
            minlength=size * N_CAT,
        )
        categories = (1.0 - np.exp(logmiss)).reshape(size, N_CAT).astype(np.float32)
        strongest = np.zeros(size * N_CTX, dtype=np.float32)
        np.maximum.at(
            strongest,
            u_doc[~is_cat] * N_CTX + (u_kind[~is_cat] - N_CAT),
            self._source_weight[u_source[~is_cat]],
        )
        context = strongest.reshape(size, N_CTX)
        extras = np.zeros((size, len(EXTRAS)), dtype=np.float32)
        top = categories.max(axis=1)
        extras[:, :N_CAT] = categories
        extras[:, N_CAT : N_CAT + N_CTX] = context
        extras[:, N_CAT + N_CTX : N_CAT + 2 * N_CTX] = top[:, None] * context
        extras[:, -4] = top
        extras[:, -3] = (categories >= 0.5).sum(axis=1)
        extras[:, -2:] = self._quoted(batch, doc, source, start, offsets)
        return Evidence(doc, source, start, end, categories, context, extras)

    def _quoted(
        self, batch: Batch, doc: IntArray, source: IntArray, start: IntArray, offsets: IntArray
    ) -> FloatArray:
        """Per text, the noisy-OR of the category hits inside quotation marks, and outside."""
        out = np.zeros((batch.size, 2), dtype=np.float32)
        is_cat = self._source_kind[source] < N_CAT
        if not is_cat.any():
            return out
        # The quotations do not overlap: a hit is inside the last one that begins at or before it,
        # if that one has not ended yet.
        spans = [m.span() for m in _QUOTED.finditer(batch.joined)]
        at = (start + offsets)[is_cat]
        if spans:
            quote_start, quote_end = np.array(spans, dtype=np.int64).T
            last = np.searchsorted(quote_start, at, side="right") - 1
            inside = (last >= 0) & (at < quote_end[np.maximum(last, 0)])
        else:
            inside = np.zeros(len(at), dtype=bool)
        key = np.unique(doc[is_cat] * 2 * len(self.sources) + source[is_cat] * 2 + (~inside))
        u_doc, rest = np.divmod(key, 2 * len(self.sources))
        u_source, outside = np.divmod(rest, 2)
        logmiss = np.bincount(
            u_doc * 2 + outside, weights=self._source_logmiss[u_source], minlength=batch.size * 2
        )
        out[:] = (1.0 - np.exp(logmiss)).reshape(batch.size, 2)
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
        evidence: Evidence,
        decisions: list[int],
        score: FloatArray,
        per_category: FloatArray,
    ) -> None:
        self.screener = screener
        self.originals = originals
        self.rewritten = rewritten
        self.evidence = evidence
        self.decisions = decisions
        self.scores: list[float] = score.tolist()
        self.per_category = per_category
        self._sorted_hits: tuple[list[int], list[int], list[int], list[int]] | None = None
        self._per_category_rows: list[list[float]] | None = None

    def _score(self, i: int) -> float:
        return round(min(max(self.scores[i], 0.0), 1.0), 4)

    def _categories(self, i: int) -> tuple[str, ...]:
        if self.decisions[i] == 0:  # pass
            return ()
        row = self._rows()[i]
        top = max(row)
        if top < 0.1:
            return ()
        cut = max(0.1, top / 2)
        # Strongest first; a stable sort keeps ties in the order of CATEGORIES.
        ranked = sorted(range(N_CAT), key=row.__getitem__, reverse=True)
        return tuple(CATEGORIES[c] for c in ranked if row[c] >= cut)

    def _rows(self) -> list[list[float]]:
        if self._per_category_rows is None:
            self._per_category_rows = self.per_category.tolist()
        return self._per_category_rows

    def _category_scores(self, i: int) -> dict[str, float]:
        return dict(zip(CATEGORIES, self._rows()[i], strict=True))

    def _context(self, i: int) -> tuple[str, ...]:
        row = self.evidence.context[i].tolist()
        return tuple(k for k, v in zip(CONTEXT_KINDS, row, strict=True) if v > 0)

    def _hits(self, i: int) -> tuple[Hit, ...]:
        """The category hits of text ``i``, in the original text's positions, in reading order."""
        if self._sorted_hits is None:
            evidence = self.evidence
            keep = self.screener._source_kind[evidence.source] < N_CAT
            doc, source = evidence.doc[keep], evidence.source[keep]
            start, end = evidence.start[keep], evidence.end[keep]
            order = np.lexsort((source, -end, start, doc))
            per_text = np.searchsorted(doc[order], np.arange(len(self.originals) + 1))
            self._sorted_hits = (
                per_text.tolist(),
                source[order].tolist(),
                start[order].tolist(),
                end[order].tolist(),
            )
        bounds, sources, starts, ends = self._sorted_hits
        first, stop = bounds[i], bounds[i + 1]
        if first == stop:
            return ()
        rules, categories = self.screener._hit_labels
        n = self.rewritten.get(i)
        original = self.originals[i]
        to_start, to_end = (n.starts, n.ends) if n is not None else (None, None)
        found = []
        for src, s, e in zip(
            sources[first:stop], starts[first:stop], ends[first:stop], strict=True
        ):
            if to_start is not None and to_end is not None:
                s, e = to_start[s], to_end[e - 1]
            found.append(Hit(rules[src], categories[src], s, e, original[s:e]))
        return tuple(found)


_DECISIONS = (Decision.PASS, Decision.REVIEW, Decision.BLOCK)
_DISCOUNT = np.array([_CONTEXT_DISCOUNT[k] for k in CONTEXT_KINDS], dtype=np.float32)
_FRAME_DISCOUNT = np.array(
    [0.0 if k in ("question", "market") else _CONTEXT_DISCOUNT[k] for k in CONTEXT_KINDS],
    dtype=np.float32,
)
_GRAY_KINDS = [CONTEXT_KINDS.index("question"), CONTEXT_KINDS.index("market")]


@functools.cache
def _default() -> Screener:
    return Screener.load()
