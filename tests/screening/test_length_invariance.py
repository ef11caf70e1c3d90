"""Benign length never raises a decision, and a prohibited sentence is found wherever it sits.

The packaged screener scores each sentence (a long one in windows) and takes the worst: so
appending, prepending or repeating lawful text cannot raise a decision, and a prohibited sentence
inside a long lawful text is still blocked, with its hits located in the long text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainwarden.screening import Decision, Screener

# Everyday sentences written for these tests: no scheme words, no warning, report or offer frame.
LAWFUL = (
    "今天下午三点在二楼会议室开项目周会。",
    "小区门口新开了一家面馆，牛肉面味道不错。",
    "周末带孩子去公园放风筝，天气很好。",
    "请大家把上周的报销单据在周五前交给财务。",
    "这道菜先把鸡蛋打散，再加入切好的番茄翻炒。",
    "地铁二号线今晚十点以后停运检修。",
    "图书馆的借书期限是三十天，可以续借一次。",
    "The library opens at nine on weekdays and at ten on Saturdays.",
    "Preheat the oven, then bake the bread for forty minutes.",
    "Our team meeting moved to Thursday afternoon in room 204.",
    "The river path is closed for repairs until the end of the month.",
    "Bring a warm jacket, the evenings are getting cold.",
    "Volunteers sorted donated blankets and water at the community hall.",
)
# A harmless sentence without any punctuation: repeated, it makes one long run-on sentence.
RUN_ON = "今天天气很好我们一起去公园散步"

PROHIBITED = (
    "本平台保本保息，日化收益2%，稳赚不赔，欢迎加入。",
    "专业出U，大额USDT现货秒到账，支持支付宝，欢迎私聊。",
    "直推三人即可升级V2，团队业绩达标拿全网分红，动态收益无上限。",
    "恭喜获得空投奖励，请连接钱包并输入助记词领取，24小时内有效。",
)

ORDER = {Decision.PASS: 0, Decision.REVIEW: 1, Decision.BLOCK: 2}


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.default()


def test_the_pools_are_what_they_claim(screener: Screener) -> None:
    for text in LAWFUL:
        result = screener.screen(text)
        assert result.decision is Decision.PASS, text
        assert result.context == (), text
    for text in PROHIBITED:
        assert screener.screen(text).decision is Decision.BLOCK, text


padding = st.lists(st.sampled_from(LAWFUL), min_size=1, max_size=40).map("".join)
anything = st.sampled_from(LAWFUL + PROHIBITED)
separators = st.sampled_from(["", "\n", " ", "\n\n"])
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(text=anything, pad=padding, sep=separators)
def test_appending_or_prepending_lawful_text_never_raises_a_decision(
    screener: Screener, text: str, pad: str, sep: str
) -> None:
    alone = ORDER[screener.screen(text).decision]
    assert ORDER[screener.screen(text + sep + pad).decision] <= alone
    assert ORDER[screener.screen(pad + sep + text).decision] <= alone


@SETTINGS
@given(text=anything, times=st.integers(min_value=2, max_value=30), sep=separators)
def test_repeating_a_text_never_raises_its_decision(
    screener: Screener, text: str, times: int, sep: str
) -> None:
    alone = ORDER[screener.screen(text).decision]
    assert ORDER[screener.screen(sep.join([text] * times)).decision] <= alone


@SETTINGS
@given(times=st.integers(min_value=1, max_value=80))
def test_a_harmless_run_on_sentence_passes_at_any_length(screener: Screener, times: int) -> None:
    result = screener.screen(RUN_ON * times)
    assert result.decision is Decision.PASS
    assert result.categories == ()


@SETTINGS
@given(text=st.sampled_from(PROHIBITED), before=padding, after=padding, sep=separators)
def test_a_prohibited_sentence_inside_long_lawful_text_is_found(
    screener: Screener, text: str, before: str, after: str, sep: str
) -> None:
    alone = screener.screen(text)
    long = before + sep + text + sep + after
    result = screener.screen(long)
    assert result.decision is Decision.BLOCK
    assert set(alone.categories) & set(result.categories)
    shift = len(before + sep)
    located = {(h.rule, h.start - shift, h.end - shift) for h in result.hits}
    assert {(h.rule, h.start, h.end) for h in alone.hits} <= located
    for hit in result.hits:
        assert long[hit.start : hit.end] == hit.matched
    sentence = result.reason["sentence"] if result.reason else None
    assert sentence is not None
    assert sentence["start"] <= shift + len(text) and sentence["end"] >= shift
