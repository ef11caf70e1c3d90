"""Over every corpus text at hand (training corpus, development set, held-out set): no text is
blocked without a located hit in each category the result names, and every hit and the deciding
sentence point into the original text."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainwarden.screening import Decision, Screener
from chainwarden.screening.evaluate import read_samples
from chainwarden.screening.train import CORPUS

ROOT = Path(__file__).resolve().parents[2]
SETS = {
    "train": CORPUS,
    "dev": ROOT.parent / "shared" / "data" / "screening" / "dev.jsonl",
    "holdout": Path(__file__).parent / "realworld" / "holdout.jsonl",
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_no_block_without_located_evidence(name: str) -> None:
    path = SETS[name]
    if not path.is_file():
        pytest.skip(f"{path} not present")
    texts = [s.text for s in read_samples(path)]
    results = Screener.default().screen_many(texts)
    blocked = 0
    for text, result in zip(texts, results, strict=True):
        for hit in result.hits:
            assert text[hit.start : hit.end] == hit.matched
        assert result.reason is not None
        sentence = result.reason["sentence"]
        assert 0 <= sentence["start"] <= sentence["end"] <= len(text)
        if result.decision is Decision.BLOCK:
            blocked += 1
            assert result.categories, text[:80]
            located = {h.category for h in result.hits}
            assert set(result.categories) <= located, text[:80]
            assert result.reason["evidence"], text[:80]
    assert blocked > 0
