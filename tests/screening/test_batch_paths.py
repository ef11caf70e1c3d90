"""The batch shortcuts give what the plain definitions give: array-found triggers, n-gram rows,
results that fill themselves in when read, and nothing rebuilt per message."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import ahocorasick_rs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainwarden.screening import Decision, Hit, Screener, ScreeningResult, Thresholds
from chainwarden.screening import engine as engine_module
from chainwarden.screening.model import Batch, hashed_ngrams, ngram_scale
from chainwarden.screening.normalise import (
    _CJK_SPLIT,
    _LATIN_SPLIT,
    _SEP_RUN,
    Normaliser,
    _latin_split_at,
    _latin_split_separators,
    _split_at,
)

HERE = Path(__file__).parent
THRESHOLDS = Thresholds(block=0.5, review=0.3, gray=0.4)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abz09 .-_*丶中X\x01é")), max_size=24))
def test_array_search_for_split_letters_agrees_with_the_pattern(text: str) -> None:
    assert bool(_LATIN_SPLIT.search(text)) == bool(len(_latin_split_at(_codes(text))))
    for position in _latin_split_at(_codes(text)).tolist():
        assert _LATIN_SPLIT.match(text, position)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abz09 .-_*丶中X\x01é")), max_size=24))
def test_array_separators_are_those_the_pattern_matches_over(text: str) -> None:
    runs = [
        sep.span()
        for m in _LATIN_SPLIT.finditer(text)
        for sep in _SEP_RUN.finditer(text, m.start(), m.end())
    ]
    starts, stops = _latin_split_separators(_codes(text))
    assert list(zip(starts.tolist(), stops.tolist(), strict=True)) == runs


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab z19 .-_中文丶X\x01é·")), max_size=20))
def test_array_search_finds_every_split_word(text: str) -> None:
    matched = bool(_LATIN_SPLIT.search(text) or _CJK_SPLIT.search(text))
    found = bool(len(_split_at(_codes(text))))
    # Texts with 丶 (a separator and a Chinese character at once) are always looked at closely.
    assert found == matched or (found and "丶" in text)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("ab 中文-.\u200bjysbi百倍%")), max_size=12),
        min_size=8,
        max_size=12,
    )
)
def test_batch_normalisation_of_evasions_equals_one_by_one(texts: list[str]) -> None:
    normaliser = Normaliser([("bi", "币"), ("jys", "交易所")])
    batch = normaliser.normalise_many(texts)
    assert batch == [normaliser.normalise(t) for t in texts]
    for n in batch:  # maps read late, after the whole batch is built
        assert n.starts is None or len(n.starts) == len(n.text)


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.default()


def _reference_logits(screener: Screener, batch: Batch, extras: np.ndarray) -> np.ndarray:
    """The model's scores computed the plain way: only n-grams inside one text, counted."""
    model = screener.model
    assert model is not None
    total = np.zeros((batch.size, len(model.labels)), dtype=np.float32)
    counts = np.zeros(batch.size, dtype=np.float64)
    for order in model.orders:
        doc, bucket = hashed_ngrams(batch, order, model.buckets)
        for d, b in zip(doc.tolist(), bucket.tolist(), strict=True):
            total[d] += model.ngram_weights[b]
            counts[d] += 1
    total /= ngram_scale(counts).astype(np.float32)[:, None]
    total += (extras * np.float32(model.extra_scale)) @ model.extra_weights
    return total + model.intercept


@pytest.mark.parametrize(
    "texts",
    [
        ["保本保息", "", "", "x"],
        ["", "", "ab"],
        ["a", "", "百倍币", "", ""],
        ["稳赚不赔 日化3%", "hello world"],
    ],
)
def test_model_ignores_ngrams_that_run_into_the_next_text(
    screener: Screener, texts: list[str]
) -> None:
    assert screener.model is not None
    batch = Batch.of(texts)
    extras = screener.evidence(batch).extras
    np.testing.assert_allclose(
        screener.model.logits(batch, extras),
        _reference_logits(screener, batch, extras),
        rtol=1e-5,
        atol=1e-5,
    )


def test_results_read_late_equal_results_read_at_once(screener: Screener) -> None:
    texts = ["保-本-保-息，日化百分之三", "今天天气不错", "上ｊｙｓ出Ｕ 100倍", "pump it"] * 3
    early = [r.to_dict() for r in screener.screen_many(texts)]
    late = screener.screen_many(texts)
    screener.screen_many(["something else"] * 9)  # another batch in between
    assert [r.to_dict() for r in reversed(late)] == list(reversed(early))
    assert [r.to_dict() for r in late] == [screener.screen(t).to_dict() for t in texts]


def test_a_result_is_an_immutable_value(screener: Screener) -> None:
    result = screener.screen("保本保息，稳赚不赔")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.score = 0.0  # type: ignore[misc]
    named = result.with_id("m-1")
    assert named.id == "m-1" and result.id is None
    assert (named.decision, named.score, named.hits) == (result.decision, result.score, result.hits)
    assert result == screener.screen("保本保息，稳赚不赔")
    assert result != named
    assert "decision=" in repr(result)


def test_a_result_can_be_made_by_hand() -> None:
    hit = Hit("lexicon:x.tsv:2", "fraud", 0, 2, "骗局")
    result = ScreeningResult(Decision.BLOCK, 0.9, ("fraud",), (hit,), "id-1")
    assert result.to_dict() == {
        "id": "id-1",
        "decision": "block",
        "score": 0.9,
        "categories": ["fraud"],
        "hits": [hit.to_dict()],
    }  # a result made by hand has no reason
    assert result.reason is None
    assert result.category_scores == {} and result.context == ()


def test_screening_one_message_rebuilds_nothing(
    screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    screener.screen("warm-up")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rebuilt while screening")

    monkeypatch.setattr(ahocorasick_rs, "AhoCorasick", refuse)
    monkeypatch.setattr(engine_module.ahocorasick_rs, "AhoCorasick", refuse)
    monkeypatch.setattr(re, "compile", refuse)
    monkeypatch.setattr(engine_module, "Screener", refuse)
    assert Screener.default() is screener
    for text in ("保-本-保-息", "P.U.M.P it", "日化百分之三", "hello", "空\u200b投"):
        screener.screen(text)
        screener.screen_many([text] * 9)


def test_rules_only_screener_fills_results_too() -> None:
    rules = Screener.load(lexicon=HERE / "lexicon", model=None, thresholds=THRESHOLDS)
    texts = ["保本保息", "谨防保本保息", "hello"] * 3
    assert [r.to_dict() for r in rules.screen_many(texts)] == [
        rules.screen(t).to_dict() for t in texts
    ]


# Rules as first written (words grouped, look-behinds first); RULES spells each word out and
# starts each branch with a literal.
_NUM = r"[0-9]+(?:\.[0-9]+)?"
_GROUPED = {
    "pattern:yield-return": (
        rf"(?:(?:guaranteed|fixed|stable|passive|daily)\s+(?:returns?|income|profits?|yields?)\s+"
        rf"(?:of\s+)?{_NUM}\s*%)|(?:(?:保本|保息|稳赚|稳定|固定|保底)[^0-9\n]{{0,8}}{_NUM}\s*%)"
    ),
    "pattern:yield-period": (
        rf"(?:日化|月化|年化|日息|月息|日收益|月收益|日利|日返|每天返|每日返|每天收益|每日收益|"
        rf"每天|每日|每月|静态收益|稳定收益|保底收益|固定收益)[^0-9\n]{{0,6}}{_NUM}\s*%"
    ),
    "pattern:multiplier": r"(?<![0-9.])(?:[1-9][0-9]{1,5})\s*倍",
    "pattern:multiplier-x": (
        r"(?<![0-9a-z.$])(?:[1-9][0-9]{1,5})\s*x(?![a-z0-9])(?!\s*(?:\d|leverage|杠杆))"
    ),
    "pattern:levels": (
        r"(?:直推|伞下|团队|下级|下线|推荐)\s*(?:满)?\s*[0-9]+\s*(?:人|个|名|位)"
        r"|(?<![a-z])v[0-9]{1,2}\s*(?:会员|等级|级别|节点|直推|团队|可享|享)"
        r"|[1-9]\s*代(?:收益|奖励|分红|提成)"
    ),
}
_PIECES = st.sampled_from(
    [
        *[
            "guaranteed",
            "fixed",
            "stable",
            "passive",
            "daily",
            "returns",
            "income",
            "profit",
            "yields",
            "of",
        ],
        *[
            "保本",
            "保息",
            "稳赚",
            "稳定",
            "固定",
            "保底",
            "直推",
            "伞下",
            "团队",
            "下级",
            "下线",
            "推荐",
            "满",
            "人",
            "个",
            "代",
            "收益",
            "会员",
            "享",
        ],
        " ",
        "  ",
        "\n",
        "%",
        "5",
        "12",
        "0.5",
        "v",
        "av",
        "v3",
        "x",
        "3x",
        "100",
        ".",
        "$",
        "倍",
        "每天",
        "每天返",
        "日化",
        "收益",
        "月",
        "leverage",
        "中",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_rules_with_words_spelled_out_match_as_first_written(text: str) -> None:
    from chainwarden.screening.rules import RULES

    for rule in RULES:
        if rule.rule in _GROUPED:
            grouped = re.compile(_GROUPED[rule.rule])
            assert [m.span() for m in rule.pattern.finditer(text)] == [
                m.span() for m in grouped.finditer(text)
            ]
