"""Measure a screener on labelled JSON Lines (``id, text, lang, label, expected, obfuscation``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainwarden.screening.engine import ALLOWED_LABELS, GRAY, Screener, ScreeningResult
from chainwarden.screening.errors import DataFileError
from chainwarden.screening.lexicon import CATEGORIES

DECISIONS = ("pass", "review", "block")
EXPECTED = {
    **dict.fromkeys(CATEGORIES, "block"),
    **dict.fromkeys(ALLOWED_LABELS, "pass"),
    GRAY: "review",
}


@dataclass(frozen=True)
class Sample:
    id: str
    text: str
    label: str
    expected: str
    lang: str = ""
    obfuscation: str = "none"


def read_samples(path: Path) -> list[Sample]:
    """Read a labelled file; a malformed line fails naming the file and the line."""
    name = str(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(name, None, f"无法读取（{exc}）", f"cannot read ({exc})") from None
    samples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            label = str(data["label"])
            sample = Sample(
                id=str(data.get("id", number)),
                text=str(data["text"]),
                label=label,
                expected=str(data.get("expected") or EXPECTED[label]),
                lang=str(data.get("lang", "")),
                obfuscation=str(data.get("obfuscation") or "none"),
            )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise DataFileError(
                name, number, f"不是有效的样本（{exc}）", f"not a valid sample ({exc})"
            ) from None
        if sample.expected not in DECISIONS or sample.label not in EXPECTED:
            raise DataFileError(
                name,
                number,
                f"未知的标签 {sample.label!r} 或结论 {sample.expected!r}",
                f"unknown label {sample.label!r} or expected decision {sample.expected!r}",
            )
        samples.append(sample)
    return samples


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# Length buckets in characters of the original text: chat, post, page, long page.
LENGTH_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("<50", 0, 50),
    ("50-200", 50, 200),
    ("200-1000", 200, 1000),
    (">1000", 1000, None),
)


def length_bucket(text: str) -> str:
    n = len(text)
    for name, low, high in LENGTH_BUCKETS:
        if n >= low and (high is None or n < high):
            return name
    return LENGTH_BUCKETS[-1][0]  # pragma: no cover - the last bucket has no upper bound


@dataclass
class Rates:
    """The four headline rates of one slice of a labelled set."""

    texts: int
    prohibited: int
    allowed: int
    prohibited_passed: float  # prohibited texts passed silently
    block_recall: float  # prohibited texts blocked
    allowed_blocked: float
    allowed_flagged: float  # allowed texts held for review or blocked

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _rates(pairs: Sequence[tuple[Sample, str]]) -> Rates:
    prohibited = [d for s, d in pairs if s.expected == "block"]
    allowed = [d for s, d in pairs if s.expected == "pass"]
    return Rates(
        texts=len(pairs),
        prohibited=len(prohibited),
        allowed=len(allowed),
        prohibited_passed=_rate(prohibited.count("pass"), len(prohibited)),
        block_recall=_rate(prohibited.count("block"), len(prohibited)),
        allowed_blocked=_rate(allowed.count("block"), len(allowed)),
        allowed_flagged=_rate(len(allowed) - allowed.count("pass"), len(allowed)),
    )


@dataclass
class Report:
    total: int
    confusion: dict[str, dict[str, int]]  # expected → decision → count
    label_recall: dict[str, float]  # share of each label given its expected decision
    obfuscation_recall: dict[str, float]  # share of prohibited texts blocked, per trick
    prohibited_passed: float
    allowed_blocked: float
    allowed_flagged: float
    clean_recall: float
    obfuscated_recall: float
    block_recall: float = 0.0
    by_length: dict[str, Rates] = field(default_factory=dict)
    by_lang: dict[str, Rates] = field(default_factory=dict)
    by_label: dict[str, Rates] = field(default_factory=dict)
    blocked_without_evidence: int = 0  # blocks with no hit in a category they name
    misses: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "confusion": self.confusion,
            "label_recall": self.label_recall,
            "obfuscation_recall": self.obfuscation_recall,
            "prohibited_passed": self.prohibited_passed,
            "allowed_blocked": self.allowed_blocked,
            "allowed_flagged": self.allowed_flagged,
            "clean_recall": self.clean_recall,
            "obfuscated_recall": self.obfuscated_recall,
            "block_recall": self.block_recall,
            "by_length": {k: v.to_dict() for k, v in self.by_length.items()},
            "by_lang": {k: v.to_dict() for k, v in self.by_lang.items()},
            "by_label": {k: v.to_dict() for k, v in self.by_label.items()},
            "blocked_without_evidence": self.blocked_without_evidence,
            "misses": self.misses,
        }


def evaluate(screener: Screener, samples: Sequence[Sample], worst: int = 10) -> Report:
    results = screener.screen_many([s.text for s in samples])
    return report(samples, results, worst)


def report(
    samples: Sequence[Sample], results: Iterable[ScreeningResult], worst: int = 10
) -> Report:
    pairs = list(zip(samples, results, strict=True))
    decided = [(s, r.decision.value) for s, r in pairs]
    by_length = {
        name: _rates([p for p in decided if length_bucket(p[0].text) == name])
        for name, _, _ in LENGTH_BUCKETS
    }
    by_lang = {
        lang: _rates([p for p in decided if p[0].lang == lang])
        for lang in sorted({s.lang for s in samples})
    }
    per_label = {
        label: _rates([p for p in decided if p[0].label == label])
        for label in sorted({s.label for s in samples})
    }
    unsupported = sum(
        1
        for _, r in pairs
        if r.decision.value == "block"
        and not (r.categories and {h.category for h in r.hits} >= set(r.categories))
    )
    confusion = {e: dict.fromkeys(DECISIONS, 0) for e in DECISIONS}
    by_label: Counter[str] = Counter()
    right_label: Counter[str] = Counter()
    by_trick: Counter[str] = Counter()
    blocked_trick: Counter[str] = Counter()
    for sample, result in pairs:
        decision = result.decision.value
        confusion[sample.expected][decision] += 1
        by_label[sample.label] += 1
        right_label[sample.label] += decision == sample.expected
        if sample.expected == "block":
            by_trick[sample.obfuscation] += 1
            blocked_trick[sample.obfuscation] += decision == "block"
    prohibited = sum(confusion["block"].values())
    allowed = sum(confusion["pass"].values())
    obfuscated = sum(n for t, n in by_trick.items() if t != "none")
    misses: list[dict[str, Any]] = [
        {
            "id": s.id,
            "label": s.label,
            "expected": s.expected,
            "decision": r.decision.value,
            "score": r.score,
            "text": s.text,
        }
        for s, r in pairs
        if r.decision.value != s.expected
    ]
    # Worst first: a prohibited text passed, an allowed text blocked, then the milder errors.
    severity = {("block", "pass"): 0, ("pass", "block"): 1}
    misses.sort(
        key=lambda m: (severity.get((m["expected"], m["decision"]), 2), -abs(m["score"] - 0.5))
    )
    return Report(
        total=len(pairs),
        confusion=confusion,
        label_recall={label: _rate(right_label[label], n) for label, n in sorted(by_label.items())},
        obfuscation_recall={t: _rate(blocked_trick[t], n) for t, n in sorted(by_trick.items())},
        prohibited_passed=_rate(confusion["block"]["pass"], prohibited),
        allowed_blocked=_rate(confusion["pass"]["block"], allowed),
        allowed_flagged=_rate(confusion["pass"]["block"] + confusion["pass"]["review"], allowed),
        clean_recall=_rate(blocked_trick["none"], by_trick["none"]),
        obfuscated_recall=_rate(
            sum(v for t, v in blocked_trick.items() if t != "none"), obfuscated
        ),
        block_recall=_rate(confusion["block"]["block"], prohibited),
        by_length=by_length,
        by_lang=by_lang,
        by_label=per_label,
        blocked_without_evidence=unsupported,
        misses=misses[:worst],
    )
