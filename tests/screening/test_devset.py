"""Regression on the shared development set: the targets of the screening issue.

The set lives beside the clone (``<repo>/../shared/data/screening/dev.jsonl``) or where
``CHAINWARDEN_SCREENING_DEVSET`` points. It is used to measure only; nothing in the lexicon, the
rules, the corpus or these tests is taken from it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chainwarden.screening import Screener
from chainwarden.screening.evaluate import evaluate, read_samples

ROOT = Path(__file__).resolve().parents[2]


def _devset() -> Path | None:
    configured = os.environ.get("CHAINWARDEN_SCREENING_DEVSET")
    path = (
        Path(configured)
        if configured
        else ROOT.parent / "shared" / "data" / "screening" / "dev.jsonl"
    )
    return path if path.is_file() else None


DEVSET = _devset()

# The targets: prohibited passed <= 3%, allowed blocked <= 2%, allowed flagged <= 6%,
# obfuscated recall within 5 points of clean recall.
PROHIBITED_PASSED = 0.03
ALLOWED_BLOCKED = 0.02
ALLOWED_FLAGGED = 0.06
OBFUSCATION_GAP = 0.05


@pytest.mark.skipif(
    DEVSET is None,
    reason="development set not found beside the clone (../shared/data/screening/dev.jsonl); "
    "set CHAINWARDEN_SCREENING_DEVSET to run the regression",
)
def test_development_set_targets() -> None:
    assert DEVSET is not None
    report = evaluate(Screener.default(), read_samples(DEVSET), worst=5)
    summary = (
        f"passed {report.prohibited_passed:.3f}, blocked {report.allowed_blocked:.3f}, "
        f"flagged {report.allowed_flagged:.3f}, clean {report.clean_recall:.3f}, "
        f"obfuscated {report.obfuscated_recall:.3f}"
    )
    assert report.total >= 100, summary
    assert report.prohibited_passed <= PROHIBITED_PASSED, summary
    assert report.allowed_blocked <= ALLOWED_BLOCKED, summary
    assert report.allowed_flagged <= ALLOWED_FLAGGED, summary
    assert report.clean_recall - report.obfuscated_recall <= OBFUSCATION_GAP, summary
