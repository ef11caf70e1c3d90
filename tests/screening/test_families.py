"""The packaged screener on text written for these tests: each evasion family is still blocked,
each context family (warnings, reports, denials, technology, questions, market talk) is not."""

from __future__ import annotations

import pytest

from chainwarden.screening import Decision, Screener


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.default()


PROHIBITED = {
    "fundraising": "本平台保本保息，日化收益2%，稳赚不赔，欢迎加入",
    "trading": "专业出U，大额USDT现货秒到账，支持支付宝，欢迎私聊",
    "pyramid": "直推三人即可升级V2，团队业绩达标拿全网分红，动态收益无上限",
    "fraud": "恭喜获得空投奖励，请连接钱包并输入助记词领取，24小时内有效",
}

OBFUSCATED = {
    "fullwidth": "本平台ＵＳＤＴ理财保本保息，日化收益２％，稳赚不赔",
    "spaced": "本平台保-本-保-息，日-化-收-益2%，稳-赚-不-赔",
    "traditional": "本平臺保本保息，日化收益2%，穩賺不賠，歡迎加入",
    "pinyin": "本平台baoben baoxi，rihua收益2%，稳赚不赔",
    "zero_width": "本平台保\u200b本\u200c保\u200d息，日\u2060化收益2%，稳\ufeff赚不赔",
}


@pytest.mark.parametrize("category", sorted(PROHIBITED))
def test_plain_promotion_is_blocked(screener: Screener, category: str) -> None:
    result = screener.screen(PROHIBITED[category])
    assert result.decision is Decision.BLOCK
    assert category in result.categories


@pytest.mark.parametrize("family", sorted(OBFUSCATED))
def test_each_evasion_family_is_still_blocked(screener: Screener, family: str) -> None:
    text = OBFUSCATED[family]
    result = screener.screen(text)
    assert result.decision is Decision.BLOCK, family
    assert "fundraising" in result.categories
    assert result.hits
    for hit in result.hits:
        assert text[hit.start : hit.end] == hit.matched


CONTEXT = {
    "warning": "警方提醒：凡是承诺保本保息、高额回报的虚拟币理财都是骗局，请勿轻信，谨防上当。",
    "report": "法院经审理查明，被告人以虚拟币理财为名承诺高额回报，非法吸收公众存款，依法判处有期徒刑五年。",
    "negation": "不要相信任何自称官方客服的人，真正的客服永远不会向你索要助记词或私钥。",
    "tech": "在测试网上部署智能合约时，先用水龙头领取测试代币支付燃料费，再在区块浏览器上确认交易。",
}


@pytest.mark.parametrize("family", sorted(CONTEXT))
def test_context_families_are_not_blocked(screener: Screener, family: str) -> None:
    assert screener.screen(CONTEXT[family]).decision is Decision.PASS, family


def test_scam_dressed_as_a_reminder_is_not_passed(screener: Screener) -> None:
    # Scammers borrow the warning frame; the engine must at least hold such a text.
    result = screener.screen("官方客服提醒：您的钱包存在异常，请立即提交助记词完成验证")
    assert result.decision is not Decision.PASS
    assert "fraud" in result.categories


def test_gray_texts_are_held_for_review_not_blocked(screener: Screener) -> None:
    question = screener.screen("有人了解这个叫星链宝的平台吗？说是能赚钱，到底靠不靠谱？")
    assert question.decision is Decision.REVIEW


def test_everyday_text_passes(screener: Screener) -> None:
    for text in (
        "明天上午十点在三楼会议室开周会，请准时参加。",
        "Lunch at noon? The new noodle place opened.",
    ):
        result = screener.screen(text)
        assert result.decision is Decision.PASS
        assert result.categories == ()
