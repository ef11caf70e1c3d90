"""The engine's mechanics on a small lexicon of the tests' own: hits, offsets, files, models."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from chainwarden.screening import DataFileError, Decision, Screener, ScreeningError, Thresholds
from chainwarden.screening.engine import EXTRAS
from chainwarden.screening.evaluate import read_samples
from chainwarden.screening.lexicon import packaged_lexicon
from chainwarden.screening.model import load_model
from chainwarden.screening.train import train

HERE = Path(__file__).parent
LEXICON = HERE / "lexicon"
CORPUS = HERE / "corpus.jsonl"


# The tests' own lexicon and corpus are tiny: decide at the lower thresholds they were made for.
THRESHOLDS = Thresholds(block=0.5, review=0.3, gray=0.4)


@pytest.fixture(scope="module")
def rules() -> Screener:
    return Screener.load(lexicon=LEXICON, model=None, thresholds=THRESHOLDS)


@pytest.fixture(scope="module")
def trained(rules: Screener, tmp_path_factory: pytest.TempPathFactory) -> tuple[Screener, Path]:
    model = train(read_samples(CORPUS), rules, buckets=1 << 14, min_df=1)
    path = tmp_path_factory.mktemp("model") / "model.json"
    model.save(path)
    return Screener.load(lexicon=LEXICON, model=path, thresholds=THRESHOLDS), path


def test_every_hit_points_at_what_it_matched_in_the_original(rules: Screener) -> None:
    text = "快加ｖｘ！保-本-保-息，日化百分之三，上ｊｙｓ出Ｕ"
    result = rules.screen(text)
    assert result.decision is Decision.BLOCK
    assert "fundraising" in result.categories
    matched = {h.matched for h in result.hits}
    assert {"保-本", "保-息", "日化百分之三", "ｊｙｓ", "出Ｕ"} <= matched
    for hit in result.hits:
        assert text[hit.start : hit.end] == hit.matched
        assert hit.rule.startswith(("lexicon:", "pattern:"))


def test_result_follows_the_json_contract(rules: Screener) -> None:
    data = rules.screen("保本保息").with_id("m-1").to_dict()
    assert list(data) == ["id", "decision", "score", "categories", "hits", "reason"]
    reason = data["reason"]
    assert reason["code"] == "block.evidence" and reason["zh"] and reason["en"]
    assert reason["threshold"]["name"] == "block" and reason["evidence"]
    assert reason["sentence"] == {"start": 0, "end": 4}
    assert data["decision"] == "block" and 0 <= data["score"] <= 1
    assert list(data["hits"][0]) == ["rule", "category", "start", "end", "matched"]
    assert "id" not in rules.screen("hello").to_dict()
    json.dumps(data, ensure_ascii=False)


def test_latin_terms_match_whole_words_only(rules: Screener) -> None:
    assert rules.screen("pumpkin soup with tokens").hits == ()
    assert [h.matched for h in rules.screen("PUMPS tonight").hits] == [
        "PUMP"
    ]  # the stem, with its suffix accepted


def test_a_pattern_rule_fires_when_a_shorter_anchor_of_another_rule_starts_at_its_anchor(
    rules: Screener,
) -> None:
    # 推荐 anchors the recruitment rule; 推荐码, which begins with it, anchors the invite code.
    for text in ("推荐码: abcd1234 注册就送", "邀请码 abcd1234"):
        hits = [h for h in rules.screen(text).hits if h.rule == "pattern:invite-code"]
        assert [h.matched for h in hits] == [text[: text.index("1234") + 4]]


def test_context_discounts_rule_evidence_without_a_model(rules: Screener) -> None:
    assert rules.screen("保本保息").decision is Decision.BLOCK
    assert rules.screen("谨防保本保息").decision is Decision.PASS
    assert rules.screen("never share your seed phrase").decision is Decision.PASS


def test_batch_equals_one_by_one(trained: tuple[Screener, Path]) -> None:
    screener, _ = trained
    texts = ["保本保息", "", "pump now", "今天天气不错", "x" * 500, "出U 秒到"]
    batch = [r.to_dict() for r in screener.screen_many(texts)]
    assert batch == [screener.screen(t).to_dict() for t in texts]


def test_model_round_trip_keeps_the_weights(
    trained: tuple[Screener, Path], rules: Screener
) -> None:
    screener, path = trained
    again = load_model(path, EXTRAS)
    assert screener.model is not None
    assert np.allclose(again.ngram_weights, screener.model.ngram_weights)
    assert screener.screen("领取空投请输入助记词").decision is Decision.BLOCK
    assert screener.screen("周末去公园散步").decision is Decision.PASS


def test_provider_lexicon_extends_the_packaged_one(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text(
        "term\tlang\tweight\tnote\tcategory\n蛙蛙登月\tzh\t0.9\tour own\tspeculation\n", "utf-8"
    )
    screener = Screener.load([extra], lexicon=LEXICON, model=None, thresholds=THRESHOLDS)
    result = screener.screen("一起蛙-蛙-登-月")
    assert result.decision is Decision.BLOCK
    assert result.hits[0].rule == "lexicon:mine.tsv:2"
    assert result.hits[0].matched == "蛙-蛙-登-月"


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        ("term\tlang\tweight\tnote\n保本\tzh\t1.5\tx\n", 2, "weight"),
        ("term\tlang\tweight\tnote\n# fine\n保本\tzh\tabc\tx\n", 3, "weight"),
        ("term\tlang\tweight\tnote\n保本\tfr\t0.5\tx\n", 2, "lang"),
        ("term\tlang\tweight\tnote\n保本 zh 0.5 x\n", 2, "tab-separated"),
        ("term,lang,weight,note\n", 1, "header"),
        ("term\tlang\tweight\tnote\n\tzh\t0.5\tx\n", 2, "empty term"),
        (
            "term\tlang\tweight\tnote\n保本\tzh\t0.5\t\n保息\tzh\t0.5\t\n保本\tzh\t0.9\t\n",
            4,
            "line 2",
        ),
    ],
)
def test_malformed_lexicon_names_file_and_line(
    tmp_path: Path, content: str, line: int, fragment: str
) -> None:
    folder = tmp_path / "lex"
    folder.mkdir()
    (folder / "fundraising.tsv").write_text(content, "utf-8")
    with pytest.raises(DataFileError) as caught:
        Screener.load(lexicon=folder, model=None)
    assert f"fundraising.tsv:{line}" in caught.value.en
    assert fragment in caught.value.en


def test_malformed_context_kind(tmp_path: Path) -> None:
    (tmp_path / "context.tsv").write_text(
        "cue\tlang\tkind\tweight\tnote\n谨防\tzh\tsarcasm\t0.5\t\n", "utf-8"
    )
    with pytest.raises(DataFileError, match=r"context.tsv:2.*kind"):
        Screener.load(lexicon=tmp_path, model=None)


def test_extra_lexicon_with_unknown_category(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text("term\tlang\tweight\tnote\tcategory\n好\tzh\t0.5\t\tweather\n", "utf-8")
    with pytest.raises(DataFileError, match=r"mine.tsv:2.*category"):
        Screener.load([extra], lexicon=LEXICON, model=None)


def test_malformed_model_names_file_and_line(
    trained: tuple[Screener, Path], tmp_path: Path
) -> None:
    _, path = trained
    lines = path.read_text("utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("[") and "," in line)
    broken = tmp_path / "broken.json"
    short_row = "[1, 2]," if lines[row].endswith(",") else "[1, 2]"
    broken.write_text("\n".join([*lines[:row], short_row, *lines[row + 1 :]]), "utf-8")
    with pytest.raises(DataFileError) as caught:
        Screener.load(lexicon=LEXICON, model=broken)
    assert f"broken.json:{row + 1}" in caught.value.en
    truncated = tmp_path / "truncated.json"
    truncated.write_text("\n".join(lines[: row + 3]), "utf-8")
    with pytest.raises(DataFileError, match=r"truncated\.json:.*JSON"):
        Screener.load(lexicon=LEXICON, model=truncated)
    alien = tmp_path / "alien.json"
    alien.write_text('{"weights": []}', "utf-8")
    with pytest.raises(DataFileError, match=r"alien\.json:1"):
        Screener.load(lexicon=LEXICON, model=alien)


def test_thresholds_are_checked_and_configurable(rules: Screener) -> None:
    with pytest.raises(ScreeningError):
        Thresholds(block=0.3, review=0.6)
    with pytest.raises(ScreeningError):
        Thresholds(block=1.5)
    strict = Screener.load(lexicon=LEXICON, model=None, thresholds={"block": 0.95, "review": 0.5})
    assert strict.screen("保本").decision is Decision.REVIEW
    assert rules.screen("保本").decision is Decision.BLOCK


def test_packaged_lexicon_reads() -> None:
    lexicon = packaged_lexicon()
    assert lexicon.version


def test_a_score_alone_never_blocks(trained: tuple[Screener, Path]) -> None:
    _, path = trained
    eager = Screener.load(
        lexicon=LEXICON,
        model=path,
        thresholds=Thresholds(block=0.0, review=0.0, gray=0.0, unsupported=0.0),
    )
    result = eager.screen("周末去公园散步")
    assert result.hits == ()
    assert result.decision is Decision.REVIEW
    assert result.reason is not None and result.reason["code"] == "review.no_evidence"
    assert result.categories == ()


def test_categories_follow_the_located_evidence(rules: Screener) -> None:
    result = rules.screen("保本保息，稳赚不赔")
    assert result.categories
    assert set(result.categories) <= {h.category for h in result.hits}
