"""``Screener.screen`` takes a path of its own for one text; it must give exactly what the batch
path gives the same text in any batch: decision, score, categories, hits, context and reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainwarden.screening import Screener, ScreeningResult

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


def _texts(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line]


DEVSET = Path(
    os.environ.get("CHAINWARDEN_SCREENING_DEVSET")
    or ROOT.parent / "shared" / "data" / "screening" / "dev.jsonl"
)
CORPUS = _texts(HERE / "corpus.jsonl")
DEV = _texts(DEVSET)


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.default()


def _assert_same(one: ScreeningResult, batched: ScreeningResult) -> None:
    assert one.decision == batched.decision
    assert one.score == pytest.approx(batched.score, abs=1e-9)
    assert one.hits == batched.hits
    assert one.categories == batched.categories
    assert one.context == batched.context
    assert one.reason == batched.reason
    assert one.category_scores.keys() == batched.category_scores.keys()
    for category, value in batched.category_scores.items():
        assert one.category_scores[category] == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize(
    "texts",
    [pytest.param(CORPUS, id="corpus"), pytest.param(DEV, id="devset")],
)
def test_one_text_screens_as_in_a_batch(screener: Screener, texts: list[str]) -> None:
    if not texts:
        pytest.skip("the development set is not beside the clone")
    # A big batch takes the sparse-matrix path, a small one the gathered rows: both must agree.
    for batch in (texts, texts[:3]):
        for text, batched in zip(batch, screener.screen_many(batch), strict=True):
            _assert_same(screener.screen(text), batched)


# Scheme vocabulary, frames, quotation marks, sentence ends, long tokens and evasions.
PIECES = [
    "保本保息",
    "稳赚不赔",
    "日化3%",
    "私募",
    "白名单",
    "出usdt",
    "秒到账",
    "presale",
    "guaranteed returns",
    "加微信",
    "警惕",
    "据报道",
    "不是",
    "吗？",
    "价格",
    "区块链",
    "“保本”",
    '"airdrop"',
    "。",
    "！",
    ". ",
    "...",
    "…",
    "\n",
    " ",
    "，",
    "0x" + "a1" * 20,
    "保-本-保-息",
    "P.U.M.P",
    "jys",
    "百倍",
    "Ｐｒｅｓａｌｅ",
    "a" * 230,
    "链" * 210,
]
TEXTS = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=14).map("".join)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(TEXTS, min_size=1, max_size=6))
def test_generated_texts_screen_alone_as_in_a_batch(screener: Screener, texts: list[str]) -> None:
    for text, batched in zip(texts, screener.screen_many(texts), strict=True):
        _assert_same(screener.screen(text), batched)
