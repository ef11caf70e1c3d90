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
            "misses": self.misses,
        }


def evaluate(screener: Screener, samples: Sequence[Sample], worst: int = 10) -> Report:
    results = screener.screen_many([s.text for s in samples])
    return report(samples, results, worst)


def report(
    samples: Sequence[Sample], results: Iterable[ScreeningResult], worst: int = 10
) -> Report:
    pairs = list(zip(samples, results, strict=True))
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
        misses=misses[:worst],
    )
