"""Pattern rules for what single words cannot express, run on normalised text.

Each rule has a stable id (shown in every hit), the category it is evidence for, and a weight in
(0, 1] like a lexicon term. The patterns see the normalised text: lower case, half-width, simplified
Chinese, Chinese numerals that count something already turned into digits.

A regular expression over every text of a batch would cost more than everything else together, so
each rule names ``anchors``, literals of which one must occur for it to match; the engine finds the
anchors with an automaton and runs a rule only on texts that contain one of its anchors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"[0-9]+(?:\.[0-9]+)?"


@dataclass(frozen=True, slots=True)
class PatternRule:
    """``anchors``: literals of which one must occur for the pattern to match; ``long_token``:
    the pattern needs a run of at least 25 letters and digits (addresses) instead."""

    rule: str
    category: str
    weight: float
    pattern: re.Pattern[str]
    anchors: tuple[str, ...] = ()
    long_token: bool = False


def _rule(
    rule: str,
    category: str,
    weight: float,
    pattern: str,
    anchors: tuple[str, ...] = (),
    long_token: bool = False,
) -> PatternRule:
    if not anchors and not long_token:
        raise ValueError(f"{rule}: a pattern rule needs anchors or long_token")
    return PatternRule(rule, category, weight, re.compile(pattern), anchors, long_token)


def _first_words(words: tuple[str, ...], rest: str) -> str:
    """``(?:w1|w2|…)rest`` written ``w1rest|w2rest|…``: the same matches (the branches are tried
    in the same order), but a pattern whose every branch starts with a literal lets the regex
    engine skip to the places where one of those characters occurs, several times faster."""
    return "|".join(re.escape(w) + rest for w in words)


_DIGIT_X = tuple(f"{d}{sep}x" for d in "0123456789" for sep in ("", " "))
_DIGIT_TIMES = tuple(f"{d}{sep}倍" for d in "0123456789" for sep in ("", " "))
_V_LEVEL = tuple(f"v{d}" for d in "0123456789")
LONG_TOKEN = 25

RULES: tuple[PatternRule, ...] = (
    # Promised yields: 日化3% / 月化 10% / 年化收益率 36% / 每天返2% / 3% daily / 1.5% per day.
    _rule(
        "pattern:yield-period",
        "fundraising",
        0.7,
        _first_words(
            (
                *("日化", "月化", "年化", "日息", "月息", "日收益", "月收益", "日利", "日返"),
                *("每天返", "每日返", "每天收益", "每日收益", "每天", "每日", "每月"),
                *("静态收益", "稳定收益", "保底收益", "固定收益"),
            ),
            rf"[^0-9\n]{{0,6}}{_NUM}\s*%",
        ),
        ("%",),
    ),
    _rule(
        "pattern:yield-daily",
        "fundraising",
        0.7,
        rf"{_NUM}\s*%\s*(?:(?:guaranteed\s+)?(?:daily|a day|per day|every day|each day|monthly|"
        rf"a month|per month|weekly|a week|per week)\b|/\s*(?:day|month|week)\b|"
        rf"(?:的)?(?:日收益|日化|每天|每日|月收益|每月|周收益))",
        ("%",),
    ),
    _rule(
        "pattern:yield-return",
        "fundraising",
        0.6,
        _first_words(
            ("guaranteed", "fixed", "stable", "passive", "daily"),
            rf"\s+(?:returns?|income|profits?|yields?)\s+(?:of\s+)?{_NUM}\s*%",
        )
        + "|"
        + _first_words(
            ("保本", "保息", "稳赚", "稳定", "固定", "保底"), rf"[^0-9\n]{{0,8}}{_NUM}\s*%"
        ),
        ("%",),
    ),
    # Multipliers: 100倍 / 千倍币 / 100x / 1000x gem.
    _rule(
        "pattern:multiplier",
        "speculation",
        0.6,
        # The look-behind after the first digit (the same test) lets the engine skip to digits.
        r"[1-9](?<![0-9.][1-9])[0-9]{1,5}\s*倍",
        _DIGIT_TIMES,
    ),
    _rule(
        "pattern:multiplier-x",
        "speculation",
        0.6,
        r"[1-9](?<![0-9a-z.$][1-9])[0-9]{1,5}\s*x(?![a-z0-9])(?!\s*(?:\d|leverage|杠杆))",
        _DIGIT_X,
    ),
    _rule(
        "pattern:leverage",
        "trading",
        0.6,
        r"(?<![0-9a-z.])[1-9][0-9]{0,3}\s*(?:x|倍)\s*(?:leverage|杠杆)"
        r"|(?:杠杆|leverage)\s*(?:up to\s*)?[1-9][0-9]{0,3}\s*(?:x|倍)",
        ("leverage", "杠杆"),
    ),
    # Invite and referral codes and links.
    _rule(
        "pattern:invite-code",
        "pyramid",
        0.6,
        r"(?:邀请码|推荐码|注册码|邀请链接|推广码|invite code|invitation code|referral code|"
        r"ref code|promo code)\s*[:：]?\s*[a-z0-9]{4,12}(?![a-z0-9])",
        (
            "邀请码",
            "推荐码",
            "注册码",
            "邀请链接",
            "推广码",
            "invite code",
            "invitation code",
            "referral code",
            "ref code",
            "promo code",
        ),
    ),
    _rule(
        "pattern:invite-link",
        "pyramid",
        0.5,
        r"https?://\S+?[?&](?:ref|invite|inviter|invitecode|invite_code|referral|code|aff|parent)"
        r"=[a-z0-9_-]+",
        ("ref=", "invite", "referral=", "code=", "aff=", "parent="),
    ),
    # Wallet addresses (weak alone: technical documents show them too).
    _rule(
        "pattern:address-evm",
        "fraud",
        0.3,
        r"(?<![0-9a-z])0x[0-9a-f]{40}(?![0-9a-z])",
        long_token=True,
    ),
    _rule(
        "pattern:address-tron",
        "trading",
        0.3,
        r"(?<![0-9a-z])t[1-9a-hj-np-z]{33}(?![0-9a-z])",
        long_token=True,
    ),
    _rule(
        "pattern:address-btc",
        "fraud",
        0.3,
        r"(?<![0-9a-z])(?:bc1[02-9ac-hj-np-z]{25,60}|[13][1-9a-hj-np-z]{25,34})(?![0-9a-z])",
        long_token=True,
    ),
    # Recruitment levels: V1直推5人 / 伞下100人 / 3代收益 / level 2 … 10 referrals.
    _rule(
        "pattern:levels",
        "pyramid",
        0.7,
        _first_words(
            ("直推", "伞下", "团队", "下级", "下线", "推荐"),
            r"\s*(?:满)?\s*[0-9]+\s*(?:人|个|名|位)",
        )
        + r"|v(?<![a-z]v)[0-9]{1,2}\s*(?:会员|等级|级别|节点|直推|团队|可享|享)|"
        + _first_words(tuple("123456789"), r"\s*代(?:收益|奖励|分红|提成)"),
        (
            "直推",
            "伞下",
            "团队",
            "下级",
            "下线",
            "推荐",
            "代收益",
            "代奖励",
            "代分红",
            "代提成",
            *_V_LEVEL,
        ),
    ),
    _rule(
        "pattern:levels-en",
        "pyramid",
        0.6,
        r"\b(?:recruit|refer|invite|bring in)\s+[0-9]+\s+(?:people|friends|members|referrals|users)\b"
        r"|\b(?:level|tier)\s*[1-9]\b[^.\n]{0,40}\b(?:downlines?|referrals?|team)\b",
        ("recruit", "refer", "invite", "bring in", "level", "tier"),
    ),
    # Return of a multiple: 转入 0.1 eth 返还 1 eth / send 1 eth get 2 back.
    _rule(
        "pattern:send-back",
        "fraud",
        0.7,
        rf"(?:转入|转账|发送|send|deposit)\s*{_NUM}\s*[a-z]{{2,5}}[^\n]{{0,30}}"
        rf"(?:返还|返回|回馈|赠送|get|receive|back)\s*{_NUM}\s*[a-z]{{2,5}}",
        ("转入", "转账", "发送", "send", "deposit"),
    ),
)
