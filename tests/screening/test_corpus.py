"""The training corpus: rebuilt from its hand-written sources, it is what the model trains on."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from chainwarden.screening.corpus import build_corpus
from chainwarden.screening.corpus.build_corpus import DEFAULT_OUTPUT, build, dump_line

LABELS = (*build_corpus.PROHIBITED, *build_corpus.ALLOWED, "gray")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return build()


def test_the_committed_corpus_is_what_the_sources_build(rows: list[dict[str, str]]) -> None:
    committed = DEFAULT_OUTPUT.read_text(encoding="utf-8").splitlines()
    assert committed == [dump_line(row) for row in rows], (
        "train.jsonl is stale: run build_corpus.py"
    )


def test_every_label_in_both_languages_short_and_long(rows: list[dict[str, str]]) -> None:
    counts = Counter((row["label"], row["lang"]) for row in rows)
    long = Counter((row["label"], row["lang"]) for row in rows if len(row["text"]) > 400)
    for label in LABELS:
        for lang in ("zh", "en"):
            assert counts[(label, lang)] >= 100, (label, lang)
            assert long[(label, lang)] >= 20, (label, lang)
    assert any(len(row["text"]) > 1000 for row in rows if row["lang"] == "zh")
    assert any(len(row["text"]) > 1000 for row in rows if row["lang"] == "en")


def test_lawful_text_outweighs_each_prohibited_label(rows: list[dict[str, str]]) -> None:
    counts = Counter(row["label"] for row in rows)
    assert counts["other"] > 3 * max(counts[label] for label in build_corpus.PROHIBITED)


def test_a_share_of_prohibited_texts_is_obfuscated(rows: list[dict[str, str]]) -> None:
    prohibited = [row for row in rows if row["expected"] == "block"]
    hidden = sum(row["obfuscation"] != "none" for row in prohibited)
    assert 0.2 <= hidden / len(prohibited) <= 0.4


def test_no_duplicate_text_and_expected_follows_label(rows: list[dict[str, str]]) -> None:
    assert len({row["text"] for row in rows}) == len(rows)
    for row in rows:
        assert row["expected"] == build_corpus.EXPECTED[row["label"]]


def test_urls_are_on_example_com(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for host in re.findall(r"https?://([^/\s]+)", row["text"]):
            assert host == "example.com" or host.endswith(".example.com"), row["text"]


def test_a_malformed_source_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "realworld_zh.tsv"
    path.write_text("label\ttext\nnot-a-label\t某段文字\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("realworld_zh.tsv:2")):
        build_corpus.read_handwritten(path, "zh")


def test_paragraph_breaks_are_written_as_escapes() -> None:
    assert build_corpus.unescape("第一段\\n第二段") == "第一段\n第二段"
    line = dump_line({"text": "a\nb"})
    assert json.loads(line)["text"] == "a\nb"
