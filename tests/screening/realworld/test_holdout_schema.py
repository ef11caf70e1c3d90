"""The real-world held-out screening set is well formed (schema only; the engine is not run here)."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import ahocorasick_rs

HERE = Path(__file__).resolve().parent
HOLDOUT = HERE / "holdout.jsonl"

# stats.py is a plain script beside the set (python3 stats.py), so it is loaded by path.
_spec = importlib.util.spec_from_file_location("realworld_stats", HERE / "stats.py")
assert _spec is not None and _spec.loader is not None
stats = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stats)


def test_every_line_is_a_json_object() -> None:
    with HOLDOUT.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            assert line.strip(), f"blank line {number}"
            assert isinstance(json.loads(line), dict), f"line {number}"


def test_schema_ids_labels_and_texts_are_sound() -> None:
    assert stats.problems(stats.load(HOLDOUT)) == []


def test_ids_run_in_order_without_gaps() -> None:
    ids = [r["id"] for r in stats.load(HOLDOUT)]
    assert ids == [f"h{i:04d}" for i in range(1, len(ids) + 1)]


def test_mix_matches_what_the_set_claims_to_measure() -> None:
    rows = stats.load(HOLDOUT)
    n = len(rows)
    assert 700 <= n <= 900
    expected = Counter(r["expected"] for r in rows)
    assert 0.40 <= expected["block"] / n <= 0.50
    assert 0.40 <= expected["pass"] / n <= 0.50
    assert 0.07 <= expected["review"] / n <= 0.13
    labels = Counter(r["label"] for r in rows)
    assert all(labels[lab] >= 40 for lab, exp in stats.EXPECTED.items() if exp == "block")
    buckets = Counter(stats.bucket(r["text"]) for r in rows)
    assert all(buckets[b] >= 80 for b in ("short", "post", "article", "long"))
    zh = sum(r["lang"] == "zh" for r in rows) / n
    assert 0.52 <= zh <= 0.68


def test_obfuscation_is_spread_over_prohibited_and_some_lawful_texts() -> None:
    rows = stats.load(HOLDOUT)
    blocked = [r for r in rows if r["expected"] == "block"]
    share = sum(r["obfuscation"] != "none" for r in blocked) / len(blocked)
    assert 0.10 <= share <= 0.20
    assert {r["obfuscation"] for r in blocked} == set(stats.OBFUSCATIONS)
    assert any(r["obfuscation"] != "none" for r in rows if r["expected"] == "pass")


def test_zero_width_samples_really_contain_invisible_characters() -> None:
    invisible = set("\u200b\u200c\u200d\u2060\ufeff")
    for r in stats.load(HOLDOUT):
        if r["obfuscation"] == "zero_width":
            assert invisible & set(r["text"]), r["id"]


def test_contacts_are_invented() -> None:
    """Links point only at example.com or example.org domains."""
    for r in stats.load(HOLDOUT):
        for host in re.findall(r"https?://([^/\s]+)", r["text"]):
            assert host.endswith(("example.com", "example.org")), (r["id"], host)


def test_invisible_characters_are_written_as_escapes() -> None:
    """Editors cannot drop a zero-width character without the diff showing it."""
    raw = HOLDOUT.read_text(encoding="utf-8")
    assert not set("\u200b\u200c\u200d\u2060\ufeff") & set(raw)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_no_holdout_text_is_in_the_screening_package() -> None:
    """The set stays apart from what the engine is built from: corpus, lexicon, rules and code."""
    package = HERE.parents[2] / "src" / "chainwarden" / "screening"
    chunks: list[str] = []
    for path in sorted(package.rglob("*")):
        if not path.is_file() or path.suffix in {".pyc", ".bin", ".pkl", ".npz", ".gz"}:
            continue
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if path.suffix == ".jsonl":
            for line in raw.splitlines():
                try:
                    chunks.extend(_strings(json.loads(line)))
                except ValueError:
                    chunks.append(line)
        else:
            chunks.append(raw)
    haystack = "\n".join(" ".join(c.split()) for c in chunks)
    rows = [r for r in stats.load(HOLDOUT) if len(" ".join(r["text"].split())) >= 20]
    # One automaton pass over the package instead of one substring search per text.
    finder = ahocorasick_rs.AhoCorasick([" ".join(r["text"].split()) for r in rows])
    found = {i for i, _, _ in finder.find_matches_as_indexes(haystack, overlapping=True)}
    assert sorted(rows[i]["id"] for i in found) == []
